/**
 * The training loop. A custom loop (rather than model.fit) so that Stop takes effect
 * between any two batches, a NaN or exploding loss stops the run at once, progress is
 * throttled to what a person can see, and the best weights are kept.
 */
import { AppError, toErrorData } from '../../shared/errors';
import type { Experiment } from '../../shared/experiment';
import type { EpochLog, TrainDone, TrainProgress } from '../../shared/ipc/contract';
import { tf } from './backend';
import { loadBuiltin, type LoadedDataset } from './data/builtin';
import { mulberry32 } from './data/random';
import { fillBatch, normalise, sampleRows, statistics, timesteps, type Split, type WindowSpec } from './data/window';

export interface TrainHooks {
  onProgress?(p: TrainProgress): void;
  onEpoch?(log: EpochLog): void;
  /** Polled between batches. */
  shouldStop?(): boolean;
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
  try {
    return await tf.models.modelFromJSON(seedTopology(exp.model, exp.training.seed) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
  }
}

function makeOptimizer(s: Experiment['training']): tf.Optimizer {
  switch (s.optimizer) {
    case 'adam':
      return tf.train.adam(s.learningRate);
    case 'sgd':
      return tf.train.sgd(s.learningRate);
    default:
      return tf.train.rmsprop(s.learningRate);
  }
}

function lossOf(kind: 'mae' | 'mse', y: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  return kind === 'mae' ? tf.losses.absoluteDifference(y, pred) : tf.losses.meanSquaredError(y, pred);
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface PreparedData {
  dataset: LoadedDataset;
  windowSpec: WindowSpec;
  train: Split;
  validation: Split;
  /** Normalised table (statistics from training rows only). */
  norm: ReturnType<typeof normalise>;
}

export function prepareData(exp: Experiment): PreparedData {
  const dataset = loadBuiltin(exp.dataset);
  const rows = dataset.table.rows;
  const trainEnd = Math.floor(rows * dataset.splits.train);
  const valEnd = Math.min(rows, trainEnd + Math.floor(rows * dataset.splits.validation));
  const train = { start: 0, end: trainEnd };
  const validation = { start: trainEnd, end: valEnd };
  const w = exp.windowing;
  const windowSpec: WindowSpec = { lookback: w.lookback, step: w.step, delay: w.delay, targetColumn: w.targetColumn };
  if (w.targetColumn >= dataset.table.columns.length) {
    throw new AppError('E_VALIDATION', { path: 'windowing.targetColumn', issue: 'out_of_range' });
  }
  if (sampleRows(windowSpec, train).count < 1 || sampleRows(windowSpec, validation).count < 1) {
    throw new AppError('E_VALIDATION', { path: 'windowing', issue: 'window_larger_than_split' });
  }
  const stats = statistics(dataset.table, train);
  return { dataset, windowSpec, train, validation, norm: normalise(dataset.table, stats) };
}

export async function runTraining(exp: Experiment, runId: string, hooks: TrainHooks = {}): Promise<TrainDone> {
  const started = performance.now();
  const history: EpochLog[] = [];
  const interval = hooks.progressIntervalMs ?? 100;
  let model: tf.LayersModel | null = null;
  let best: { epoch: number; valLoss: number; weights: tf.Tensor[] } | null = null;
  let baselineValLoss: number | null = null;
  const s = exp.training;
  const finish = (status: TrainDone['status'], error?: TrainDone['error']): TrainDone => {
    const last = history[history.length - 1];
    return {
      runId,
      status,
      history,
      finalLoss: last ? last.loss : null,
      finalValLoss: last ? last.valLoss : null,
      baselineValLoss,
      bestEpoch: best ? best.epoch : null,
      wallSeconds: (performance.now() - started) / 1000,
      ...(error ? { error } : {}),
    };
  };

  try {
    const data = prepareData(exp);
    const w = data.windowSpec;
    const T = timesteps(w);
    const F = data.norm.columns.length;
    const B = exp.windowing.batchSize;
    model = await buildModel(exp);
    const inShape = model.inputs[0]!.shape;
    if (inShape.length !== 3 || (inShape[1] != null && inShape[1] !== T) || inShape[2] !== F) {
      throw new AppError('E_MODEL_INVALID', { detail: `input ${JSON.stringify(inShape)} vs data [null,${T},${F}]` });
    }
    const optimizer = makeOptimizer(s);
    const rand = mulberry32(s.seed);
    const trainRows = sampleRows(w, data.train);
    const valRows = sampleRows(w, data.validation);
    const valBatches = Math.min(Math.ceil(valRows.count / B), s.validationSteps > 0 ? s.validationSteps : Infinity);

    const x = new Float32Array(B * T * F);
    const y = new Float32Array(B);
    const naive = new Float32Array(B);
    const idx = new Int32Array(B);

    const totalBatches = s.epochs * (s.stepsPerEpoch + valBatches);
    let doneBatches = 0;
    let lastEmit = 0;
    let smoothed = NaN;
    let stopped = false;

    for (let epoch = 1; epoch <= s.epochs && !stopped; epoch++) {
      const epochStart = performance.now();
      let lossSum = 0;
      for (let b = 0; b < s.stepsPerEpoch; b++) {
        if (hooks.shouldStop?.()) {
          stopped = true;
          break;
        }
        for (let i = 0; i < B; i++) idx[i] = trainRows.first + Math.floor(rand() * trainRows.count);
        fillBatch(data.norm, w, idx, x, y);
        const lossValue = tf.tidy(() => {
          const xt = tf.tensor3d(x, [B, T, F]);
          const yt = tf.tensor2d(y, [B, 1]);
          const l = optimizer.minimize(() => {
            const pred = model!.apply(xt, { training: true }) as tf.Tensor;
            let loss = lossOf(s.loss, yt, pred);
            for (const regulariser of model!.losses) loss = tf.add(loss, regulariser());
            return loss as tf.Scalar;
          }, true);
          return l!.dataSync()[0]!;
        });
        if (!Number.isFinite(lossValue) || lossValue > 1e6) {
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
      const trainBatches = s.stepsPerEpoch;

      // Validation: the split's samples in order, with the naive baseline on the same ones.
      let valSum = 0;
      let naiveSum = 0;
      let valCount = 0;
      for (let vb = 0; vb < valBatches; vb++) {
        if (hooks.shouldStop?.()) {
          stopped = true;
          break;
        }
        const first = valRows.first + vb * B;
        const n = Math.min(B, valRows.last - first + 1);
        for (let i = 0; i < n; i++) idx[i] = first + i;
        fillBatch(data.norm, w, idx.subarray(0, n), x, y, naive);
        const sum = tf.tidy(() => {
          const xt = tf.tensor3d(x.subarray(0, n * T * F), [n, T, F]);
          const pred = model!.predict(xt) as tf.Tensor;
          const err = tf.sub(pred.reshape([n]), tf.tensor1d(y.subarray(0, n)));
          const per = s.loss === 'mae' ? tf.abs(err) : tf.square(err);
          return tf.sum(per).dataSync()[0]!;
        });
        for (let i = 0; i < n; i++) {
          const d = naive[i]! - y[i]!;
          naiveSum += s.loss === 'mae' ? Math.abs(d) : d * d;
        }
        valSum += sum;
        valCount += n;
        doneBatches++;
        await yieldToEvents();
      }
      if (stopped) break;
      const valLoss = valCount > 0 ? valSum / valCount : null;
      if (valCount > 0) baselineValLoss = naiveSum / valCount;
      const log: EpochLog = { epoch, loss: lossSum / trainBatches, valLoss, seconds: (performance.now() - epochStart) / 1000 };
      history.push(log);
      hooks.onEpoch?.(log);
      const score = valLoss ?? log.loss;
      if (!best || score < best.valLoss) {
        best?.weights.forEach((t) => t.dispose());
        best = { epoch, valLoss: score, weights: model.getWeights().map((t) => t.clone()) };
      }
    }
    return finish(stopped ? 'stopped' : 'completed');
  } catch (e) {
    const err = toErrorData(e);
    return finish('failed', { code: err.code, params: err.params });
  } finally {
    best?.weights.forEach((t) => t.dispose());
    model?.dispose();
  }
}
