/**
 * The training loop. A custom loop (rather than model.fit) so that Stop takes effect
 * between any two batches, a NaN or exploding loss stops the run at once, progress is
 * throttled to what a person can see, and the best weights are kept.
 *
 * Datasets come from data/datasets.ts, the model from model/build.ts, losses from
 * losses.ts, evaluation from evaluate.ts.
 *
 * API (see each function's comment):
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
import { AppError, toErrorData } from '../../../shared/errors';
import type { Experiment } from '../../../shared/experiment';
import type { EpochLog, TrainDone, TrainProgress } from '../../../shared/ipc/contract';
import { tf } from '../platform/backend';
import type { LoadedDataset } from '../data/builtin';
import { loadDataset, prepareData, type PreparedData } from '../data/datasets';
import { mulberry32 } from '../data/random';
import type { SampleSource } from '../data/source';
import { buildModel } from '../model/build';
import { evaluateSplit, yieldToEvents, type EvalResult } from './evaluate';
import { lossOf, makeOptimizer } from './losses';

export interface TrainHooks {
  onProgress?(p: TrainProgress): void;
  onEpoch?(log: EpochLog): void;
  /** Polled between batches. */
  shouldStop?(): boolean;
  /**
   * Called after every epoch (awaited) with the history so far and, when the epoch improved
   * on the best, its weights: main/engine/training/checkpoints.ts writes them to disk so a crash
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
      // Its batches report progress too: the book's whole split (769 batches) takes as long as
      // the epoch's training, and the window must not look stalled meanwhile.
      const onValidationBatch = (done: number, total: number): void => {
        const now = performance.now();
        if (now - lastEmit < interval && done < total) return;
        lastEmit = now;
        const elapsed = (now - started) / 1000;
        const perBatch = elapsed / Math.max(1, doneBatches + done);
        hooks.onProgress?.({
          runId,
          phase: 'validating',
          epoch,
          epochs: s.epochs,
          batch: done,
          batches: total,
          loss: smoothed || 0,
          smoothedLoss: smoothed || 0,
          samplesPerSecond: (done * B) / Math.max(1e-3, (now - validationStart) / 1000),
          etaSeconds: Math.max(0, (totalBatches - doneBatches - done) * perBatch),
          elapsedSeconds: elapsed,
        });
      };
      const validationStart = performance.now();
      const v = await evaluateSplit(model, src, 'validation', { loss: s.loss, batchSize: B, maxBatches: valBatches, shouldStop: hooks.shouldStop, onBatch: onValidationBatch });
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

