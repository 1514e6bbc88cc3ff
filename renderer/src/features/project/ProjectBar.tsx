import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../store';
import { useFormat } from '../../use-format';
import { useRuns } from '../runs/runs-store';
import { newProject, openProjectDialog, openProjectFile, recover, renameProject, saveProjectAs, useProject } from './project-store';
import './project.css';

/** The current project's name (editable), its run count, and New / Open… / Save as…. */
export function ProjectBar() {
  const { t } = useTranslation('project');
  const f = useFormat();
  const name = useProject((s) => s.name);
  const id = useProject((s) => s.id);
  const busy = useProject((s) => s.busy);
  const savedAs = useProject((s) => s.savedAs);
  const runs = useRuns((s) => s.runs.length);
  const desktop = useApp((s) => s.info?.mode === 'electron');
  const [draft, setDraft] = useState(name);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => setDraft(name), [name, id]);
  const commit = () => {
    if (draft.trim() !== name) void renameProject(draft.trim());
  };
  return (
    <div className="project-bar" role="toolbar" aria-label={t('bar.label')} data-testid="project-bar">
      <label htmlFor="project-name" className="muted small">
        {t('bar.label')}
      </label>
      <input
        id="project-name"
        className="project-name"
        data-testid="project-name"
        value={draft}
        placeholder={t('bar.untitled')}
        maxLength={200}
        dir="auto"
        aria-label={t('bar.name')}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
      <span className="muted small" data-testid="project-runs">
        {t('bar.runs', { count: runs, value: f.int(runs) })}
      </span>
      <button type="button" disabled={busy} title={t('bar.newHint')} onClick={() => void newProject()} data-testid="project-new">
        {t('bar.new')}
      </button>
      <button
        type="button"
        disabled={busy}
        title={t('bar.openHint')}
        data-testid="project-open"
        onClick={() => (desktop ? void openProjectDialog() : fileInput.current?.click())}
      >
        {t('bar.open')}
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="project-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void openProjectFile(file);
        }}
      />
      <button type="button" disabled={busy} title={t('bar.saveAsHint')} onClick={() => void saveProjectAs()} data-testid="project-save-as">
        {t('bar.saveAs')}
      </button>
      {savedAs && (
        <span className="muted small" role="status">
          {t('bar.savedAs', { file: `\u2068${savedAs}\u2069` })}
        </span>
      )}
    </div>
  );
}

/** After a crash: offer the autosaved project back. */
export function RecoveryBanner() {
  const { t, i18n } = useTranslation('project');
  const f = useFormat();
  const recovery = useProject((s) => s.recovery);
  const busy = useProject((s) => s.busy);
  if (!recovery) return null;
  const time = new Date(recovery.savedAt).toLocaleString(i18n.language === 'fa' ? 'fa-IR' : 'en-US');
  const runs = t('bar.runs', { count: recovery.runs, value: f.int(recovery.runs) });
  return (
    <div className="banner banner-warn" role="alert" data-testid="recovery-banner">
      <span>{recovery.name ? t('recovery.text', { name: recovery.name, time, runs }) : t('recovery.textUnnamed', { time, runs })}</span>
      <span className="recovery-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void recover(true)} data-testid="recovery-restore">
          {t('recovery.restore')}
        </button>
        <button type="button" disabled={busy} title={t('recovery.freshHint')} onClick={() => void recover(false)} data-testid="recovery-fresh">
          {t('recovery.fresh')}
        </button>
      </span>
    </div>
  );
}
