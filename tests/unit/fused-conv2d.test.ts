/**
 * The fused image convolutions (main/engine/kernels/conv2d) against tfjs's own Conv2D and
 * MaxPooling2D layers, with tfjs's pure-JS cpu backend as the reference: forward outputs
 * within 1e-5 and gradients within 1e-4 on random shapes, kernel sizes, strides, paddings
 * and activations, with the kernel module's helper threads and on one thread; ties in a
 * pooling window; the captioning and video presets fused, predicting as the stock layers;
 * a model trained through them reaching the stock layers' loss.
 */
import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toKerasSpec } from '../../shared/model/graph';
import { getPreset } from '../../shared/model/presets';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { onCpu } from './reference-backend';
import { conv2dGeometry, fuseConv2dLayer, fusePool2dLayer, installFusedConv2d, type Conv2DLayerLike, type Pool2DLayerLike } from '../../main/engine/kernels/conv2d';
import { loadRnnWasm, rnnWasm } from '../../main/engine/kernels/rnn';
import { buildTopology } from '../../main/engine/model/build';
import { gradients, maxRelDiff, onOneThread, withAndWithoutThreads } from './kernel-checks';

interface Case {
  B: number; H: number; W: number; C: number; filters: number;
  kh: number; kw: number; sh: number; sw: number; padding: 'valid' | 'same';
  activation: string; useBias: boolean;
  pool: boolean; ph: number; pw: number; psh: number; psw: number; poolPadding: 'valid' | 'same';
  seed: number;
}

/** Conv2D (and MaxPooling2D), stock and fused with the same weights. */
function pair(c: Case): { stock: tf.Sequential; fused: tf.Sequential } {
  const make = (): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [c.H, c.W, c.C] }));
    m.add(tf.layers.conv2d({
      filters: c.filters, kernelSize: [c.kh, c.kw], strides: [c.sh, c.sw], padding: c.padding, activation: c.activation as never, useBias: c.useBias,
      kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }), biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 1 }),
    }));
    if (c.pool) m.add(tf.layers.maxPooling2d({ poolSize: [c.ph, c.pw], strides: [c.psh, c.psw], padding: c.poolPadding }));
    return m;
  };
  const stock = make();
  const fused = make();
  fused.setWeights(stock.getWeights());
  const layer = (cls: string) => fused.layers.find((l) => l.getClassName() === cls)!;
  expect(fuseConv2dLayer(layer('Conv2D') as unknown as Conv2DLayerLike)).toBe(true);
  if (c.pool) expect(fusePool2dLayer(layer('MaxPooling2D') as unknown as Pool2DLayerLike)).toBe(true);
  return { stock, fused };
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    B: fc.integer({ min: 1, max: 5 }),
    H: fc.integer({ min: 1, max: 11 }),
    W: fc.integer({ min: 1, max: 11 }),
    C: fc.integer({ min: 1, max: 6 }),
    filters: fc.integer({ min: 1, max: 11 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom('valid' as const, 'same' as const),
    activation: fc.constantFrom('relu', 'linear', 'tanh', 'sigmoid', 'elu'),
    useBias: fc.boolean(),
    pool: fc.boolean(),
    ph: fc.integer({ min: 1, max: 3 }),
    pw: fc.integer({ min: 1, max: 3 }),
    psh: fc.integer({ min: 1, max: 3 }),
    psw: fc.integer({ min: 1, max: 3 }),
    poolPadding: fc.constantFrom('valid' as const, 'same' as const),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  // shapes tfjs accepts; and not tfjs-cpu's own 'same' bug with a stride above the kernel
  .filter((c) => {
    if (c.padding === 'same' && (c.sh > c.kh || c.sw > c.kw)) return false;
    const g = conv2dGeometry([c.B, c.H, c.W, c.C], { kernelSize: [c.kh, c.kw], strides: [c.sh, c.sw], padding: c.padding, filters: c.filters, activation: 0 });
    if (g.OH < 1 || g.OW < 1) return false;
    if (!c.pool) return true;
    if (c.poolPadding === 'same' && (c.psh > c.ph || c.psw > c.pw)) return false;
    return c.poolPadding === 'same' || (g.OH >= c.ph && g.OW >= c.pw);
  });

describe('fused image convolutions', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED_OFF;
  });

  it('match tfjs forward (1e-5) and gradients (1e-4) on random shapes, strides, paddings and activations, on several threads and on one', async () => {
    await withAndWithoutThreads(() =>
      fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const { stock, fused } = pair(c);
          const rand = mulberry32(c.seed);
          const x = tf.tensor4d(Float32Array.from({ length: c.B * c.H * c.W * c.C }, () => rand() * 4 - 2), [c.B, c.H, c.W, c.C]);
          const yf = fused.predict(x) as tf.Tensor;
          const r = tf.randomNormal(yf.shape, 0, 1, 'float32', c.seed);
          const gf = gradients(fused, x, r);
          const [ys, gs] = await onCpu(() => [stock.predict(x) as tf.Tensor, gradients(stock, x, r)] as const);
          expect(yf.shape).toEqual(ys.shape);
          expect(maxRelDiff(ys, yf)).toBeLessThan(1e-5);
          expect(gf).toHaveLength(gs.length);
          for (let i = 0; i < gs.length; i++) {
            expect(gf[i]!.shape).toEqual(gs[i]!.shape);
            expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
          }
          tf.dispose([x, ys, yf, r, ...gs, ...gf]);
          stock.dispose();
          fused.dispose();
        }),
        { numRuns: 60, seed: 20261207 },
      ),
    );
  });

  it('give the same bits on any number of threads and in every run (weight and bias gradients summed per fixed chunk)', () => {
    const c: Case = { B: 37, H: 9, W: 10, C: 3, filters: 6, kh: 3, kw: 3, sh: 1, sw: 1, padding: 'same', activation: 'relu', useBias: true, pool: true, ph: 2, pw: 2, psh: 2, psw: 2, poolPadding: 'valid', seed: 12 };
    const { fused } = pair(c);
    const x = tf.randomNormal([37, 9, 10, 3], 0, 1, 'float32', 6);
    const r = tf.randomNormal([37, 4, 5, 6], 0, 1, 'float32', 7);
    const run = (): number[][] => gradients(fused, x, r).map((g) => Array.from(g.dataSync()));
    const w = rnnWasm()!;
    // with two cores or more the kernels run on a team of threads (the CI machine has two)
    if (availableParallelism() > 1 && process.env.SEQLAB_THREADS === undefined) expect(w.threads).toBeGreaterThan(1);
    const many = run();
    for (let i = 0; i < 3; i++) expect(run()).toEqual(many);
    expect(onOneThread(run)).toEqual(many);
  });

  it('route a pooling gradient to the first maximum of each window, as tfjs does with ties', async () => {
    // a few levels only: most windows hold tied maxima, and the gradient is the input's own
    const make = (): tf.Sequential => tf.sequential({ layers: [tf.layers.maxPooling2d({ inputShape: [7, 8, 5], poolSize: [3, 2], strides: [2, 2], padding: 'same' })] });
    const stock = make();
    const fused = make();
    expect(fusePool2dLayer(fused.layers[0] as unknown as Pool2DLayerLike)).toBe(true);
    const rand = mulberry32(8);
    const x = tf.tensor4d(Float32Array.from({ length: 3 * 7 * 8 * 5 }, () => Math.floor(rand() * 3)), [3, 7, 8, 5]);
    const r = tf.randomNormal([3, 4, 4, 5], 0, 1, 'float32', 2);
    // no weights: the input's gradient is the pooling's own
    const dx = (m: tf.LayersModel): tf.Tensor => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(m.apply(xx, { training: true }) as tf.Tensor, r)))(x);
    const gs = await onCpu(() => dx(stock));
    await withAndWithoutThreads(async () => {
      expect(maxRelDiff(gs, dx(fused))).toBe(0);
    });
  });

  it('fuse the captioning encoder and the video CNN (inside TimeDistributed), predicting as the stock layers', async () => {
    for (const id of ['captioning', 'video-cnn-lstm']) {
      const preset = getPreset(id);
      expect(preset, id).toBeDefined();
      const spec = toKerasSpec(preset!.graph);
      const fused = await buildTopology(spec, 5);
      process.env.SEQLAB_FUSED_OFF = 'conv2d';
      const stock = await buildTopology(spec, 5);
      delete process.env.SEQLAB_FUSED_OFF;
      stock.setWeights(fused.getWeights());
      // every Conv2D and MaxPooling2D of the model, wrapped ones included
      const count = (m: tf.LayersModel): number => JSON.stringify(m.toJSON(null, false)).match(/"class_name":"(Conv2D|MaxPooling2D)"/g)!.length;
      expect(installFusedConv2d(fused)).toBe(count(fused));
      const rand = mulberry32(11);
      const xs = fused.inputs.map((inp) => {
        const shape = inp.shape.map((d, i) => (i === 0 ? 4 : d!));
        const n = shape.reduce((a, b) => a * b, 1);
        return inp.dtype === 'int32' ? tf.tensor(Int32Array.from({ length: n }, () => Math.floor(rand() * 4)), shape, 'int32') : tf.tensor(Float32Array.from({ length: n }, () => rand()), shape);
      });
      const input = xs.length === 1 ? xs[0]! : xs;
      expect(maxRelDiff(stock.predict(input) as tf.Tensor, fused.predict(input) as tf.Tensor), id).toBeLessThan(1e-5);
    }
  });

  it('train a small CNN classifier to the stock layers’ loss curve (RMSprop, cross-entropy), the loss falling', async () => {
    // two classes with a known answer: a bright square in the top-left or bottom-right corner
    const B = 32;
    const rand = mulberry32(3);
    const xv = new Float32Array(B * 12 * 12);
    const yv = new Float32Array(B * 2);
    for (let b = 0; b < B; b++) {
      const cls = b % 2;
      for (let i = 0; i < 144; i++) xv[b * 144 + i] = rand() * 0.2;
      for (let h = 0; h < 4; h++) for (let w = 0; w < 4; w++) xv[b * 144 + (cls ? (h + 8) * 12 + w + 8 : h * 12 + w)] = 1;
      yv[b * 2 + cls] = 1;
    }
    const x = tf.tensor4d(xv, [B, 12, 12, 1]);
    const y = tf.tensor2d(yv, [B, 2]);
    const make = (): tf.Sequential => {
      const m = tf.sequential();
      m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      return m;
    };
    const losses = async (fuse: boolean): Promise<number[]> => {
      const m = make();
      if (fuse) expect(installFusedConv2d(m)).toBe(3);
      m.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 15, batchSize: 8, shuffle: false, verbose: 0 });
      const acc = h.history.acc ?? h.history.accuracy;
      expect(acc![acc!.length - 1]).toBe(1);
      return h.history.loss as number[];
    };
    const fused = await losses(true);
    const stock = await losses(false);
    expect(fused[fused.length - 1]!).toBeLessThan(fused[0]! / 4);
    for (let i = 0; i < stock.length; i++) expect(Math.abs(fused[i]! - stock[i]!)).toBeLessThan(1e-3 * Math.max(1, stock[i]!));
  });

  it('leave what they cannot run to tfjs (dilation, channels first) and stay off with SEQLAB_FUSED_OFF=conv2d', async () => {
    const dilated = tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 2, kernelSize: 3, dilationRate: 2 });
    const first = tf.layers.conv2d({ inputShape: [2, 8, 8], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' });
    for (const l of [dilated, first]) {
      const m = tf.sequential({ layers: [l] });
      expect(installFusedConv2d(m)).toBe(0);
    }
    process.env.SEQLAB_FUSED_OFF = 'conv2d';
    const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 2, kernelSize: 3 })] });
    expect(installFusedConv2d(m)).toBe(0);
  });
});
