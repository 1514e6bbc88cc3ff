import 'katex/dist/katex.min.css';
import './lessons.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LESSONS } from './content';
import { plainText } from './markup';
import { Diagram } from './diagrams';
import { GateExplorer, type GateExplorerProps } from './GateExplorer';
import { Glossary } from './Glossary';
import { Formula, RichText } from './Tex';
import type { Language } from '../../../../shared/ipc/contract';
import { formatPlain } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import type { Lesson, Section } from './types';

/** Plain text of a marked-up string, for aria labels and titles. */

const CALLOUT_KEY = { info: 'callout.info', warning: 'callout.warning', history: 'callout.history' } as const;

function SectionView(props: { section: Section; lang: Language; onOpenPreset: (presetId: string) => void; onOpenComparison?: () => void; explorer?: GateExplorerProps }) {
  const { t } = useTranslation('lessons');
  const { section: s, lang } = props;
  switch (s.kind) {
    case 'heading':
      return <h3 className="lesson-h3"><RichText text={s.text[lang]} /></h3>;
    case 'paragraph':
      return <p className="lesson-p"><RichText text={s.text[lang]} /></p>;
    case 'formula':
      return (
        <figure className="lesson-formula-figure">
          <Formula tex={s.tex} label={s.caption ? plainText(s.caption[lang]) : t('formula')} />
          {s.caption && <figcaption className="lesson-caption"><RichText text={s.caption[lang]} /></figcaption>}
        </figure>
      );
    case 'list': {
      const items = s.items.map((item, i) => <li key={i}><RichText text={item[lang]} /></li>);
      return s.ordered ? <ol className="lesson-list">{items}</ol> : <ul className="lesson-list">{items}</ul>;
    }
    case 'diagram':
      return (
        <figure className="lesson-diagram">
          <Diagram id={s.id} lang={lang} title={plainText(s.caption[lang])} />
          <figcaption className="lesson-caption"><RichText text={s.caption[lang]} /></figcaption>
        </figure>
      );
    case 'callout':
      return (
        <aside className={`lesson-callout lesson-callout-${s.tone}`} role="note">
          <strong className="lesson-callout-title">{s.title ? <RichText text={s.title[lang]} /> : t(CALLOUT_KEY[s.tone])}</strong>
          <p><RichText text={s.text[lang]} /></p>
        </aside>
      );
    case 'experiment':
      return (
        <section className="lesson-experiment" aria-label={t('experiment.heading')}>
          <h3 className="lesson-h3">{t('experiment.heading')}: <RichText text={s.title[lang]} /></h3>
          <h4>{t('experiment.steps')}</h4>
          <ol className="lesson-list">{s.steps.map((x, i) => <li key={i}><RichText text={x[lang]} /></li>)}</ol>
          <h4>{t('experiment.observe')}</h4>
          <ul className="lesson-list">{s.observe.map((x, i) => <li key={i}><RichText text={x[lang]} /></li>)}</ul>
          <button type="button" className="lesson-open" data-preset={s.presetId} onClick={() => props.onOpenPreset(s.presetId)}>
            {t('experiment.open')}
          </button>
          {s.comparison && props.onOpenComparison && (
            <button type="button" className="lesson-open" data-experiment="compare" onClick={props.onOpenComparison}>
              {t('experiment.openComparison')}
            </button>
          )}
        </section>
      );
    case 'gate-explorer':
      return (
        <figure className="lesson-explorer">
          <GateExplorer weights={props.explorer?.weights} window={props.explorer?.window} />
          <figcaption className="lesson-caption"><RichText text={s.caption[lang]} /></figcaption>
        </figure>
      );
  }
}

function LessonView(props: { lesson: Lesson; lang: Language; onOpenPreset: (presetId: string) => void; onOpenComparison?: () => void; onGo: (index: number) => void; index: number; explorer?: GateExplorerProps }) {
  const { t } = useTranslation('lessons');
  const { lesson, lang, index } = props;
  const prev = LESSONS[index - 1];
  const next = LESSONS[index + 1];
  return (
    <article className="lesson-view" aria-labelledby={`lesson-title-${lesson.id}`}>
      <header className="lesson-header">
        <div className="lesson-number">{t('lessonNumber', { n: formatPlain(lesson.number, lang) })}</div>
        <h2 id={`lesson-title-${lesson.id}`} className="lesson-title"><RichText text={lesson.title[lang]} /></h2>
        <p className="lesson-summary"><RichText text={lesson.summary[lang]} /></p>
        <div className="lesson-presets">
          {lesson.presets.map((p) => (
            <button
              key={p.id}
              type="button"
              className="lesson-open"
              data-preset={p.id}
              title={t('openPresetInBuilder', { name: plainText(p.label[lang]) })}
              onClick={() => props.onOpenPreset(p.id)}
            >
              {t('openInBuilder')}: <RichText text={p.label[lang]} />
            </button>
          ))}
        </div>
      </header>
      {lesson.sections.map((s, i) => (
        <SectionView key={i} section={s} lang={lang} onOpenPreset={props.onOpenPreset} onOpenComparison={props.onOpenComparison} explorer={props.explorer} />
      ))}
      <section className="lesson-terms">
        <h3 className="lesson-h3">{t('termsInLesson')}</h3>
        <Glossary only={lesson.terms} compact />
      </section>
      <nav className="lesson-pager">
        {prev && <button type="button" onClick={() => props.onGo(index - 1)}>{t('previous')}: {prev.title[lang]}</button>}
        {next && <button type="button" onClick={() => props.onGo(index + 1)}>{t('next')}: {next.title[lang]}</button>}
      </nav>
    </article>
  );
}

/**
 * The Lessons page: the lesson list beside the lesson view, plus the full bilingual glossary.
 * `explorer` (optional) hands lesson 1's gate explorer a real GRU's weights (for example the
 * trained model's) and an input window; without it the explorer uses a seeded untrained GRU.
 */
export function LessonsPage(props: { onOpenPreset: (presetId: string) => void; onOpenComparison?: () => void; explorer?: GateExplorerProps; lessonId?: string | null; onOpenLesson?: (id: string) => void }) {
  const { t, i18n } = useTranslation('lessons');
  const lang = langOf(i18n.language);
  // The lesson shown comes from the app (the start page opens one, "continue" finds it); each one shown is reported back.
  const [index, setLocal] = useState(() => Math.max(0, LESSONS.findIndex((l) => l.id === props.lessonId)));
  const [showGlossary, setShowGlossary] = useState(false);
  const lesson = LESSONS[index] ?? LESSONS[0]!;
  const setIndex = (i: number): void => setLocal(i);
  const { onOpenLesson } = props;
  useEffect(() => {
    onOpenLesson?.(lesson.id);
  }, [onOpenLesson, lesson.id]);

  return (
    <div className="lessons-page" dir={lang === 'fa' ? 'rtl' : 'ltr'} lang={lang}>
      <nav className="lessons-nav" aria-label={t('listLabel')}>
        <h2 className="lessons-nav-title">{t('title')}</h2>
        <p className="lessons-intro">{t('intro')}</p>
        <ol className="lessons-nav-list">
          {LESSONS.map((l, i) => (
            <li key={l.id}>
              <button
                type="button"
                className="lessons-nav-item"
                aria-current={!showGlossary && i === index ? 'page' : undefined}
                onClick={() => {
                  setIndex(i);
                  setShowGlossary(false);
                }}
              >
                <span className="lessons-nav-number">{formatPlain(l.number, lang)}</span>
                <span className="lessons-nav-text">{plainText(l.title[lang])}</span>
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="lessons-nav-item lessons-nav-glossary"
          aria-current={showGlossary ? 'page' : undefined}
          onClick={() => setShowGlossary(true)}
        >
          {t('glossary.open')}
        </button>
      </nav>
      <div className="lessons-main">
        {showGlossary ? (
          <>
            <h2 className="lesson-title">{t('glossary.title')}</h2>
            <Glossary />
            <button type="button" onClick={() => setShowGlossary(false)}>{t('glossary.close')}</button>
          </>
        ) : (
          <LessonView key={lesson.id} lesson={lesson} lang={lang} index={index} onGo={setIndex} onOpenPreset={props.onOpenPreset} onOpenComparison={props.onOpenComparison} explorer={props.explorer} />
        )}
      </div>
    </div>
  );
}
