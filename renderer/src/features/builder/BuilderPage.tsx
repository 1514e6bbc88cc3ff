import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PRESETS } from '../../../../shared/model';
import { useFormat } from '../../use-format';
import { clearGraph, copySelection, loadPreset, loadProject, paste, redo, removeNodes, saveNow, undo, useBuilder } from './builder-store';
import { Canvas } from './Canvas';
import { CodePanel } from './CodePanel';
import { Inspector } from './Inspector';
import { IssuesPanel } from './IssuesPanel';
import { LayerList } from './LayerList';
import { Palette } from './Palette';
import { SummaryPanel } from './SummaryPanel';
import { useBlockText } from './use-block-text';
import { ImportModelButton } from '../project/ImportModelButton';
import { importModelFiles } from '../project/project-store';
import './builder.css';

type Tab = 'summary' | 'code';

/** The model builder: palette, canvas, layer list, inspector, checks, summary and code. */
export function BuilderPage({ trainAction }: { trainAction?: React.ReactNode }) {
  const { t, i18n } = useTranslation('builderUi');
  const f = useFormat();
  const { pick } = useBlockText();
  const [tab, setTab] = useState<Tab>('summary');
  const presetId = useBuilder((s) => s.presetId);
  const report = useBuilder((s) => s.report);
  const canUndo = useBuilder((s) => s.past.length > 0);
  const canRedo = useBuilder((s) => s.future.length > 0);
  const savedAt = useBuilder((s) => s.savedAt);

  useEffect(() => {
    void loadProject();
  }, []);

  // Model files dropped anywhere on the window open like "Open trained model…" (.keras, .h5,
  // model.json + shards, a Keras 3 config.json); block drags onto the canvas carry no files.
  useEffect(() => {
    const hasFiles = (e: globalThis.DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: globalThis.DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: globalThis.DragEvent) => {
      if (!hasFiles(e)) return;
      // never let the window navigate to a dropped file
      e.preventDefault();
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) void importModelFiles(files);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, select, textarea')) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) {
      undo();
      e.preventDefault();
    } else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) {
      redo();
      e.preventDefault();
    } else if (mod && e.key.toLowerCase() === 'c') {
      copySelection();
    } else if (mod && e.key.toLowerCase() === 'v') {
      paste();
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && !mod)) {
      const sel = useBuilder.getState().selected;
      if (sel.length) {
        removeNodes(sel);
        e.preventDefault();
      }
    }
  };

  return (
    <div className="builder" onKeyDown={onKeyDown}>
      <div className="builder-toolbar" role="toolbar" aria-label={t('toolbar')}>
        <label htmlFor="preset-select">{t('preset')}</label>
        <select
          id="preset-select"
          value={presetId ?? ''}
          onChange={(e) => {
            if (e.target.value) loadPreset(e.target.value);
          }}
        >
          <option value="">{t('presetNone')}</option>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {pick(p.name)}
            </option>
          ))}
        </select>
        <button type="button" onClick={undo} disabled={!canUndo}>
          {t('undo')}
        </button>
        <button type="button" onClick={redo} disabled={!canRedo}>
          {t('redo')}
        </button>
        <button type="button" onClick={copySelection}>
          {t('copy')}
        </button>
        <button type="button" onClick={paste}>
          {t('paste')}
        </button>
        <button type="button" onClick={clearGraph}>
          {t('clear')}
        </button>
        <ImportModelButton />
        <button type="button" onClick={() => void saveNow()} data-testid="save-project">
          {t('save')}
        </button>
        <span className="muted small" aria-live="polite">
          {savedAt ? t('savedAt', { time: new Date(savedAt).toLocaleTimeString(i18n.language === 'fa' ? 'fa-IR' : 'en-US') }) : ''}
        </span>
        <span className="spacer" />
        <span className={report.errorCount ? 'badge-error' : 'badge-ok'} data-testid="error-count" data-value={report.errorCount}>
          {report.errorCount ? t('errorsCount', { count: report.errorCount, value: f.int(report.errorCount) }) : t('noErrors')}
        </span>
        {trainAction}
      </div>
      <div className="builder-main">
        <Palette />
        <ReactFlowProvider>
          <Canvas />
        </ReactFlowProvider>
        <aside className="builder-side">
          <h3>{t('layers')}</h3>
          <LayerList />
          <Inspector />
        </aside>
      </div>
      <div className="builder-bottom">
        <section className="issues-box" aria-label={t('issues')}>
          <h3>{t('issues')}</h3>
          <IssuesPanel />
        </section>
        <section className="tabs-box">
          <div role="tablist" aria-label={t('summary')}>
            <button type="button" role="tab" aria-selected={tab === 'summary'} className={tab === 'summary' ? 'tab active' : 'tab'} onClick={() => setTab('summary')}>
              {t('summary')}
            </button>
            <button type="button" role="tab" aria-selected={tab === 'code'} className={tab === 'code' ? 'tab active' : 'tab'} onClick={() => setTab('code')}>
              {t('showCode')}
            </button>
          </div>
          <div role="tabpanel">{tab === 'summary' ? <SummaryPanel /> : <CodePanel />}</div>
        </section>
      </div>
    </div>
  );
}
