import { useEffect, useState } from 'react';
import { api } from './api';
import type { GateExplorerProps } from './features/lessons/GateExplorer';
import { useTranslation } from 'react-i18next';
import { BuilderPage } from './features/builder/BuilderPage';
import { DataPage } from './features/data/DataPage';
import { ExperimentsPage } from './features/experiments/ExperimentsPage';
import { useExperimentTab } from './features/experiments/tabs';
import { StartPage } from './features/home/StartPage';
import { loadPreset, loadProject, useBuilder } from './features/builder/builder-store';
import { LessonsPage } from './features/lessons/LessonsPage';
import { RunsPage } from './features/runs/RunsPage';
import { wireRuns } from './features/runs/runs-store';
import { ErrorBanner } from './features/shell/ErrorBanner';
import { ProjectBar, RecoveryBanner } from './features/project/ProjectBar';
import { initProject } from './features/project/project-store';
import { StatusBar } from './features/shell/StatusBar';
import { boot, openLesson, setLanguage, setPage, useApp, type Page } from './store';

const markLesson = (id: string): void => void openLesson(id);
/** A forecasting lesson's "run the book's comparison": the Experiments page on that tab. */
const openComparison = (): void => {
  useExperimentTab.setState({ tab: 'compare' });
  setPage('experiments');
};

const PAGES: Page[] = ['home', 'lessons', 'data', 'builder', 'runs', 'experiments'];

/** The last trained run's GRU, for the gate explorer (untrained weights when there is none). */
function useTrainedGru(active: boolean): GateExplorerProps | undefined {
  const runId = useApp((s) => (s.training.done && s.training.done.status !== 'failed' ? s.training.done.runId : null));
  const [explorer, setExplorer] = useState<GateExplorerProps | undefined>(undefined);
  useEffect(() => {
    if (!active || !runId) return;
    let live = true;
    api.invoke('runs.gru', { runId }).then(
      (g) => {
        if (live) setExplorer({ weights: { kernel: g.kernel, recurrentKernel: g.recurrentKernel, bias: g.bias, resetAfter: g.resetAfter, recurrentBias: g.recurrentBias ?? null, activation: g.activation, recurrentActivation: g.recurrentActivation }, window: g.window });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [active, runId]);
  return explorer;
}

async function openPreset(presetId: string): Promise<void> {
  await loadProject();
  loadPreset(presetId);
  setPage('builder');
}

export function App() {
  const { t } = useTranslation();
  const page = useApp((s) => s.page);
  const language = useApp((s) => s.language);
  const info = useApp((s) => s.info);
  const ready = useApp((s) => s.ready);
  const explorer = useTrainedGru(page === 'lessons');
  const lessonId = useApp((s) => s.lessonId);
  const builderOk = useBuilder((s) => s.report.ok && s.graph.nodes.length > 0);

  useEffect(() => {
    void boot();
    wireRuns();
    void initProject();
  }, []);

  return (
    <div className="shell" data-ready={ready ? 'true' : 'false'}>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          <div>
            <h1>{t('app.title')}</h1>
            <p className="muted small">{t('app.subtitle')}</p>
          </div>
        </div>
        <nav className="tabs" aria-label={t('app.title')}>
          {PAGES.map((p) => (
            <button key={p} type="button" className={page === p ? 'tab active' : 'tab'} aria-current={page === p ? 'page' : undefined} onClick={() => setPage(p)}>
              {t(`nav.${p}`)}
            </button>
          ))}
        </nav>
        <button
          type="button"
          className="lang-switch"
          data-testid="language-switch"
          title={t('language.switchToHint')}
          lang={language === 'fa' ? 'en' : 'fa'}
          onClick={() => void setLanguage(language === 'fa' ? 'en' : 'fa')}
        >
          {t('language.switchTo')}
        </button>
      </header>
      {info?.mode === 'browser' && info.browserModeReason && (
        <div className="banner banner-info" data-testid="browser-mode-banner">
          {t(`mode.browserWhy.${info.browserModeReason}`)}
        </div>
      )}
      <ErrorBanner />
      <RecoveryBanner />
      <ProjectBar />
      <main className="content">
        {page === 'home' && <StartPage onOpenPreset={(id) => void openPreset(id)} />}
        {page === 'lessons' && <LessonsPage onOpenPreset={(id) => void openPreset(id)} onOpenComparison={openComparison} explorer={explorer} lessonId={lessonId} onOpenLesson={markLesson} />}
        {page === 'builder' && (
          <BuilderPage
            trainAction={
              <button type="button" className="primary" data-testid="builder-train" disabled={!builderOk} onClick={() => setPage('runs')}>
                {t('nav.trainThis')}
              </button>
            }
          />
        )}
        {page === 'data' && <DataPage />}
        {page === 'runs' && <RunsPage />}
        {page === 'experiments' && <ExperimentsPage />}
      </main>
      <StatusBar />
    </div>
  );
}
