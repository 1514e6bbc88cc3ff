/**
 * The training loop. A custom loop (rather than model.fit) so that Stop takes effect
 * between any two batches, a NaN or exploding loss stops the run at once, progress is
 * throttled to what a person can see, and the best weights are kept.
 *
 * API (see each function's comment):
 *   loadDataset(ref, onProgress?, {dataDir}) -> LoadedDataset (builtin or imported CSV file; async)
 *   prepareData(exp, dataset?)             -> PreparedData: splits, normalisation (train rows only), SampleSource
 *   trainModel(exp, runId, hooks, opts?)   -> TrainedRun { done, model (best weights), data, dispose() }
 *   runTraining(exp, runId, hooks)         -> TrainDone (trainModel, then disposes the model)
 *   evaluateSplit(model, source, split, o) -> loss, baseline loss, physical figures, accuracy
 *   predictRange(run, { split, start, count, stride }) -> truth / prediction / naive, physical units
 *   naiveBaseline(data, split, loss)       -> the baseline alone, without a model
 *
 * Datasets of two kinds go through one loop via SampleSource (data/source.ts): forecasting
 * windows cut on the fly from a table (regression) and generated (x, y) tasks
 * (classification: sigmoid outputs, binary cross-entropy, accuracy).
 */
import * as nodePath from 'node:path';
import { AppError, toErrorData } from '../../shared/errors';
import type { Experiment } from '../../shared/experiment';
import type { EpochLog, TrainDone, TrainProgress } from '../../shared/ipc/contract';
import { tf } from './backend';
import { JENA_SPLITS, loadBuiltin, type LoadedDataset, type TableDataset } from './data/builtin';
import { parseCsvFile, type CsvProgress, type CsvResult, type MissingPolicy } from './data/csv';
import { mulberry32 } from './data/random';
import { SPLIT_NAMES, TaskSource, WindowedSource, type SampleSource, type SplitName } from './data/source';
import { unitOf } from './data/table';
import { normalise, sampleRows, statistics, type Normalisation, type Split, type WindowSpec } from './data/window';
import { FusedRMSProp } from './kernels/optim';
import { installFusedRnn } from './kernels/rnn';

export interface TrainHooks {
  onProgress?(p: TrainProgress): void;
  onEpoch?(log: EpochLog): void;
  /** Polled between batches. */
  shouldStop?(): boolean;
  /**
   * Called after every epoch (awaited) with the history so far and, when the epoch improved
   * on the best, its weights: main/engine/checkpoints.ts writes them to disk so a crash
   * loses at most the current epoch.
   */
  checkpoint?(c: {
    epoch: number;
    history: EpochLog[];
    bestWeights: tf.Tensor[] | null;
    /** The optimizer's state (moments, iteration count) at the best epoch, so a resumed run continues smoothly. */
    optimizerWeights: { name: string; tensor: tf.Tensor }[] | null;
    best: { epoch: number; valLoss: number; valLossPhysical: number | null; valAccuracy: number | null } | null;
  }): Promise<void> | void;
  /** Minimum milliseconds between progress events (default 100: ten a second). */
  progressIntervalMs?: number;
}

const RANDOM_INITIALIZERS = new Set([
  'GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'LecunUniform', 'LecunNormal',
  'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'Orthogonal', 'VarianceScaling',
]);
const DEFAULT_INITIALIZERS: Record<string, string> = {
  kernel_initializer: 'GlorotUniform',
  recurrent_initializer: 'Orthogonal',
  embeddings_initializer: 'RandomUniform',
};
/** Which layer classes use each initializer (when the config leaves it to the default). */
const INITIALIZED_BY: Record<string, RegExp> = {
  kernel_initializer: /^(Dense|Conv[123]D|ConvLSTM2D|SimpleRNN|GRU|LSTM)$/,
  recurrent_initializer: /^(SimpleRNN|GRU|LSTM|ConvLSTM2D)$/,
  embeddings_initializer: /^Embedding$/,
};

/**
 * Gives every random initializer and dropout in the topology a seed derived from the
 * run's seed, so a run repeats exactly. Only the copy used for building is changed;
 * the spec the user sees and exports stays plain.
 */
export function seedTopology<T>(topology: T, seed: number): T {
  const copy = JSON.parse(JSON.stringify(topology)) as T;
  let k = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.class_name === 'string' && obj.config && typeof obj.config === 'object') {
      const cfg = obj.config as Record<string, unknown>;
      const cls = obj.class_name;
      if (cls === 'Dropout' || cls === 'SpatialDropout1D' || cls === 'GaussianNoise') {
        if (cfg.seed == null) cfg.seed = seed + 7919 * ++k;
      }
      for (const [key, defaultClass] of Object.entries(DEFAULT_INITIALIZERS)) {
        if (cfg[key] == null && INITIALIZED_BY[key]!.test(cls)) cfg[key] = { class_name: defaultClass, config: {} };
      }
      for (const [key, value] of Object.entries(cfg)) {
        if (key.endsWith('_initializer') && value && typeof value === 'object') {
          const init = value as { class_name?: string; config?: Record<string, unknown> };
          if (init.class_name && RANDOM_INITIALIZERS.has(init.class_name)) {
            init.config = { ...(init.config ?? {}) };
            if (init.config.seed == null) init.config.seed = seed + 104729 * ++k;
          }
        }
      }
    }
    for (const v of Object.values(obj)) visit(v);
  };
  visit(copy);
  return copy;
}

export async function buildModel(exp: Experiment): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON(seedTopology(exp.model, exp.training.seed) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
  }
  // On the CPU backends (wasm, cpu) recurrent layers run as fused WebAssembly ops; the
  // model stays the same plain Keras layers (kernels/rnn). SEQLAB_FUSED=0 turns it off.
  await installFusedRnn(model, exp.training.seed);
  return model;
}


type LossName = Experiment['training']['loss'];

function makeOptimizer(s: Experiment['training']): tf.Optimizer {
  switch (s.optimizer) {
    case 'adam':
      return tf.train.adam(s.learningRate);
    case 'sgd':
      return tf.train.sgd(s.learningRate);
    default:
      // tfjs's RMSprop, with its update as one loop per variable on the CPU backends (kernels/optim.ts)
      return new FusedRMSProp(s.learningRate);
  }
}

const EPS = 1e-7;

function lossOf(kind: LossName, y: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  if (kind === 'mae') return tf.losses.absoluteDifference(y, pred);
  if (kind === 'mse') return tf.losses.meanSquaredError(y, pred);
  const p = tf.clipByValue(pred, EPS, 1 - EPS);
  return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))))) as tf.Scalar;
}

/** One element's loss, in plain JS (evaluation runs on downloaded predictions). */
function elementLoss(kind: LossName, y: number, p: number): number {
  if (kind === 'mae') return Math.abs(p - y);
  if (kind === 'mse') return (p - y) * (p - y);
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

/** Converts a normalised loss to physical units: MAE scales with the std, MSE with its square. */
export function physicalLoss(kind: LossName, loss: number | null, scale: number): number | null {
  if (loss === null || kind === 'binary_crossentropy') return null;
  return kind === 'mae' ? loss * scale : loss * scale * scale;
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

// ------------------------------------------------------------------ data

let csvCache: { key: string; dataset: TableDataset; csv: CsvResult } | null = null;

const FILE_ID = /^[a-z0-9-]{1,64}$/;

/**
 * The only path an imported file can have: `<dataDir>/imports/<fileId>.csv`. The id is
 * checked again here (the schema checked it already), so no id can leave that folder.
 */
export function importedCsvPath(dataDir: string, fileId: string): string {
  if (!FILE_ID.test(fileId)) throw new AppError('E_VALIDATION', { path: 'dataset.fileId', issue: 'invalid_string' });
  return nodePath.join(dataDir, 'imports', `${fileId}.csv`);
}

/**
 * Parses an imported CSV file (streamed from disk with progress) and keeps the last one
 * parsed cached by path, size, modification time and missing-value policy. Returns the
 * dataset and the parser's full report (columns, problems) for the Data page.
 */
export async function loadImportedCsv(
  dataDir: string,
  fileId: string,
  missing?: MissingPolicy,
  onProgress?: (p: CsvProgress) => void,
): Promise<{ dataset: TableDataset; csv: CsvResult }> {
  const file = importedCsvPath(dataDir, fileId);
  const { promises: fs } = await import('node:fs');
  let key = '';
  try {
    const st = await fs.stat(file);
    key = `${file}|${st.size}|${st.mtimeMs}|${missing ?? ''}`;
  } catch {
    throw new AppError('E_NOT_FOUND', { what: 'file', id: fileId });
  }
  if (csvCache?.key === key) return { dataset: csvCache.dataset, csv: csvCache.csv };
  const csv = await parseCsvFile(file, onProgress, missing ? { missing } : {});
  const t = csv.table.columns.findIndex((c) => /^T \(degC\)$/.test(c));
  const dataset: TableDataset = {
    kind: 'table',
    table: csv.table,
    timestamps: csv.timestamps,
    splits: { ...JENA_SPLITS },
    defaultTargetColumn: t >= 0 ? t : 0,
  };
  csvCache = { key, dataset, csv };
  return { dataset, csv };
}

/**
 * Loads the experiment's dataset: a builtin (generated) or an imported CSV file, found by
 * its id under `<dataDir>/imports/` only (see loadImportedCsv; the last one is cached).
 * CSV files use the Jena fractions for their split unless windowing.splits says otherwise.
 */
export async function loadDataset(ref: Experiment['dataset'], onProgress?: (p: CsvProgress) => void, opts: { dataDir?: string } = {}): Promise<LoadedDataset> {
  if (ref.kind === 'builtin') return loadBuiltin(ref);
  if (!opts.dataDir) throw new AppError('E_NOT_FOUND', { what: 'file', id: ref.fileId });
  return (await loadImportedCsv(opts.dataDir, ref.fileId, ref.missing, onProgress)).dataset;
}

export interface PreparedData {
  dataset: LoadedDataset;
  /** What the loop trains on. */
  source: SampleSource;
  /** Row (table) or sample (task) ranges of the splits, half-open. */
  splits: Record<SplitName, Split>;
  /** Table datasets only: */
  windowSpec?: WindowSpec;
  /** Normalisation statistics, from the training rows only. */
  stats?: Normalisation;
  /** Normalised table (one copy; windows are still cut lazily). */
  norm?: ReturnType<typeof normalise>;
  /** Kept for older callers: the train and validation ranges. */
  train: Split;
  validation: Split;
}

/** Sizes of the splits for n rows/samples: explicit counts win, else fractions (rounded). */
export function splitRanges(n: number, fractions: { train: number; validation: number }, explicit?: { train: number; validation: number }): Record<SplitName, Split> {
  let train: number;
  let validation: number;
  if (explicit) {
    if (explicit.train + explicit.validation > n) {
      throw new AppError('E_VALIDATION', { path: 'windowing.splits', issue: 'more_rows_than_data', rows: n });
    }
    train = explicit.train;
    validation = explicit.validation;
  } else {
    train = Math.min(n, Math.round(n * fractions.train));
    validation = Math.min(n - train, Math.round(n * fractions.validation));
  }
  return { train: { start: 0, end: train }, validation: { start: train, end: train + validation }, test: { start: train + validation, end: n } };
}

/**
 * Splits, normalises (statistics from the training rows only) and wraps the data in a
 * SampleSource. Pass `dataset` when it was loaded already (CSV files: loadDataset);
 * without it, builtins are generated here.
 */
export function prepareData(exp: Pick<Experiment, 'dataset' | 'windowing'>, dataset: LoadedDataset = loadBuiltin(exp.dataset)): PreparedData {
  const w = exp.windowing;
  if (dataset.kind === 'task') {
    const n = dataset.task.samples;
    const splits = splitRanges(n, dataset.splits, w.splits);
    const source = new TaskSource(dataset.task, { train: splits.train.end, validation: splits.validation.end - splits.validation.start });
    if (source.count('train') < 1 || source.count('validation') < 1) {
      throw new AppError('E_VALIDATION', { path: 'windowing.splits', issue: 'empty_split' });
    }
    return { dataset, source, splits, train: splits.train, validation: splits.validation };
  }
  const table = dataset.table;
  const cols = table.columns.length;
  if (w.targetColumn >= cols) {
    throw new AppError('E_VALIDATION', { path: 'windowing.targetColumn', issue: 'out_of_range', columns: cols });
  }
  const bad = w.inputColumns?.find((c) => c >= cols);
  if (bad !== undefined) throw new AppError('E_VALIDATION', { path: 'windowing.inputColumns', issue: 'out_of_range', column: bad, columns: cols });
  const splits = splitRanges(table.rows, dataset.splits, w.splits);
  const windowSpec: WindowSpec = { lookback: w.lookback, step: w.step, delay: w.delay, targetColumn: w.targetColumn, ...(w.inputColumns ? { inputColumns: w.inputColumns } : {}) };
  if (sampleRows(windowSpec, splits.train).count < 1 || sampleRows(windowSpec, splits.validation).count < 1) {
    throw new AppError('E_VALIDATION', { path: 'windowing', issue: 'window_larger_than_split' });
  }
  const stats = statistics(table, splits.train);
  const norm = normalise(table, stats);
  const unit = (w.targetColumn === dataset.defaultTargetColumn ? dataset.targetUnit : undefined) ?? unitOf(table.columns[w.targetColumn]!) ?? null;
  const source = new WindowedSource(norm, windowSpec, splits, stats, unit);
  return { dataset, source, splits, windowSpec, stats, norm, train: splits.train, validation: splits.validation };
}

// ------------------------------------------------------------------ evaluation

export interface EvalResult {
  split: SplitName;
  samples: number;
  /** Mean loss per target value, normalised units. */
  loss: number | null;
  /** The naive baseline on the same samples. */
  baselineLoss: number | null;
  /** The same two in the target's units (null for classification). */
  lossPhysical: number | null;
  baselineLossPhysical: number | null;
  /** Classification: share of target values predicted right (threshold 0.5). */
  accuracy: number | null;
  baselineAccuracy: number | null;
}

/**
 * Sample indices for evaluating a split: all of them, or `maxSamples` spread evenly
 * over the split when capped, so a capped evaluation still sees the whole period.
 */
export function evaluationIndices(count: number, maxSamples: number): Int32Array {
  if (maxSamples >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const out = new Int32Array(maxSamples);
  for (let k = 0; k < maxSamples; k++) out[k] = Math.floor((k * count) / maxSamples);
  return out;
}

/**
 * Evaluates a model (or, with model null, only the naive baseline) on a split, in
 * batches of `batchSize`, over at most `maxBatches` batches (0 or absent: the whole split).
 */
export async function evaluateSplit(
  model: tf.LayersModel | null,
  source: SampleSource,
  split: SplitName,
  opts: { loss: LossName; batchSize: number; maxBatches?: number; shouldStop?: () => boolean },
): Promise<EvalResult | null> {
  const count = source.count(split);
  const B = opts.batchSize;
  const cap = opts.maxBatches && opts.maxBatches > 0 ? opts.maxBatches * B : count;
  const indices = evaluationIndices(count, cap);
  const n = indices.length;
  const T = source.timesteps;
  const F = source.features;
  const Y = source.targetSize;
  const x = new Float32Array(B * T * F);
  const y = new Float32Array(B * Y);
  const naive = new Float32Array(B * Y);
  let sum = 0;
  let naiveSum = 0;
  let right = 0;
  let naiveRight = 0;
  const cls = source.kind === 'classification';
  for (let first = 0; first < n; first += B) {
    if (opts.shouldStop?.()) return null;
    const m = Math.min(B, n - first);
    source.fill(split, indices.subarray(first, first + m), x, y, naive);
    let pred: Float32Array | null = null;
    if (model) {
      pred = tf.tidy(() => {
        const out = model.predict(tf.tensor3d(x.subarray(0, m * T * F), [m, T, F])) as tf.Tensor;
        return out.dataSync() as Float32Array;
      });
    }
    for (let k = 0; k < m * Y; k++) {
      const t = y[k]!;
      naiveSum += elementLoss(opts.loss, t, naive[k]!);
      if (cls && naive[k]! >= 0.5 === t >= 0.5) naiveRight++;
      if (pred) {
        sum += elementLoss(opts.loss, t, pred[k]!);
        if (cls && pred[k]! >= 0.5 === t >= 0.5) right++;
      }
    }
    await yieldToEvents();
  }
  const values = n * Y;
  const loss = model && values > 0 ? sum / values : null;
  const baselineLoss = values > 0 ? naiveSum / values : null;
  return {
    split,
    samples: n,
    loss,
    baselineLoss,
    lossPhysical: physicalLoss(opts.loss, loss, source.targetScale),
    baselineLossPhysical: physicalLoss(opts.loss, baselineLoss, source.targetScale),
    accuracy: cls && model && values > 0 ? right / values : null,
    baselineAccuracy: cls && values > 0 ? naiveRight / values : null,
  };
}

/** The naive baseline alone on a split (no model): "no change" for forecasts, the base rate for tasks. */
export async function naiveBaseline(data: PreparedData, split: SplitName, loss: LossName, maxSamples = Infinity): Promise<EvalResult | null> {
  const count = data.source.count(split);
  if (count === 0) return null;
  const batchSize = 256;
  const maxBatches = Number.isFinite(maxSamples) ? Math.ceil(maxSamples / batchSize) : 0;
  return evaluateSplit(null, data.source, split, { loss, batchSize, maxBatches });
}

export interface ForecastSeries {
  split: SplitName;
  /** Sample indices within the split. */
  index: Int32Array;
  /** Table row of each target (forecasting), else null. */
  targetRow: Int32Array | null;
  /** Epoch ms of each target, when the data has timestamps. */
  time: Float64Array | null;
  /** Physical units (degC for Jena); for per-step classification tasks: every step, in order. */
  truth: Float32Array;
  prediction: Float32Array;
  naive: Float32Array;
  unit: string | null;
}

/**
 * Predictions against the truth for a range of a split (default the test split), e.g. a
 * week of the test period for a plot: `start` is the first sample index within the split,
 * `count` how many points, `stride` the distance between them in samples (1: every row;
 * 6: hourly for 10-minute data). For Jena at 10-minute rows one week is count 1008
 * (or count 168 with stride 6).
 */
export async function predictRange(
  run: { model: tf.LayersModel; data: PreparedData },
  opts: { split?: SplitName; start?: number; count: number; stride?: number; batchSize?: number },
): Promise<ForecastSeries> {
  const split = opts.split ?? 'test';
  const src = run.data.source;
  const total = src.count(split);
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const start = Math.max(0, Math.min(total, Math.floor(opts.start ?? 0)));
  const count = Math.max(0, Math.min(Math.floor(opts.count), Math.ceil((total - start) / stride)));
  const index = Int32Array.from({ length: count }, (_, i) => start + i * stride);
  const T = src.timesteps;
  const F = src.features;
  const Y = src.targetSize;
  const B = opts.batchSize ?? 128;
  const truth = new Float32Array(count * Y);
  const prediction = new Float32Array(count * Y);
  const naive = new Float32Array(count * Y);
  const x = new Float32Array(B * T * F);
  for (let first = 0; first < count; first += B) {
    const m = Math.min(B, count - first);
    const y = truth.subarray(first * Y, (first + m) * Y);
    src.fill(split, index.subarray(first, first + m), x, y, naive.subarray(first * Y, (first + m) * Y));
    const p = tf.tidy(() => (run.model.predict(tf.tensor3d(x.subarray(0, m * T * F), [m, T, F])) as tf.Tensor).dataSync() as Float32Array);
    prediction.set(p.subarray(0, m * Y), first * Y);
    await yieldToEvents();
  }
  const a = src.targetScale;
  const b = src.targetOffset;
  if (src.kind === 'regression') {
    for (let k = 0; k < truth.length; k++) {
      truth[k] = truth[k]! * a + b;
      prediction[k] = prediction[k]! * a + b;
      naive[k] = naive[k]! * a + b;
    }
  }
  let targetRow: Int32Array | null = null;
  let time: Float64Array | null = null;
  if (src.targetRow) {
    targetRow = index.map((i) => src.targetRow!(split, i));
    const ts = run.data.dataset.kind === 'table' ? run.data.dataset.timestamps : null;
    if (ts) time = Float64Array.from(targetRow, (r) => ts[r]!);
  }
  return { split, index, targetRow, time, truth, prediction, naive, unit: src.targetUnit };
}

// ------------------------------------------------------------------ training

/** Checks that the model takes [batch, timesteps, features] and gives targetSize values per sample. */
function checkShapes(model: tf.LayersModel, src: SampleSource): void {
  const inShape = model.inputs[0]!.shape;
  const T = src.timesteps;
  const F = src.features;
  if (inShape.length !== 3 || (inShape[1] != null && inShape[1] !== T) || inShape[2] !== F) {
    throw new AppError('E_MODEL_INVALID', { detail: `input ${JSON.stringify(inShape)} vs data [null,${T},${F}]`, issue: 'input_shape' });
  }
  const outShape = model.outputs[0]!.shape;
  const per = outShape.slice(1).reduce<number>((p, d) => p * (d ?? T), 1);
  if (per !== src.targetSize) {
    const want = src.targetSize === 1 ? '[null,1]' : `[null,${T},1]`;
    throw new AppError('E_MODEL_INVALID', { detail: `output ${JSON.stringify(outShape)} vs target ${want}`, issue: 'output_shape' });
  }
}

export interface TrainedRun {
  done: TrainDone;
  /** The trained model (best weights restored unless restoreBestWeights is false); null when the run failed early. */
  model: tf.LayersModel | null;
  data: PreparedData | null;
  /** Frees the model's memory. */
  dispose(): void;
}

export interface TrainOptions {
  /** A dataset loaded already (loadDataset); default: generate the builtin. */
  dataset?: LoadedDataset;
  /** Where imported files live (`<dataDir>/imports/<fileId>.csv`); needed for file datasets. */
  dataDir?: string;
  /** Weights to start from (an imported model's, same shapes as the built model's weights, in order). */
  initialWeights?: tf.Tensor[];
  /**
   * Continue an interrupted run (checkpoints.ts): its history so far and the best epoch,
   * whose weights are initialWeights. Training goes on with the next epoch up to the
   * experiment's epoch count.
   */
  resume?: {
    history: EpochLog[];
    best: { epoch: number; valLoss: number; valLossPhysical: number | null; valAccuracy: number | null };
    /** The optimizer's state saved with the best weights (optimizer.getWeights order). */
    optimizerWeights?: { name: string; tensor: tf.Tensor }[];
  };
}

/** Divergence: a loss that is not finite, or beyond this. */
const DIVERGED_LOSS = 1e6;

/**
 * Trains the experiment's model and returns it with the result. The caller owns the
 * model: keep it for predictRange, then call dispose(). Never throws: a failure is
 * `done.status === 'failed'` with an error code (E_TRAIN_DIVERGED, E_MODEL_INVALID, ...).
 */
export async function trainModel(exp: Experiment, runId: string, hooks: TrainHooks = {}, opts: TrainOptions = {}): Promise<TrainedRun> {
  const started = performance.now();
  const history: EpochLog[] = [];
  const interval = hooks.progressIntervalMs ?? 100;
  const s = exp.training;
  let model: tf.LayersModel | null = null;
  let data: PreparedData | null = null;
  let best: { epoch: number; valLoss: number; valLossPhysical: number | null; valAccuracy: number | null; weights: tf.Tensor[] } | null = null;
  let baselineVal: EvalResult | null = null;
  let test: EvalResult | null = null;
  let earlyStopped = false;
  let restored = false;
  const disposeBest = (): void => {
    best?.weights.forEach((t) => t.dispose());
  };
  const finish = (status: TrainDone['status'], error?: TrainDone['error']): TrainDone => {
    const last = history[history.length - 1];
    const src = data?.source;
    return {
      runId,
      status,
      history,
      finalLoss: last ? last.loss : null,
      finalValLoss: last ? last.valLoss : null,
      baselineValLoss: baselineVal?.baselineLoss ?? null,
      bestEpoch: best ? best.epoch : null,
      wallSeconds: (performance.now() - started) / 1000,
      task: src?.kind ?? (exp.training.loss === 'binary_crossentropy' ? 'classification' : 'regression'),
      lossName: s.loss,
      targetUnit: src?.targetUnit ?? null,
      baselineValLossPhysical: baselineVal?.baselineLossPhysical ?? null,
      bestValLoss: best ? best.valLoss : null,
      bestValLossPhysical: best ? best.valLossPhysical : null,
      testLoss: test?.loss ?? null,
      testLossPhysical: test?.lossPhysical ?? null,
      baselineTestLoss: test?.baselineLoss ?? null,
      baselineTestLossPhysical: test?.baselineLossPhysical ?? null,
      valAccuracy: best ? best.valAccuracy : null,
      baselineValAccuracy: baselineVal?.baselineAccuracy ?? null,
      testAccuracy: test?.accuracy ?? null,
      baselineTestAccuracy: test?.baselineAccuracy ?? null,
      earlyStopped,
      restoredBestWeights: restored,
      ...(error ? { error } : {}),
    };
  };

  try {
    hooks.onProgress?.({ runId, phase: 'preparing', epoch: 0, epochs: s.epochs, batch: 0, batches: s.stepsPerEpoch, loss: 0, smoothedLoss: 0, samplesPerSecond: 0, etaSeconds: 0, elapsedSeconds: 0 });
    data = prepareData(exp, opts.dataset ?? (await loadDataset(exp.dataset, undefined, opts.dataDir ? { dataDir: opts.dataDir } : {})));
    const src = data.source;
    if (src.kind === 'regression' && s.loss === 'binary_crossentropy') {
      throw new AppError('E_VALIDATION', { path: 'training.loss', issue: 'classification_loss_on_regression' });
    }
    const T = src.timesteps;
    const F = src.features;
    const Y = src.targetSize;
    const B = exp.windowing.batchSize;
    model = await buildModel(exp);
    checkShapes(model, src);
    if (opts.initialWeights) model.setWeights(opts.initialWeights);
    if (opts.resume) {
      history.push(...opts.resume.history);
      best = { ...opts.resume.best, weights: model.getWeights().map((t) => t.clone()) };
    }
    const optimizer = makeOptimizer(s);
    if (opts.resume?.optimizerWeights?.length) await optimizer.setWeights(opts.resume.optimizerWeights);
    const rand = mulberry32(s.seed);
    const trainCount = src.count('train');
    const valBatches = Math.min(Math.ceil(src.count('validation') / B), s.validationSteps > 0 ? s.validationSteps : Infinity);
    const patience = s.patience ?? 0;
    const minDelta = s.minDelta ?? 0;

    const x = new Float32Array(B * T * F);
    const y = new Float32Array(B * Y);
    const idx = new Int32Array(B);

    const totalBatches = s.epochs * (s.stepsPerEpoch + valBatches);
    let doneBatches = 0;
    let lastEmit = 0;
    let smoothed = NaN;
    let stopped = false;
    let sinceBest = 0;

    const firstEpoch = (history[history.length - 1]?.epoch ?? 0) + 1;
    for (let epoch = firstEpoch; epoch <= s.epochs && !stopped; epoch++) {
      const epochStart = performance.now();
      let lossSum = 0;
      for (let b = 0; b < s.stepsPerEpoch; b++) {
        if (hooks.shouldStop?.()) {
          stopped = true;
          break;
        }
        for (let i = 0; i < B; i++) idx[i] = Math.floor(rand() * trainCount);
        src.fill('train', idx, x, y);
        const lossValue = tf.tidy(() => {
          const xt = tf.tensor3d(x, [B, T, F]);
          const yt = tf.tensor2d(y, [B, Y]);
          const l = optimizer.minimize(() => {
            const pred = (model!.apply(xt, { training: true }) as tf.Tensor).reshape([B, Y]);
            let loss = lossOf(s.loss, yt, pred);
            for (const regulariser of model!.losses) loss = tf.add(loss, regulariser());
            return loss as tf.Scalar;
          }, true);
          return l!.dataSync()[0]!;
        });
        if (!Number.isFinite(lossValue) || lossValue > DIVERGED_LOSS) {
          throw new AppError('E_TRAIN_DIVERGED', { epoch, batch: b + 1, loss: String(lossValue) });
        }
        lossSum += lossValue;
        smoothed = Number.isNaN(smoothed) ? lossValue : 0.9 * smoothed + 0.1 * lossValue;
        doneBatches++;
        const now = performance.now();
        if (now - lastEmit >= interval || b === s.stepsPerEpoch - 1) {
          lastEmit = now;
          const elapsed = (now - started) / 1000;
          const perBatch = elapsed / doneBatches;
          hooks.onProgress?.({
            runId,
            phase: 'training',
            epoch,
            epochs: s.epochs,
            batch: b + 1,
            batches: s.stepsPerEpoch,
            loss: lossValue,
            smoothedLoss: smoothed,
            samplesPerSecond: (doneBatches * B) / elapsed,
            etaSeconds: Math.max(0, (totalBatches - doneBatches) * perBatch),
            elapsedSeconds: elapsed,
          });
        }
        await yieldToEvents();
      }
      if (stopped) break;

      // Validation: evenly spread samples of the split, with the naive baseline on the same ones.
      const v = await evaluateSplit(model, src, 'validation', { loss: s.loss, batchSize: B, maxBatches: valBatches, shouldStop: hooks.shouldStop });
      if (!v) {
        stopped = true;
        break;
      }
      doneBatches += valBatches;
      baselineVal = v;
      if (v.loss !== null && !Number.isFinite(v.loss)) throw new AppError('E_TRAIN_DIVERGED', { epoch, batch: 0, loss: String(v.loss) });
      const log: EpochLog = {
        epoch,
        loss: lossSum / s.stepsPerEpoch,
        valLoss: v.loss,
        seconds: (performance.now() - epochStart) / 1000,
        valLossPhysical: v.lossPhysical,
        valAccuracy: v.accuracy,
      };
      history.push(log);
      hooks.onEpoch?.(log);
      const score = v.loss ?? log.loss;
      const improved = !best || score < best.valLoss - minDelta;
      if (improved) {
        disposeBest();
        best = { epoch, valLoss: score, valLossPhysical: v.lossPhysical, valAccuracy: v.accuracy, weights: model.getWeights().map((t) => t.clone()) };
        sinceBest = 0;
      } else if (patience > 0 && ++sinceBest >= patience) {
        earlyStopped = true;
      }
      if (hooks.checkpoint) {
        const b = best!;
        const optimizerWeights = improved ? await optimizer.getWeights() : null;
        await hooks.checkpoint({ epoch, history: [...history], bestWeights: improved ? b.weights : null, optimizerWeights, best: { epoch: b.epoch, valLoss: b.valLoss, valLossPhysical: b.valLossPhysical, valAccuracy: b.valAccuracy } });
      }
      if (earlyStopped) break;
    }
    const lastEpoch = history[history.length - 1]?.epoch ?? 0;
    if (best && (s.restoreBestWeights ?? true) && best.epoch !== lastEpoch) {
      model.setWeights(best.weights);
      restored = true;
    }
    if (!stopped && src.count('test') > 0 && s.testSteps !== 0) {
      const cap = s.testSteps ?? s.validationSteps;
      hooks.onProgress?.({ runId, phase: 'validating', epoch: lastEpoch, epochs: s.epochs, batch: 0, batches: 0, loss: smoothed || 0, smoothedLoss: smoothed || 0, samplesPerSecond: 0, etaSeconds: 0, elapsedSeconds: (performance.now() - started) / 1000 });
      test = await evaluateSplit(model, src, 'test', { loss: s.loss, batchSize: B, maxBatches: cap, shouldStop: hooks.shouldStop });
    }
    const done = finish(stopped ? 'stopped' : 'completed');
    disposeBest();
    const m = model;
    return { done, model: m, data, dispose: () => m.dispose() };
  } catch (e) {
    const err = toErrorData(e);
    disposeBest();
    const done = finish('failed', { code: err.code, params: err.params });
    model?.dispose();
    return { done, model: null, data, dispose: () => {} };
  }
}

/** Trains and returns the result only (the model is disposed). Kept for the engine and the CLI. */
export async function runTraining(exp: Experiment, runId: string, hooks: TrainHooks = {}, opts: TrainOptions = {}): Promise<TrainDone> {
  const run = await trainModel(exp, runId, hooks, opts);
  run.dispose();
  return run.done;
}

export { SPLIT_NAMES, type SplitName };
