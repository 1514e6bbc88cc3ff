/**
 * The kernels that speed up the captioning model on wasm give tfjs's numbers: MaxPoolGrad
 * (2-D) on the kernel module (kernels/conv/conv3d-fast.ts, the depth-1 case of the 3-D
 * kernel) against tfjs's cpu kernel, ties included, with the module's helper threads and
 * on one; BatchMatMul with transposed operands (kernels/matmul-transposed.ts) against cpu
 * for every combination, batched and broadcast. With the switches off (SEQLAB_FUSED_OFF) the
 * earlier kernels run, and the captioning model's loss gradients agree on both paths.
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

async function on(backend: 'cpu' | 'wasm', run: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  try {
    const t = tf.tidy(run);
    const d = (await t.data()) as Float32Array;
    t.dispose();
    return d;
  } finally {
    await tf.setBackend('wasm');
  }
}

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

const served = (): number => conv3dFastCalls.MaxPoolGrad ?? 0;

describe('captioning kernels on wasm', () => {
  it('MaxPoolGrad on the kernel module equals cpu (ties, overlapping and padded windows, odd batches), 1 and several threads', async () => {
    const rand = mulberry32(1701);
    type Case = { x: [number, number, number, number]; f: [number, number]; s: [number, number]; pad: 'same' | 'valid' };
    const cases: Case[] = [
      // the captioning encoder's two poolings, on batches that do not divide among the threads
      { x: [5, 30, 30, 16], f: [2, 2], s: [2, 2], pad: 'valid' },
      { x: [3, 13, 13, 32], f: [2, 2], s: [2, 2], pad: 'valid' },
      { x: [1, 7, 9, 5], f: [3, 3], s: [1, 2], pad: 'same' },
      { x: [7, 6, 5, 3], f: [3, 2], s: [2, 1], pad: 'same' },
      { x: [2, 9, 8, 6], f: [2, 3], s: [1, 1], pad: 'valid' },
    ];
    for (const c of cases) {
      // rounded values: ties decide which position gets the gradient (tfjs: the first)
      const xData = randomArray(c.x.reduce((a, b) => a * b, 1), rand).map((v) => Math.round(v * 3) / 3);
      const yShape = tf.backend_util.computePool2DInfo(c.x, c.f, c.s, 1, c.pad).outShape;
      const rData = randomArray(yShape.reduce((a, b) => a * b, 1), rand);
      const grad = (): tf.Tensor => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, c.f, c.s, c.pad), tf.tensor(rData, yShape))))(tf.tensor4d(xData, c.x));
      const want = await on('cpu', grad);
      const check = async (label: string): Promise<void> => {
        const n = served();
        const got = await on('wasm', grad);
        expect(served() - n, `served by the module (${label})`).toBe(1);
        expect(relErr(got, want), `${label} ${JSON.stringify(c)}`).toBeLessThan(1e-6);
      };
      await withAndWithoutThreads(check);
      // switched off: the TypeScript loop of pool2d.ts, same numbers
      process.env.SEQLAB_FUSED_OFF = 'caption-pool-grad';
      const n = served();
      expect(relErr(await on('wasm', grad), want), `off ${JSON.stringify(c)}`).toBeLessThan(1e-6);
      expect(served()).toBe(n);
      delete process.env.SEQLAB_FUSED_OFF;
    }
  });

  it('BatchMatMul with transposed operands equals cpu (1e-5) for every combination, batched and broadcast', async () => {
    const rand = mulberry32(1702);
    const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
      // a Dense layer's weight and input gradients (the captioning encoder's feature layer)
      { a: [128, 1152], b: [128, 64], ta: true, tb: false },
      { a: [128, 64], b: [1152, 64], ta: false, tb: true },
      { a: [7, 5], b: [3, 7], ta: true, tb: true },
      { a: [3, 9, 4], b: [3, 9, 6], ta: true, tb: false },
      { a: [2, 5, 9], b: [1, 7, 9], ta: false, tb: true },
      { a: [6, 5], b: [5, 3], ta: false, tb: false },
    ];
    for (const c of cases) {
      const aData = randomArray(c.a.reduce((x, y) => x * y, 1), rand);
      const bData = randomArray(c.b.reduce((x, y) => x * y, 1), rand);
      const run = (): tf.Tensor => tf.matMul(tf.tensor(aData, c.a), tf.tensor(bData, c.b), c.ta, c.tb);
      const want = await on('cpu', run);
      expect(relErr(await on('wasm', run), want), JSON.stringify(c)).toBeLessThan(1e-5);
      process.env.SEQLAB_FUSED_OFF = 'caption-matmul-t';
      expect(relErr(await on('wasm', run), want), `off ${JSON.stringify(c)}`).toBeLessThan(1e-5);
      delete process.env.SEQLAB_FUSED_OFF;
    }
    // no tensor is left behind by the transposed copies
    const a = tf.ones([4, 3]);
    const b = tf.ones([2, 4]);
    const before = tf.memory();
    const t = tf.matMul(a, b, true, true);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([a, b]);
  });

  it("the captioning model's gradients are the same with the switches on and off", async () => {
    const preset = PRESETS.find((p) => p.id === 'captioning')!;
    const model = await buildModel({ model: toKerasSpec(preset.graph), training: { seed: 5 } } as unknown as Experiment);
    const rand = mulberry32(1703);
    const B = 5;
    const [img, tok] = model.inputs;
    const imgShape = [B, ...img!.shape.slice(1).map((d) => d!)];
    const steps = tok!.shape[1]!;
    const vocab = model.outputs[0]!.shape[2]!;
    const x = tf.tensor(randomArray(imgShape.reduce((a, b) => a * b, 1), rand), imgShape);
    const ids = Int32Array.from({ length: B * steps }, () => Math.floor(rand() * vocab));
    const t = tf.tensor(ids, [B, steps], 'int32');
    const y = tf.oneHot(tf.tensor(Int32Array.from({ length: B * steps }, () => Math.floor(rand() * vocab)), [B * steps], 'int32'), vocab).reshape([B, steps, vocab]);
    const grads = (): Float32Array[] => {
      const { value, grads: g } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply([x, t], { training: true }) as tf.Tensor) as tf.Scalar);
      const out = [value, ...Object.values(g)].map((v) => v.dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(g)]);
      return out;
    };
    // the kernel wrappers serve the stock Conv2D/MaxPooling2D layers (the fused layers off)
    process.env.SEQLAB_FUSED_OFF = 'conv2d';
    const n0 = served();
    const fast = grads();
    expect(served()).toBeGreaterThan(n0);
    process.env.SEQLAB_FUSED_OFF = 'conv2d,caption-pool-grad,caption-matmul-t,conv3d-bias-sum';
    const n1 = served();
    const old = grads();
    expect(served(), 'the earlier path ran').toBe(n1);
    // and the fused layers (kernels/conv2d), as training runs them
    delete process.env.SEQLAB_FUSED_OFF;
    const fused = grads();
    expect(fast.length).toBe(old.length);
    expect(fused.length).toBe(old.length);
    for (let i = 0; i < fast.length; i++) {
      expect(relErr(fast[i]!, old[i]!), `tensor ${i}`).toBeLessThan(1e-4);
      expect(relErr(fused[i]!, old[i]!), `tensor ${i}, fused layers`).toBeLessThan(1e-4);
    }
    model.dispose();
    tf.dispose([x, t, y]);
  });
});
