/**
 * Training of the video experiment (issue #6): the three builder presets (per-frame CNN +
 * LSTM, Conv3D, ConvLSTM2D), adapted to the clip size, trained one after another on the
 * same generated clips, then scored on held-out test clips. Per model: test accuracy,
 * parameter count, seconds per epoch and the backend, so the table shows the trade-off.
 *
 * A custom loop (as in train.ts) so Stop takes effect between two batches and progress is
 * throttled; softmax outputs with categorical cross-entropy, Adam.
 */
import { AppError, toErrorData } from '../../../shared/errors';
import {
  VIDEO_CLASSES, VIDEO_MODELS, VIDEO_PREDICTED_CLIPS, VIDEO_SIZES,
  type VideoDone, type VideoModelId, type VideoModelResult, type VideoProgress, type VideoSize, type VideoSizeName,
} from '../../../shared/ipc/video';
import { getBlock, getPreset, toKerasSpec, type KerasModelJSON } from '../../../shared/model';
import { mulberry32 } from '../../../shared/random';
import { tf } from '../platform/backend';
import { buildTopology } from '../model/build';
import { inferBatch } from '../model/infer';
import { CLASS_COUNT, VideoDataset, type VideoSplit } from './video-data';
import { installFastWasmOps } from '../kernels/wasm-ops';
import { categoricalCrossentropy } from '../training/losses';

/**
 * The Keras topology of a model for clips of `frames` x `side` x `side` x 1: the builder
 * preset of the same id with its input resized and its softmax output set to the classes.
 */
export function videoModelSpec(model: VideoModelId, frames: number, side: number): KerasModelJSON {
  const preset = getPreset(model);
  if (!preset) throw new AppError('E_NOT_FOUND', { what: 'preset', id: model });
  const graph = structuredClone(preset.graph);
  for (const node of graph.nodes) {
    // the input (the preset's one video input) and the softmax head
    if (getBlock(node.block)?.kind === 'input') node.params = { ...node.params, frames, height: side, width: side, channels: 1 };
    if (node.params.activation === 'softmax' && 'units' in node.params) node.params = { ...node.params, units: CLASS_COUNT };
  }
  return toKerasSpec(graph);
}

/** The backend lacks a kernel: tfjs says "Kernel 'X' not registered for backend 'y'". */
export function kernelMissing(e: unknown): AppError | null {
  const m = /Kernel '([^']+)' not registered for backend '([^']+)'/.exec(e instanceof Error ? e.message : String(e));
  return m ? new AppError('E_BACKEND_KERNEL_MISSING', { kernel: m[1]!, backend: m[2]! }) : null;
}

export interface VideoJobOptions {
  size: VideoSizeName;
  /** Overrides of the size's settings (tests use smaller ones). */
  settings?: Partial<VideoSize>;
  models?: readonly VideoModelId[];
  seed?: number;
  runId: string;
  shouldStop?(): boolean;
  onProgress?(p: VideoProgress): void;
  onModel?(r: VideoModelResult): void;
  /** Minimum milliseconds between progress events (default 100). */
  progressIntervalMs?: number;
}

/** One split generated once for the whole job (the three models see the same clips). */
interface SplitData {
  x: Float32Array;
  labels: Int32Array;
  count: number;
}

function generate(ds: VideoDataset, split: VideoSplit): SplitData {
  const count = ds.count(split);
  const x = new Float32Array(count * ds.clipSize);
  const labels = new Int32Array(count);
  ds.fill(split, Int32Array.from({ length: count }, (_, i) => i), x, undefined, labels);
  return { x, labels, count };
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

function argmax(p: Float32Array | Int32Array | Uint8Array, row: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (p[row * width + c]! > p[row * width + best]!) best = c;
  return best;
}

interface TrainContext {
  ds: VideoDataset;
  train: SplitData;
  test: SplitData;
  s: VideoSize;
  seed: number;
  opts: VideoJobOptions;
  modelIndex: number;
  models: number;
}

/** Trains one model; never throws (a failure is a result with status 'failed' and an error code). */
async function trainOne(modelId: VideoModelId, c: TrainContext): Promise<VideoModelResult> {
  const { ds, train, test, s, opts } = c;
  const backend = tf.getBackend();
  const result: VideoModelResult = { model: modelId, status: 'completed', testAccuracy: null, params: null, secondsPerEpoch: null, epochs: [], backend, predictions: [], probabilities: [] };
  const F = ds.frames;
  const S = ds.side;
  const size = ds.clipSize;
  const B = s.batchSize;
  const batches = Math.max(1, Math.floor(train.count / B));
  const interval = opts.progressIntervalMs ?? 100;
  const started = performance.now();
  let lastEmit = 0;
  const emit = (p: Omit<VideoProgress, 'runId' | 'model' | 'modelIndex' | 'models' | 'epochs' | 'batches' | 'elapsedSeconds'>, force = false): void => {
    const now = performance.now();
    if (!force && now - lastEmit < interval) return;
    lastEmit = now;
    opts.onProgress?.({ runId: opts.runId, model: modelId, modelIndex: c.modelIndex, models: c.models, epochs: s.epochs, batches, elapsedSeconds: (now - started) / 1000, ...p });
  };
  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  try {
    emit({ phase: 'building', epoch: 0, batch: 0, loss: 0, accuracy: 0 }, true);
    // on the CPU backends the LSTM of the CNN+LSTM model and the ConvLSTM2D run as fused ops
    model = await buildTopology(videoModelSpec(modelId, F, S), c.seed);
    result.params = model.countParams();
    optimizer = tf.train.adam(s.learningRate);
    const rand = mulberry32(c.seed ^ 0x5eed);
    const order = Int32Array.from({ length: train.count }, (_, i) => i);
    const x = new Float32Array(B * size);
    const y = new Float32Array(B * CLASS_COUNT);
    const labels = new Int32Array(B);
    const epochSeconds: number[] = [];
    let stopped = false;
    for (let epoch = 1; epoch <= s.epochs && !stopped; epoch++) {
      // A fresh shuffle every epoch.
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      const epochStart = performance.now();
      let lossSum = 0;
      let right = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        if (opts.shouldStop?.()) {
          stopped = true;
          break;
        }
        y.fill(0);
        for (let k = 0; k < B; k++) {
          const i = order[(b * B + k) % train.count]!;
          x.set(train.x.subarray(i * size, (i + 1) * size), k * size);
          labels[k] = train.labels[i]!;
          y[k * CLASS_COUNT + labels[k]!] = 1;
        }
        let kept: tf.Tensor | null = null;
        const m = model;
        const lossValue = tf.tidy(() => {
          const xt = tf.tensor5d(x, [B, F, S, S, 1]);
          const yt = tf.tensor2d(y, [B, CLASS_COUNT]);
          const cost = optimizer!.minimize(() => {
            const p = m.apply(xt, { training: true }) as tf.Tensor;
            kept = tf.keep(p);
            let loss = categoricalCrossentropy(yt, p);
            for (const regulariser of m.losses) loss = tf.add(loss, regulariser());
            return loss;
          }, true);
          return cost!.dataSync()[0]!;
        });
        const probs = (kept as tf.Tensor | null)?.dataSync() as Float32Array | undefined;
        (kept as tf.Tensor | null)?.dispose();
        if (!Number.isFinite(lossValue)) throw new AppError('E_TRAIN_DIVERGED', { epoch, batch: b + 1, loss: String(lossValue) });
        for (let k = 0; k < B && probs; k++) if (argmax(probs, k, CLASS_COUNT) === labels[k]) right++;
        seen += B;
        lossSum += lossValue;
        emit({ phase: 'training', epoch, batch: b + 1, loss: lossSum / (b + 1), accuracy: right / seen }, b === batches - 1);
        await yieldToEvents();
      }
      if (stopped) break;
      const seconds = (performance.now() - epochStart) / 1000;
      epochSeconds.push(seconds);
      result.epochs.push({ epoch, loss: lossSum / batches, accuracy: right / seen, seconds });
    }
    result.secondsPerEpoch = epochSeconds.length ? epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length : null;
    if (stopped) {
      result.status = 'stopped';
      return result;
    }
    // Held-out test clips: accuracy over all of them, probabilities of the first few for the clip player.
    emit({ phase: 'testing', epoch: s.epochs, batch: 0, loss: result.epochs.at(-1)?.loss ?? 0, accuracy: result.epochs.at(-1)?.accuracy ?? 0 }, true);
    let right = 0;
    for (let first = 0; first < test.count; first += B) {
      if (opts.shouldStop?.()) {
        result.status = 'stopped';
        return result;
      }
      const n = Math.min(B, test.count - first);
      const m = model;
      const probs = tf.tidy(() => inferBatch(m, tf.tensor5d(test.x.subarray(first * size, (first + n) * size), [n, F, S, S, 1])).dataSync() as Float32Array);
      for (let k = 0; k < n; k++) {
        const predicted = argmax(probs, k, CLASS_COUNT);
        if (predicted === test.labels[first + k]) right++;
        if (first + k < VIDEO_PREDICTED_CLIPS) {
          result.predictions.push(predicted);
          result.probabilities.push(Array.from(probs.subarray(k * CLASS_COUNT, (k + 1) * CLASS_COUNT), (v) => Math.round(v * 1000) / 1000));
        }
      }
      await yieldToEvents();
    }
    result.testAccuracy = test.count > 0 ? right / test.count : null;
    return result;
  } catch (e) {
    const err = kernelMissing(e) ?? e;
    const data = toErrorData(err);
    result.status = 'failed';
    result.error = { code: data.code, ...(data.params ? { params: data.params } : {}) };
    return result;
  } finally {
    optimizer?.dispose();
    model?.dispose();
  }
}

/**
 * Trains the chosen models (default all three, in VIDEO_MODELS order) on one generated
 * dataset and returns the comparison. A model that fails (a missing kernel, say) is
 * reported as failed and the next one still trains; Stop ends the whole job.
 */
export async function runVideoJob(opts: VideoJobOptions): Promise<VideoDone> {
  const started = performance.now();
  const s: VideoSize = { ...VIDEO_SIZES[opts.size], ...(opts.settings ?? {}) };
  const seed = opts.seed ?? 1;
  installFastWasmOps(); // already done at wasm init; harmless again
  const ds = new VideoDataset({ frames: s.frames, side: s.side, trainClips: s.trainClips, testClips: s.testClips, seed });
  const train = generate(ds, 'train');
  const test = generate(ds, 'test');
  const chosen = VIDEO_MODELS.filter((m) => !opts.models || opts.models.includes(m));
  const results: VideoModelResult[] = [];
  let status: VideoDone['status'] = 'completed';
  for (let i = 0; i < chosen.length; i++) {
    if (opts.shouldStop?.()) {
      status = 'stopped';
      break;
    }
    const r = await trainOne(chosen[i]!, { ds, train, test, s, seed, opts, modelIndex: i, models: chosen.length });
    results.push(r);
    opts.onModel?.(r);
    if (r.status === 'stopped') {
      status = 'stopped';
      break;
    }
  }
  if (status === 'completed' && results.length > 0 && results.every((r) => r.status === 'failed')) status = 'failed';
  return { runId: opts.runId, status, size: opts.size, seed, chance: 1 / VIDEO_CLASSES.length, testClips: test.count, results, wallSeconds: (performance.now() - started) / 1000 };
}
