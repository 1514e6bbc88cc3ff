import { useTranslation } from 'react-i18next';
import { formatValue } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import { useFormat } from '../../use-format';

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
  return {
    ...f,
    value,
    bytes,
    dateTime: (ms: number | null | undefined) => (ms == null || !Number.isFinite(ms) ? '–' : dtf.format(ms)),
    date: (ms: number) => df.format(ms),
  };
}
