import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n';
import { useFormat } from '../../use-format';

/** Numbers, sizes and dates for the Data page, in the current language (Persian digits in Persian). */
export function useDataFormat() {
  const { t, i18n } = useTranslation('dataUi');
  const f = useFormat();
  const lang = i18n.language;
  const value = (v: number | null | undefined): string => {
    if (v == null || !Number.isFinite(v)) return '–';
    const a = Math.abs(v);
    const digits = a >= 1000 ? 1 : a >= 100 ? 2 : a >= 1 ? 3 : 4;
    return formatNumber(v, lang, { maximumFractionDigits: digits });
  };
  const bytes = (n: number): string => {
    if (n < 1024) return t('units.bytes', { n: f.int(n) });
    if (n < 1024 ** 2) return t('units.kib', { n: f.num(n / 1024, 1) });
    if (n < 1024 ** 3) return t('units.mib', { n: f.num(n / 1024 ** 2, 1) });
    return t('units.gib', { n: f.num(n / 1024 ** 3, 2) });
  };
  // Gregorian dates (the files' own), with the language's digits.
  const dtf = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const df = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  return {
    ...f,
    value,
    bytes,
    dateTime: (ms: number | null | undefined) => (ms == null || !Number.isFinite(ms) ? '–' : dtf.format(ms)),
    date: (ms: number) => df.format(ms),
  };
}
