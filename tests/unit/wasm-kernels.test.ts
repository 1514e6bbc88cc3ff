/**
 * The gradient kernels SeqLab registers for the wasm backend (main/engine/kernels/conv)
 * give the same numbers as tfjs's own cpu kernels, and the lesson's Conv1D model
 * (listing 6.47) trains on wasm, which tfjs-backend-wasm alone cannot do. The 3-D kernels
 * the wasm package gets wrong (Conv3D's input and filter gradients, MaxPool3D and its
 * gradient) are replaced: they match cpu (or, where cpu's own MaxPool3DGrad is wrong,
 * plain index arithmetic), and a model with two Conv3D layers trains on wasm.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { seedTopology } from '../../main/engine/model/build';
import { WASM_GRAD_KERNELS, registerWasmGradKernels, setIm2colChunkFloats } from '../../main/engine/kernels/conv';
import { mulberry32 } from '../../main/engine/data/random';
import { PRESETS, toKerasSpec } from '../../shared/model';
import { maxPool3DGradWasm, setConv3dSliceFloats } from '../../main/engine/kernels/conv/conv3d';
import { kernelBehind } from '../../main/engine/kernels/conv/conv3d-fast';
import { maxPoolGradWasm } from '../../main/engine/kernels/conv/pool2d';
import { rnnWasm } from '../../main/engine/kernels/rnn';

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
  it('registers what the wasm package lacks or gets wrong, once', () => {
    expect(WASM_GRAD_KERNELS).toContain('Conv2DBackpropFilter');
    expect(WASM_GRAD_KERNELS).toContain('Conv3DBackpropInputV2');
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

  it('Conv3D input and filter gradients equal cpu (strides 1 and 2, same and valid, random shapes)', async () => {
    const rand = mulberry32(303);
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
    type Case = { x: number[]; f: number[]; s: number | [number, number, number]; pad: 'same' | 'valid' };
    const cases: Case[] = [
      { x: [2, 4, 5, 6, 2], f: [2, 2, 2, 2, 3], s: 1, pad: 'valid' },
      { x: [2, 4, 5, 6, 2], f: [2, 3, 3, 2, 3], s: 1, pad: 'same' },
      { x: [2, 5, 6, 7, 3], f: [3, 3, 3, 3, 2], s: 2, pad: 'same' },
      { x: [1, 6, 7, 5, 2], f: [2, 2, 3, 2, 4], s: 2, pad: 'valid' },
      { x: [2, 4, 8, 8, 1], f: [3, 3, 3, 1, 4], s: [1, 2, 2], pad: 'same' },
    ];
    for (let i = 0; i < 4; i++) {
      const f = [int(1, 3), int(1, 3), int(1, 3)];
      const ci = int(1, 3);
      cases.push({ x: [int(1, 2), int(f[0]!, 7), int(f[1]!, 7), int(f[2]!, 7), ci], f: [...f, ci, int(1, 4)], s: [int(1, 2), int(1, 2), int(1, 2)], pad: rand() < 0.5 ? 'same' : 'valid' });
    }
    for (const c of cases) {
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const fData = randomArray(c.f.reduce((a, b) => a * b, 1), rand);
      const loss = (x: tf.Tensor, f: tf.Tensor): tf.Scalar => tf.sum(tf.square(tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, c.s, c.pad)));
      const gradX = (): tf.Tensor => tf.grad((x: tf.Tensor) => loss(x, tf.tensor(fData, c.f)))(tf.tensor(xData, c.x));
      const gradF = (): tf.Tensor => tf.grad((f: tf.Tensor) => loss(tf.tensor(xData, c.x), f))(tf.tensor(fData, c.f));
      for (const [name, g] of [['dx', gradX], ['dw', gradF]] as const) {
        const want = await onBackend('cpu', g);
        const got = await onBackend('wasm', g);
        const scale = Math.max(1, ...Array.from(want, Math.abs));
        expect(maxAbsDiff(got, want) / scale, `${name} ${JSON.stringify(c)}`).toBeLessThan(1e-4);
        // the same in batch slices of one image (as big batches are processed)
        const prev = setConv3dSliceFloats(1);
        try {
          expect(maxAbsDiff(await onBackend('wasm', g), want) / scale, `${name} sliced ${JSON.stringify(c)}`).toBeLessThan(1e-4);
        } finally {
          setConv3dSliceFloats(prev);
        }
      }
    }
  });

  /** MaxPool3DGrad by index arithmetic: dy goes to the last maximum of each window. */
  function maxPool3dGradReference(x: Float32Array, xShape: number[], dy: Float32Array, info: tf.backend_util.Conv3DInfo): Float32Array {
    const [N, D, H, W, C] = xShape as [number, number, number, number, number];
    const dx = new Float32Array(x.length);
    let k = 0;
    for (let b = 0; b < N; b++) for (let od = 0; od < info.outDepth; od++) for (let oh = 0; oh < info.outHeight; oh++) for (let ow = 0; ow < info.outWidth; ow++) for (let c = 0; c < C; c++) {
      let best = -Infinity;
      let at = -1;
      for (let fd = 0; fd < info.filterDepth; fd++) for (let fh = 0; fh < info.filterHeight; fh++) for (let fw = 0; fw < info.filterWidth; fw++) {
        const d = od * info.strideDepth - info.padInfo.front + fd;
        const h = oh * info.strideHeight - info.padInfo.top + fh;
        const w = ow * info.strideWidth - info.padInfo.left + fw;
        if (d < 0 || h < 0 || w < 0 || d >= D || h >= H || w >= W) continue;
        const i = (((b * D + d) * H + h) * W + w) * C + c;
        if (x[i]! >= best) {
          best = x[i]!;
          at = i;
        }
      }
      dx[at]! += dy[k++]!;
    }
    return dx;
  }

  it('2-D convolutions with same padding and a stride above the kernel size equal cpu (the package got them wrong)', async () => {
    const rand = mulberry32(23);
    type Case = { x: [number, number, number, number]; f: [number, number]; s: [number, number] };
    const cases: Case[] = [
      // a Conv1D as tfjs runs it: [B, 1, T, C], kernel 2, stride 3
      { x: [2, 1, 18, 3], f: [1, 2], s: [1, 3] },
      { x: [1, 6, 6, 2], f: [2, 2], s: [3, 3] },
      { x: [2, 7, 7, 3], f: [3, 3], s: [2, 2] },
    ];
    for (const c of cases) {
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const kData = randomArray(c.f[0] * c.f[1] * c.x[3] * 4, rand);
      const dData = randomArray(c.f[0] * c.f[1] * c.x[3] * 2, rand);
      const bias = randomArray(4, rand);
      const label = JSON.stringify(c);
      const runs: [string, () => tf.Tensor][] = [
        ['conv2d', () => tf.conv2d(tf.tensor(xData, c.x) as tf.Tensor4D, tf.tensor(kData, [...c.f, c.x[3], 4]) as tf.Tensor4D, c.s, 'same')],
        ['fused conv2d + bias + relu', () => tf.fused.conv2d({ x: tf.tensor(xData, c.x) as tf.Tensor4D, filter: tf.tensor(kData, [...c.f, c.x[3], 4]) as tf.Tensor4D, strides: c.s, pad: 'same', bias: tf.tensor(bias), activation: 'relu' })],
        ['depthwise', () => tf.depthwiseConv2d(tf.tensor(xData, c.x) as tf.Tensor4D, tf.tensor(dData, [...c.f, c.x[3], 2]) as tf.Tensor4D, c.s, 'same')],
      ];
      for (const [name, run] of runs) expect(maxAbsDiff(await onBackend('wasm', run), await onBackend('cpu', run)), `${name} ${label}`).toBeLessThan(1e-5);
    }
  });

  it('Conv2D input and filter gradients on the kernel module equal cpu (strides, same/valid/explicit padding, batches split over threads)', async () => {
    const rand = mulberry32(31);
    type Case = { x: [number, number, number, number]; f: [number, number, number, number]; s: [number, number]; pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] };
    const cases: Case[] = [
      { x: [5, 9, 8, 3], f: [3, 3, 3, 4], s: [1, 1], pad: 'same' },
      { x: [4, 10, 7, 2], f: [3, 2, 2, 5], s: [2, 2], pad: 'valid' },
      { x: [3, 8, 8, 4], f: [2, 3, 4, 3], s: [2, 1], pad: 'same' },
      { x: [6, 7, 9, 1], f: [3, 3, 1, 8], s: [1, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
      // the per-frame video CNN's shape, small
      { x: [7, 16, 16, 8], f: [3, 3, 8, 16], s: [1, 1], pad: 'same' },
    ];
    for (const c of cases) {
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const wData = randomArray(c.f.reduce((a, b) => a * b, 1), rand);
      const out = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad as never).outShape;
      const rData = randomArray(tf.util.sizeFromShape(out), rand);
      const loss = (x: tf.Tensor, w: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad as never), tf.tensor(rData, out)));
      const dx = (): tf.Tensor => tf.grad((x: tf.Tensor) => loss(x, tf.tensor(wData, c.f)))(tf.tensor(xData, c.x));
      const dw = (): tf.Tensor => tf.grad((w: tf.Tensor) => loss(tf.tensor(xData, c.x), w))(tf.tensor(wData, c.f));
      const label = JSON.stringify(c);
      expect(maxAbsDiff(await onBackend('wasm', dx), await onBackend('cpu', dx)), `dx ${label}`).toBeLessThan(1e-4);
      expect(maxAbsDiff(await onBackend('wasm', dw), await onBackend('cpu', dw)), `dw ${label}`).toBeLessThan(1e-4);
    }
    // the kernel module ran them: it is loaded, and its input gradient is what the wasm backend has registered
    expect(rnnWasm()).not.toBeNull();
    expect(String(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc)).toContain('conv2dInputGradFast');
  });

  it('2-D max pooling and its gradient equal cpu for several channels (the wasm package keeps channel 0 only)', async () => {
    const rand = mulberry32(17);
    type Case = { x: [number, number, number, number]; f: number | [number, number]; s: number | [number, number]; pad: 'same' | 'valid' };
    const cases: Case[] = [
      // a MaxPooling1D as tfjs-layers runs it: [B, 1, T, C] with a [1, p] window
      { x: [3, 1, 9, 5], f: [1, 3], s: [1, 3], pad: 'valid' },
      { x: [1, 1, 4, 2], f: 1, s: 1, pad: 'valid' },
      { x: [2, 6, 7, 3], f: 2, s: 2, pad: 'valid' },
      { x: [2, 5, 5, 4], f: 3, s: 2, pad: 'same' },
      { x: [1, 6, 6, 8], f: [2, 3], s: 1, pad: 'same' },
    ];
    for (const c of cases) {
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const info = tf.backend_util.computePool2DInfo(c.x, c.f, c.s, 1, c.pad);
      const dyData = randomArray(tf.util.sizeFromShape(info.outShape), rand);
      const pool = (x: tf.Tensor): tf.Tensor4D => tf.maxPool(x as tf.Tensor4D, c.f, c.s, c.pad);
      const forward = (): tf.Tensor => pool(tf.tensor(xData, c.x));
      const grad = (): tf.Tensor => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(pool(x), tf.tensor(dyData, info.outShape))))(tf.tensor(xData, c.x));
      const label = JSON.stringify(c);
      expect(maxAbsDiff(await onBackend('wasm', forward), await onBackend('cpu', forward)), `forward ${label}`).toBeLessThan(1e-6);
      expect(maxAbsDiff(await onBackend('wasm', grad), await onBackend('cpu', grad)), `grad ${label}`).toBeLessThan(1e-5);
    }
    expect(tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc).toBe(maxPoolGradWasm);
  });

  it('3-D pooling and its gradients equal cpu; MaxPool3DGrad also equals index arithmetic for any window', async () => {
    const rand = mulberry32(91);
    type Case = { x: number[]; f: number | [number, number, number]; s: number | [number, number, number]; pad: 'same' | 'valid' };
    const cases: Case[] = [
      { x: [2, 4, 5, 6, 2], f: 2, s: 1, pad: 'valid' },
      { x: [1, 4, 5, 6, 1], f: 2, s: 1, pad: 'same' },
      { x: [2, 5, 6, 7, 3], f: 3, s: 2, pad: 'same' },
      { x: [3, 6, 5, 4, 2], f: 2, s: 2, pad: 'valid' },
      // windows that are not cubes: tfjs's cpu MaxPool3DGrad is wrong for these too
      { x: [2, 4, 5, 6, 2], f: [2, 3, 2], s: 1, pad: 'same' },
      { x: [3, 6, 5, 4, 1], f: [2, 2, 3], s: 2, pad: 'valid' },
      { x: [2, 4, 8, 8, 3], f: [1, 2, 2], s: [1, 2, 2], pad: 'valid' },
    ];
    for (const c of cases) {
      const cubic = typeof c.f === 'number';
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const info = tf.backend_util.computePool3DInfo(c.x as [number, number, number, number, number], c.f, c.s, 1, c.pad);
      const dyData = randomArray(tf.util.sizeFromShape(info.outShape), rand);
      const label = JSON.stringify(c);
      for (const kind of ['max', 'avg'] as const) {
        const pool = (x: tf.Tensor): tf.Tensor5D => (kind === 'max' ? tf.maxPool3d(x as tf.Tensor5D, c.f, c.s, c.pad) : tf.avgPool3d(x as tf.Tensor5D, c.f, c.s, c.pad));
        const forward = (): tf.Tensor => pool(tf.tensor(xData, c.x));
        // gradient of sum(pool(x) * dy): the kernel's dy is the random dyData
        const grad = (): tf.Tensor => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(pool(x), tf.tensor(dyData, info.outShape))))(tf.tensor(xData, c.x));
        expect(maxAbsDiff(await onBackend('wasm', forward), await onBackend('cpu', forward)), `${kind} forward ${label}`).toBeLessThan(1e-6);
        const got = await onBackend('wasm', grad);
        if (kind === 'max') expect(maxAbsDiff(got, maxPool3dGradReference(xData, c.x, dyData, info)), `max grad ${label}`).toBeLessThan(1e-5);
        if (kind === 'avg' || cubic) expect(maxAbsDiff(got, await onBackend('cpu', grad)), `${kind} grad ${label}`).toBeLessThan(1e-5);
      }
    }
    // the replacement is what the wasm backend runs (behind the kernel module's, conv3d-fast.ts)
    expect(kernelBehind(tf.getKernel('MaxPool3DGrad', 'wasm')!.kernelFunc)).toBe(maxPool3DGradWasm);
  });

  it('a Conv3D -> Conv3D -> Flatten -> Dense model: wasm gradients equal cpu for every weight, and it trains on wasm', async () => {
    const rand = mulberry32(5150);
    // clips of 4 frames of 6x6: the class is whether a bright dot moves right or left
    const B = 16;
    const [T, S] = [4, 6];
    const x = new Float32Array(B * T * S * S);
    const y = new Float32Array(B * 2);
    for (let b = 0; b < B; b++) {
      const right = b % 2 === 0;
      const row = Math.floor(rand() * S);
      for (let t = 0; t < T; t++) {
        const col = right ? t + 1 : S - 2 - t;
        x[((b * T + t) * S + row) * S + col] = 1;
      }
      for (let i = b * T * S * S; i < (b + 1) * T * S * S; i++) x[i]! += 0.1 * (rand() - 0.5);
      y[b * 2 + (right ? 0 : 1)] = 1;
    }
    const build = (): tf.Sequential => {
      const m = tf.sequential();
      m.add(tf.layers.conv3d({ inputShape: [T, S, S, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.conv3d({ filters: 4, kernelSize: [2, 3, 3], strides: [1, 2, 2], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      return m;
    };
    const model = build();
    const weights = model.getWeights().map((w) => ({ data: w.dataSync().slice(), shape: w.shape }));
    // the same forward pass with plain ops, so that each backend computes it from scratch
    const gradsOn = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for (let i = 0; i < weights.length; i++) {
        out.push(await onBackend(backend, () => {
          const ws = weights.map((w) => tf.tensor(w.data, w.shape));
          const lossOf = (wi: tf.Tensor): tf.Scalar => {
            const all = ws.map((w, j) => (j === i ? wi : w));
            let h: tf.Tensor = tf.relu(tf.add(tf.conv3d(tf.tensor5d(x, [B, T, S, S, 1]), all[0] as tf.Tensor5D, 1, 'same'), all[1]!));
            h = tf.relu(tf.add(tf.conv3d(h as tf.Tensor5D, all[2] as tf.Tensor5D, [1, 2, 2], 'valid'), all[3]!));
            const logits = tf.add(tf.matMul(tf.reshape(h, [B, -1]), all[4] as tf.Tensor2D), all[5]!);
            return tf.losses.softmaxCrossEntropy(tf.tensor2d(y, [B, 2]), logits) as tf.Scalar;
          };
          return tf.grad(lossOf)(ws[i]!);
        }));
      }
      return out;
    };
    const want = await gradsOn('cpu');
    const got = await gradsOn('wasm');
    for (let i = 0; i < want.length; i++) {
      const scale = Math.max(1e-3, ...Array.from(want[i]!, Math.abs));
      expect(maxAbsDiff(got[i]!, want[i]!) / scale, `weight ${i}`).toBeLessThan(1e-4);
    }
    // training on wasm: the loss falls
    expect(tf.getBackend()).toBe('wasm');
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xt = tf.tensor5d(x, [B, T, S, S, 1]);
    const yt = tf.tensor2d(y, [B, 2]);
    const h = await model.fit(xt, yt, { epochs: 25, batchSize: B, verbose: 0 });
    const losses = h.history.loss as number[];
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    expect((h.history.acc as number[]).at(-1)!).toBe(1);
    xt.dispose();
    yt.dispose();
    model.dispose();
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
