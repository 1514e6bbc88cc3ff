import { useTranslation } from 'react-i18next';
import { getBlock, type Bilingual } from '../../../../shared/model';

/** Catalog text (bilingual data) in the current language. */
export function useBlockText() {
  const { i18n } = useTranslation();
  const lang = i18n.language === 'fa' ? 'fa' : 'en';
  const pick = (b: Bilingual | undefined): string => (b ? b[lang] : '');
  return {
    lang,
    pick,
    blockName: (id: string) => pick(getBlock(id)?.name) || id,
    blockHelp: (id: string) => pick(getBlock(id)?.help),
  };
}
