/**
 * `npm run bench`: a benchmark, not a test. For each lesson model and backend it trains a
 * warm-up batch and then N timed batches in a worker thread (as the app's engine runs),
 * while the main thread measures its own event-loop delay (perf_hooks.monitorEventLoopDelay);
 * then the same through the app's real path (EngineHost + router: a training run and a
 * Jena-size CSV import); pandas read_csv of the same CSV; and with --peer the PyTorch twins
 * (main/bench/peer.py run by /usr/bin/python3). Prints a markdown table and writes
 * bench-results/latest.{md,json}.
 *
 *   npm run bench -- [--backends wasm,cpu] [--models gru,lstm,...] [--cpu-models gru,conv1d-6.47]
 *                    [--batches 10] [--warmup 10] [--batch-size 128] [--cap 60] [--peer] [--no-csv] [--no-app]
 *                    [--csv-rows 420551] [--compare-fused] [--out bench-results]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { BackendName } from '../../shared/ipc/contract';
import { jobEvents } from '../../shared/ipc/jobs';
import { teamSize } from '../engine/kernels/rnn/team';
import { runCase, type CaseMessage, type CaseRequest, type CaseResult } from './case';
import { BENCH_MODELS, BENCH_TIMESTEPS } from './models';

// ---- worker side ---------------------------------------------------------------------

if (!isMainThread && (workerData as { benchCase?: CaseRequest } | null)?.benchCase) {
  const req = (workerData as { benchCase: CaseRequest }).benchCase;
  void runCase(req, (m) => parentPort!.postMessage(m)).then((result) => parentPort!.postMessage({ type: 'result', result } satisfies CaseMessage));
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

const USAGE = `npm run bench -- [--backends wasm,cpu] [--models gru,lstm,...] [--cpu-models gru,conv1d-6.47]
                 [--batches 10] [--warmup 10] [--batch-size 128] [--cap 60] [--peer] [--no-csv] [--no-app]
                 [--csv-rows 420551] [--compare-fused] [--out bench-results]
models: ${BENCH_MODELS.map((m) => m.id).join(', ')}`;

interface Options {
  backends: BackendName[];
  models: string[];
  cpuModels: string[];
  batches: number;
  warmup: number;
  batchSize: number;
  cap: number;
  peer: boolean;
  csv: boolean;
  app: boolean;
  csvRows: number;
  compareFused: boolean;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    backends: ['wasm', 'cpu'],
    models: BENCH_MODELS.map((m) => m.id),
    cpuModels: ['gru', 'conv1d-6.47'],
    batches: 10,
    warmup: 10,
    batchSize: 128,
    cap: 60,
    peer: false,
    csv: true,
    app: true,
    csvRows: 420_551,
    compareFused: false,
    out: 'bench-results',
  };
  const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--backends') o.backends = list(next()) as BackendName[];
    else if (a === '--models') o.models = list(next());
    else if (a === '--cpu-models') o.cpuModels = list(next());
    else if (a === '--batches') o.batches = Math.max(1, Number(next()));
    else if (a === '--warmup') o.warmup = Math.max(1, Number(next()));
    else if (a === '--batch-size') o.batchSize = Math.max(1, Number(next()));
    else if (a === '--cap') o.cap = Math.max(1, Number(next()));
    else if (a === '--peer') o.peer = true;
    else if (a === '--no-csv') o.csv = false;
    else if (a === '--no-app') o.app = false;
    else if (a === '--csv-rows') o.csvRows = Math.max(1000, Number(next()));
    else if (a === '--compare-fused') o.compareFused = true;
    else if (a === '--out') o.out = next();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  for (const m of [...o.models, ...o.cpuModels]) if (!BENCH_MODELS.some((b) => b.id === m)) throw new Error(`unknown model ${m}`);
  return o;
}

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

interface Row extends CaseResult {
  mode: string;
  loopP99Ms?: number;
  loopMaxMs?: number;
  peerMs?: number;
  peerCpuMs?: number;
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

const f0 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const f1 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1));

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
 * having settled), so the peer runs twice, in opposite model orders, and each model keeps
 * its faster median: the comparison is made against PyTorch at its best.
 */
function runPeer(models: string[], o: Options): PeerOut | { error: string } {
  const first = runPeerOnce(models, o);
  if ('error' in first) return first;
  const second = runPeerOnce([...models].reverse(), o);
  if ('error' in second) return first;
  const results = first.results.map((r) => {
    const other = second.results.find((q) => q.model === r.model);
    return other?.ok && (!r.ok || (other.msPerBatch ?? Infinity) < (r.msPerBatch ?? Infinity)) ? other : r;
  });
  return { ...first, results };
}

function runPeerOnce(models: string[], o: Options): PeerOut | { error: string } {
  const arg = JSON.stringify({ models, batches: o.batches, warmup: o.warmup, batchSize: o.batchSize, timesteps: BENCH_TIMESTEPS, threads: teamSize(), ...captionerDims() });
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

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const load = os.loadavg()[0]!;
  console.log(`SeqLab bench ${started.toISOString()} — ${machine()}; load average at start ${load.toFixed(2)}`);
  console.log(`batch ${o.batchSize}, ${BENCH_TIMESTEPS} timesteps x 14 features for the Jena models, RMSprop, warm-up ${o.warmup} + ${o.batches} timed batches (median), cap ${o.cap} s per case`);
  const rows: Row[] = [];
  const modes: { mode: string; env: NodeJS.ProcessEnv }[] = o.compareFused
    ? [{ mode: 'stock', env: { ...process.env, SEQLAB_FUSED: '0' } }, { mode: 'fused', env: { ...process.env, SEQLAB_FUSED: '1' } }]
    : [{ mode: process.env.SEQLAB_FUSED === '0' ? 'stock' : 'default', env: { ...process.env } }];
  for (const backend of o.backends) {
    const models = backend === 'cpu' ? o.models.filter((m) => o.cpuModels.includes(m)) : o.models;
    for (const model of models) {
      const recurrent = /"class_name":"(GRU|LSTM|SimpleRNN|Conv1D|MaxPooling1D|GlobalMaxPooling1D)"/.test(JSON.stringify(BENCH_MODELS.find((m) => m.id === model)!.spec()));
      for (const { mode, env } of modes) {
        // --compare-fused: a model without fusable layers runs once, as the app runs it
        // (SeqLab's kernel module still computes its Conv2D gradients)
        if (mode === 'stock' && !recurrent) continue;
        process.stdout.write(`${backend} ${model} ${mode} `);
        const req: CaseRequest = { model, backend, batchSize: o.batchSize, batches: backend === 'cpu' ? Math.min(o.batches, 2) : o.batches, warmup: backend === 'cpu' ? 1 : o.warmup, capSeconds: o.cap };
        const t = await withLoopDelay(() => runCaseInWorker(req, env));
        const parts = [t.value.fusedLayers ? `RNN x${t.value.fusedLayers}` : '', t.value.fusedConvLayers ? `conv/pool x${t.value.fusedConvLayers}` : ''].filter(Boolean);
        const fusedLabel = parts.length ? `fused ${parts.join(', ')}${(t.value.kernelThreads ?? 1) > 1 ? `, ${t.value.kernelThreads} threads` : ''}` : env.SEQLAB_FUSED === '0' ? 'stock' : `default${(t.value.kernelThreads ?? 1) > 1 ? `, ${t.value.kernelThreads} threads` : ''}`;
        const row: Row = { ...t.value, mode: t.value.ok ? fusedLabel : mode, loopP99Ms: t.p99, loopMaxMs: t.max };
        // --compare-fused: the second run of a model without recurrent layers repeats the first
        if (o.compareFused && recurrent && mode === 'fused' && t.value.ok && !t.value.fusedLayers && !t.value.fusedConvLayers) {
          console.log(' (no fused layers: not kept)');
          continue;
        }
        rows.push(row);
        console.log(row.ok ? ` ${f0(row.msPerBatch)} ms/batch, loop p99 ${f1(t.p99)} ms` : ` FAILED: ${row.error}`);
      }
    }
  }

  let peer: PeerOut | { error: string } | null = null;
  if (o.peer) {
    process.stdout.write('PyTorch peer... ');
    peer = runPeer(o.models.filter((m) => BENCH_MODELS.find((b) => b.id === m)!.peer), o);
    console.log('error' in peer ? `unavailable: ${peer.error}` : `torch ${peer.torch}, BLAS ${peer.blas.join(', ') || 'none found'}`);
    if (!('error' in peer)) {
      for (const r of rows) {
        const p = peer.results.find((q) => q.model === r.model && q.ok);
        r.peerMs = p?.msPerBatch;
        r.peerCpuMs = p?.cpuMsPerBatch;
      }
    }
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

  const md = renderMarkdown({ o, started, load, rows, peer, csv, app });
  console.log(`\n${md}`);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(path.join(o.out, 'latest.md'), md);
  writeFileSync(path.join(o.out, 'latest.json'), `${JSON.stringify({ date: started.toISOString(), machine: machine(), loadAverage: load, options: o, rows, peer, csv, app }, null, 2)}\n`);
  console.log(`written ${path.join(o.out, 'latest.md')} and latest.json`);
  process.exit(0);
}

function renderMarkdown(r: { o: Options; started: Date; load: number; rows: Row[]; peer: PeerOut | { error: string } | null; csv: CsvReport | null; app: AppReport | null }): string {
  const out: string[] = [];
  out.push(`Measured ${r.started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}; load average ${r.load.toFixed(2)} at start.`);
  out.push(`Batch ${r.o.batchSize}, ${BENCH_TIMESTEPS} timesteps x 14 features (Jena models), RMSprop; MAE for the regressors, cross-entropy for the video and captioning classifiers. Median of ${r.o.batches} timed batches after ${r.o.warmup} warm-up batches, PyTorch too (pure JS: one warm-up, at most 2 timed, capped at ${r.o.cap} s).`);
  out.push('');
  const hasPeer = r.peer && !('error' in r.peer);
  const fusedCol = true;
  out.push(`| model | backend |${fusedCol ? ' mode |' : ''} ms/batch | CPU ms/batch | samples/s | first batch ms | peak worker MiB | peak RSS MiB | main loop p99 ms |${hasPeer ? ' PyTorch ms/batch | PyTorch CPU ms | tfjs / PyTorch |' : ''}`);
  out.push(`|---|---|${fusedCol ? '---|' : ''}---:|---:|---:|---:|---:|---:|---:|${hasPeer ? '---:|---:|---:|' : ''}`);
  for (const x of r.rows) {
    const label = BENCH_MODELS.find((m) => m.id === x.model)?.label ?? x.model;
    const cells = x.ok
      ? [f0(x.msPerBatch), f0(x.cpuMsPerBatch), f0(x.samplesPerSecond), f0(x.firstBatchMs), f0(x.peakWorkerMiB), f0(x.peakRssMiB), f1(x.loopP99Ms)]
      : [`failed: ${x.error ?? '?'}`, '', '', '', '', '', f1(x.loopP99Ms)];
    const peerCells = hasPeer ? [f0(x.peerMs), f0(x.peerCpuMs), x.ok && x.peerMs ? `${(x.msPerBatch! / x.peerMs).toFixed(1)}x` : '–'] : [];
    out.push(`| ${label} | ${x.backend} |${fusedCol ? ` ${x.mode} |` : ''} ${[...cells, ...peerCells].join(' | ')} |`);
  }
  out.push('');
  if (r.peer) {
    if ('error' in r.peer) out.push(`PyTorch peer: not run (${r.peer.error}).`);
    else out.push(`PyTorch peer: torch ${r.peer.torch}, ${r.peer.threads} threads, OPENBLAS_NUM_THREADS=${r.peer.openblasThreads ?? 'unset'}, BLAS loaded: ${r.peer.blas.join(', ') || 'none found'}; each model's faster median of two peer runs in opposite model orders.`);
  }
  const worstLoop = Math.max(0, ...r.rows.map((x) => x.loopP99Ms ?? 0), r.app?.trainLoopP99Ms ?? 0, r.csv?.appParseLoopP99Ms ?? 0, r.csv?.parseLoopP99Ms ?? 0);
  out.push(`Main-thread event-loop delay, worst p99 over all runs: ${f1(worstLoop)} ms (target < 50 ms: ${worstLoop < 50 ? 'met' : 'MISSED'}).`);
  if (r.app) {
    if (r.app.error) out.push(`App path: error ${r.app.error}.`);
    else out.push(`App path (EngineHost worker + router, backend ${r.app.backend ?? '?'}): GRU preset on synthetic Jena, ${f0(r.app.trainMsPerBatch)} ms/batch (${f0(r.app.trainSamplesPerSecond)} samples/s incl. validation set-up), run ${r.app.trainStatus}; main loop p99 ${f1(r.app.trainLoopP99Ms)} ms, max ${f1(r.app.trainLoopMaxMs)} ms.`);
  }
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
