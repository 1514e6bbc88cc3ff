/**
 * The start page is the course: "continue where you left off", the earlier projects, the
 * starter experiment (a trained GRU beside its baseline in one click), the nine lessons in
 * order with their presets and experiments and marks for each one opened, trained and
 * exported (course.ts says which lesson a run belongs to), and the compute backend in one line.
 */
import { useTranslation } from 'react-i18next';
import { langOf } from '../../../../shared/views/text';
import { formatPlain } from '../../../../shared/views/format';
import { goToLesson, setPage, useApp } from '../../store';
import { useExperimentTab, type ExperimentTab } from '../experiments/tabs';
import { LESSON_EXPERIMENTS } from './course';
import { RecentProjects } from './RecentProjects';
import { LESSONS } from '../lessons/content';
import { plainText } from '../lessons/markup';
import { StarterPanel } from './StarterPanel';
import './start.css';

export function StartPage(props: { onOpenPreset: (presetId: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const course = useApp((s) => s.course);
  const backend = useApp((s) => s.backend);
  const last = LESSONS.find((l) => l.id === course.last);
  const opened = new Set(course.opened);
  const trained = new Set(course.trained ?? []);
  const exported = new Set(course.exported ?? []);
  const openExperiment = (tab: ExperimentTab): void => {
    useExperimentTab.setState({ tab });
    setPage('experiments');
  };
  return (
    <div className="start-page">
      <div className="start-head">
        <p className="muted small start-backend" data-testid="start-backend">
          {t('backend.label')}: {backend ? t(`backend.names.${backend.active}`) : '…'}
        </p>
        {last ? (
          <section className="card start-continue" data-testid="continue">
            <h2>{t('home.continueTitle')}</h2>
            <p>{t('home.continueText', { n: formatPlain(last.number, lang), title: plainText(last.title[lang]) })}</p>
            <button type="button" className="primary" onClick={() => goToLesson(last.id)} data-testid="continue-lesson">
              {t('home.continue')}
            </button>
          </section>
        ) : (
          <section className="card start-continue" data-testid="first-visit">
            <h2>{t('home.welcomeTitle')}</h2>
            <p>{t('home.welcomeText')}</p>
          </section>
        )}
        <RecentProjects />
      </div>
      <section className="card" aria-labelledby="course-title">
        <h2 id="course-title">{t('home.courseTitle')}</h2>
        <p className="muted">
          {t('home.courseIntro', {
            opened: formatPlain(LESSONS.filter((l) => opened.has(l.id)).length, lang),
            trained: formatPlain(LESSONS.filter((l) => trained.has(l.id)).length, lang),
            total: formatPlain(LESSONS.length, lang),
          })}
        </p>
        <ol className="course-map" data-testid="course-map">
          {LESSONS.map((l) => {
            const tabs = LESSON_EXPERIMENTS[l.id] ?? [];
            return (
              <li
                key={l.id}
                className={opened.has(l.id) ? 'course-lesson opened' : 'course-lesson'}
                data-lesson={l.id}
                data-opened={String(opened.has(l.id))}
                data-trained={String(trained.has(l.id))}
                data-exported={String(exported.has(l.id))}
              >
                <span className="course-number" aria-hidden="true">
                  {formatPlain(l.number, lang)}
                </span>
                <div className="course-body">
                  <h3>
                    <button type="button" className="link course-open" onClick={() => goToLesson(l.id)}>
                      {plainText(l.title[lang])}
                    </button>
                    {opened.has(l.id) && <span className="course-mark">✓ {t('home.opened')}</span>}
                    {trained.has(l.id) && <span className="course-mark">✓ {t('home.trained')}</span>}
                    {exported.has(l.id) && <span className="course-mark">✓ {t('home.exported')}</span>}
                  </h3>
                  <p className="small">{plainText(l.summary[lang])}</p>
                  <div className="course-actions">
                    {l.presets.map((p) => (
                      <button key={p.id} type="button" onClick={() => props.onOpenPreset(p.id)} data-preset={p.id}>
                        {t('home.openPreset', { name: plainText(p.label[lang]) })}
                      </button>
                    ))}
                    {tabs.map((tab) => (
                      <button key={tab} type="button" onClick={() => openExperiment(tab)} data-experiment={tab}>
                        {t('home.openExperiment', { name: t(`experiments:${tab}`) })}
                      </button>
                    ))}
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      </section>
      <StarterPanel />
    </div>
  );
}
