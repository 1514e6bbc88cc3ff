/**
 * The gradient kernels SeqLab registers for the wasm backend (main/engine/kernels/conv)
 * give the same numbers as tfjs's own cpu kernels, and the lesson's Conv1D model
 * (listing 6.47) trains on wasm, which tfjs-backend-wasm alone cannot do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/backend';
import { seedTopology } from '../../main/engine/train';
import { WASM_GRAD_KERNELS, registerWasmGradKernels, setIm2colChunkFloats } from '../../main/engine/kernels/conv';
import { mulberry32 } from '../../main/engine/data/random';
import { PRESETS, toKerasSpec } from '../../shared/model';

beforeAll(async () => {
  const report = await initBackend({ prefer: 'wasm' });
  expect(report.active).toBe('wasm');
});

function randomArray(n: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

/** Runs one kernel on a backend with plain arrays in and out. */
async function onBackend(backend: 'cpu' | 'wasm', run: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  try {
    const out = tf.tidy(run);
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  } finally {
    await tf.setBackend('wasm');
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
}

describe('wasm gradient kernels', () => {
  it('registers only what the wasm package lacks, once', () => {
    expect(WASM_GRAD_KERNELS).toContain('Conv2DBackpropFilter');
    for (const name of WASM_GRAD_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(registerWasmGradKernels()).toEqual([]); // already there: nothing added twice
  });

  it('Conv2DBackpropFilter equals the cpu kernel for random shapes, strides, padding and layouts', async () => {
    const rand = mulberry32(47);
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
    const cases: ConvCase[] = [
      // Conv1D as tfjs runs it: [batch, 1, steps, features] with a [1, k, in, out] filter
      { x: [4, 1, 40, 14], filter: [1, 5, 14, 8], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
      { x: [3, 1, 33, 6], filter: [1, 4, 6, 5], strides: [1, 2], pad: 'same', dataFormat: 'NHWC' },
      { x: [2, 9, 11, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same', dataFormat: 'NHWC' },
      { x: [2, 10, 7, 2], filter: [2, 3, 2, 3], strides: [3, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dataFormat: 'NHWC' },
      { x: [2, 3, 8, 9], filter: [3, 2, 3, 4], strides: [1, 2], pad: 'valid', dataFormat: 'NCHW' },
      { x: [1, 2, 7, 7], filter: [3, 3, 2, 2], strides: [2, 1], pad: 'same', dataFormat: 'NCHW' },
    ];
    for (let i = 0; i < 6; i++) {
      const fh = int(1, 4);
      const fw = int(1, 4);
      cases.push({
        x: [int(1, 3), int(fh, 12), int(fw, 12), int(1, 5)],
        filter: [fh, fw, 0, int(1, 6)],
        strides: [int(1, 3), int(1, 3)],
        pad: rand() < 0.5 ? 'same' : 'valid',
        dataFormat: rand() < 0.7 ? 'NHWC' : 'NCHW',
      });
    }
    for (const c of cases) {
      const inC = c.dataFormat === 'NHWC' ? c.x[3] : c.x[1];
      const filterShape: [number, number, number, number] = [c.filter[0], c.filter[1], inC, c.filter[3]];
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      // dy's shape is the forward conv's output shape, taken from the cpu forward pass.
      await tf.setBackend('cpu');
      const yShape = tf.tidy(() => tf.conv2d(tf.tensor4d(xData, c.x), tf.zeros(filterShape) as tf.Tensor4D, c.strides, c.pad, c.dataFormat).shape);
      await tf.setBackend('wasm');
      const dyData = randomArray(yShape.reduce((a, b) => a * b, 1), rand);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, filterShape };
      const kernel = (): tf.Tensor => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xData, c.x), dy: tf.tensor(dyData, yShape) }, attrs as never) as tf.Tensor;
      const want = await onBackend('cpu', kernel);
      const got = await onBackend('wasm', kernel);
      expect(maxAbsDiff(got, want), JSON.stringify(c)).toBeLessThan(1e-4);
    }
  });

  it('a batch processed in slices (as big inputs are) still matches the cpu kernel', async () => {
    const rand = mulberry32(649);
    const xShape: [number, number, number, number] = [7, 12, 10, 2];
    const filterShape: [number, number, number, number] = [3, 3, 2, 4];
    const xData = randomArray(xShape.reduce((a, b) => a * b, 1), rand);
    const dyShape = [7, 10, 8, 4];
    const dyData = randomArray(dyShape.reduce((a, b) => a * b, 1), rand);
    const kernel = (): tf.Tensor => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xData, xShape), dy: tf.tensor(dyData, dyShape) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape } as never) as tf.Tensor;
    const want = await onBackend('cpu', kernel);
    const whole = await onBackend('wasm', kernel);
    // one image's patches are 80 x 18 floats: a 300-float limit forces one image per slice
    const prev = setIm2colChunkFloats(300);
    try {
      const sliced = await onBackend('wasm', kernel);
      expect(maxAbsDiff(sliced, want)).toBeLessThan(1e-4);
    } finally {
      setIm2colChunkFloats(prev);
    }
    expect(maxAbsDiff(whole, want)).toBeLessThan(1e-4);
  });

  it('Conv1D and Conv2D weight gradients through tf.grad match cpu (stride, same padding)', async () => {
    const rand = mulberry32(7);
    const x1 = randomArray(3 * 30 * 4, rand);
    const f1 = randomArray(5 * 4 * 6, rand);
    const x2 = randomArray(2 * 9 * 9 * 3, rand);
    const f2 = randomArray(3 * 3 * 3 * 5, rand);
    const g1 = (): tf.Tensor => tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv1d(tf.tensor3d(x1, [3, 30, 4]), f as tf.Tensor3D, 2, 'same'))))(tf.tensor3d(f1, [5, 4, 6]));
    const g2 = (): tf.Tensor => tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(tf.tensor4d(x2, [2, 9, 9, 3]), f as tf.Tensor4D, [2, 1], 'valid'))))(tf.tensor4d(f2, [3, 3, 3, 5]));
    for (const g of [g1, g2]) {
      const want = await onBackend('cpu', g);
      const got = await onBackend('wasm', g);
      const scale = Math.max(1, ...Array.from(want, Math.abs));
      expect(maxAbsDiff(got, want) / scale).toBeLessThan(1e-4);
    }
  });

  it('depthwise convolution gradients (filter and input) equal cpu for strides, padding and channel multipliers', async () => {
    const rand = mulberry32(33);
    const cases: { x: [number, number, number, number]; f: [number, number, number, number]; s: [number, number]; pad: 'same' | 'valid' }[] = [
      { x: [2, 7, 9, 3], f: [3, 3, 3, 2], s: [1, 1], pad: 'same' },
      { x: [3, 8, 6, 2], f: [2, 3, 2, 1], s: [2, 2], pad: 'valid' },
      { x: [1, 10, 10, 4], f: [3, 2, 4, 3], s: [2, 1], pad: 'same' },
    ];
    for (const c of cases) {
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const fData = randomArray(c.f.reduce((a, b) => a * b, 1), rand);
      const loss = (x: tf.Tensor, f: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad)));
      const gradX = (): tf.Tensor => tf.grad((x: tf.Tensor) => loss(x, tf.tensor4d(fData, c.f)))(tf.tensor4d(xData, c.x));
      const gradF = (): tf.Tensor => tf.grad((f: tf.Tensor) => loss(tf.tensor4d(xData, c.x), f))(tf.tensor4d(fData, c.f));
      for (const g of [gradX, gradF]) {
        const want = await onBackend('cpu', g);
        const got = await onBackend('wasm', g);
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        expect(maxAbsDiff(got, want) / scale, JSON.stringify(c)).toBeLessThan(1e-4);
      }
    }
  });

  it('UnsortedSegmentSum (the Embedding gradient) equals cpu, dropping out-of-range ids', async () => {
    const rand = mulberry32(11);
    const x = randomArray(7 * 3 * 2, rand);
    const ids = [0, 4, 4, -1, 2, 9, 0];
    const kernel = (): tf.Tensor => tf.unsortedSegmentSum(tf.tensor3d(x, [7, 3, 2]), tf.tensor1d(ids, 'int32'), 5);
    const want = await onBackend('cpu', kernel);
    const got = await onBackend('wasm', kernel);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-6);
    // segment 4 is rows 1 + 2; segments 1 and 3 receive nothing
    expect(got[4 * 6]).toBeCloseTo(x[6]! + x[12]!, 5);
    expect(Array.from(got.slice(6, 12))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('listing 6.47 (three Conv1D layers) trains on wasm: the loss falls on a learnable target', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const preset = PRESETS.find((p) => p.id === 'conv1d-6.47')!;
    const model = await tf.models.modelFromJSON(seedTopology(toKerasSpec(preset.graph), 5) as never);
    const rand = mulberry32(2024);
    const B = 16;
    const T = 120;
    const F = 14;
    const x = randomArray(B * T * F, rand);
    // target: feature 1 summed over the last 20 steps, scaled to unit size (a pattern convolutions can find)
    const y = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let t = T - 20; t < T; t++) s += x[(b * T + t) * F + 1]!;
      y[b] = s / Math.sqrt(20);
    }
    const xt = tf.tensor3d(x, [B, T, F]);
    const yt = tf.tensor2d(y, [B, 1]);
    const optimizer = tf.train.rmsprop(0.001);
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const l = optimizer.minimize(() => tf.losses.absoluteDifference(yt, model.apply(xt, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
      losses.push((await l.data())[0]!);
      l.dispose();
    }
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    const mean = (a: number[]): number => a.reduce((p, q) => p + q, 0) / a.length;
    expect(mean(losses.slice(-3))).toBeLessThan(0.7 * mean(losses.slice(0, 3)));
    xt.dispose();
    yt.dispose();
    model.dispose();
    optimizer.dispose();
  });
});
