/**
 * The lesson as the book runs it, through the app's own training path (EngineHost worker +
 * router, progress events): listings 6.49 and 6.47 on the full-size synthetic Jena data, with
 * the whole validation split every epoch (the training job's validationSteps 0), timed apart
 * from the training batches; GRU(32) predictions over the whole test split (train.predict);
 * and, with the dashboard open in Chromium (browser mode), its animation-frame gaps.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { compareExperiment, type CompareModelId } from '../../shared/compare';
import type { Experiment } from '../../shared/experiment';
import { jobEvents } from '../../shared/ipc/jobs';
import type { EngineHost } from '../engine/host';
import type { LessonModel, Options } from './options';
import { percentile } from './stats';

/** Wall-time targets on a two-core PC (issue #16). */
export const LESSON_TARGET_S: Record<LessonModel, number> = { 'conv1d-gru-6.49': 180, 'conv1d-6.47': 90 };

/** The book's run: 20 epochs of 500 steps. */
export const BOOK_EPOCHS = 20;
export const BOOK_STEPS = 500;

export interface LessonRow {
  model: LessonModel;
  epochs: number;
  stepsPerEpoch: number;
  timesteps: number;
  status?: string;
  error?: string;
  wallS?: number;
  /** From train.start to the first training batch's progress: data generation, windowing, model build. */
  prepareS?: number;
  /** Sum over epochs of the training batches (from each epoch's first progress to its last). */
  trainS?: number;
  /** Sum over epochs of the validation (from an epoch's last batch to its epoch event). */
  validationS?: number;
  validationSamples?: number;
  msPerBatch?: number;
  valMae?: number | null;
  valMaeDegC?: number | null;
  baselineMae?: number | null;
  baselineMaeDegC?: number | null;
  loopP99Ms?: number;
  loopMaxMs?: number;
  /** Dashboard (browser mode, Chromium): animation-frame gaps while this run trained. */
  frameGapP95Ms?: number;
  frameGapMaxMs?: number;
  frames?: number;
  dashboardShowedRun?: boolean;
  uiError?: string;
  /** The arithmetic of the book's whole run (20 x 500 and the validation split every epoch, bounds.ts) and its time at the best measured GEMM rate and at native code's peak. */
  bound?: { training: number; validation: number; total: number; floorS: number; nativeFloorS?: number };
}

export interface InferenceReport {
  samples?: number;
  ms?: number;
  samplesPerSecond?: number;
  calls?: number;
  error?: string;
}

export interface LessonReport {
  rows: LessonRow[];
  inference: InferenceReport | null;
  ui: { browser?: string; error?: string } | null;
}

type Route = (channel: unknown, payload: unknown) => Promise<{ ok: boolean; result?: unknown; error?: unknown }>;

/** The book's listing with the lesson's size; epochs/steps overridable; the whole validation split, no test pass. */
export function lessonExperiment(model: LessonModel | 'gru', o: Pick<Options, 'lessonEpochs' | 'lessonSteps'>): Experiment {
  const e = compareExperiment('book', model as CompareModelId);
  return {
    ...e,
    name: `bench-lesson-${model}`,
    training: { ...e.training, epochs: o.lessonEpochs ?? BOOK_EPOCHS, stepsPerEpoch: o.lessonSteps ?? BOOK_STEPS, validationSteps: 0, testSteps: 0 },
  };
}

interface Dashboard {
  start(): Promise<void>;
  stop(): Promise<{ gaps: number[]; showedRun: boolean }>;
  close(): Promise<void>;
  browser: string;
}

const CHROMIUM = process.env.SEQLAB_CHROMIUM ?? '/usr/bin/chromium';

/** Opens the dashboard (Runs page) of browser mode at `url` in Playwright's Chromium. */
async function openDashboard(url: string): Promise<Dashboard> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (install it or set SEQLAB_CHROMIUM): the dashboard's frame gaps are not measured`);
  // the declared dev dependency (its browsers are not downloaded: Debian's Chromium runs)
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await page.goto(url);
  await page.locator('.shell[data-ready="true"]').waitFor({ timeout: 60_000 });
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  return {
    browser: `Chromium ${browser.version()}`,
    async start() {
      await page.evaluate(() => {
        const w = window as unknown as { __benchFrames: { gaps: number[]; stop: boolean } };
        w.__benchFrames = { gaps: [], stop: false };
        let last = performance.now();
        const frame = (t: number): void => {
          w.__benchFrames.gaps.push(t - last);
          last = t;
          if (!w.__benchFrames.stop) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
    },
    async stop() {
      const gaps = await page.evaluate(() => {
        const w = window as unknown as { __benchFrames: { gaps: number[]; stop: boolean } };
        w.__benchFrames.stop = true;
        return w.__benchFrames.gaps.slice(1);
      });
      const text = (await page.locator('[data-testid="live-progress"]').first().textContent({ timeout: 1000 }).catch(() => null)) ?? '';
      const result = await page.locator('[data-testid="run-result"]').count();
      return { gaps, showedRun: /Epoch/.test(text) || result > 0 };
    },
    close: () => browser.close(),
  };
}

async function trainOnce(host: EngineHost, route: Route, experiment: Experiment, row: LessonRow, onProgressEpoch?: (epoch: number) => void): Promise<string | null> {
  const t0 = performance.now();
  let firstBatchAt: number | null = null;
  let epochStart: number | null = null;
  let lastEpochAt: number | null = null;
  let lastBatchAt: number | null = null;
  let trainMs = 0;
  let valMs = 0;
  let done: { status: string; baselineValLoss: number | null; baselineValLossPhysical?: number | null } | null = null;
  let failed: string | null = null;
  let lastLog: { valLoss: number | null; valLossPhysical?: number | null } | null = null;
  const off = host.onEvent((name, payload) => {
    const now = performance.now();
    if (name === 'job.progress') {
      const p = jobEvents['job.progress'].parse(payload);
      if (p.kind !== 'train' || p.progress.phase !== 'training') return;
      firstBatchAt ??= now;
      // an epoch's batches start where the last validation ended (the first epoch: at its first progress, one batch in)
      epochStart ??= lastEpochAt ?? now;
      lastBatchAt = now;
      onProgressEpoch?.(p.progress.epoch);
    } else if (name === 'job.epoch') {
      const e = jobEvents['job.epoch'].parse(payload);
      if (e.kind !== 'train') return;
      // the last batch's progress is sent as the batch ends: from there to this event is validation
      if (epochStart !== null && lastBatchAt !== null) {
        trainMs += lastBatchAt - epochStart;
        valMs += now - lastBatchAt;
      }
      epochStart = null;
      lastBatchAt = null;
      lastEpochAt = now;
      lastLog = e.epoch.log;
    } else if (name === 'job.done' || name === 'job.stopped' || name === 'job.failed') {
      const d = payload as { kind: string; done?: typeof done; error?: { code: string } };
      if (d.kind !== 'train') return;
      done = d.done ?? { status: name.slice(4), baselineValLoss: null };
      if (name === 'job.failed') failed = d.error?.code ?? 'failed';
    }
  });
  let runId: string | null = null;
  try {
    const r = await route('train.start', { experiment });
    if (!r.ok) throw new Error(`train.start: ${JSON.stringify(r.error)}`);
    runId = (r.result as { runId: string }).runId;
    while (!done) await new Promise((res) => setTimeout(res, 20));
  } finally {
    off();
  }
  const d = done as unknown as { status: string; baselineValLoss: number | null; baselineValLossPhysical?: number | null };
  row.status = d.status;
  if (failed) row.error = failed;
  row.wallS = (performance.now() - t0) / 1000;
  row.prepareS = firstBatchAt !== null ? (firstBatchAt - t0) / 1000 : undefined;
  row.trainS = trainMs / 1000;
  row.validationS = valMs / 1000;
  const log = lastLog as { valLoss: number | null; valLossPhysical?: number | null } | null;
  row.valMae = log?.valLoss ?? null;
  row.valMaeDegC = log?.valLossPhysical ?? null;
  row.baselineMae = d.baselineValLoss;
  row.baselineMaeDegC = d.baselineValLossPhysical ?? null;
  return runId;
}

/** Windows in a split of a run's data (train.predict says how many are available). */
async function splitCount(route: Route, runId: string, split: 'validation' | 'test'): Promise<number | undefined> {
  const r = await route('train.predict', { runId, split, start: 0, count: 1 });
  return r.ok ? (r.result as { available: number }).available : undefined;
}

export async function runLesson(o: Options, workerPath: string, rendererDir: string): Promise<LessonReport> {
  const { EngineHost: Host } = await import('../engine/host');
  const { createRouter } = await import('../engine/router');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'seqlab-bench-lesson-'));
  const report: LessonReport = { rows: [], inference: null, ui: null };
  let host: EngineHost;
  let closeHost: () => Promise<void>;
  let dashboard: Dashboard | null = null;
  if (o.lesson && o.ui) {
    // browser mode as `npm start -- --browser` runs it: the page and this bench share its engine
    const { startWebHost } = await import('../web/server');
    const web = await startWebHost({ port: 0, dataDir, rendererDir, workerPath, version: 'bench' });
    host = web.host;
    closeHost = () => web.close();
    report.ui = {};
    try {
      dashboard = await openDashboard(web.url);
      report.ui.browser = dashboard.browser;
    } catch (e) {
      report.ui.error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
      console.log(`UI: ${report.ui.error}`);
    }
  } else {
    const h = new Host({ dataDir, workerPath, backend: { prefer: 'wasm' }, sessionMarker: false });
    await h.start();
    host = h;
    closeHost = () => h.close();
  }
  const route = createRouter({ host, appInfo: () => ({ version: 'bench', mode: 'browser', platform: process.platform }) }) as unknown as Route;
  try {
    if (o.lesson) {
      for (const model of o.lessonModels) {
        const experiment = lessonExperiment(model, o);
        const row: LessonRow = {
          model,
          epochs: experiment.training.epochs,
          stepsPerEpoch: experiment.training.stepsPerEpoch,
          timesteps: Math.ceil(experiment.windowing.lookback / experiment.windowing.step),
        };
        process.stdout.write(`lesson ${model}: ${row.epochs} epochs x ${row.stepsPerEpoch} steps... `);
        const h = monitorEventLoopDelay({ resolution: 10 });
        h.enable();
        try {
          await dashboard?.start();
          let shown = -1;
          const runId = await trainOnce(host, route, experiment, row, (epoch) => {
            if (epoch !== shown) process.stdout.write(`${(shown = epoch)} `);
          });
          if (runId && row.status === 'completed') row.validationSamples = await splitCount(route, runId, 'validation');
          if (dashboard) {
            const f = await dashboard.stop();
            row.frames = f.gaps.length;
            row.frameGapP95Ms = percentile(f.gaps, 95);
            row.frameGapMaxMs = f.gaps.length ? Math.max(...f.gaps) : undefined;
            row.dashboardShowedRun = f.showedRun;
          } else if (report.ui?.error) row.uiError = report.ui.error;
        } catch (e) {
          row.error = (e instanceof Error ? e.message : String(e)).slice(0, 300);
        } finally {
          h.disable();
          row.loopP99Ms = h.percentile(99) / 1e6;
          row.loopMaxMs = h.max / 1e6;
        }
        // the first batch ends before the first progress event: it is not in trainS
        if (row.trainS !== undefined && row.epochs * row.stepsPerEpoch > 1) row.msPerBatch = (row.trainS * 1000) / (row.epochs * row.stepsPerEpoch - 1);
        console.log(row.error ? `error ${row.error}` : `${row.wallS?.toFixed(0)} s`);
        report.rows.push(row);
      }
    }
    if (o.inference) {
      process.stdout.write('inference: a short GRU(32) run, then train.predict over the whole test split... ');
      report.inference = await inference(host, route);
      console.log(report.inference.error ? `error ${report.inference.error}` : `${report.inference.samplesPerSecond?.toFixed(0)} samples/s`);
    }
  } finally {
    await dashboard?.close().catch(() => undefined);
    await closeHost();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}

/** GRU(32) on the book's windows (240 steps): a few batches, then every test window through train.predict. */
async function inference(host: EngineHost, route: Route): Promise<InferenceReport> {
  const experiment = lessonExperiment('gru', { lessonEpochs: 1, lessonSteps: 5 });
  experiment.training.validationSteps = 1;
  const row: LessonRow = { model: 'conv1d-6.47', epochs: 1, stepsPerEpoch: 5, timesteps: 240 };
  try {
    const runId = await trainOnce(host, route, experiment, row);
    if (!runId || row.status !== 'completed') return { error: `training run ${row.status ?? '?'} ${row.error ?? ''}`.trim() };
    const CHUNK = 5000; // the channel's largest count
    let start = 0;
    let available = Infinity;
    let calls = 0;
    const t0 = performance.now();
    while (start < available) {
      const r = await route('train.predict', { runId, split: 'test', start, count: Math.min(CHUNK, available - start) });
      if (!r.ok) throw new Error(`train.predict: ${JSON.stringify(r.error)}`);
      const f = r.result as { prediction: number[]; available: number };
      available = f.available;
      start += f.prediction.length;
      calls++;
      if (!f.prediction.length) break;
    }
    const ms = performance.now() - t0;
    return { samples: start, ms, samplesPerSecond: (start * 1000) / ms, calls };
  } catch (e) {
    return { error: (e instanceof Error ? e.message : String(e)).slice(0, 300) };
  }
}
