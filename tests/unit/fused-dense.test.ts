/**
 * The fused Dense layer (main/engine/kernels/dense) against tfjs's own Dense on the pure-JS
 * cpu backend: forward within 1e-5 and gradients within 1e-4 on random shapes (rank 2 to 4,
 * the product over the last axis), units, activations (softmax and elu after the fused
 * product) and bias, with the kernel module's helper threads and on one; a small network
 * learning a task with a known answer on the stock layers' loss curve; and where it stays off.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { onCpu } from './reference-backend';
import { fuseDenseLayer, installFusedDense, type DenseLayerLike } from '../../main/engine/kernels/dense';
import { loadRnnWasm } from '../../main/engine/kernels/rnn';
import { gradients, maxRelDiff, onOneThread, withAndWithoutThreads } from './kernel-checks';

interface Case { lead: number[]; I: number; units: number; activation: string; useBias: boolean; seed: number }

function pair(c: Case): { stock: tf.Sequential; fused: tf.Sequential } {
  const make = (): tf.Sequential =>
    tf.sequential({
      layers: [tf.layers.dense({
        inputShape: [...c.lead.slice(1), c.I], units: c.units, activation: c.activation as never, useBias: c.useBias,
        kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }), biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 1 }),
      })],
    });
  const stock = make();
  const fused = make();
  fused.setWeights(stock.getWeights());
  expect(fuseDenseLayer(fused.layers[0] as unknown as DenseLayerLike)).toBe(true);
  return { stock, fused };
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  lead: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
  I: fc.integer({ min: 1, max: 40 }),
  units: fc.integer({ min: 1, max: 37 }),
  activation: fc.constantFrom('linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu'),
  useBias: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('fused Dense', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });
  afterEach(() => {
    delete process.env.SEQLAB_FUSED_OFF;
  });

  it('matches tfjs forward (1e-5) and gradients (1e-4) on random shapes, units, activations and bias, on several threads and on one', async () => {
    const check = (): Promise<void> =>
      fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const { stock, fused } = pair(c);
          const rand = mulberry32(c.seed);
          const shape = [...c.lead, c.I];
          const x = tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() * 4 - 2), shape);
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
      );
    await withAndWithoutThreads(check);
  });

  it('gives the same bits on any number of threads (every output and gradient row is one thread’s ordered sum)', () => {
    const c: Case = { lead: [300], I: 37, units: 29, activation: 'tanh', useBias: true, seed: 9 };
    const { fused } = pair(c);
    const x = tf.randomNormal([300, 37], 0, 1, 'float32', 2);
    const r = tf.randomNormal([300, 29], 0, 1, 'float32', 3);
    const run = (): number[][] => gradients(fused, x, r).map((g) => Array.from(g.dataSync()));
    const many = run();
    expect(run()).toEqual(many);
    expect(onOneThread(run)).toEqual(many);
  });

  it('trains a small network to a known answer on the stock layers’ loss curve, the loss falling', async () => {
    // y = 1 when the first two features have the same sign (XOR of signs): not linearly separable
    const rand = mulberry32(5);
    const B = 64;
    const xv = Float32Array.from({ length: B * 4 }, () => rand() * 2 - 1);
    const yv = new Float32Array(B);
    for (let b = 0; b < B; b++) yv[b] = xv[b * 4]! * xv[b * 4 + 1]! > 0 ? 1 : 0;
    const x = tf.tensor2d(xv, [B, 4]);
    const y = tf.tensor2d(yv, [B, 1]);
    const make = (): tf.Sequential => tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 16, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const losses = async (fuse: boolean): Promise<{ loss: number[]; acc: number }> => {
      const m = make();
      if (fuse) expect(installFusedDense(m)).toBe(2);
      m.compile({ optimizer: tf.train.adam(0.03), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 60, batchSize: 16, shuffle: false, verbose: 0 });
      const acc = (h.history.acc ?? h.history.accuracy) as number[];
      return { loss: h.history.loss as number[], acc: acc[acc.length - 1]! };
    };
    const fused = await losses(true);
    const stock = await losses(false);
    expect(fused.acc).toBeGreaterThanOrEqual(0.95);
    expect(fused.loss[fused.loss.length - 1]!).toBeLessThan(fused.loss[0]! / 3);
    for (let i = 0; i < stock.loss.length; i++) expect(Math.abs(fused.loss[i]! - stock.loss[i]!)).toBeLessThan(1e-3 * Math.max(1, stock.loss[i]!));
  });

  it('stays off with SEQLAB_FUSED_OFF=dense, and leaves int inputs to tfjs', async () => {
    process.env.SEQLAB_FUSED_OFF = 'dense';
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    expect(installFusedDense(m)).toBe(0);
    delete process.env.SEQLAB_FUSED_OFF;
    const n = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    expect(installFusedDense(n)).toBe(1);
    const ints = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const want = await onCpu(() => Array.from((n.predict(ints) as tf.Tensor).dataSync()));
    expect(Array.from((n.predict(ints) as tf.Tensor).dataSync()).map((v, i) => Math.abs(v - want[i]!) < 1e-5)).toEqual([true, true]);
  });
});
