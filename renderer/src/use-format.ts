import { useTranslation } from 'react-i18next';
import { formatNumber } from './i18n';

/** Number formatting in the current language (Persian digits in Persian mode). */
export function useFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  return {
    num: (v: number, digits = 0) => formatNumber(v, lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }),
    int: (v: number) => formatNumber(v, lang, { maximumFractionDigits: 0 }),
  };
}
