/**
 * The fused sequence convolutions (main/engine/kernels/conv1d) against tfjs's own Conv1D,
 * MaxPooling1D and GlobalMaxPooling1D layers on the wasm backend: forward outputs within
 * 1e-5 and gradients within 1e-4 on random shapes, paddings, strides and activations;
 * the input gradient when it is asked for (and only then); the lesson presets fused
 * with the stock predictions; and a training run of listing 6.47's layer stack whose
 * loss curve must match the stock layers'.
 */
import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toKerasSpec } from '../../shared/model/graph';
import { PRESETS } from '../../shared/model/presets';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { convGeometry, fuseConv1dLayer, fusedConvStatus, fusePool1dLayer, installFusedConv, poolGeometry, type Conv1DLayerLike, type Pool1DLayerLike } from '../../main/engine/kernels/conv1d';
import { installFusedRnn, loadRnnWasm, rnnWasm } from '../../main/engine/kernels/rnn';
import { chunkCalls } from '../../main/engine/kernels/rnn/team';
import { gradients, maxRelDiff, onOneThread } from './kernel-checks';

interface Case {
  B: number;
  T: number;
  C: number;
  filters: number;
  kernelSize: number;
  stride: number;
  padding: 'valid' | 'same';
  activation: string;
  useBias: boolean;
  pool: 'none' | 'max' | 'global';
  poolSize: number;
  poolStride: number;
  poolPadding: 'valid' | 'same';
  seed: number;
}

/**
 * Runs f on tfjs's pure-JS cpu backend: the reference. (tfjs-backend-wasm 4.22 is not one:
 * its Conv2D is wrong for 'same' padding with a stride above the kernel size, e.g. k=2,
 * s=3, and writes out of bounds there; its MaxPoolGrad drops all channels but the first.)
 */
async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** A Conv1D (and pooling) model, stock and fused with the same weights. */
function pair(c: Case): { stock: tf.Sequential; fused: tf.Sequential } {
  const make = (): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [c.T, c.C] }));
    m.add(
      tf.layers.conv1d({
        filters: c.filters, kernelSize: c.kernelSize, strides: c.stride, padding: c.padding, activation: c.activation as never, useBias: c.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }), biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 1 }),
      }),
    );
    if (c.pool === 'max') m.add(tf.layers.maxPooling1d({ poolSize: c.poolSize, strides: c.poolStride, padding: c.poolPadding }));
    if (c.pool === 'global') m.add(tf.layers.globalMaxPooling1d({}));
    return m;
  };
  const stock = make();
  const fused = make();
  fused.setWeights(stock.getWeights());
  // (a Sequential's layers start with its InputLayer)
  const layer = (cls: string) => fused.layers.find((l) => l.getClassName() === cls)!;
  expect(fuseConv1dLayer(layer('Conv1D') as unknown as Conv1DLayerLike)).toBe(true);
  if (c.pool !== 'none') expect(fusePool1dLayer(layer(c.pool === 'max' ? 'MaxPooling1D' : 'GlobalMaxPooling1D') as unknown as Pool1DLayerLike)).toBe(true);
  return { stock, fused };
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    B: fc.integer({ min: 1, max: 4 }),
    T: fc.integer({ min: 1, max: 20 }),
    C: fc.integer({ min: 1, max: 9 }),
    filters: fc.integer({ min: 1, max: 13 }),
    kernelSize: fc.integer({ min: 1, max: 6 }),
    stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom('valid' as const, 'same' as const),
    activation: fc.constantFrom('relu', 'linear', 'tanh', 'sigmoid', 'elu'),
    useBias: fc.boolean(),
    pool: fc.constantFrom('none' as const, 'max' as const, 'global' as const),
    poolSize: fc.integer({ min: 1, max: 4 }),
    poolStride: fc.integer({ min: 1, max: 4 }),
    poolPadding: fc.constantFrom('valid' as const, 'same' as const),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  // shapes tfjs itself accepts: a valid convolution needs T >= k, a valid pool To >= p
  .filter((c) => {
    const conv = convGeometry(c.T, c.kernelSize, c.stride, c.padding);
    if (conv.To < 1) return false;
    return c.pool !== 'max' || poolGeometry(conv.To, c.poolSize, c.poolStride, c.poolPadding).To >= 1;
  });

describe('fused sequence convolutions', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED;
  });

  it('compute tfjs’s output geometry (valid, same; strides)', () => {
    expect(convGeometry(240, 5, 1, 'valid')).toEqual({ padL: 0, Tp: 240, To: 236 });
    expect(convGeometry(10, 4, 1, 'same')).toEqual({ padL: 1, Tp: 13, To: 10 });
    expect(convGeometry(10, 3, 2, 'same')).toEqual({ padL: 0, Tp: 11, To: 5 });
    expect(poolGeometry(236, 3, 3, 'valid')).toEqual({ padL: 0, To: 78 });
    expect(poolGeometry(7, 2, 2, 'same')).toEqual({ padL: 0, To: 4 });
  });

  it('match tfjs forward (1e-5) and gradients (1e-4) on random shapes, paddings, strides and activations', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { stock, fused } = pair(c);
        const rand = mulberry32(c.seed);
        const x = tf.tensor3d(Float32Array.from({ length: c.B * c.T * c.C }, () => rand() * 4 - 2), [c.B, c.T, c.C]);
        const yf = fused.predict(x) as tf.Tensor;
        const r = tf.randomNormal(yf.shape, 0, 1, 'float32', c.seed);
        const gf = gradients(fused, x, r);
        // the stock layers on the reference backend
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
      { numRuns: 80, seed: 20261128 },
    );
  });

  it('route a pooling gradient to the first maximum of each window, as tfjs does with ties', async () => {
    const c: Case = { B: 2, T: 9, C: 4, filters: 4, kernelSize: 1, stride: 1, padding: 'valid', activation: 'relu', useBias: false, pool: 'max', poolSize: 3, poolStride: 3, poolPadding: 'valid', seed: 4 };
    const { stock, fused } = pair(c);
    // relu clips the negative half to zero: many tied maxima
    const x = tf.randomNormal([2, 9, 4], 0, 1, 'float32', 3);
    const r = tf.ones([2, 3, 4]);
    const gf = gradients(fused, x, r);
    const gs = await onCpu(() => gradients(stock, x, r));
    for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
  });

  it('give the same bits on any number of threads and in every run (weight and bias gradients summed per fixed chunk)', () => {
    const c: Case = { B: 45, T: 60, C: 7, filters: 12, kernelSize: 5, stride: 1, padding: 'valid', activation: 'relu', useBias: true, pool: 'max', poolSize: 3, poolStride: 3, poolPadding: 'valid', seed: 21 };
    const { fused } = pair(c);
    const x = tf.randomNormal([45, 60, 7], 0, 1, 'float32', 8);
    const r = tf.randomNormal([45, 18, 12], 0, 1, 'float32', 9);
    const run = (): number[][] => gradients(fused, x, r).map((g) => Array.from(g.dataSync()));
    const w = rnnWasm()!;
    if (availableParallelism() > 1 && process.env.SEQLAB_THREADS === undefined) expect(w.threads).toBeGreaterThan(1);
    const many = run();
    for (let i = 0; i < 3; i++) expect(run()).toEqual(many);
    expect(onOneThread(run)).toEqual(many);
  });

  it('compute the input gradient only when something asks for it', () => {
    const c: Case = { B: 3, T: 30, C: 5, filters: 8, kernelSize: 5, stride: 1, padding: 'valid', activation: 'relu', useBias: true, pool: 'none', poolSize: 1, poolStride: 1, poolPadding: 'valid', seed: 9 };
    const { fused } = pair(c);
    const layer = fused.layers.find((l) => l.getClassName() === 'Conv1D') as unknown as { kernel: { read(): tf.Variable } };
    const x = tf.randomNormal([3, 30, 5], 0, 1, 'float32', 1);
    // count the tensors the backward pass makes: with the weights only, the [3, 30, 5] input gradient is never built
    const shapes: string[] = [];
    const spy = tf.engine() as unknown as { makeTensor: (...a: unknown[]) => tf.Tensor };
    const make = spy.makeTensor.bind(spy);
    spy.makeTensor = (...a: unknown[]) => {
      const t = make(...a);
      shapes.push(t.shape.join('x'));
      return t;
    };
    try {
      tf.variableGrads(() => tf.sum(fused.apply(x, { training: true }) as tf.Tensor), [layer.kernel.read()]);
    } finally {
      spy.makeTensor = make;
    }
    expect(shapes).toContain('5x5x8');
    expect(shapes).not.toContain('3x30x5');
  });

  it('share a batch among threads in chunks, with the results of one thread', async () => {
    // a job in linear form, cut into chunks of 4 samples: pointers move by their stride, the count is per chunk
    const job = { args: [10, 1000, 7, 2000], count: 0, perItem: [0, 40, 0, 8] };
    expect(chunkCalls(10, job, 4)).toEqual([[4, 1000, 7, 2000], [4, 1160, 7, 2032], [2, 1320, 7, 2064]]);
    expect(chunkCalls(3, { ...job, count: 2, scale: 5 }, 4)).toEqual([[10, 1000, 15, 2000]]);
    const w = rnnWasm()!;
    // the backend report (status bar) says how many threads the kernels use
    expect((await initBackend()).kernelThreads).toBe(w.threads);
    // with two cores or more the kernels run on a team of threads
    if (availableParallelism() > 1 && process.env.SEQLAB_THREADS === undefined) expect(w.threads).toBeGreaterThan(1);
    const c: Case = { B: 7, T: 40, C: 6, filters: 12, kernelSize: 5, stride: 1, padding: 'same', activation: 'relu', useBias: true, pool: 'max', poolSize: 3, poolStride: 3, poolPadding: 'valid', seed: 21 };
    const { fused } = pair(c);
    const x = tf.randomNormal([7, 40, 6], 0, 1, 'float32', 8);
    const r = tf.randomNormal([7, 13, 12], 0, 1, 'float32', 9);
    const run = (): tf.Tensor[] => [fused.predict(x) as tf.Tensor, ...gradients(fused, x, r)];
    const team = run();
    const alone = onOneThread(run);
    for (let i = 0; i < team.length; i++) expect(maxRelDiff(alone[i]!, team[i]!)).toBeLessThan(1e-5);
  });

  it('run the backward pass as one kernel per image with the results of the four passes, to the bit (switches conv1d-grad, conv1d-dx)', async () => {
    const w = rnnWasm()!;
    const cases: Case[] = [
      // listing 6.47's first layer in small: relu, bias, valid; then same padding (a cropped input gradient), stride 2, no bias, tanh
      { B: 5, T: 60, C: 14, filters: 32, kernelSize: 5, stride: 1, padding: 'valid', activation: 'relu', useBias: true, pool: 'max', poolSize: 3, poolStride: 3, poolPadding: 'valid', seed: 31 },
      { B: 3, T: 17, C: 5, filters: 7, kernelSize: 4, stride: 2, padding: 'same', activation: 'tanh', useBias: false, pool: 'none', poolSize: 1, poolStride: 1, poolPadding: 'valid', seed: 32 },
      { B: 4, T: 12, C: 3, filters: 6, kernelSize: 3, stride: 1, padding: 'same', activation: 'linear', useBias: true, pool: 'global', poolSize: 1, poolStride: 1, poolPadding: 'valid', seed: 33 },
    ];
    // one thread: the four passes and the fused kernel then add the same products in the same order
    const helpers = w.team;
    const split = w.split.bind(w);
    w.team = null;
    try {
      for (const c of cases) {
        const { fused } = pair(c);
        const rand = mulberry32(c.seed);
        const x = tf.tensor3d(Float32Array.from({ length: c.B * c.T * c.C }, () => rand() * 4 - 2), [c.B, c.T, c.C]);
        const r = tf.randomNormal((fused.predict(x) as tf.Tensor).shape, 0, 1, 'float32', c.seed);
        process.env.SEQLAB_FUSED_OFF = 'conv1d-grad';
        const before = gradients(fused, x, r);
        // the scattered input gradient, as before
        process.env.SEQLAB_FUSED_OFF = 'conv1d-dx';
        const after = gradients(fused, x, r);
        delete process.env.SEQLAB_FUSED_OFF;
        // stride 1: the input gradient as one product sums in another order
        const flags: number[] = [];
        w.split = (name, total, job) => {
          if (name === 'conv1dBackward') flags.push(job.args[16]!);
          return split(name, total, job);
        };
        const direct = gradients(fused, x, r);
        w.split = split;
        // (the first case's 56 output rows of 60 make the direct product worth it; 9 of 17 at stride 2 cannot have it)
        expect(flags.includes(1)).toBe(c.seed === 31);
        expect(after).toHaveLength(before.length);
        for (let i = 0; i < before.length; i++) expect(Array.from(after[i]!.dataSync()), `case ${c.seed} gradient ${i}`).toEqual(Array.from(before[i]!.dataSync()));
        for (let i = 1; i < before.length; i++) expect(Array.from(direct[i]!.dataSync()), `case ${c.seed} gradient ${i} (direct)`).toEqual(Array.from(before[i]!.dataSync()));
        expect(maxRelDiff(before[0]!, direct[0]!)).toBeLessThan(1e-5);
        tf.dispose([x, r, ...before, ...after, ...direct]);
        fused.dispose();
      }
    } finally {
      w.team = helpers;
      w.split = split;
      delete process.env.SEQLAB_FUSED_OFF;
    }
  });

  it('pool in the convolution’s own pass where a pooling is its one consumer, with the results of the separate pooling op (switch conv1d-pool)', () => {
    const w = rnnWasm()!;
    const make = (): tf.Sequential => {
      let seed = 40;
      const init = () => tf.initializers.glorotUniform({ seed: seed++ });
      const m = tf.sequential();
      m.add(tf.layers.conv1d({ inputShape: [50, 6], filters: 12, kernelSize: 5, activation: 'relu', kernelInitializer: init(), biasInitializer: 'ones' }));
      m.add(tf.layers.maxPooling1d({ poolSize: 3 }));
      m.add(tf.layers.conv1d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init() }));
      m.add(tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }));
      m.add(tf.layers.conv1d({ filters: 5, kernelSize: 2, activation: 'linear', kernelInitializer: init() }));
      m.add(tf.layers.globalMaxPooling1d({}));
      m.add(tf.layers.dense({ units: 1, kernelInitializer: init() }));
      return m;
    };
    const model = make();
    expect(installFusedConv(model)).toBe(6);
    const x = tf.randomNormal([6, 50, 6], 0, 1, 'float32', 41);
    const r = tf.randomNormal([6, 1], 0, 1, 'float32', 42);
    const calls: string[] = [];
    const split = w.split.bind(w);
    const helpers = w.team;
    // one thread: both ways then give the same numbers to the bit
    w.team = null;
    w.split = (name, total, job) => {
      calls.push(name);
      return split(name, total, job);
    };
    try {
      process.env.SEQLAB_FUSED_OFF = 'conv1d-pool';
      const before = gradients(model, x, r);
      expect(calls.filter((c) => c === 'maxPool1dForward').length).toBeGreaterThanOrEqual(3);
      expect(calls).not.toContain('conv1dForwardPool');
      delete process.env.SEQLAB_FUSED_OFF;
      calls.length = 0;
      const after = gradients(model, x, r);
      // two forward passes (tf.grad, then variableGrads): each pools three times inside the convolutions
      expect(calls.filter((c) => c === 'conv1dForwardPool').length).toBe(6);
      expect(calls).not.toContain('maxPool1dForward');
      for (let i = 0; i < before.length; i++) expect(Array.from(after[i]!.dataSync()), `gradient ${i}`).toEqual(Array.from(before[i]!.dataSync()));
      // the prediction path (no gradient) pools as before
      calls.length = 0;
      const y = model.predict(x) as tf.Tensor;
      expect(calls).toContain('maxPool1dForward');
      tf.dispose([y, ...before, ...after]);
    } finally {
      w.team = helpers;
      w.split = split;
      delete process.env.SEQLAB_FUSED_OFF;
    }
  });

  it('apply sigmoid and tanh as the Cephes exp formulas in float32, hard_sigmoid as tfjs’s 0.2x + 0.5 clipped and relu as max(x, +0), to the bit (the kernels’ shared activations)', () => {
    const w = rnnWasm()!;
    const f = Math.fround;
    const exp = (v: number): number => {
      let x = Math.min(Math.max(v, f(-87.3)), f(88.3));
      const fx = Math.floor(f(f(x * f(1.44269504088896341)) + 0.5));
      x = f(x - f(fx * f(0.693359375)));
      x = f(x - f(fx * f(-2.1219444e-4)));
      let y = f(1.98756915e-4);
      for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) y = f(f(y * x) + f(c));
      y = f(f(f(f(y * x) * x) + x) + 1);
      return f(y * f(2 ** fx));
    };
    const sigmoid = (x: number): number => f(1 / f(1 + exp(-x)));
    const tanh = (x: number): number => {
      const a = Math.abs(x);
      const t = f(1 - f(2 / f(exp(f(a + a)) + 1)));
      return x < 0 ? -t : t;
    };
    const hardSigmoid = (x: number): number => Math.min(1, Math.max(0, f(f(x * f(0.2)) + 0.5)));
    const rand = mulberry32(5);
    const xs = Float32Array.from({ length: 4000 }, (_, i) => (i < 2000 ? rand() * 200 - 100 : rand() * 12 - 6));
    xs.set([0, 87.3, -87.3, 88.3, -88.3, 89, -89, 1e-20, -1e-20, 44.15, -44.15, 2.5, -2.5, 2.4999998, -2.5000002]);
    const relu = (x: number): number => (x > 0 ? x : 0);
    for (const [kind, ref] of [[3, sigmoid], [2, tanh], [4, hardSigmoid], [1, relu]] as const) {
      w.begin();
      const px = w.put(xs);
      const one = w.put([1]);
      const py = w.alloc(xs.length);
      // a 1x1 convolution with weight 1 is the identity before its activation
      w.k.conv1dForward(1, xs.length, 1, xs.length, 1, 1, 1, px, one, 0, py, kind);
      const got = Array.from(w.view(py, xs.length));
      expect(got, `activation ${kind}`).toEqual(Array.from(xs, (x) => ref(x)));
    }
  });

  it('sum columns in row blocks in each column’s row order (colSum: the bias gradients)', () => {
    const w = rnnWasm()!;
    const rand = mulberry32(77);
    for (const [M, N] of [[1, 1], [31, 5], [33, 32], [100, 7], [257, 96]] as const) {
      w.begin();
      const a = Float32Array.from({ length: M * N }, () => rand() * 2 - 1);
      const start = Float32Array.from({ length: N }, () => rand());
      const pa = w.put(a);
      const po = w.put(start);
      w.k.colSum(pa, po, M, N, 1);
      // float32 additions down each column, first row first
      const want = Array.from(start, (s0, j) => {
        let s = s0;
        for (let i = 0; i < M; i++) s = Math.fround(s + a[i * N + j]!);
        return s;
      });
      expect(Array.from(w.view(po, N)), `${M}x${N}`).toEqual(want);
    }
  });

  it('read a tensor in place only where that is right: one Conv1D output feeding two poolings, gradients summed by tfjs', async () => {
    // conv -> (max pooling, global max pooling) -> concatenate -> dense: both poolings read the
    // convolution's output where it lies; the convolution's gradient is tfjs's sum of two
    const make = (): tf.LayersModel => {
      const input = tf.input({ shape: [30, 4] });
      const conv = tf.layers.conv1d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
      const conv2 = tf.layers.conv1d({ filters: 5, kernelSize: 3, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(conv) as tf.SymbolicTensor;
      const a = tf.layers.globalMaxPooling1d({}).apply(tf.layers.maxPooling1d({ poolSize: 2 }).apply(conv2) as tf.SymbolicTensor) as tf.SymbolicTensor;
      const b = tf.layers.globalMaxPooling1d({}).apply(conv2) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }).apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: out });
    };
    const stock = make();
    const fused = make();
    fused.setWeights(stock.getWeights());
    await installFusedRnn(fused, 1);
    expect(fusedConvStatus().layers).toBe(5);
    const x = tf.randomNormal([6, 30, 4], 0, 1, 'float32', 12);
    const r = tf.randomNormal([6, 2], 0, 1, 'float32', 13);
    // twice: the second pass must not read anything the first one left behind
    for (let round = 0; round < 2; round++) {
      const gf = gradients(fused, x, r);
      const gs = await onCpu(() => gradients(stock, x, r));
      for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!), `round ${round} gradient ${i}`).toBeLessThan(1e-4);
    }
  });

  it('fuse the Conv1D and pooling layers of the lesson presets, with the stock predictions', async () => {
    let presets = 0;
    for (const preset of PRESETS) {
      // 120 timesteps: long enough for listing 6.47's three convolutions and two poolings
      const text = JSON.stringify(toKerasSpec(preset.graph))
        .replace(/"Orthogonal"/g, '"GlorotUniform"')
        .replace(/"batch_input_shape":\[null,(\d+|null),(\d+)\]/, '"batch_input_shape":[null,120,$2]');
      const want = (text.match(/"class_name":"(Conv1D|MaxPooling1D|GlobalMaxPooling1D)"/g) ?? []).length;
      if (want === 0) continue;
      const spec = JSON.parse(text) as object;
      const stock = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(spec)));
      const fused = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(spec)));
      fused.setWeights(stock.getWeights());
      await installFusedRnn(fused, 1);
      expect(fusedConvStatus().layers, preset.id).toBe(want);
      presets++;
      const shape = (stock.inputs[0]!.shape as (number | null)[]).map((d, i) => d ?? (i === 0 ? 3 : 120));
      const x = tf.randomUniform(shape, -1, 1, 'float32', 5);
      expect(maxRelDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor), preset.id).toBeLessThan(1e-5);
      tf.dispose(x);
      stock.dispose();
      fused.dispose();
    }
    // listings 6.47 and 6.49
    expect(presets).toBeGreaterThanOrEqual(2);
  });

  it('train listing 6.47’s layer stack to the same loss curve as the stock layers (RMSprop, MAE)', () => {
    const make = (): tf.Sequential => {
      let seed = 11;
      const init = () => tf.initializers.glorotUniform({ seed: seed++ });
      const m = tf.sequential();
      m.add(tf.layers.conv1d({ inputShape: [60, 3], filters: 8, kernelSize: 5, activation: 'relu', kernelInitializer: init() }));
      m.add(tf.layers.maxPooling1d({ poolSize: 3 }));
      m.add(tf.layers.conv1d({ filters: 8, kernelSize: 5, activation: 'relu', kernelInitializer: init() }));
      m.add(tf.layers.globalMaxPooling1d({}));
      m.add(tf.layers.dense({ units: 1, kernelInitializer: init() }));
      return m;
    };
    const stock = make();
    const fused = make();
    fused.setWeights(stock.getWeights());
    process.env.SEQLAB_FUSED = '1';
    let n = 0;
    for (const l of fused.layers) {
      const cls = l.getClassName();
      if (cls === 'Conv1D' && fuseConv1dLayer(l as unknown as Conv1DLayerLike)) n++;
      if (cls.includes('MaxPooling1D') && fusePool1dLayer(l as unknown as Pool1DLayerLike)) n++;
    }
    expect(n).toBe(4);
    // target: the largest value of the first feature over the window (a known answer a max-pooling CNN can learn)
    const x = tf.randomNormal([32, 60, 3], 0, 1, 'float32', 6);
    const y = tf.max(x.slice([0, 0, 0], [32, 60, 1]), 1);
    const curve = (m: tf.Sequential): number[] => {
      const opt = tf.train.rmsprop(0.01);
      const losses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const l = opt.minimize(() => tf.losses.absoluteDifference(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
        losses.push(l.dataSync()[0]!);
        l.dispose();
      }
      return losses;
    };
    const a = curve(stock);
    const b = curve(fused);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-3 * Math.max(1, a[i]!));
    expect(b[b.length - 1]!).toBeLessThan(b[0]! * 0.5);
  });

  it('leave layers they cannot run to tfjs (dilation, causal padding), run on the pure-JS cpu backend, and stay off with SEQLAB_FUSED=0', async () => {
    const dilated = tf.sequential();
    dilated.add(tf.layers.conv1d({ inputShape: [10, 2], filters: 2, kernelSize: 3, dilationRate: 2 }));
    expect(fuseConv1dLayer(dilated.layers.find((l) => l.getClassName() === 'Conv1D') as unknown as Conv1DLayerLike)).toBe(false);
    const causal = tf.sequential();
    causal.add(tf.layers.conv1d({ inputShape: [10, 2], filters: 2, kernelSize: 3, padding: 'causal' }));
    expect(fuseConv1dLayer(causal.layers.find((l) => l.getClassName() === 'Conv1D') as unknown as Conv1DLayerLike)).toBe(false);

    await tf.setBackend('cpu');
    try {
      const c: Case = { B: 2, T: 12, C: 3, filters: 4, kernelSize: 3, stride: 2, padding: 'same', activation: 'tanh', useBias: true, pool: 'max', poolSize: 2, poolStride: 2, poolPadding: 'valid', seed: 5 };
      const { stock, fused } = pair(c);
      const x = tf.randomNormal([2, 12, 3], 0, 1, 'float32', 2);
      expect(maxRelDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      const r = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
      const gs = gradients(stock, x, r);
      const gf = gradients(fused, x, r);
      for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend('wasm');
    }

    process.env.SEQLAB_FUSED = '0';
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ inputShape: [10, 2], filters: 2, kernelSize: 3 }));
    await installFusedRnn(m, 1);
    expect(fusedConvStatus().layers).toBe(0);
  });
});
