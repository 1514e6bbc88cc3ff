/**
 * Conv3D and MaxPool3D on the kernel module (main/engine/kernels/conv/conv3d-fast.ts,
 * assembly/rnn/conv3d.ts) and the one-pass Sum over leading axes (kernels/sum-leading.ts)
 * give tfjs's numbers: forward within 1e-5 and gradients within 1e-4 of tfjs's cpu kernels
 * (MaxPool3D's gradient, where cpu's own is wrong, against the engine's index-arithmetic
 * kernel of conv3d.ts), on random shapes, strides, 'same' and 'valid' padding, odd batches
 * and batches smaller than the thread count, with the module's helper threads and on one.
 * The switches (SEQLAB_FUSED_OFF) bring back the earlier kernels, and the Conv3D lesson
 * model's gradients agree on both paths.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { rnnWasm } from '../../main/engine/kernels/rnn';
import { conv3dFastCalls } from '../../main/engine/kernels/conv/conv3d-fast';
import { buildModel } from '../../main/engine/model/build';
import { mulberry32 } from '../../main/engine/data/random';
import { PRESETS, toKerasSpec } from '../../shared/model';
import type { Experiment } from '../../shared/experiment';
import { withAndWithoutThreads } from './kernel-checks';

beforeAll(async () => {
  expect((await initBackend({ prefer: 'wasm' })).active).toBe('wasm');
  expect(rnnWasm()).not.toBeNull();
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
});

function randomArray(n: number, rand: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

async function on(backend: 'cpu' | 'wasm', run: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    const outs = tf.tidy(() => {
      const r = run();
      return Array.isArray(r) ? r : [r];
    });
    const data = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose(outs);
    return data;
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Largest difference relative to the reference's magnitude (at least 1). */
function relErr(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let m = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    m = Math.max(m, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return m / scale;
}

const calls = (name: string): number => conv3dFastCalls[name] ?? 0;

type Triple = [number, number, number];
type Shape5 = [number, number, number, number, number];
interface ConvCase { x: number[]; f: number[]; s: Triple; pad: 'same' | 'valid' }

describe('Conv3D on the kernel module', () => {
  it('forward (1e-5) and both gradients (1e-4) equal cpu on random shapes, odd and tiny batches', async () => {
    const rand = mulberry32(1601);
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
    const cases: ConvCase[] = [
      // the lesson's layer, on a batch that does not divide among the threads
      { x: [5, 10, 16, 16, 1], f: [3, 3, 3, 1, 16], s: [1, 1, 1], pad: 'valid' },
      // one image: fewer than the threads
      { x: [1, 4, 5, 6, 2], f: [2, 3, 3, 2, 3], s: [1, 1, 1], pad: 'same' },
      { x: [3, 5, 6, 7, 3], f: [3, 3, 3, 3, 5], s: [2, 2, 2], pad: 'same' },
      { x: [7, 6, 7, 5, 2], f: [2, 2, 3, 2, 9], s: [2, 1, 2], pad: 'valid' },
      { x: [2, 4, 8, 8, 5], f: [3, 3, 3, 5, 4], s: [1, 2, 2], pad: 'same' },
    ];
    for (let i = 0; i < 4; i++) {
      const f = [int(1, 3), int(1, 3), int(1, 3)];
      const ci = int(1, 6);
      cases.push({ x: [int(1, 9), int(f[0]!, 7), int(f[1]!, 7), int(f[2]!, 7), ci], f: [...f, ci, int(1, 17)], s: [int(1, 2), int(1, 2), int(1, 2)], pad: rand() < 0.5 ? 'same' : 'valid' });
    }
    for (const c of cases) {
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand);
      const fData = randomArray(c.f.reduce((a, b) => a * b, 1), rand);
      const yShape = tf.backend_util.computeConv3DInfo(c.x as Shape5, c.f as Shape5, c.s, 1, c.pad).outShape;
      const rData = randomArray(yShape.reduce((a, b) => a * b, 1), rand);
      // y, and the gradients of sum(y * r) (every output gets its own weight: a wrong index shows)
      const run = (): tf.Tensor[] => {
        const x = tf.tensor(xData, c.x);
        const f = tf.tensor(fData, c.f);
        const r = tf.tensor(rData, yShape);
        const y = tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, c.s, c.pad);
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.s, c.pad), r)))([x, f]);
        return [y, dx!, df!];
      };
      const want = await on('cpu', run);
      await withAndWithoutThreads(async (label) => {
        const before = ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'].map(calls);
        const [y, dx, df] = await on('wasm', run);
        expect(['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'].map(calls).map((n, i) => n - before[i]!), 'served by the module').toEqual([2, 1, 1]);
        const tag = `${label} ${JSON.stringify(c)}`;
        expect(relErr(y!, want[0]!), `y ${tag}`).toBeLessThan(1e-5);
        expect(relErr(dx!, want[1]!), `dx ${tag}`).toBeLessThan(1e-4);
        expect(relErr(df!, want[2]!), `dw ${tag}`).toBeLessThan(1e-4);
      });
    }
  });

  it('MaxPool3D forward equals cpu (1e-5) and its gradient the index-arithmetic kernel, overlapping and padded windows', async () => {
    const rand = mulberry32(1602);
    type PoolCase = { x: Shape5; f: Triple; s: Triple; pad: 'same' | 'valid' };
    const cases: PoolCase[] = [
      { x: [5, 10, 32, 32, 1], f: [1, 2, 2], s: [1, 2, 2], pad: 'valid' },
      { x: [3, 8, 14, 14, 16], f: [2, 2, 2], s: [2, 2, 2], pad: 'valid' },
      { x: [1, 5, 6, 7, 6], f: [3, 3, 3], s: [1, 2, 1], pad: 'same' },
      { x: [7, 4, 5, 5, 5], f: [2, 3, 2], s: [1, 1, 2], pad: 'same' },
      { x: [2, 6, 5, 9, 3], f: [3, 2, 3], s: [2, 2, 2], pad: 'valid' },
    ];
    for (const c of cases) {
      // ties (rounded values) test which position of a window receives the gradient
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand).map((v) => Math.round(v * 4) / 4);
      const yShape = tf.backend_util.computePool3DInfo(c.x as Shape5, c.f, c.s, 1, c.pad).outShape;
      const rData = randomArray(yShape.reduce((a, b) => a * b, 1), rand);
      const forward = (): tf.Tensor => tf.maxPool3d(tf.tensor5d(xData, c.x as Shape5), c.f, c.s, c.pad);
      const grad = (): tf.Tensor => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool3d(x as tf.Tensor5D, c.f, c.s, c.pad), tf.tensor(rData, yShape))))(tf.tensor(xData, c.x));
      const [wantY] = await on('cpu', forward);
      process.env.SEQLAB_FUSED_OFF = 'conv3d-pool';
      const n0 = calls('MaxPool3DGrad');
      const [wantDx] = await on('wasm', grad);
      expect(calls('MaxPool3DGrad'), 'switched off').toBe(n0);
      delete process.env.SEQLAB_FUSED_OFF;
      await withAndWithoutThreads(async (label) => {
        const n1 = calls('MaxPool3DGrad');
        const [y] = await on('wasm', forward);
        const [dx] = await on('wasm', grad);
        expect(calls('MaxPool3DGrad') - n1, 'served by the module').toBe(1);
        expect(relErr(y!, wantY!), `y ${label} ${JSON.stringify(c)}`).toBeLessThan(1e-5);
        expect(relErr(dx!, wantDx!), `dx ${label} ${JSON.stringify(c)}`).toBeLessThan(1e-6);
      });
    }
  });

  it('Sum over leading axes equals cpu (1e-5); other reductions keep working', async () => {
    const rand = mulberry32(1603);
    const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
      { shape: [5, 8, 14, 14, 16], axis: [0, 1, 2, 3], keepDims: false },
      { shape: [7, 3, 4], axis: 0, keepDims: true },
      { shape: [3, 6, 5], axis: [1, 0], keepDims: false },
      { shape: [4, 6, 5], axis: [-3, -2], keepDims: true },
      { shape: [4, 6, 5], axis: [1, 2], keepDims: false },
      { shape: [4, 6, 5], axis: [0, 2], keepDims: false },
      { shape: [9, 5], axis: [0, 1], keepDims: false },
    ];
    for (const c of cases) {
      const data = randomArray(c.shape.reduce((a, b) => a * b, 1), rand);
      const run = (): tf.Tensor => tf.sum(tf.tensor(data, c.shape), c.axis, c.keepDims);
      const [want] = await on('cpu', run);
      const zero = tf.sum(tf.zeros(c.shape), c.axis, c.keepDims);
      const shape = zero.shape;
      zero.dispose();
      await tf.setBackend('wasm');
      const t = run();
      expect(t.shape, JSON.stringify(c)).toEqual(shape);
      const got = (await t.data()) as Float32Array;
      t.dispose();
      expect(relErr(got, want!), JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });

  it("the Conv3D lesson model's gradients are the same with the switches on and off", async () => {
    const preset = PRESETS.find((p) => p.id === 'video-conv3d')!;
    const model = await buildModel({ model: toKerasSpec(preset.graph), training: { seed: 4 } } as unknown as Experiment);
    const rand = mulberry32(1604);
    const x = tf.tensor(randomArray(3 * 10 * 32 * 32, rand), [3, 10, 32, 32, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 4, 5], 'int32'), 6);
    const grads = (): Float32Array[] => {
      const { value, grads: g } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      const out = [value, ...Object.values(g)].map((t) => t.dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(g)]);
      return out;
    };
    const n0 = calls('Conv3D');
    const fast = grads();
    expect(calls('Conv3D')).toBeGreaterThan(n0);
    process.env.SEQLAB_FUSED_OFF = 'conv3d-conv,conv3d-pool,conv3d-bias-sum';
    const n1 = calls('Conv3D');
    const old = grads();
    expect(calls('Conv3D'), 'the earlier path ran').toBe(n1);
    expect(fast.length).toBe(old.length);
    for (let i = 0; i < fast.length; i++) expect(relErr(fast[i]!, old[i]!), `tensor ${i}`).toBeLessThan(1e-4);
    model.dispose();
    tf.dispose([x, y]);
  });
});
