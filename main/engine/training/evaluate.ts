/** Evaluation of a trained model on a split, the naive baseline alone, and forecast series for the charts. */
import { tf } from '../platform/backend';
import { inferBatch } from '../model/infer';
import type { PreparedData } from '../data/datasets';
import type { SampleSource, SplitName } from '../data/source';
import { elementLoss, physicalLoss, type LossName } from './losses';

export const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

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

/** Input values one evaluation call may hold (16 MiB of float32). */
const CALL_FLOATS = 4 * 1024 * 1024;
/** At most this many training batches in one evaluation call. */
const MAX_BATCHES_PER_CALL = 8;

/**
 * Samples per model call when evaluating: several training batches at once where their inputs
 * fit in CALL_FLOATS. The loss is a mean over samples, so the call size does not change it;
 * bigger calls pay the per-call costs (tensor copies, the recurrent kernels' per-step
 * synchronisation of the threads) fewer times.
 */
export function evaluationCallSize(batchSize: number, floatsPerSample: number): number {
  const k = Math.floor(CALL_FLOATS / Math.max(1, batchSize * floatsPerSample));
  return batchSize * Math.max(1, Math.min(MAX_BATCHES_PER_CALL, k));
}

/**
 * Evaluates a model (or, with model null, only the naive baseline) on a split, in
 * batches of `batchSize`, over at most `maxBatches` batches (0 or absent: the whole split).
 * The model sees several batches per call (evaluationCallSize); onBatch still counts batches.
 */
export async function evaluateSplit(
  model: tf.LayersModel | null,
  source: SampleSource,
  split: SplitName,
  opts: { loss: LossName; batchSize: number; maxBatches?: number; shouldStop?: () => boolean; onBatch?: (done: number, total: number) => void },
): Promise<EvalResult | null> {
  const count = source.count(split);
  const B = opts.batchSize;
  const cap = opts.maxBatches && opts.maxBatches > 0 ? opts.maxBatches * B : count;
  const indices = evaluationIndices(count, cap);
  const n = indices.length;
  const T = source.timesteps;
  const F = source.features;
  const Y = source.targetSize;
  const call = evaluationCallSize(B, T * F);
  const x = new Float32Array(call * T * F);
  const y = new Float32Array(call * Y);
  const naive = new Float32Array(call * Y);
  let sum = 0;
  let naiveSum = 0;
  let right = 0;
  let naiveRight = 0;
  const cls = source.kind === 'classification';
  for (let first = 0; first < n; first += call) {
    if (opts.shouldStop?.()) return null;
    const m = Math.min(call, n - first);
    source.fill(split, indices.subarray(first, first + m), x, y, naive);
    let pred: Float32Array | null = null;
    if (model) {
      pred = tf.tidy(() => {
        const out = inferBatch(model, tf.tensor3d(x.subarray(0, m * T * F), [m, T, F]));
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
    opts.onBatch?.(Math.ceil((first + m) / B), Math.ceil(n / B));
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
    const p = tf.tidy(() => inferBatch(run.model, tf.tensor3d(x.subarray(0, m * T * F), [m, T, F])).dataSync() as Float32Array);
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
