import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../shared/views/format';
import { langOf } from '../../shared/views/text';

/** Number formatting in the current language (Persian digits in Persian mode): shared/views/format.ts. */
export function useFormat() {
  const { i18n } = useTranslation();
  const lang = langOf(i18n.language);
  return {
    num: (v: number, digits = 0) => formatNumber(v, lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }),
    int: (v: number) => formatNumber(v, lang, { maximumFractionDigits: 0 }),
  };
}
