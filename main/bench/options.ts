/** `npm run bench` options: parsing only (pure, unit-tested in tests/unit/bench-options.test.ts). */
import type { BackendName } from '../../shared/ipc/contract';
import { BENCH_MODELS } from './models';

export const LESSON_MODELS = ['conv1d-gru-6.49', 'conv1d-6.47'] as const;
export type LessonModel = (typeof LESSON_MODELS)[number];

export const USAGE = `npm run bench -- [--backends wasm,cpu] [--models gru,lstm,...] [--cpu-models gru,conv1d-6.47]
                 [--batches 10] [--warmup 10] [--batch-size 128] [--cap 60] [--peer] [--no-csv] [--no-app]
                 [--csv-rows 420551] [--compare-fused] [--out bench-results]
                 [--repeat 3] [--before-env VAR=value[,value][,VAR=value]] [--ab-off switch,switch] [--no-peak]
                 [--lesson] [--lesson-models conv1d-gru-6.49,conv1d-6.47] [--lesson-epochs 20] [--lesson-steps 500] [--no-ui]
                 [--inference]
models: ${BENCH_MODELS.map((m) => m.id).join(', ')}`;

export interface Options {
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
  /** Full runs of the selected cases (alternating order); figures are medians with min–max. */
  repeat: number;
  /** Environment of the "before" row of every case (null: one row per case, as before). */
  beforeEnv: Record<string, string> | null;
  /** Kernel switches (SEQLAB_FUSED_OFF names) turned off and on batch by batch inside each case's worker. */
  abOff: string | null;
  /** Measure the kernel module's gemm peak (GFLOP/s) and the GRU row's share of it. */
  peak: boolean;
  /** The book's listings as the lesson runs them, through the app's training path. */
  lesson: boolean;
  lessonModels: LessonModel[];
  /** Overrides of the book's 20 epochs and 500 steps (quick tries). */
  lessonEpochs: number | null;
  lessonSteps: number | null;
  /** With --lesson: the dashboard in Chromium (browser mode) while the lesson trains. */
  ui: boolean;
  /** GRU(32) predictions over the whole test split through train.predict, against torch.no_grad(). */
  inference: boolean;
  /** --help: print USAGE and stop. */
  help?: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `VAR=value[,..]`: a piece with '=' starts a variable, a piece without one continues the
 * value before it, so `SEQLAB_FUSED_OFF=rnn-split,convlstm,SEQLAB_THREADS=1` is two variables.
 */
export function parseEnvList(s: string): Record<string, string> {
  const env: Record<string, string> = {};
  let last: string | null = null;
  for (const piece of s.split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) {
      const name = piece.slice(0, eq).trim();
      if (!ENV_NAME.test(name)) throw new Error(`--before-env: "${name}" is not an environment variable name`);
      env[name] = piece.slice(eq + 1);
      last = name;
    } else if (last !== null) {
      env[last] = `${env[last]},${piece}`;
    } else {
      throw new Error(`--before-env: "${piece}" has no VAR= before it (expected VAR=value[,..])`);
    }
  }
  if (!Object.keys(env).length) throw new Error('--before-env needs VAR=value');
  return env;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number of at least 1, not "${v}"`);
  return n;
}

export function parseArgs(argv: string[]): Options {
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
    repeat: 3,
    beforeEnv: null,
    abOff: null,
    peak: true,
    lesson: false,
    lessonModels: [...LESSON_MODELS],
    lessonEpochs: null,
    lessonSteps: null,
    ui: true,
    inference: false,
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
    else if (a === '--repeat') o.repeat = positiveInt(a, next());
    else if (a === '--before-env') o.beforeEnv = parseEnvList(next());
    else if (a === '--ab-off') {
      const names = list(next());
      if (!names.length || names.some((n) => !/^[a-z0-9-]+$/.test(n))) throw new Error('--ab-off needs kernel switch names (a,b,...), as SEQLAB_FUSED_OFF takes them');
      o.abOff = names.join(',');
    }
    else if (a === '--no-peak') o.peak = false;
    else if (a === '--lesson') o.lesson = true;
    else if (a === '--lesson-models') {
      const ms = list(next());
      for (const m of ms) if (!(LESSON_MODELS as readonly string[]).includes(m)) throw new Error(`--lesson-models: unknown listing ${m}; known: ${LESSON_MODELS.join(', ')}`);
      o.lessonModels = ms as LessonModel[];
    } else if (a === '--lesson-epochs') o.lessonEpochs = positiveInt(a, next());
    else if (a === '--lesson-steps') o.lessonSteps = positiveInt(a, next());
    else if (a === '--no-ui') o.ui = false;
    else if (a === '--inference') o.inference = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown option ${a}`);
  }
  for (const m of [...o.models, ...o.cpuModels]) if (!BENCH_MODELS.some((b) => b.id === m)) throw new Error(`unknown model ${m}`);
  if (o.compareFused && o.beforeEnv) throw new Error('--compare-fused and --before-env both make before/after rows: use one');
  if (o.abOff && (o.compareFused || o.beforeEnv)) throw new Error('--ab-off compares inside each case already: leave out --compare-fused and --before-env');
  return o;
}
