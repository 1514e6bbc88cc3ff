/**
 * "Export…": a dialog to choose what to write for a run (model, Keras .h5, Keras 3 .keras, Python code, PyTorch, ONNX, history,
 * charts as SVG/PNG, the one-page report) and where. In the desktop app the folder comes from the
 * native picker (the window only ever holds an opaque grant, never a path); in browser mode the
 * files go to SeqLab's exports folder and are offered here for download.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportWhat, Res } from '../../../../shared/ipc/contract';
import { engineOnlyLayers } from '../../../../shared/model';
import type { RunRecord } from '../../../../shared/runs';
import { api, ApiError } from '../../api';
import { markCourse, useApp } from '../../store';
import { lessonOfExperiment } from '../home/course';
import { useFormat } from '../../use-format';
import './exports.css';

type Choice = 'tfjs' | 'h5' | 'keras' | 'python' | 'pytorch' | 'onnx' | 'history' | 'plotsSvg' | 'plotsPng' | 'report';
const MODEL_CHOICES: Choice[] = ['tfjs', 'h5', 'keras', 'python', 'pytorch', 'onnx'];
const CHOICES: Choice[] = ['tfjs', 'h5', 'keras', 'python', 'pytorch', 'onnx', 'history', 'plotsSvg', 'plotsPng', 'report'];
const SCALES = [1, 2, 3] as const;

interface Failure {
  code: string;
  params: Record<string, string | number>;
}

/** The address of one exported file under the download prefix (each path segment encoded). */
function fileHref(prefix: string, file: string, view = false): string {
  return `${prefix}${file.split('/').map(encodeURIComponent).join('/')}${view ? '?view=1' : ''}`;
}

function ErrorText({ error }: { error: Failure }) {
  const { t, i18n } = useTranslation('exports');
  const f = useFormat();
  if (error.code === 'E_DISK') {
    const errno = String(error.params.code ?? '');
    const key = i18n.exists(`exports:errors.disk.${errno}`) ? `errors.disk.${errno}` : 'errors.disk.other';
    return (
      <p className="error-text" role="alert" data-testid="export-error" data-code={error.code} data-errno={errno}>
        {t(key, { code: errno })} {t('errors.nothingLeft')}
      </p>
    );
  }
  const params = Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, typeof v === 'number' ? f.num(v, 0) : v]));
  return (
    <p className="error-text" role="alert" data-testid="export-error" data-code={error.code}>
      {i18n.exists(`common:errors.${error.code}`) ? t(`common:errors.${error.code}`, params) : t('common:errors.unknown', { code: error.code })}
    </p>
  );
}

export function ExportDialog({ run }: { run: RunRecord }) {
  const { t, i18n } = useTranslation('exports');
  const f = useFormat();
  const mode = useApp((s) => s.info?.mode ?? 'browser');
  // Any run that trained has a model: kept in memory or rebuilt from its saved weights (run-models.ts).
  const hasModel = run.done.status !== 'failed';
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<Record<Choice, boolean>>({ tfjs: true, h5: true, keras: false, python: true, pytorch: false, onnx: false, history: true, plotsSvg: true, plotsPng: false, report: true });
  const [scale, setScale] = useState<(typeof SCALES)[number]>(2);
  const [grant, setGrant] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Res<'runs.export'> | null>(null);
  const [error, setError] = useState<Failure | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  // Another run: start over.
  useEffect(() => {
    setResult(null);
    setError(null);
  }, [run.id]);

  // e.g. a GRU with reset_after=True: its model.json loads in SeqLab, not in stock TensorFlow.js
  const engineOnly = engineOnlyLayers(run.experiment.model);
  const usable = (c: Choice) => hasModel || !MODEL_CHOICES.includes(c);
  const what: ExportWhat = Object.fromEntries(CHOICES.filter((c) => chosen[c] && usable(c)).map((c) => [c, true]));
  if (what.plotsPng) what.pngScale = scale;
  const nothing = !CHOICES.some((c) => chosen[c] && usable(c));

  const pick = async () => {
    setError(null);
    try {
      const r = await api.invoke('export.pickFolder', {});
      if (r.grant) setGrant(r.grant);
    } catch (e) {
      setError(e instanceof ApiError ? { code: e.code, params: e.params } : { code: 'E_INTERNAL', params: {} });
    }
  };

  const start = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const lang = i18n.language === 'en' ? 'en' : 'fa';
      const destination = mode === 'electron' && grant ? { grant } : ('downloads' as const);
      setResult(await api.invoke('runs.export', { runId: run.id, what, lang, destination }));
      void markCourse('exported', lessonOfExperiment(run.experiment.name));
    } catch (e) {
      setError(e instanceof ApiError ? { code: e.code, params: e.params } : { code: 'E_INTERNAL', params: { detail: e instanceof Error ? e.message : String(e) } });
    } finally {
      setBusy(false);
    }
  };

  const label = (c: Choice) => (c === 'report' ? t(mode === 'electron' ? 'choice.reportPdf' : 'choice.reportHtml') : t(`choice.${c}`));

  return (
    <div className="export-box">
      <button type="button" data-testid="export-run" onClick={() => setOpen(true)}>
        {t('open')}
      </button>
      <dialog ref={dialog} className="export-dialog" aria-labelledby="export-title" onClose={() => setOpen(false)} data-testid="export-dialog">
        <h2 id="export-title">{t('title')}</h2>
        <fieldset disabled={busy}>
          <legend>{t('what')}</legend>
          {CHOICES.map((c) => (
            <div key={c} className="export-choice">
              <label>
                <input type="checkbox" data-testid={`export-${c}`} checked={chosen[c] && usable(c)} disabled={!usable(c)} onChange={(e) => setChosen({ ...chosen, [c]: e.target.checked })} />{' '}
                {label(c)}
              </label>
              {c === 'tfjs' && engineOnly.length > 0 && (
                <p className="muted small" data-testid="export-tfjs-engine-only">
                  {t('tfjsEngineOnly', { layers: engineOnly.join(i18n.language === 'fa' ? '، ' : ', ') })}
                </p>
              )}
              {c === 'plotsPng' && (
                <label className="export-scale">
                  {t('scale')}{' '}
                  <select data-testid="export-scale" value={scale} disabled={!chosen.plotsPng} onChange={(e) => setScale(Number(e.target.value) as (typeof SCALES)[number])}>
                    {SCALES.map((s) => (
                      <option key={s} value={s}>
                        {t('scaleOption', { value: f.int(s), width: f.int(800 * s), height: f.int(450 * s) })}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
          ))}
          {!hasModel && <p className="muted small">{t('needsModel')}</p>}
        </fieldset>
        <fieldset disabled={busy}>
          <legend>{t('where')}</legend>
          {mode === 'electron' ? (
            <div className="export-where">
              <button type="button" onClick={() => void pick()} data-testid="export-pick">
                {t('pick')}
              </button>
              <span className="muted" data-testid="export-destination">
                {grant ? t('picked') : t('downloads')}
              </span>
            </div>
          ) : (
            <p className="muted small">{t('browserNote')}</p>
          )}
        </fieldset>
        {busy && (
          <div role="status" aria-live="polite" data-testid="export-busy">
            <progress aria-label={t('busy')} />
            <span>{t('busy')}</span>
          </div>
        )}
        {nothing && <p className="warn small">{t('nothing')}</p>}
        {error && <ErrorText error={error} />}
        {result && (
          <div className="export-result-box">
            <p role="status" data-testid="export-result">
              {t('done', { count: result.files.length, value: f.int(result.files.length) })} <bdi dir="ltr">{result.folder}</bdi>
            </p>
            <ul className="export-files" aria-label={t('files')} data-testid="export-files">
              {result.files.map((file) => (
                <li key={file} dir="ltr">
                  {result.download ? (
                    <a href={fileHref(result.download, file)} download={file.split('/').pop()} aria-label={t('download', { file })}>
                      {file}
                    </a>
                  ) : (
                    <span>{file}</span>
                  )}
                </li>
              ))}
            </ul>
            {result.download && result.files.includes('report.html') && (
              <p>
                <a href={fileHref(result.download, 'report.html', true)} target="_blank" rel="noopener noreferrer" data-testid="open-report">
                  {t('openReport')}
                </a>{' '}
                <span className="muted small">{t('printHint')}</span>
              </p>
            )}
          </div>
        )}
        <div className="actions">
          <button type="button" className="primary" data-testid="export-go" disabled={busy || nothing} onClick={() => void start()}>
            {t('start')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('close')}
          </button>
        </div>
      </dialog>
    </div>
  );
}
