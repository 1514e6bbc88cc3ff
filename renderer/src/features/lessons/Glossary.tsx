import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GLOSSARY } from './glossary-data';
import { RichText } from './Tex';
import { formatPlain } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import type { GlossaryEntry } from './types';

/** Fold Persian/Arabic letter variants, ZWNJ and case so a search finds what people type. */
function fold(s: string): string {
  return s
    .toLowerCase()
    .replace(/\u200c/g, ' ')
    .replace(/ي/g, 'ی')
    .replace(/ك/g, 'ک')
    .replace(/ۀ/g, 'ه')
    .replace(/\u0654/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function filterGlossary(entries: GlossaryEntry[], query: string): GlossaryEntry[] {
  const q = fold(query);
  if (!q) return entries;
  return entries.filter((e) => [e.term.en, e.term.fa, e.definition.en, e.definition.fa].some((s) => fold(s).includes(q)));
}

/**
 * The bilingual glossary: Persian term, English term and a one-line definition in the current
 * language. `only` restricts it to some ids (a lesson's terms);
 */
export function Glossary(props: { only?: string[]; compact?: boolean }) {
  const { t, i18n } = useTranslation('lessons');
  const lang = langOf(i18n.language);
  const [query, setQuery] = useState('');
  const entries = useMemo(() => {
    const only = props.only;
    const base = only ? GLOSSARY.filter((e) => only.includes(e.id)) : GLOSSARY;
    const sorted = [...base].sort((a, b) => a.term[lang].localeCompare(b.term[lang], lang === 'fa' ? 'fa' : 'en'));
    return filterGlossary(sorted, query);
  }, [props.only, query, lang]);

  return (
    <section className={props.compact ? 'lesson-glossary lesson-glossary-compact' : 'lesson-glossary'} aria-label={t('glossary.title')}>
      {!props.compact && (
        <div className="glossary-toolbar">
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t('glossary.search')}
            aria-label={t('glossary.search')}
            dir="auto"
          />
          <span className="glossary-count">{t('glossary.count', { n: formatPlain(entries.length, lang) })}</span>
        </div>
      )}
      {entries.length === 0 ? (
        <p className="glossary-empty">{t('glossary.noResults')}</p>
      ) : (
        <table className="glossary-table">
          <thead>
            <tr>
              <th scope="col">{t('glossary.persian')}</th>
              <th scope="col">{t('glossary.english')}</th>
              <th scope="col">{t('glossary.definition')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} id={`glossary-${e.id}`}>
                <td lang="fa" dir="rtl">{e.term.fa}</td>
                <td lang="en" dir="ltr">{e.term.en}</td>
                <td lang={lang} dir={lang === 'fa' ? 'rtl' : 'ltr'}><RichText text={e.definition[lang]} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
