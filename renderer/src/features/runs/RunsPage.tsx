import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { getPreset, type BuilderGraph } from '../../../../shared/model';
import type { Experiment } from '../../../../shared/experiment';
import type { RunRecord } from '../../../../shared/runs';
import { stopTraining, useApp } from '../../store';
import { useFormat } from '../../use-format';
import { currentSpec, loadProject, setParam, useBuilder } from '../builder/builder-store';
import { getBlock } from '../../../../shared/model';
import { scheduleWindowInfo, selectDataset } from '../data/data-store';
import { useData } from '../data/data-store';
import { Chart } from './Chart';
import { batchChart, epochChart, errorHistogram, forecastChart, overlayChart } from '../../../../shared/views/charts';
import type { ChartText } from '../../../../shared/views/text';
import { deleteRun, focusRun, loadForecast, refreshRuns, startRun, toggleOverlay, useRuns, wireRuns } from './runs-store';
import { BOOK_SETTINGS, setTrainSettings, useTrainSettings } from './train-settings';
import { MemoryEstimate, ResumeRun } from './Hardening';
import { ExportDialog } from './ExportDialog';
import './runs.css';

/** Chart labels in the current language; the same object until the language changes (so chart options are not rebuilt on every render). */
function useChartText(): ChartText {
  const { t, i18n } = useTranslation('runs');
  return useMemo(() => chartText(t, i18n.language), [t, i18n.language]);
}

function chartText(t: (k: string) => string, lang: string): ChartText {
  return {
    lang,
    epoch: t('chart.epoch'),
    batch: t('chart.batch'),
    loss: t('chart.loss'),
    train: t('chart.train'),
    validation: t('chart.validation'),
    baseline: t('chart.baseline'),
    best: t('chart.best'),
    truth: t('chart.truth'),
    prediction: t('chart.prediction'),
    naive: t('chart.naive'),
    hours: t('chart.hours'),
    count: t('chart.count'),
    error: t('chart.error'),
    valLoss: t('chart.valLoss'),
  };
}

/** The experiment the Train button runs: the builder's model, the Data page's data, these settings. */
export function builderExperiment(): Experiment | null {
  const model = currentSpec();
  if (!model) return null;
  const b = useBuilder.getState();
  const d = useData.getState();
  const preset = b.presetId ? getPreset(b.presetId) : undefined;
  return {
    version: 1,
    name: (preset?.id ?? (b.graph as BuilderGraph).name ?? 'model').slice(0, 200),
    dataset: d.dataset,
    windowing: d.windowing,
    model,
    training: useTrainSettings.getState(),
  };
}

/** What the data feeds per sample, [timesteps, features], when known. */
function useDataShape(): [number, number] | null {
  const info = useData((s) => s.windowInfo);
  const description = useData((s) => s.description);
  if (description?.kind === 'task' && description.task) return [description.task.length, description.task.features];
  if (info) return [info.timesteps, info.features];
  return null;
}

/** Says when the model's sequence input does not match the data, and fixes it in one click. */
function ShapeMatch() {
  const { t } = useTranslation('runs');
  const f = useFormat();
  const shape = useDataShape();
  const graph = useBuilder((s) => s.graph);
  const input = graph.nodes.find((n) => getBlock(n.block)?.input?.series);
  if (!shape || !input) return null;
  const [T, F] = shape;
  const ok = (input.params.timesteps === null || input.params.timesteps === T) && input.params.features === F;
  if (ok) return null;
  return (
    <p className="warn" data-testid="shape-mismatch">
      {t('train.mismatch', { model: `(${input.params.timesteps ?? 'None'}, ${input.params.features})`, timesteps: f.int(T), features: f.int(F) })}{' '}
      <button
        type="button"
        onClick={() => {
          setParam(input.id, 'timesteps', T);
          setParam(input.id, 'features', F);
        }}
      >
        {t('train.match')}
      </button>
    </p>
  );
}

function SettingsForm() {
  const { t } = useTranslation('runs');
  const s = useTrainSettings();
  const num = (key: 'learningRate' | 'epochs' | 'stepsPerEpoch' | 'validationSteps' | 'seed' | 'patience', step: string) => (
    <div className="field">
      <label htmlFor={`ts-${key}`}>{t(`settings.${key}`)}</label>
      <input
        id={`ts-${key}`}
        type="number"
        dir="ltr"
        step={step}
        min={0}
        value={s[key] ?? 0}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && e.target.value !== '') setTrainSettings({ [key]: v });
        }}
      />
    </div>
  );
  return (
    <form className="settings-grid" onSubmit={(e) => e.preventDefault()} aria-label={t('settings.title')}>
      <div className="field">
        <label htmlFor="ts-optimizer">{t('settings.optimizer')}</label>
        <select id="ts-optimizer" value={s.optimizer} onChange={(e) => setTrainSettings({ optimizer: e.target.value as typeof s.optimizer })}>
          <option value="rmsprop">RMSprop</option>
          <option value="adam">Adam</option>
          <option value="sgd">SGD</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="ts-loss">{t('settings.loss')}</label>
        <select id="ts-loss" value={s.loss} onChange={(e) => setTrainSettings({ loss: e.target.value as typeof s.loss })}>
          <option value="mae">MAE</option>
          <option value="mse">MSE</option>
          <option value="binary_crossentropy">{t('settings.bce')}</option>
        </select>
      </div>
      {num('learningRate', 'any')}
      {num('epochs', '1')}
      {num('stepsPerEpoch', '1')}
      {num('validationSteps', '1')}
      {num('patience', '1')}
      {num('seed', '1')}
      <button type="button" onClick={() => setTrainSettings(BOOK_SETTINGS)}>
        {t('settings.book')}
      </button>
    </form>
  );
}

function RunResult({ run }: { run: RunRecord }) {
  const { t } = useTranslation('runs');
  const f = useFormat();
  const d = run.done;
  const unit = d.targetUnit ? ` ${d.targetUnit}` : '';
  const row = (label: string, v: number | null | undefined, phys?: number | null, testId?: string) =>
    v === null || v === undefined ? null : (
      <div>
        <dt>{label}</dt>
        <dd data-testid={testId}>
          {f.num(v, 4)}
          {phys !== null && phys !== undefined ? <span className="muted"> ({f.num(phys, 2)}{unit})</span> : null}
        </dd>
      </div>
    );
  const beats = d.bestValLoss != null && d.baselineValLoss != null ? d.bestValLoss < d.baselineValLoss : null;
  return (
    <div className="run-result" data-testid="run-result" data-status={d.status}>
      <p role="status">{t(`status.${d.status}`)}</p>
      <dl className="stats">
        {row(t('result.bestVal'), d.bestValLoss ?? d.finalValLoss, d.bestValLossPhysical, 'best-val')}
        {row(t('result.baselineVal'), d.baselineValLoss, d.baselineValLossPhysical, 'baseline-val')}
        {row(t('result.test'), d.testLoss, d.testLossPhysical, 'test-loss')}
        {row(t('result.baselineTest'), d.baselineTestLoss, d.baselineTestLossPhysical)}
        {row(t('result.valAccuracy'), d.valAccuracy, null)}
        {row(t('result.baselineValAccuracy'), d.baselineValAccuracy, null)}
        <div>
          <dt>{t('result.wall')}</dt>
          <dd>{t('seconds', { value: f.num(d.wallSeconds, 1) })}</dd>
        </div>
      </dl>
      {beats !== null && <p className={beats ? 'good' : 'warn'}>{beats ? t('result.beats') : t('result.loses')}</p>}
      {d.earlyStopped && <p className="muted">{t('result.earlyStopped', { epoch: f.int(d.bestEpoch ?? 0) })}</p>}
    </div>
  );
}

function Forecast({ run }: { run: RunRecord }) {
  const { t } = useTranslation('runs');
  const f = useFormat();
  const ct = useChartText();
  const forecast = useRuns((s) => s.forecast);
  const start = useRuns((s) => s.forecastStart);
  // Any forecasting run of the project: its model is kept or rebuilt from the record (run-models.ts).
  const canPredict = run.done.task !== 'classification' && run.done.status !== 'failed';
  useEffect(() => {
    if (canPredict) void loadForecast(run.id, 0);
  }, [run.id, canPredict]);
  const line = useMemo(() => (forecast ? forecastChart(ct, forecast, 6) : null), [forecast, ct]);
  const hist = useMemo(() => (forecast ? errorHistogram(ct, forecast) : null), [forecast, ct]);
  if (!canPredict) return <p className="muted">{t('forecast.none')}</p>;
  if (!forecast || forecast.runId !== run.id) return null;
  const maxStart = Math.max(0, forecast.available - 168 * 6);
  return (
    <div className="forecast">
      <div className="field wide">
        <label htmlFor="fc-start">{t('forecast.start')}</label>
        <input id="fc-start" type="range" min={0} max={maxStart} step={144} value={start} onChange={(e) => void loadForecast(run.id, Number(e.target.value))} />
        <span>{f.int(start)}</span>
      </div>
      {line && <Chart option={line} label={t('forecast.title')} testId="forecast-chart" height={280} />}
      {hist && <Chart option={hist} label={t('forecast.errors')} height={200} />}
    </div>
  );
}

/** The best validation loss of a run (recorded, or the lowest of its history). */
const runLabel = (r: RunRecord): string => `${r.experiment.name} · ${r.id.slice(-5)}`;

function bestVal(r: RunRecord): number | null {
  if (r.done.bestValLoss != null) return r.done.bestValLoss;
  const v = r.done.history.map((e) => e.valLoss).filter((x): x is number => x !== null);
  return v.length ? Math.min(...v) : null;
}

function diff(a: unknown, b: unknown, prefix = ''): [string, string, string][] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v).slice(0, 80));
  return [[prefix, show(a), show(b)]];
}

/** Whether the run started from an imported model's weights, or why not. */
function WeightsNote() {
  const { t } = useTranslation('project');
  const weights = useRuns((s) => s.weights);
  if (!weights) return null;
  return (
    <p className={weights === 'used' ? 'good' : 'warn'} role="status" data-testid="weights-note">
      {t(`import.${weights}`)}
    </p>
  );
}

/** The live progress line: the only text that changes with every progress event. */
function LiveProgress() {
  const { t } = useTranslation('runs');
  const f = useFormat();
  const progress = useApp((s) => s.training.progress);
  const busy = useApp((s) => s.training.status !== 'idle');
  if (!progress || !busy) return null;
  if (progress.phase === 'validating') {
    return (
      <p data-testid="live-progress">
        {t('train.validatingProgress', {
          epoch: f.int(progress.epoch),
          epochs: f.int(progress.epochs),
          batch: f.int(progress.batch),
          batches: f.int(progress.batches),
          eta: f.int(progress.etaSeconds),
        })}
      </p>
    );
  }
  return (
    <p data-testid="live-progress">
      {t('train.progress', {
        epoch: f.int(progress.epoch),
        epochs: f.int(progress.epochs),
        batch: f.int(progress.batch),
        batches: f.int(progress.batches),
        loss: f.num(progress.smoothedLoss, 4),
        speed: f.int(progress.samplesPerSecond),
        eta: f.int(progress.etaSeconds),
      })}
    </p>
  );
}

/** The smoothed loss per batch of the run in progress (redrawn at most once a frame, see Chart). */
function BatchChart() {
  const { t } = useTranslation('runs');
  const ct = useChartText();
  const curve = useRuns((s) => s.batchCurve);
  const option = useMemo(() => batchChart(ct, curve), [ct, curve]);
  return <Chart option={option} label={t('chart.batchTitle')} testId="batch-chart" live liveKey={ct} />;
}

export function RunsPage() {
  const { t } = useTranslation('runs');
  const f = useFormat();
  const ct = useChartText();
  // Selected parts only: the page does not re-render on every progress event.
  const trainingStatus = useApp((s) => s.training.status);
  const trainingEpochs = useApp((s) => s.training.epochs);
  const trainingDone = useApp((s) => s.training.done);
  const training = { status: trainingStatus, epochs: trainingEpochs, done: trainingDone };
  const report = useBuilder((s) => s.report);
  const graph = useBuilder((s) => s.graph);
  const dataset = useData((s) => s.dataset);
  const runs = useRuns((s) => s.runs);
  const overlay = useRuns((s) => s.overlay);
  const focus = useRuns((s) => s.focus);

  useEffect(() => {
    wireRuns();
    void loadProject();
    // Make sure the data's shape is known here even if the Data page was never opened.
    const d = useData.getState();
    if (!d.description) void selectDataset(d.dataset).then(() => scheduleWindowInfo(0));
    else if (!d.windowInfo) scheduleWindowInfo(0);
  }, []);

  const busy = training.status !== 'idle';
  const canTrain = !busy && report.ok && graph.nodes.length > 0;
  const focused = runs.find((r) => r.id === (focus ?? training.done?.runId)) ?? null;
  // The run in progress (or just finished); a run chosen here or opened from another page shows its recorded history.
  const live = training.status !== 'idle' || !focused || (focus === null && training.epochs.length > 0);
  const shown = live ? { history: training.epochs, done: training.done } : { history: focused.done.history, done: focused.done };
  const epochOpt = useMemo(
    () => epochChart(ct, shown.history, shown.done?.baselineValLoss ?? null, shown.done?.bestEpoch ?? null),
    [ct, shown.history, shown.done],
  );
  const overlayRuns = useMemo(() => runs.filter((r) => overlay.includes(r.id)), [runs, overlay]);
  const overlayOpt = useMemo(() => overlayChart(ct, overlayRuns, runLabel), [ct, overlayRuns]);
  const pair = overlayRuns.length === 2 ? diff(overlayRuns[0]!.experiment, overlayRuns[1]!.experiment) : null;

  return (
    <div className="runs-page">
      <section className="card wide" aria-labelledby="train-title">
        <h2 id="train-title">{t('train.title')}</h2>
        <p className="muted">{t('train.what', { dataset: dataset.kind === 'builtin' ? dataset.id : (dataset.name ?? dataset.fileId) })}</p>
        <SettingsForm />
        <ShapeMatch />
        <MemoryEstimate build={builderExperiment} />
        <div className="actions">
          <button
            type="button"
            className="primary"
            data-testid="train-model"
            disabled={!canTrain}
            onClick={() => {
              const exp = builderExperiment();
              if (exp) void startRun(exp);
            }}
          >
            {t('train.start')}
          </button>
          <button type="button" onClick={() => void stopTraining()} disabled={training.status !== 'running'}>
            {t('train.stop')}
          </button>
          {!report.ok && <span className="warn">{t('train.fixErrors', { count: report.errorCount, value: f.int(report.errorCount) })}</span>}
        </div>
        <WeightsNote />
        <LiveProgress />
        <div className="chart-row">
          <BatchChart />
          <Chart option={epochOpt} label={t('chart.epochTitle')} testId="epoch-chart" />
        </div>
      </section>

      <section className="card wide" aria-labelledby="runs-title">
        <h2 id="runs-title">{t('history.title')}</h2>
        {runs.length === 0 ? (
          <p className="muted">{t('history.empty')}</p>
        ) : (
          <table className="runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">{t('history.overlay')}</th>
                <th scope="col">{t('history.name')}</th>
                <th scope="col">{t('history.dataset')}</th>
                <th scope="col">{t('history.params')}</th>
                <th scope="col">{t('history.backend')}</th>
                <th scope="col">{t('history.wall')}</th>
                <th scope="col">{t('history.best')}</th>
                <th scope="col">{t('history.baseline')}</th>
                <th scope="col">{t('history.status')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className={focused?.id === r.id ? 'focused' : ''} data-run={r.id}>
                  <td>
                    <input type="checkbox" aria-label={t('history.overlayRun', { name: runLabel(r) })} checked={overlay.includes(r.id)} onChange={() => toggleOverlay(r.id)} />
                  </td>
                  <td>
                    <button type="button" className="link-inline" onClick={() => focusRun(r.id)} dir="ltr">
                      {runLabel(r)}
                    </button>
                  </td>
                  <td dir="ltr">{r.experiment.dataset.kind === 'builtin' ? r.experiment.dataset.id : (r.experiment.dataset.name ?? r.experiment.dataset.fileId)}</td>
                  <td className="num">{r.params === null ? '–' : f.int(r.params)}</td>
                  <td>{t(`backend.${r.backend}`)}</td>
                  <td className="num">{t('seconds', { value: f.num(r.done.wallSeconds, 1) })}</td>
                  <td className="num">{bestVal(r) === null ? '–' : f.num(bestVal(r)!, 4)}</td>
                  <td className="num">{r.done.baselineValLoss == null ? '–' : f.num(r.done.baselineValLoss, 4)}</td>
                  <td>
                    {t(`status.${r.done.status}`)} <ResumeRun run={r} />
                  </td>
                  <td>
                    <button type="button" onClick={() => void deleteRun(r.id)} aria-label={t('history.delete')} title={t('history.delete')}>
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="actions">
          <button type="button" onClick={() => void refreshRuns()}>
            {t('history.refresh')}
          </button>
        </div>
        {overlayRuns.length > 0 && <Chart option={overlayOpt} label={t('chart.overlayTitle')} testId="overlay-chart" height={300} />}
        {pair && (
          <table className="diff-table" aria-label={t('history.diff')}>
            <caption>{t('history.diff')}</caption>
            <tbody>
              {pair.length === 0 ? (
                <tr>
                  <td>{t('history.same')}</td>
                </tr>
              ) : (
                pair.map(([k, a, b]) => (
                  <tr key={k}>
                    <th scope="row" dir="ltr">
                      {k}
                    </th>
                    <td dir="ltr">{a}</td>
                    <td dir="ltr">{b}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
      </section>

      {focused && (
        <section className="card wide" aria-labelledby="focus-title">
          <h2 id="focus-title" dir="auto">
            {runLabel(focused)}
          </h2>
          <RunResult run={focused} />
          <ExportDialog run={focused} />
          <h3>{t('forecast.title')}</h3>
          <Forecast run={focused} />
        </section>
      )}
    </div>
  );
}
