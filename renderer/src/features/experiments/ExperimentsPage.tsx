/**
 * The lesson experiments (issue #6, #17.2): image captioning, video analysis, greedy
 * layer-wise pretraining and the book's comparison on the Jena data, one tab each. Each tab's panel lives in
 * its own folder with its own store, locale namespace and engine channels.
 */
import { useTranslation } from 'react-i18next';
import { CaptioningPanel } from './captioning/CaptioningPanel';
import { PretrainPanel } from './pretrain/PretrainPanel';
import { VideoPanel } from './video/VideoPanel';
import { ComparePanel } from './compare/ComparePanel';
import './experiments.css';

import { EXPERIMENT_TABS as TABS, useExperimentTab, type ExperimentTab } from './tabs';

const setTab = (tab: ExperimentTab): void => useExperimentTab.setState({ tab });

export function ExperimentsPage() {
  const { t } = useTranslation('experiments');
  const tab = useExperimentTab((s) => s.tab);
  return (
    <section className="experiments" data-testid="experiments-page">
      <header className="experiments-head">
        <h2>{t('title')}</h2>
        <p className="muted">{t('intro')}</p>
        <div role="tablist" className="subtabs">
          {TABS.map((id) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} data-testid={`experiments-tab-${id}`} className={tab === id ? 'tab active' : 'tab'} onClick={() => setTab(id)}>
              {t(id)}
            </button>
          ))}
        </div>
      </header>
      <div role="tabpanel">
        {tab === 'captioning' && <CaptioningPanel />}
        {tab === 'video' && <VideoPanel />}
        {tab === 'pretrain' && <PretrainPanel />}
        {tab === 'compare' && <ComparePanel />}
      </div>
    </section>
  );
}
