import { useTranslation } from 'react-i18next';
import { formatValue } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import { useFormat } from '../../use-format';
import { stepsAsDuration, type SamplingInterval, type TimeUnit } from '../../../../shared/time';

/** Numbers, sizes and dates for the Data page, in the current language (Persian digits in Persian). */
export function useDataFormat() {
  const { t, i18n } = useTranslation('dataUi');
  const f = useFormat();
  const lang = langOf(i18n.language);
  const value = (v: number | null | undefined): string => formatValue(v, lang);
  const bytes = (n: number): string => {
    if (n < 1024) return t('units.bytes', { n: f.int(n) });
    if (n < 1024 ** 2) return t('units.kib', { n: f.num(n / 1024, 1) });
    if (n < 1024 ** 3) return t('units.mib', { n: f.num(n / 1024 ** 2, 1) });
    return t('units.gib', { n: f.num(n / 1024 ** 3, 2) });
  };
  // Gregorian dates (the files' own), with the language's digits.
  const dtf = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const df = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  const locale = lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB';
  const yf = new Intl.DateTimeFormat(locale, { year: 'numeric', timeZone: 'UTC' });
  const ymf = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' });
  const dateTime = (ms: number | null | undefined): string => (ms == null || !Number.isFinite(ms) ? '–' : dtf.format(ms));
  /** A count of calendar units: "10 minutes", "1 month" (plural forms from the language file). */
  const span = (n: number, unit: TimeUnit): string => t(`time.${unit}`, { count: n, n: f.int(n) });
  return {
    ...f,
    value,
    bytes,
    dateTime,
    date: (ms: number) => df.format(ms),
    span,
    /** A time stamp as precise as the data's interval: a year for yearly data, year and month for monthly. */
    time: (ms: number | null | undefined, unit: TimeUnit | null): string => {
      if (ms == null || !Number.isFinite(ms)) return '–';
      if (unit === 'year') return yf.format(ms);
      if (unit === 'month' || unit === 'quarter') return ymf.format(ms);
      if (unit === 'day' || unit === 'week') return df.format(ms);
      return dateTime(ms);
    },
    /** Steps of the data's interval as a duration: 144 steps of 10 minutes = "1 day". */
    steps: (steps: number, iv: Pick<SamplingInterval, 'unit' | 'count'>): string => {
      const d = stepsAsDuration(steps, iv);
      return span(d.n, d.unit);
    },
  };
}
