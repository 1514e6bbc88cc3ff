/**
 * Greedy layer-wise pretraining (issue #6), the experiment itself, free of IPC:
 *
 *  1. Stage k (k = 1..K) trains a one-hidden-layer autoencoder h_{k-1} -> h_k -> h_{k-1}
 *     on the unlabelled pool, where h_0 is the image and h_{k-1} the code of the frozen
 *     stages before it (computed once per stage: a frozen layer's output never changes).
 *     After each stage a few test digits are encoded through stages 1..k and decoded back
 *     through decoders k..1 to 784 pixels, so the reconstructions can be shown.
 *  2. The pretrained encoder plus a softmax head is fine-tuned (all layers) on a few labels.
 *  3. The same network from the same random initialisation, without pretraining, is trained
 *     on the same labels for the same epochs: the comparison.
 *  4. Test accuracy of both; per-epoch validation curves; PCA of the code layer of test
 *     digits before (random initialisation) and after pretraining.
 * Repeated over a few seeds (labelled set, initialisation and batch order change; the
 * test and validation sets stay the same) and averaged.
 */
import { AppError } from '../../../shared/errors';
import type { PretrainConfig, PretrainEpoch, PretrainProgress, PretrainResult, PretrainSizeName, PretrainStage } from '../../../shared/ipc/pretrain';
import { tf } from '../platform/backend';
import { pca } from './pca';
import { gatherLabels, gatherPixels, loadMnist, MNIST_CLASSES, MNIST_PIXELS, shuffled, splitMnist, type MnistData } from './mnist';

export interface PretrainSize {
  /** Widths of the encoder's dense layers; the last is the code layer. */
  units: number[];
  activation: 'sigmoid' | 'relu';
  /** Unlabelled images for pretraining (at most what is left after test and validation). */
  poolSize: number;
  testSize: number;
  valSize: number;
  pretrainEpochs: number;
  pretrainBatch: number;
  pretrainLr: number;
  finetuneEpochs: number;
  finetuneBatch: number;
  finetuneLr: number;
  /** Test digits drawn in the PCA scatter. */
  pcaPoints: number;
  /** Test digits shown as reconstructions after each stage. */
  reconCount: number;
}

export const PRETRAIN_SIZES: Record<PretrainSizeName, PretrainSize> = {
  default: {
    units: [128, 64, 32],
    activation: 'sigmoid',
    poolSize: 7000,
    testSize: 2000,
    valSize: 1000,
    pretrainEpochs: 8,
    pretrainBatch: 64,
    pretrainLr: 0.003,
    finetuneEpochs: 30,
    finetuneBatch: 25,
    finetuneLr: 0.005,
    pcaPoints: 1000,
    reconCount: 10,
  },
  small: {
    units: [64, 32, 16],
    activation: 'sigmoid',
    poolSize: 1000,
    testSize: 300,
    valSize: 200,
    pretrainEpochs: 5,
    pretrainBatch: 32,
    pretrainLr: 0.02,
    finetuneEpochs: 8,
    finetuneBatch: 25,
    finetuneLr: 0.01,
    pcaPoints: 300,
    reconCount: 4,
  },
};

/** The test and validation sets are cut with this seed in every run, so all runs share them. */
export const PRETRAIN_SPLIT_SEED = 2024;

export interface PretrainHooks {
  shouldStop?(): boolean;
  onProgress?(p: Omit<PretrainProgress, 'runId'>): void;
  onStage?(s: Omit<PretrainStage, 'runId'>): void;
  onEpoch?(e: Omit<PretrainEpoch, 'runId'>): void;
  /** Minimum milliseconds between progress events (default 100: ten a second). */
  progressIntervalMs?: number;
  /** Overrides of the size preset (tests). */
  sizeOverride?: Partial<PretrainSize>;
  /** The data (tests may pass their own); default: the bundled MNIST digits. */
  data?: MnistData;
}

export type PretrainOutcome = { status: 'completed'; result: Omit<PretrainResult, 'runId'> } | { status: 'stopped' };

class Stopped extends Error {}

const EPS = 1e-7;
const DIVERGED = 1e6;

function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function bce(target: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  const p = tf.clipByValue(pred, EPS, 1 - EPS);
  return tf.neg(tf.mean(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))))) as tf.Scalar;
}

function dense(units: number, activation: string, seed: number): tf.layers.Layer {
  return tf.layers.dense({ units, activation: activation as 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed }) });
}

/** Builds layers (creates their weights) by running a row of zeros through them. */
function build(layers: tf.layers.Layer[], inputWidth: number): void {
  tf.tidy(() => {
    forward(layers, tf.zeros([1, inputWidth]));
  });
}

function variablesOf(layers: tf.layers.Layer[]): tf.Variable[] {
  return layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** Applies layers in order to a concrete tensor. */
function forward(layers: tf.layers.Layer[], x: tf.Tensor): tf.Tensor {
  let h = x;
  for (const l of layers) h = l.apply(h) as tf.Tensor;
  return h;
}

/** Runs `fn` on row blocks of x and concatenates the results (keeps peak memory small). */
function inBlocks(x: tf.Tensor2D, block: number, fn: (b: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  const parts: tf.Tensor2D[] = [];
  for (let s = 0; s < n; s += block) {
    parts.push(tf.tidy(() => fn(x.slice([s, 0], [Math.min(block, n - s), x.shape[1]]))));
  }
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

function oneHot(labels: Uint8Array): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), MNIST_CLASSES).toFloat() as tf.Tensor2D);
}

function meanOf(rows: number[][]): number[] {
  const len = Math.min(...rows.map((r) => r.length));
  if (!Number.isFinite(len)) return [];
  return Array.from({ length: len }, (_, i) => rows.reduce((s, r) => s + r[i]!, 0) / rows.length);
}

export async function runPretrain(config: PretrainConfig, hooks: PretrainHooks = {}): Promise<PretrainOutcome> {
  const size: PretrainSize = { ...PRETRAIN_SIZES[config.size], ...hooks.sizeOverride };
  const interval = hooks.progressIntervalMs ?? 100;
  const started = performance.now();
  let lastEmit = -Infinity;
  const K = size.units.length;
  const seeds = config.seeds;
  const baseSeed = config.seed ?? 1;

  const progress = (p: Omit<PretrainProgress, 'runId' | 'elapsedSeconds'>, force = false): void => {
    const now = performance.now();
    if (!force && now - lastEmit < interval) return;
    lastEmit = now;
    hooks.onProgress?.({ ...p, elapsedSeconds: (now - started) / 1000 });
  };
  const checkStop = (): void => {
    if (hooks.shouldStop?.()) throw new Stopped();
  };

  progress({ phase: 'loading', seedIndex: 0, seeds, stage: 0, stages: K, epoch: 0, epochs: 0, batch: 0, batches: 0, loss: null }, true);
  const data = hooks.data ?? (await loadMnist());
  checkStop();

  const labelsPerClass = config.labels / MNIST_CLASSES;
  const stageLosses: number[][][] = Array.from({ length: K }, () => []);
  const stageValLosses: number[][][] = Array.from({ length: K }, () => []);
  const curves = { pretrained: { valAccuracy: [] as number[][], valLoss: [] as number[][], trainLoss: [] as number[][] }, random: { valAccuracy: [] as number[][], valLoss: [] as number[][], trainLoss: [] as number[][] } };
  const testAccuracy = { pretrained: [] as number[], random: [] as number[] };
  let reconstructions: PretrainResult['reconstructions'] | null = null;
  let pcaView: PretrainResult['pca'] | null = null;

  const tensors: tf.Tensor[] = [];
  const layers: tf.layers.Layer[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    tensors.push(t);
    return t;
  };
  const optimizers: tf.Optimizer[] = [];
  const own = <T extends tf.Optimizer>(o: T): T => {
    optimizers.push(o);
    return o;
  };
  const adam = (lr: number): tf.Optimizer => own(tf.train.adam(lr));
  const disposeAll = (): void => {
    tf.dispose(tensors.splice(0));
    for (const o of optimizers.splice(0)) o.dispose();
    for (const l of layers.splice(0)) {
      try {
        l.dispose();
      } catch {
        // never built (stopped early): nothing to free
      }
    }
  };

  try {
    for (let s = 0; s < seeds; s++) {
      const seed = baseSeed + 1000 * s;
      const splits = splitMnist(data, {
        seed: PRETRAIN_SPLIT_SEED,
        labelSeed: seed,
        testSize: size.testSize,
        valSize: size.valSize,
        labelsPerClass,
        poolSize: size.poolSize,
      });
      const pool = keep(tf.tensor2d(gatherPixels(data, splits.pool), [splits.pool.length, MNIST_PIXELS]));
      const valX = keep(tf.tensor2d(gatherPixels(data, splits.validation), [splits.validation.length, MNIST_PIXELS]));
      const valY = keep(oneHot(gatherLabels(data, splits.validation)));
      const testLabels = gatherLabels(data, splits.test);
      const testX = keep(tf.tensor2d(gatherPixels(data, splits.test), [splits.test.length, MNIST_PIXELS]));
      const labX = keep(tf.tensor2d(gatherPixels(data, splits.labelled), [splits.labelled.length, MNIST_PIXELS]));
      const labY = keep(oneHot(gatherLabels(data, splits.labelled)));
      // Reconstructions shown: the first test image of each digit 0, 1, 2...
      const reconIdx: number[] = [];
      for (let d = 0; d < MNIST_CLASSES && reconIdx.length < size.reconCount; d++) {
        const i = testLabels.indexOf(d);
        if (i >= 0) reconIdx.push(i);
      }
      const reconX = keep(tf.tidy(() => tf.gather(testX, tf.tensor1d(reconIdx, 'int32')) as tf.Tensor2D));
      const pcaCount = Math.min(size.pcaPoints, splits.test.length);
      const reconLabels = reconIdx.map((i) => testLabels[i]!);
      const reconOriginals = reconIdx.map((i) => Array.from(data.pixels.subarray(splits.test[i]! * MNIST_PIXELS, (splits.test[i]! + 1) * MNIST_PIXELS)));

      const widths = [MNIST_PIXELS, ...size.units];
      const encoders = size.units.map((u, k) => dense(u, size.activation, seed + 17 * (k + 1)));
      layers.push(...encoders);
      build(encoders, MNIST_PIXELS);
      const decoders: tf.layers.Layer[] = [];

      // Random-initialisation view of the code layer (before pretraining), first seed only.
      const codesOf = (enc: tf.layers.Layer[]): Float32Array =>
        tf.tidy(() => forward(enc, testX.slice([0, 0], [pcaCount, MNIST_PIXELS])).dataSync() as Float32Array);
      let before: Float32Array | null = null;
      if (s === 0) before = codesOf(encoders);

      // ---- greedy layer-wise pretraining
      let h: tf.Tensor2D = pool;
      let hVal: tf.Tensor2D = valX;
      const stagesRecon: number[][][] = [];
      for (let k = 0; k < K; k++) {
        const enc = encoders[k]!;
        const dec = dense(widths[k]!, 'sigmoid', seed + 31 * (k + 1));
        decoders.push(dec);
        layers.push(dec);
        build([enc, dec], widths[k]!);
        encoders.forEach((e, i) => (e.trainable = i === k));
        const optimizer = adam(size.pretrainLr);
        const n = h.shape[0];
        const batches = Math.ceil(n / size.pretrainBatch);
        const losses: number[] = [];
        const valLosses: number[] = [];
        for (let epoch = 1; epoch <= size.pretrainEpochs; epoch++) {
          const order = shuffled(n, seed + 7 * k + 101 * epoch);
          let sum = 0;
          for (let b = 0; b < batches; b++) {
            checkStop();
            const idx = order.subarray(b * size.pretrainBatch, Math.min(n, (b + 1) * size.pretrainBatch));
            const loss = tf.tidy(() => {
              const xb = tf.gather(h, tf.tensor1d(idx, 'int32'));
              const l = optimizer.minimize(() => bce(xb, dec.apply(enc.apply(xb)) as tf.Tensor), true, variablesOf([enc, dec]));
              return l!.dataSync()[0]!;
            });
            if (!Number.isFinite(loss) || loss > DIVERGED) throw new AppError('E_TRAIN_DIVERGED', { epoch, batch: b + 1, loss: String(loss) });
            sum += loss;
            progress({ phase: 'pretrain', seedIndex: s, seeds, stage: k + 1, stages: K, epoch, epochs: size.pretrainEpochs, batch: b + 1, batches, loss });
            await yieldToEvents();
          }
          losses.push(sum / batches);
          valLosses.push(tf.tidy(() => bce(hVal, dec.apply(enc.apply(hVal)) as tf.Tensor).dataSync()[0]!));
          progress({ phase: 'pretrain', seedIndex: s, seeds, stage: k + 1, stages: K, epoch, epochs: size.pretrainEpochs, batch: batches, batches, loss: losses[losses.length - 1]! }, true);
        }
        enc.trainable = false;
        stageLosses[k]!.push(losses);
        stageValLosses[k]!.push(valLosses);

        // Reconstructions: encode through stages 1..k, decode back through k..1.
        const recon = tf.tidy(() => {
          const code = forward(encoders.slice(0, k + 1), reconX);
          return forward([...decoders].reverse(), code);
        });
        const pixels = Array.from(recon.dataSync(), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
        recon.dispose();
        const images: number[][] = [];
        for (let i = 0; i < reconIdx.length; i++) images.push(pixels.slice(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
        stagesRecon.push(images);
        hooks.onStage?.({ seedIndex: s, stage: k + 1, stages: K, inputSize: widths[k]!, units: widths[k + 1]!, losses, valLosses, originals: reconOriginals, labels: reconLabels, reconstructions: images });

        // The next stage's input: this stage's code of every pool (and validation) image.
        // (Kept until the seed ends: a few MB at most.)
        h = keep(inBlocks(h, 1000, (b) => enc.apply(b) as tf.Tensor2D));
        hVal = keep(inBlocks(hVal, 1000, (b) => enc.apply(b) as tf.Tensor2D));
      }

      if (s === 0) {
        const after = codesOf(encoders);
        const code = size.units[K - 1]!;
        const view = (codes: Float32Array) => {
          const r = pca(codes, pcaCount, code, 2);
          return { x: Array.from({ length: pcaCount }, (_, i) => r.projected[2 * i]!), y: Array.from({ length: pcaCount }, (_, i) => r.projected[2 * i + 1]!), explained: r.explained };
        };
        pcaView = { labels: Array.from(testLabels.subarray(0, pcaCount)), before: view(before!), after: view(after) };
        reconstructions = { labels: reconLabels, originals: reconOriginals, stages: stagesRecon };
      }

      // ---- fine-tuning (pretrained) and the comparison (random initialisation)
      for (const model of ['pretrained', 'random'] as const) {
        const enc = model === 'pretrained' ? encoders : size.units.map((u, k) => dense(u, size.activation, seed + 17 * (k + 1)));
        if (model === 'random') layers.push(...enc);
        const head = dense(MNIST_CLASSES, 'softmax', seed + 999);
        layers.push(head);
        const net = [...enc, head];
        build(net, MNIST_PIXELS);
        net.forEach((l) => (l.trainable = true));
        const optimizer = adam(size.finetuneLr);
        const n = labX.shape[0];
        const batches = Math.ceil(n / size.finetuneBatch);
        const acc: number[] = [];
        const vl: number[] = [];
        const tl: number[] = [];
        const evaluate = (x: tf.Tensor, y: tf.Tensor): { loss: number; accuracy: number } =>
          tf.tidy(() => {
            const p = forward(net, x);
            const loss = tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(p, EPS, 1))).dataSync()[0]!;
            const accuracy = tf.mean(tf.equal(tf.argMax(p, 1), tf.argMax(y, 1)).toFloat()).dataSync()[0]!;
            return { loss, accuracy };
          });
        for (let epoch = 1; epoch <= size.finetuneEpochs; epoch++) {
          const order = shuffled(n, seed + 1 + epoch * 7919);
          let sum = 0;
          for (let b = 0; b < batches; b++) {
            checkStop();
            const idx = order.subarray(b * size.finetuneBatch, Math.min(n, (b + 1) * size.finetuneBatch));
            const loss = tf.tidy(() => {
              const ind = tf.tensor1d(idx, 'int32');
              const xb = tf.gather(labX, ind);
              const yb = tf.gather(labY, ind);
              const l = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, tf.log(tf.clipByValue(forward(net, xb), EPS, 1))) as tf.Scalar, true, variablesOf(net));
              return l!.dataSync()[0]!;
            });
            if (!Number.isFinite(loss) || loss > DIVERGED) throw new AppError('E_TRAIN_DIVERGED', { epoch, batch: b + 1, loss: String(loss) });
            sum += loss;
            progress({ phase: model === 'pretrained' ? 'finetune' : 'baseline', seedIndex: s, seeds, stage: 0, stages: K, epoch, epochs: size.finetuneEpochs, batch: b + 1, batches, loss });
            await yieldToEvents();
          }
          const v = evaluate(valX, valY);
          acc.push(v.accuracy);
          vl.push(v.loss);
          tl.push(sum / batches);
          hooks.onEpoch?.({ seedIndex: s, model, epoch, epochs: size.finetuneEpochs, loss: sum / batches, valLoss: v.loss, valAccuracy: v.accuracy });
        }
        const testY = oneHot(testLabels);
        testAccuracy[model].push(evaluate(testX, testY).accuracy);
        testY.dispose();
        curves[model].valAccuracy.push(acc);
        curves[model].valLoss.push(vl);
        curves[model].trainLoss.push(tl);
      }
      disposeAll();
    }
  } catch (e) {
    disposeAll();
    if (e instanceof Stopped) return { status: 'stopped' };
    throw e;
  }

  const summary = (m: 'pretrained' | 'random') => ({
    testAccuracy: testAccuracy[m],
    valAccuracy: meanOf(curves[m].valAccuracy),
    valLoss: meanOf(curves[m].valLoss),
    trainLoss: meanOf(curves[m].trainLoss),
    valAccuracyPerSeed: curves[m].valAccuracy,
  });
  return {
    status: 'completed',
    result: {
      config,
      architecture: { input: MNIST_PIXELS, units: size.units, activation: size.activation, classes: MNIST_CLASSES },
      sizes: { pool: Math.min(size.poolSize, data.count - size.testSize - size.valSize), test: size.testSize, validation: size.valSize, labelled: config.labels },
      stages: size.units.map((u, k) => ({
        stage: k + 1,
        inputSize: [MNIST_PIXELS, ...size.units][k]!,
        units: u,
        losses: meanOf(stageLosses[k]!),
        valLosses: meanOf(stageValLosses[k]!),
      })),
      reconstructions: reconstructions!,
      pretrained: summary('pretrained'),
      random: summary('random'),
      pca: pcaView!,
      seconds: (performance.now() - started) / 1000,
    },
  };
}
