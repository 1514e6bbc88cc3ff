/**
 * `npm run bench`: a benchmark, not a test. For each lesson model and backend it trains a
 * warm-up batch and then N timed batches in a worker thread (as the app's engine runs),
 * while the main thread measures its own event-loop delay (perf_hooks.monitorEventLoopDelay);
 * all of it --repeat times (alternating the order), each figure the median of the runs with
 * their min–max; with --before-env every case also runs under that environment (the "before"
 * row), alternated with the plain one ("after"). Then the kernel module's gemm peak and the
 * GRU(32) row's share of it (peak.ts, flops.ts); the app's real path (EngineHost + router: a
 * training run and a Jena-size CSV import); with --lesson the book's listings as the lesson
 * runs them and the dashboard's frame gaps (lesson.ts); pandas read_csv of the same CSV; and
 * with --peer the PyTorch twins (main/bench/peer.py by /usr/bin/python3), as often as the
 * cases. Prints a markdown table and writes bench-results/latest.{md,json}. Options: options.ts.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { jobEvents } from '../../shared/ipc/jobs';
import { teamSize } from '../engine/kernels/rnn/team';
import { runCase, type CaseMessage, type CaseRequest, type CaseResult } from './case';
import { bound, lessonFlops, secondsAt, type Bound } from './bounds';
import type { ModelFlops } from './flops';
import { BOOK_EPOCHS, BOOK_STEPS, LESSON_TARGET_S, lessonExperiment, runLesson, type LessonReport } from './lesson';
import { countFlops, type FlopsJob } from './model-flops';
import { BENCH_MODELS, BENCH_TIMESTEPS } from './models';
import { USAGE, parseArgs, type Options } from './options';
import { measureGemmPeak, theoreticalPeak, type PeakResult, type TheoreticalPeak } from './peak';
import { fmt, fmtSpread, spread, type Spread } from './stats';

// ---- worker side ---------------------------------------------------------------------

if (!isMainThread && (workerData as { benchCase?: CaseRequest } | null)?.benchCase) {
  const req = (workerData as { benchCase: CaseRequest }).benchCase;
  void runCase(req, (m) => parentPort!.postMessage(m)).then((result) => parentPort!.postMessage({ type: 'result', result } satisfies CaseMessage));
} else if (!isMainThread && (workerData as { benchPeak?: boolean } | null)?.benchPeak) {
  void measureGemmPeak().then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
} else if (!isMainThread && (workerData as { benchFlops?: FlopsJob[] } | null)?.benchFlops) {
  void countFlops((workerData as { benchFlops: FlopsJob[] }).benchFlops).then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
} else if (!isMainThread && (workerData as { csvParse?: string } | null)?.csvParse) {
  void (async () => {
    const { parseCsvFile } = await import('../engine/data/csv');
    const t0 = performance.now();
    const r = await parseCsvFile((workerData as { csvParse: string }).csvParse);
    parentPort!.postMessage({ ms: performance.now() - t0, rows: r.rows, columns: r.table.columns.length });
  })();
} else if (isMainThread) {
  void main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

// ---- main side -----------------------------------------------------------------------

/** Event-loop delay of this (main) thread while `work` runs: p50/p99/max in ms. */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ value: T; p50: number; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const value = await work();
    h.disable();
    return { value, p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

/** One run of a case. */
interface Run extends CaseResult {
  loopP99Ms?: number;
  loopMaxMs?: number;
}

/** A row of the table: one case (backend, model, mode, before/after) over all repeats. */
interface Row {
  model: string;
  backend: string;
  mode: string;
  /** With --before-env: which side of the comparison. */
  variant?: 'before' | 'after';
  ok: boolean;
  error?: string;
  fusedLayers?: number;
  fusedConvLayers?: number;
  kernelThreads?: number;
  kernelForm?: string;
  fusedDenseLayers?: number;
  msPerBatch: Spread | null;
  cpuMsPerBatch: Spread | null;
  samplesPerSecond: Spread | null;
  firstBatchMs: Spread | null;
  peakWorkerMiB?: number;
  peakRssMiB?: number;
  /** Worst over the runs. */
  loopP99Ms?: number;
  loopMaxMs?: number;
  peerMs?: Spread | null;
  peerCpuMs?: Spread | null;
  /** tfjs / PyTorch: run r against peer run r. */
  ratio?: Spread | null;
  /** FLOPs of a training batch and of its forward pass (flops.ts modelFlops). */
  trainingFlops?: number;
  forwardFlops?: number;
  /** Issue #16's ratio target (models.ts). */
  ratioTarget?: number;
  /** What the arithmetic allows at the best measured GEMM rate (bounds.ts; wasm rows, with --peak). */
  bound?: Bound;
  /** --ab-off: the medians with the switches off and on over the runs, and the per-run speed-up (off / on). */
  ab?: { off: Spread | null; on: Spread | null; speedup: Spread | null };
  runs: Run[];
}

function runCaseInWorker(req: CaseRequest, env: NodeJS.ProcessEnv): Promise<CaseResult> {
  return new Promise((resolve) => {
    const w = new Worker(__filename, { workerData: { benchCase: req }, env });
    let result: CaseResult | null = null;
    w.on('message', (m: CaseMessage) => {
      if (m.type === 'batch') process.stdout.write('.');
      else {
        result = m.result;
        void w.terminate();
      }
    });
    w.on('error', (e) => resolve({ model: req.model, backend: req.backend, ok: false, error: e.message }));
    w.on('exit', () => resolve(result ?? { model: req.model, backend: req.backend, ok: false, error: 'worker exited' }));
  });
}

const f1 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1));
const f0 = fmt;

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, no GPU used, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function peerScript(): string {
  // dist/main/bench.cjs -> main/bench/peer.py in the checkout
  const candidates = [path.resolve(__dirname, '../../main/bench/peer.py'), path.resolve('main/bench/peer.py')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

interface PeerOut {
  torch: string;
  threads: number;
  openblasThreads: string | null;
  blas: string[];
  results: { model: string; ok: boolean; msPerBatch?: number; cpuMsPerBatch?: number; samplesPerSecond?: number; error?: string }[];
  /** GRU(32) predictions with torch.no_grad() (peer.py inference). */
  inference?: { samples: number; batchSize: number; ms: number; cpuMs: number; samplesPerSecond: number } | null;
}

/** Vocabulary and caption length of the captioning preset, for its PyTorch twin. */
function captionerDims(): { vocab?: number; steps?: number } {
  const spec = JSON.stringify(BENCH_MODELS.find((m) => m.id === 'captioning')?.spec() ?? {});
  const vocab = /"class_name":"Embedding","config":\{[^}]*"input_dim":(\d+)/.exec(spec)?.[1];
  const steps = /"class_name":"RepeatVector","config":\{[^}]*"n":(\d+)/.exec(spec)?.[1];
  return { ...(vocab ? { vocab: Number(vocab) } : {}), ...(steps ? { steps: Number(steps) } : {}) };
}

/**
 * PyTorch's times depend on what ran before in its process (on this machine listing 6.47
 * took 40 ms per batch when it ran first and 10 ms after the GRU models, the allocator
 * having settled), so the peer runs as often as the cases (--repeat), alternating the model
 * order as they do; each figure is the median over its runs with their min–max.
 */
function runPeer(models: string[], o: Options, inferenceSamples: number | null): PeerOut[] | { error: string } {
  const out: PeerOut[] = [];
  for (let r = 0; r < o.repeat; r++) {
    process.stdout.write(`${r + 1} `);
    const once = runPeerOnce(r % 2 ? [...models].reverse() : models, o, inferenceSamples);
    if ('error' in once) return out.length ? out : once;
    out.push(once);
  }
  return out;
}

function runPeerOnce(models: string[], o: Options, inferenceSamples: number | null): PeerOut | { error: string } {
  const arg = JSON.stringify({ models, ...(inferenceSamples ? { inference: { samples: inferenceSamples } } : {}), batches: o.batches, warmup: o.warmup, batchSize: o.batchSize, timesteps: BENCH_TIMESTEPS, threads: teamSize(), ...captionerDims() });
  const r = spawnSync(python(), [peerScript(), arg], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' },
    timeout: 30 * 60_000,
  });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').slice(-1)[0]!.slice(0, 300) };
  try {
    return JSON.parse(r.stdout.trim().split('\n').slice(-1)[0]!) as PeerOut;
  } catch {
    return { error: 'unreadable output' };
  }
}

async function writeJenaCsv(file: string, rows: number): Promise<void> {
  const { generateJena, jenaCsvChunks } = await import('../engine/data/jena');
  const data = generateJena({ rows, seed: 42, sensorErrors: 3 });
  await new Promise<void>((resolve, reject) => {
    const ws = createWriteStream(file);
    ws.on('error', reject);
    ws.on('finish', resolve);
    const it = jenaCsvChunks(data, 8192);
    const pump = (): void => {
      for (;;) {
        const n = it.next();
        if (n.done) {
          ws.end();
          return;
        }
        if (!ws.write(n.value)) {
          ws.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

interface CsvReport {
  file: string;
  bytes: number;
  rows: number;
  parseMs?: number;
  parseLoopP99Ms?: number;
  appUploadMs?: number;
  appParseMs?: number;
  appParseLoopP99Ms?: number;
  appParseLoopMaxMs?: number;
  pandasReadCsvMs?: number;
  pandasWallMs?: number;
  pandasVersion?: string;
  pandasError?: string;
  error?: string;
}

function pandasReadCsv(file: string): { ms?: number; wall?: number; version?: string; error?: string } {
  const code = 'import sys, time, json\nimport pandas as pd\nt0 = time.perf_counter()\ndf = pd.read_csv(sys.argv[1])\nt1 = time.perf_counter()\nprint(json.dumps({"ms": (t1 - t0) * 1000, "rows": len(df), "version": pd.__version__}))';
  const t0 = performance.now();
  const r = spawnSync(python(), ['-c', code, file], { encoding: 'utf8', timeout: 5 * 60_000 });
  const wall = performance.now() - t0;
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').slice(-1)[0]!.slice(0, 200) };
  const out = JSON.parse(r.stdout.trim()) as { ms: number; version: string };
  return { ms: out.ms, wall, version: out.version };
}

function parseInWorker(file: string): Promise<{ ms: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { csvParse: file } });
    w.once('message', (m: { ms: number; rows: number }) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

interface AppReport {
  trainMsPerBatch?: number;
  trainSamplesPerSecond?: number;
  trainLoopP99Ms?: number;
  trainLoopMaxMs?: number;
  trainStatus?: string;
  backend?: string;
  error?: string;
}

/** The app's own path: EngineHost (worker) + router, as Electron's main process uses them. */
async function appPath(o: Options, csvFile: string | null, csv: CsvReport | null): Promise<AppReport> {
  const workerPath = path.join(__dirname, 'engine-worker.cjs');
  if (!existsSync(workerPath)) return { error: `${workerPath} missing (run npm run build:main)` };
  const { EngineHost } = await import('../engine/host');
  const { createRouter } = await import('../engine/router');
  const { PRESETS, toKerasSpec } = await import('../../shared/model');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'seqlab-bench-'));
  const host = new EngineHost({ dataDir, workerPath, backend: { prefer: 'wasm' }, sessionMarker: false });
  const route = createRouter({ host, appInfo: () => ({ version: 'bench', mode: 'browser', platform: process.platform }) });
  const report: AppReport = {};
  try {
    await host.start();
    const backends = (await route('engine.backends', {})) as { ok: boolean; result?: { active?: string } };
    report.backend = backends.result?.active;
    // a training run of the GRU preset on the synthetic Jena data (lookback 1440, step 6 = 240 steps)
    const gru = PRESETS.find((p) => p.id === 'gru')!;
    const experiment = {
      version: 1,
      name: 'bench-gru',
      dataset: { kind: 'builtin', id: 'synthetic-jena', options: { rows: 52_560, seed: 42 } },
      windowing: { lookback: 1440, step: 6, delay: 144, batchSize: o.batchSize, targetColumn: 1 },
      model: toKerasSpec(gru.graph),
      training: { optimizer: 'rmsprop', learningRate: 0.001, loss: 'mae', epochs: 1, stepsPerEpoch: Math.max(3, o.batches), validationSteps: 1, testSteps: 0, seed: 1 },
    };
    let last: { samplesPerSecond: number; phase: string } | null = null;
    let doneStatus: string | null = null;
    const off = host.onEvent((name, payload) => {
      if (name === 'job.progress') {
        const p = jobEvents['job.progress'].parse(payload);
        if (p.kind === 'train' && p.progress.phase === 'training') last = p.progress;
      }
      if (name === 'job.done' || name === 'job.stopped' || name === 'job.failed') doneStatus = name === 'job.done' ? 'completed' : name.slice(4);
    });
    const t = await withLoopDelay(async () => {
      const r = await route('train.start', { experiment });
      if (!r.ok) throw new Error(`train.start: ${JSON.stringify(r.error)}`);
      while (!doneStatus) await new Promise((res) => setTimeout(res, 20));
    });
    off();
    report.trainStatus = doneStatus ?? undefined;
    report.trainLoopP99Ms = t.p99;
    report.trainLoopMaxMs = t.max;
    const sps = (last as { samplesPerSecond: number } | null)?.samplesPerSecond;
    if (sps) {
      report.trainSamplesPerSecond = sps;
      report.trainMsPerBatch = (o.batchSize * 1000) / sps;
    }
    // the CSV import the Data page does: upload in 1 MiB chunks, then the engine parses it
    if (csvFile && csv) {
      const bytes = readFileSync(csvFile);
      const CH = 1024 * 1024;
      const t0 = performance.now();
      const begin = (await route('data.uploadBegin', { name: 'jena_climate_2009_2016.csv', size: bytes.length })) as { ok: boolean; result: { uploadId: string } };
      const uploadId = begin.result.uploadId;
      for (let off = 0, seq = 0; off < bytes.length; off += CH, seq++) {
        const r = await route('data.uploadChunk', { uploadId, seq, dataBase64: bytes.subarray(off, off + CH).toString('base64') });
        if (!r.ok) throw new Error(`uploadChunk: ${JSON.stringify(r.error)}`);
      }
      csv.appUploadMs = performance.now() - t0;
      const p = await withLoopDelay(async () => {
        const t1 = performance.now();
        const r = await route('data.uploadEnd', { uploadId });
        if (!r.ok) throw new Error(`uploadEnd: ${JSON.stringify(r.error)}`);
        return performance.now() - t1;
      });
      csv.appParseMs = p.value;
      csv.appParseLoopP99Ms = p.p99;
      csv.appParseLoopMaxMs = p.max;
    }
  } catch (e) {
    report.error = (e instanceof Error ? e.message : String(e)).slice(0, 300);
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report;
}
/** The gemm peak in a worker whose SEQLAB_THREADS sets the kernel threads (undefined: the default team). */
function peakInWorker(threads: number | undefined): Promise<PeakResult | { error: string }> {
  const env = { ...process.env };
  if (threads !== undefined) env.SEQLAB_THREADS = String(threads);
  else delete env.SEQLAB_THREADS;
  return answerOfWorker({ benchPeak: true }, env);
}

/** The first message of a bench worker started with `data`, or the error that ended it. */
function answerOfWorker<T>(data: object, env?: NodeJS.ProcessEnv): Promise<T | { error: string }> {
  return new Promise((resolve) => {
    const w = new Worker(__filename, { workerData: data, env });
    w.once('message', (m: T | { error: string }) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', (e) => resolve({ error: e.message }));
  });
}

interface PeakReport {
  all?: PeakResult;
  one?: PeakResult;
  error?: string;
  theoretical: TheoreticalPeak | null;
}

/** The best GEMM rate measured (any form, any thread count): the rate the bounds are taken at. */
function bestRate(pk: PeakReport): number | null {
  const rates = [pk.all?.gflops, pk.all?.fma?.gflops, pk.one?.gflops, pk.one?.fma?.gflops].filter((v): v is number => v !== undefined && v > 0);
  return rates.length ? Math.max(...rates) : null;
}

/** FLOPs of model specs at given timesteps, counted in a worker (model-flops.ts). */
function flopsInWorker(jobs: FlopsJob[]): Promise<Record<string, ModelFlops> | { error: string }> {
  return answerOfWorker({ benchFlops: jobs });
}

/** One slot of a repeat: a case under one environment. */
interface Slot {
  key: string;
  backend: Options['backends'][number];
  model: string;
  mode: string;
  variant?: 'before' | 'after';
  env: NodeJS.ProcessEnv;
}

/** The cases, grouped per (backend, model): a group's slots run one after the other. */
function caseGroups(o: Options): Slot[][] {
  const groups: Slot[][] = [];
  for (const backend of o.backends) {
    const models = backend === 'cpu' ? o.models.filter((m) => o.cpuModels.includes(m)) : o.models;
    for (const model of models) {
      const recurrent = /"class_name":"(GRU|LSTM|SimpleRNN|Conv1D|MaxPooling1D|GlobalMaxPooling1D)"/.test(JSON.stringify(BENCH_MODELS.find((m) => m.id === model)!.spec()));
      const slots: Slot[] = [];
      const add = (mode: string, env: NodeJS.ProcessEnv, variant?: 'before' | 'after'): void => {
        slots.push({ key: `${backend}|${model}|${mode}|${variant ?? ''}`, backend, model, mode, env, ...(variant ? { variant } : {}) });
      };
      if (o.compareFused) {
        // a model without fusable layers runs once, as the app runs it
        if (recurrent) add('stock', { ...process.env, SEQLAB_FUSED: '0' });
        add('fused', { ...process.env, SEQLAB_FUSED: '1' });
      } else if (o.beforeEnv) {
        add('default', { ...process.env, ...o.beforeEnv }, 'before');
        add('default', { ...process.env }, 'after');
      } else {
        add(process.env.SEQLAB_FUSED === '0' ? 'stock' : 'default', { ...process.env });
      }
      groups.push(slots);
    }
  }
  return groups;
}

function modeLabel(run: CaseResult, env: NodeJS.ProcessEnv): string {
  const parts = [run.fusedLayers ? `RNN x${run.fusedLayers}` : '', run.fusedConvLayers ? `conv/pool x${run.fusedConvLayers}` : '', run.fusedDenseLayers ? `dense x${run.fusedDenseLayers}` : ''].filter(Boolean);
  const threads = `${(run.kernelThreads ?? 1) > 1 ? `, ${run.kernelThreads} threads` : ''}${run.kernelForm === 'fma' ? ', FMA' : ''}`;
  return parts.length ? `fused ${parts.join(', ')}${threads}` : env.SEQLAB_FUSED === '0' ? 'stock' : `default${threads}`;
}

function toRow(slot: Slot, runs: Run[]): Row {
  const ok = runs.filter((r) => r.ok);
  const first = ok[0];
  return {
    model: slot.model,
    backend: slot.backend,
    mode: first ? modeLabel(first, slot.env) : slot.mode,
    ...(slot.variant ? { variant: slot.variant } : {}),
    ok: ok.length > 0,
    ...(ok.length < runs.length ? { error: `${runs.length - ok.length} of ${runs.length} runs failed: ${runs.find((r) => !r.ok)?.error ?? '?'}` } : {}),
    fusedLayers: first?.fusedLayers,
    fusedConvLayers: first?.fusedConvLayers,
    kernelThreads: first?.kernelThreads,
    kernelForm: first?.kernelForm,
    fusedDenseLayers: first?.fusedDenseLayers,
    trainingFlops: first?.trainingFlops,
    forwardFlops: first?.forwardFlops,
    ratioTarget: BENCH_MODELS.find((m) => m.id === slot.model)?.ratioTarget,
    msPerBatch: spread(ok.map((r) => r.msPerBatch)),
    cpuMsPerBatch: spread(ok.map((r) => r.cpuMsPerBatch)),
    samplesPerSecond: spread(ok.map((r) => r.samplesPerSecond)),
    firstBatchMs: spread(ok.map((r) => r.firstBatchMs)),
    peakWorkerMiB: ok.length ? Math.max(...ok.map((r) => r.peakWorkerMiB ?? 0)) : undefined,
    peakRssMiB: ok.length ? Math.max(...ok.map((r) => r.peakRssMiB ?? 0)) : undefined,
    ...(ok.some((r) => r.ab) ? { ab: { off: spread(ok.map((r) => r.ab?.off.ms)), on: spread(ok.map((r) => r.ab?.on.ms)), speedup: spread(ok.map((r) => (r.ab ? r.ab.off.ms / r.ab.on.ms : undefined))) } } : {}),
    loopP99Ms: Math.max(0, ...runs.map((r) => r.loopP99Ms ?? 0)),
    loopMaxMs: Math.max(0, ...runs.map((r) => r.loopMaxMs ?? 0)),
    runs,
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const started = new Date();
  const load = os.loadavg()[0]!;
  console.log(`SeqLab bench ${started.toISOString()} — ${machine()}; load average at start ${load.toFixed(2)}`);
  console.log(`batch ${o.batchSize}, ${BENCH_TIMESTEPS} timesteps x 14 features for the Jena models, RMSprop, warm-up ${o.warmup} + ${o.batches} timed batches (median), cap ${o.cap} s per case, ${o.repeat} run(s)${o.beforeEnv ? `, before: ${envText(o.beforeEnv)}` : ''}`);

  // --repeat: whole runs over the cases, every other one in reverse order (and, with
  // --before-env, before/after swapped), so that drift on the machine hits both sides alike
  const groups = caseGroups(o);
  const runs = new Map<string, Run[]>();
  for (let r = 0; r < o.repeat; r++) {
    if (o.repeat > 1) console.log(`run ${r + 1} of ${o.repeat}`);
    for (const group of r % 2 ? [...groups].reverse() : groups) {
      for (const slot of r % 2 ? [...group].reverse() : group) {
        process.stdout.write(`${slot.backend} ${slot.model} ${slot.variant ?? slot.mode} `);
        const req: CaseRequest = { model: slot.model, backend: slot.backend, batchSize: o.batchSize, batches: slot.backend === 'cpu' ? Math.min(o.batches, 2) : o.batches, warmup: slot.backend === 'cpu' ? 1 : o.warmup, capSeconds: o.cap, ...(o.abOff ? { abOff: o.abOff } : {}) };
        const t = await withLoopDelay(() => runCaseInWorker(req, slot.env));
        const run: Run = { ...t.value, loopP99Ms: t.p99, loopMaxMs: t.max };
        runs.set(slot.key, [...(runs.get(slot.key) ?? []), run]);
        console.log(run.ok ? ` ${f0(run.msPerBatch)} ms/batch, loop p99 ${f1(t.p99)} ms` : ` FAILED: ${run.error}`);
      }
    }
  }
  const rows: Row[] = [];
  for (const slot of groups.flat()) {
    const row = toRow(slot, runs.get(slot.key) ?? []);
    // --compare-fused: the fused run of a model without fused layers repeats the stock one
    if (o.compareFused && slot.mode === 'fused' && groups.flat().some((s) => s.model === slot.model && s.backend === slot.backend && s.mode === 'stock') && row.ok && !row.fusedLayers && !row.fusedConvLayers) continue;
    rows.push(row);
  }

  let peak: PeakReport | null = null;
  if (o.peak && o.backends.includes('wasm')) {
    process.stdout.write('gemm peak (kernel module, all kernel threads, then one)... ');
    const all = await peakInWorker(undefined);
    const one = await peakInWorker(1);
    peak = { theoretical: theoreticalPeak(os.cpus().length) };
    if ('error' in all) peak.error = all.error;
    else peak.all = all;
    if (!('error' in one)) peak.one = one;
    console.log(peak.all ? `${peak.all.gflops.toFixed(1)} GFLOP/s on ${peak.all.threads} threads, ${peak.one?.gflops.toFixed(1) ?? '?'} on 1` : `error ${peak.error}`);
  }

  let csv: CsvReport | null = null;
  let csvFile: string | null = null;
  if (o.csv) {
    const dir = path.join(os.tmpdir(), 'seqlab-bench');
    mkdirSync(dir, { recursive: true });
    csvFile = path.join(dir, `jena-${o.csvRows}.csv`);
    if (!existsSync(csvFile)) {
      process.stdout.write(`writing a ${o.csvRows}-row Jena-like CSV... `);
      await writeJenaCsv(csvFile, o.csvRows);
    }
    csv = { file: csvFile, bytes: statSync(csvFile).size, rows: o.csvRows };
    process.stdout.write('parsing in a worker... ');
    try {
      const p = await withLoopDelay(() => parseInWorker(csvFile!));
      csv.parseMs = p.value.ms;
      csv.parseLoopP99Ms = p.p99;
    } catch (e) {
      csv.error = e instanceof Error ? e.message : String(e);
    }
    process.stdout.write('pandas... ');
    const pd = pandasReadCsv(csvFile);
    csv.pandasReadCsvMs = pd.ms;
    csv.pandasWallMs = pd.wall;
    csv.pandasVersion = pd.version;
    csv.pandasError = pd.error;
    console.log('done');
  }

  let app: AppReport | null = null;
  if (o.app) {
    process.stdout.write('app path (EngineHost training run + CSV import)... ');
    app = await appPath(o, csvFile, csv);
    console.log(app.error ? `error: ${app.error}` : 'done');
  }

  let lesson: LessonReport | null = null;
  if (o.lesson || o.inference) {
    const workerPath = path.join(__dirname, 'engine-worker.cjs');
    const rendererDir = path.join(__dirname, '..', 'renderer');
    if (!existsSync(workerPath)) lesson = { rows: [], inference: { error: `${workerPath} missing (run npm run build:main)` }, ui: null };
    else {
      if (o.lesson && o.ui && !existsSync(path.join(rendererDir, 'index.html'))) console.log(`UI: ${rendererDir}/index.html missing (run npm run build): no dashboard`);
      lesson = await runLesson({ ...o, ui: o.ui && existsSync(path.join(rendererDir, 'index.html')) }, workerPath, rendererDir);
    }
  }

  let peer: PeerOut[] | { error: string } | null = null;
  if (o.peer) {
    process.stdout.write(`PyTorch peer (${o.repeat} run(s))... `);
    peer = runPeer(o.models.filter((m) => BENCH_MODELS.find((b) => b.id === m)!.peer), o, lesson?.inference?.samples ?? null);
    console.log('error' in peer ? `unavailable: ${peer.error}` : `torch ${peer[0]!.torch}, BLAS ${peer[0]!.blas.join(', ') || 'none found'}`);
    if (!('error' in peer)) {
      const peerRuns = peer;
      for (const r of rows) {
        const per = peerRuns.map((p) => p.results.find((q) => q.model === r.model && q.ok));
        r.peerMs = spread(per.map((p) => p?.msPerBatch));
        r.peerCpuMs = spread(per.map((p) => p?.cpuMsPerBatch));
        // run k of the case against run k of the peer (both the k-th pass over the models)
        const okRuns = r.runs;
        r.ratio = spread(okRuns.map((run, k) => (run.ok && run.msPerBatch && per[k]?.msPerBatch ? run.msPerBatch / per[k]!.msPerBatch! : undefined)));
      }
    }
  }

  // what the arithmetic allows: each wasm row's FLOPs at the best measured GEMM rate
  const rate = peak ? bestRate(peak) : null;
  if (rate) {
    for (const r of rows) {
      if (r.backend !== 'wasm' || !r.ok || !r.trainingFlops || !r.msPerBatch) continue;
      r.bound = bound({ flops: r.trainingFlops, ms: r.msPerBatch.median, peerMs: r.peerMs?.median, ratioTarget: r.ratioTarget }, rate);
    }
    if (lesson?.rows.length) {
      const flops = await flopsInWorker(lesson.rows.map((x) => ({ key: x.model, spec: lessonExperiment(x.model, o).model, timesteps: x.timesteps, batchSize: o.batchSize })));
      if ('error' in flops) console.log(`lesson FLOPs: error ${String(flops.error)}`);
      else {
        for (const x of lesson.rows) {
          const f = flops[x.model];
          if (!f || x.validationSamples === undefined) continue;
          const work = lessonFlops({ epochs: BOOK_EPOCHS, stepsPerEpoch: BOOK_STEPS, trainingFlopsPerBatch: f.training, validationWindows: x.validationSamples, forwardFlopsPerWindow: f.forward / o.batchSize });
          x.bound = { ...work, floorS: secondsAt(work.total, rate), nativeFloorS: peak?.theoretical?.nativeFmaGflops ? secondsAt(work.total, peak.theoretical.nativeFmaGflops) : undefined };
        }
      }
    }
  }

  const md = renderMarkdown({ o, started, load, rows, peer, csv, app, peak, lesson });
  console.log(`\n${md}`);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(path.join(o.out, 'latest.md'), md);
  writeFileSync(path.join(o.out, 'latest.json'), `${JSON.stringify({ date: started.toISOString(), machine: machine(), loadAverage: load, options: o, rows, peer, peak, csv, app, lesson }, null, 2)}\n`);
  console.log(`written ${path.join(o.out, 'latest.md')} and latest.json`);
  process.exit(0);
}

// declarations, not consts: main() starts before the module's later lines run
function envText(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
}

function pct(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(0)} %`;
}

function renderMarkdown(r: { o: Options; started: Date; load: number; rows: Row[]; peer: PeerOut[] | { error: string } | null; csv: CsvReport | null; app: AppReport | null; peak: PeakReport | null; lesson: LessonReport | null }): string {
  const out: string[] = [];
  out.push(`Measured ${r.started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; load average ${r.load.toFixed(2)} at start.`);
  out.push(`Batch ${r.o.batchSize}, ${BENCH_TIMESTEPS} timesteps x 14 features (Jena models), RMSprop; MAE for the regressors, Keras's categorical cross-entropy on the softmax output (training/losses.ts, as the video experiment trains) for the video and captioning classifiers. Median of ${r.o.batches} timed batches after ${r.o.warmup} warm-up batches, PyTorch too (pure JS: one warm-up, at most 2 timed, capped at ${r.o.cap} s).`);
  if (r.o.repeat > 1) out.push(`${r.o.repeat} full runs in alternating order: each figure is the median of the runs' medians, with their min–max in brackets.`);
  if (r.o.beforeEnv) out.push(`Every case ran twice per run, alternated: "before" with ${envText(r.o.beforeEnv)}, "after" without.`);
  if (r.o.abOff) out.push(`A/B in one worker: every timed batch ran twice, with SEQLAB_FUSED_OFF=${r.o.abOff} and without, in ABBA order; the table's figures are the "on" side (see below).`);
  out.push('');
  const peerRuns = r.peer && !('error' in r.peer) ? r.peer : null;
  const hasVariant = r.rows.some((x) => x.variant);
  out.push(`| model | backend | mode |${hasVariant ? ' before/after |' : ''} ms/batch | CPU ms/batch | samples/s | first batch ms | peak worker MiB | peak RSS MiB | main loop p99 ms |${peerRuns ? ' PyTorch ms/batch | PyTorch CPU ms | tfjs / PyTorch |' : ''}`);
  out.push(`|---|---|---|${hasVariant ? '---|' : ''}---:|---:|---:|---:|---:|---:|---:|${peerRuns ? '---:|---:|---:|' : ''}`);
  for (const x of r.rows) {
    const label = BENCH_MODELS.find((m) => m.id === x.model)?.label ?? x.model;
    const cells = x.ok
      ? [fmtSpread(x.msPerBatch), fmtSpread(x.cpuMsPerBatch), f0(x.samplesPerSecond?.median), f0(x.firstBatchMs?.median), f0(x.peakWorkerMiB), f0(x.peakRssMiB), f1(x.loopP99Ms)]
      : [`failed: ${x.error ?? x.runs.find((q) => q.error)?.error ?? '?'}`, '', '', '', '', '', f1(x.loopP99Ms)];
    const peerCells = peerRuns ? [fmtSpread(x.peerMs), fmtSpread(x.peerCpuMs), x.ok && x.ratio ? fmtSpread(x.ratio, (v) => `${v.toFixed(v < 1 ? 2 : 1)}x`) : '–'] : [];
    out.push(`| ${label} | ${x.backend} | ${x.mode} |${hasVariant ? ` ${x.variant ?? ''} |` : ''} ${[...cells, ...peerCells].join(' | ')} |`);
  }
  out.push('');
  if (hasVariant) {
    for (const a of r.rows.filter((x) => x.variant === 'after' && x.ok)) {
      const b = r.rows.find((x) => x.variant === 'before' && x.model === a.model && x.backend === a.backend);
      if (b?.msPerBatch && a.msPerBatch) out.push(`- ${a.model} (${a.backend}): before ${fmtSpread(b.msPerBatch)} ms, after ${fmtSpread(a.msPerBatch)} ms: ${(b.msPerBatch.median / a.msPerBatch.median).toFixed(2)}x.`);
    }
    out.push('');
  }
  const abRows = r.rows.filter((x) => x.ab);
  if (abRows.length) {
    out.push(`Switches ${r.o.abOff} off and on, batch by batch in the same worker (${r.o.batches} batches a side per run; median over the runs, min–max in brackets):`, '');
    out.push('| model | backend | off ms/batch | on ms/batch | speed-up (off / on) |', '|---|---|---:|---:|---:|');
    for (const x of abRows) out.push(`| ${BENCH_MODELS.find((m) => m.id === x.model)?.label ?? x.model} | ${x.backend} | ${fmtSpread(x.ab!.off)} | ${fmtSpread(x.ab!.on)} | ${fmtSpread(x.ab!.speedup, (v) => `${v.toFixed(2)}x`)} |`);
    out.push('');
  }
  if (r.peer) {
    if ('error' in r.peer) out.push(`PyTorch peer: not run (${r.peer.error}).`);
    else {
      const p = r.peer[0]!;
      out.push(`PyTorch peer: torch ${p.torch}, ${p.threads} threads, OPENBLAS_NUM_THREADS=${p.openblasThreads ?? 'unset'}, BLAS loaded: ${p.blas.join(', ') || 'none found'}; ${r.peer.length} run(s) in alternating model order, median (min–max) over them; the ratio pairs the k-th run of a case with the k-th peer run.`);
    }
  }
  if (r.peak) {
    const pk = r.peak;
    out.push('');
    if (pk.all) {
      const sizes = pk.all.bySize.map((s) => `n=${s.n}: ${s.gflops.toFixed(1)}`).join(', ');
      out.push(`Peak (measured, practical): the kernel module's gemm (assembly/rnn, WebAssembly SIMD) on n x n matrices, rows split over the kernel threads: ${pk.all.gflops.toFixed(1)} GFLOP/s on ${pk.all.threads} threads (${sizes}), ${pk.one ? `${pk.one.gflops.toFixed(1)} GFLOP/s on 1 thread` : 'one thread: not measured'}.`);
      if (pk.all.fma) out.push(`With relaxed SIMD's fused multiply-add (the module's ${pk.all.form} form; the convolutions' gemmFma, the recurrent kernels keep gemm): ${pk.all.fma.gflops.toFixed(1)} GFLOP/s on ${pk.all.threads} threads (${pk.all.fma.bySize.map((s) => `n=${s.n}: ${s.gflops.toFixed(1)}`).join(', ')}), ${pk.one?.fma ? `${pk.one.fma.gflops.toFixed(1)} GFLOP/s on 1 thread` : 'one thread: not measured'}.`);
      else out.push(`Module form: ${pk.all.form ?? '?'} (no fused multiply-add on this V8).`);
    } else out.push(`Peak: not measured (${pk.error ?? '?'}).`);
    const th = pk.theoretical;
    if (th?.nativeFmaGflops) out.push(`Peak of native code (theoretical, ${th.cores} cores at the ${th.mhz.toFixed(0)} MHz base clock /proc/cpuinfo reports): ${th.nativeFmaGflops.toFixed(0)} GFLOP/s with AVX2 + FMA (32 FLOP/cycle/core), which 128-bit WebAssembly SIMD cannot reach (relaxed SIMD adds a 4-lane FMA).`);
    out.push(...renderBounds(r.rows, pk));
  }
  const lessonLoop = r.lesson?.rows.map((x) => x.loopP99Ms ?? 0) ?? [];
  const worstLoop = Math.max(0, ...r.rows.map((x) => x.loopP99Ms ?? 0), r.app?.trainLoopP99Ms ?? 0, r.csv?.appParseLoopP99Ms ?? 0, r.csv?.parseLoopP99Ms ?? 0, ...lessonLoop);
  out.push('');
  out.push(`Main-thread event-loop delay, worst p99 over all runs: ${f1(worstLoop)} ms (target < 50 ms: ${worstLoop < 50 ? 'met' : 'MISSED'}).`);
  if (r.app) {
    if (r.app.error) out.push(`App path: error ${r.app.error}.`);
    else out.push(`App path (EngineHost worker + router, backend ${r.app.backend ?? '?'}): GRU preset on synthetic Jena, ${f0(r.app.trainMsPerBatch)} ms/batch (${f0(r.app.trainSamplesPerSecond)} samples/s incl. validation set-up), run ${r.app.trainStatus}; main loop p99 ${f1(r.app.trainLoopP99Ms)} ms, max ${f1(r.app.trainLoopMaxMs)} ms.`);
  }
  if (r.lesson) out.push(...renderLesson(r.lesson, peerRuns));
  if (r.csv) {
    const c = r.csv;
    out.push('');
    out.push(`CSV: ${c.rows.toLocaleString('en')} rows x 15 columns, ${(c.bytes / 1e6).toFixed(1)} MB (generated Jena-like file).`);
    out.push('');
    out.push('| CSV load | ms | main loop p99 ms |');
    out.push('|---|---:|---:|');
    out.push(`| SeqLab parseCsvFile (engine code, in a worker) | ${f0(c.parseMs)} | ${f1(c.parseLoopP99Ms)} |`);
    if (c.appParseMs !== undefined) out.push(`| SeqLab app import: parse after upload (data.uploadEnd via EngineHost) | ${f0(c.appParseMs)} | ${f1(c.appParseLoopP99Ms)} |`);
    if (c.appUploadMs !== undefined) out.push(`| SeqLab app import: 1 MiB base64 upload chunks | ${f0(c.appUploadMs)} | – |`);
    out.push(`| pandas ${c.pandasVersion ?? ''} read_csv (in Python) | ${c.pandasError ? `not run: ${c.pandasError}` : f0(c.pandasReadCsvMs)} | – |`);
    if (c.pandasWallMs !== undefined) out.push(`| pandas incl. Python start-up and import | ${f0(c.pandasWallMs)} | – |`);
    if (c.parseMs !== undefined && c.pandasReadCsvMs !== undefined) {
      out.push('');
      out.push(`CSV target (SeqLab parse <= pandas read_csv): ${c.parseMs <= c.pandasReadCsvMs ? 'met' : 'MISSED'} (${(c.parseMs / c.pandasReadCsvMs).toFixed(2)}x pandas).`);
    }
  }
  return out.join('\n');
}

/** Each wasm row's work per batch against the best measured GEMM rate (bounds.ts). */
function renderBounds(rows: Row[], pk: PeakReport): string[] {
  const rate = bestRate(pk);
  const withBound = rows.filter((x) => x.bound);
  if (!rate || !withBound.length) return [];
  const native = pk.theoretical?.nativeFmaGflops ?? null;
  const out = ['', `Work per training batch (flops.ts: products and the recurrent cells' gate arithmetic; pooling, copies and lookups count 0) against the best GEMM rate measured above, ${rate.toFixed(1)} GFLOP/s: "ms at that rate" is the fewest any WebAssembly kernel on this machine could take, and "best ratio" the best it could reach against this PyTorch.`, ''];
  out.push(`| model | GFLOP / batch | GFLOP/s achieved | share of ${rate.toFixed(1)} | ms at that rate | PyTorch ms | best ratio | target | the target needs |`);
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const x of withBound) {
    const b = x.bound!;
    const label = `${BENCH_MODELS.find((m) => m.id === x.model)?.label ?? x.model}${x.variant ? ` (${x.variant})` : ''}`;
    const needs = b.targetGflops === undefined ? '–' : `${b.targetGflops.toFixed(0)} GFLOP/s: ${b.reachable ? 'within the measured rate' : `${(b.targetGflops / rate).toFixed(1)}x it, beyond this machine's WebAssembly${native ? (b.targetGflops <= native ? ` (native AVX2 + FMA: ${native.toFixed(0)})` : `, and beyond native AVX2 + FMA (${native.toFixed(0)})`) : ''}`}`;
    out.push(`| ${label} | ${((x.trainingFlops ?? 0) / 1e9).toFixed(2)} | ${b.gflops.toFixed(1)} | ${pct(b.share)} | ${f1(b.floorMs)} | ${f1(x.peerMs?.median)} | ${b.floorRatio === undefined ? '–' : `${b.floorRatio.toFixed(2)}x`} | ${x.ratioTarget === undefined ? '–' : `<= ${x.ratioTarget}x`} | ${needs} |`);
  }
  const gru = withBound.find((x) => x.model === 'gru' && !x.variant);
  if (gru && native) out.push('', `Fused GRU(32): ${gru.bound!.gflops.toFixed(1)} GFLOP/s, ${pct(gru.bound!.share)} of the best measured GEMM rate and ${pct(gru.bound!.gflops / native)} of the native AVX2 + FMA figure.`);
  return out;
}

function renderLesson(l: LessonReport, peerRuns: PeerOut[] | null): string[] {
  const out: string[] = [];
  const mm = (s: number | undefined): string => (s === undefined ? '–' : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);
  const mae = (v: number | null | undefined, degC: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v.toFixed(3)}${degC !== null && degC !== undefined ? ` (${degC.toFixed(2)} °C)` : ''}`);
  if (l.rows.length) {
    out.push('');
    out.push('Lesson run: the book\'s listing through the app\'s training path (EngineHost worker + router, progress events), full-size synthetic Jena (420,551 rows), RMSprop, batch 128, the whole validation split every epoch.');
    out.push('');
    out.push('| listing | epochs x steps | timesteps | wall | target | prepare s | training s | ms/batch | validation s (windows) | val MAE | naive MAE | main loop p99 ms | dashboard frame gap p95 / max ms |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of l.rows) {
      const target = LESSON_TARGET_S[x.model];
      const full = x.epochs === BOOK_EPOCHS && x.stepsPerEpoch === BOOK_STEPS;
      const verdict = x.wallS === undefined ? '' : full ? (x.wallS <= target ? ' met' : ' MISSED') : ' (shortened run)';
      const frames = x.frameGapP95Ms !== undefined ? `${f1(x.frameGapP95Ms)} / ${f0(x.frameGapMaxMs)}${x.dashboardShowedRun ? '' : ' (run not shown)'}` : x.uiError ? 'not measured' : '–';
      out.push(`| ${x.model} | ${x.epochs} x ${x.stepsPerEpoch} | ${x.timesteps} | ${x.error ? `failed: ${x.error}` : mm(x.wallS)} | ${mm(target)}${verdict} | ${f1(x.prepareS)} | ${f0(x.trainS)} | ${f0(x.msPerBatch)} | ${f0(x.validationS)} (${x.validationSamples?.toLocaleString('en') ?? '?'} x ${x.epochs}) | ${mae(x.valMae, x.valMaeDegC)} | ${mae(x.baselineMae, x.baselineMaeDegC)} | ${f1(x.loopP99Ms)} | ${frames} |`);
    }
    const worstFrame = Math.max(0, ...l.rows.map((x) => x.frameGapP95Ms ?? 0));
    if (l.rows.some((x) => x.frameGapP95Ms !== undefined)) out.push(`\nDashboard (browser mode, ${l.ui?.browser ?? 'Chromium'}, the Runs page open while the lesson trained): worst animation-frame gap p95 ${f1(worstFrame)} ms (target < 33 ms: ${worstFrame < 33 ? 'met' : 'MISSED'}).`);
    else if (l.ui?.error) out.push(`\nDashboard: not measured (${l.ui.error}).`);
    for (const x of l.rows.filter((q) => q.bound)) {
      const b = x.bound!;
      const target = LESSON_TARGET_S[x.model];
      out.push(`\n${x.model}, the book's whole run (${BOOK_EPOCHS} x ${BOOK_STEPS} steps and the validation split every epoch; flops.ts at ${x.timesteps} steps): ${(b.total / 1e12).toFixed(1)} TFLOP (training ${(b.training / 1e12).toFixed(1)}, validation ${(b.validation / 1e12).toFixed(1)}); at the best measured GEMM rate at least ${mm(b.floorS)}${b.nativeFloorS !== undefined ? `, at the native AVX2 + FMA figure at least ${mm(b.nativeFloorS)}` : ''}; target ${mm(target)}: ${b.floorS <= target ? 'within this machine\'s WebAssembly' : b.nativeFloorS !== undefined && b.nativeFloorS <= target ? 'beyond this machine\'s WebAssembly, within native code' : 'beyond what these cores can compute in that time, native code included'}.`);
    }
  }
  if (l.inference) {
    const i = l.inference;
    out.push('');
    if (i.error) out.push(`Inference: error ${i.error}.`);
    else {
      const pt = peerRuns ? spread(peerRuns.map((p) => p.inference?.samplesPerSecond)) : null;
      out.push(`Inference (GRU(32), 240 steps, the whole test split: ${i.samples?.toLocaleString('en')} windows through train.predict in ${i.calls} calls of up to 5,000, batches of 128): ${f0(i.samplesPerSecond)} samples/s (${((i.ms ?? 0) / 1000).toFixed(1)} s)${pt ? `; PyTorch torch.no_grad(), same count and batch: ${fmtSpread(pt, (v) => v.toFixed(0))} samples/s (${(i.samplesPerSecond! / pt.median).toFixed(2)}x)` : ''}.`);
    }
  }
  return out;
}
