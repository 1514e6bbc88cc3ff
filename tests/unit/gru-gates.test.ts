// The lesson's GRU equations (shared/gru.ts) against a real tfjs GRU layer, to 1e-5.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { activationByName, gruFinalState, gruSteps, type GruWeights } from '../../shared/gru';
import { mulberry32 } from '../../shared/random';

const rng = mulberry32;

function matrix(rand: () => number, rows: number, cols: number, scale: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() * 2 - 1) * scale));
}

interface Case { units: number; inputDim: number; steps: number; recurrent: 'hard_sigmoid' | 'sigmoid'; useBias: boolean; seed: number }

const TFJS_NAME = { hard_sigmoid: 'hardSigmoid', sigmoid: 'sigmoid' } as const;

async function compare(c: Case): Promise<{ maxErr: number; clipped: number }> {
  const rand = rng(c.seed);
  const kernel = matrix(rand, c.inputDim, 3 * c.units, 1.2);
  const recurrentKernel = matrix(rand, c.units, 3 * c.units, 1.2);
  const bias = Array.from({ length: 3 * c.units }, () => (rand() * 2 - 1) * 0.8);
  const window = matrix(rand, c.steps, c.inputDim, 2);

  const layer = tf.layers.gru({
    units: c.units,
    returnSequences: true,
    recurrentActivation: TFJS_NAME[c.recurrent],
    activation: 'tanh',
    useBias: c.useBias,
    inputShape: [c.steps, c.inputDim],
  });
  const model = tf.sequential({ layers: [layer] });
  const weights: tf.Tensor[] = [tf.tensor2d(kernel), tf.tensor2d(recurrentKernel)];
  if (c.useBias) weights.push(tf.tensor1d(bias));
  model.setWeights(weights);
  const out = model.predict(tf.tensor3d([window])) as tf.Tensor;
  const seq = (out.arraySync() as number[][][])[0]!;
  tf.dispose([out, ...weights]);
  model.dispose();

  const w: GruWeights = { kernel, recurrentKernel, bias: c.useBias ? bias : null, activation: 'tanh', recurrentActivation: c.recurrent };
  const steps = gruSteps(w, window);
  expect(steps).toHaveLength(c.steps);
  let maxErr = 0;
  let clipped = 0;
  steps.forEach((s, t) => {
    const ref = seq[t]!;
    expect(s.h).toHaveLength(c.units);
    s.h.forEach((v, j) => {
      maxErr = Math.max(maxErr, Math.abs(v - ref[j]!));
      expect(v).toBeCloseTo(ref[j]!, 5);
      expect(Math.abs(v - ref[j]!)).toBeLessThan(1e-5);
    });
    // The lesson's form and Keras's form are the same number: u = 1 - z.
    s.u.forEach((u, j) => {
      expect(u).toBeCloseTo(1 - s.z[j]!, 12);
      const keras = s.z[j]! * s.hPrev[j]! + (1 - s.z[j]!) * s.candidate[j]!;
      expect(Math.abs(keras - s.h[j]!)).toBeLessThan(1e-12);
    });
    for (const g of [...s.r, ...s.u]) {
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThanOrEqual(1);
      if (g === 0 || g === 1) clipped++;
    }
    for (const v of s.candidate) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });
  const final = gruFinalState(w, window);
  final.forEach((v, j) => expect(Math.abs(v - seq[c.steps - 1]![j]!)).toBeLessThan(1e-5));
  return { maxErr, clipped };
}

describe('GRU gate math (shared/gru.ts) matches the tfjs GRU layer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  for (const recurrent of ['hard_sigmoid', 'sigmoid'] as const) {
    it(`every step's h matches to 1e-5 (recurrent_activation=${recurrent}, 8 units, 3 features, 24 steps)`, async () => {
      const { clipped } = await compare({ units: 8, inputDim: 3, steps: 24, recurrent, useBias: true, seed: 11 });
      // hard_sigmoid must actually hit its clipped region in this test, or the clip is untested.
      if (recurrent === 'hard_sigmoid') expect(clipped).toBeGreaterThan(0);
      else expect(clipped).toBe(0);
    });
    it(`matches with other sizes and without bias (recurrent_activation=${recurrent})`, async () => {
      await compare({ units: 5, inputDim: 4, steps: 13, recurrent, useBias: false, seed: 7 });
      await compare({ units: 16, inputDim: 14, steps: 30, recurrent, useBias: true, seed: 3 });
    });
  }

  it('knows the activation names tfjs and Keras write', () => {
    expect(activationByName('hardSigmoid')(10)).toBe(1);
    expect(activationByName('hard_sigmoid')(-10)).toBe(0);
    expect(activationByName('hard_sigmoid')(1)).toBeCloseTo(0.7, 12);
    expect(activationByName('sigmoid')(0)).toBe(0.5);
    expect(() => activationByName('no_such_activation')).toThrow();
  });

  it('rejects weights whose shapes disagree', () => {
    expect(() => gruSteps({ kernel: [[1, 2, 3]], recurrentKernel: [[1, 2]] }, [[1]])).toThrow();
    expect(() => gruSteps({ kernel: [[1, 2, 3]], recurrentKernel: [[1, 2, 3]] }, [[1, 2]])).toThrow();
  });
});
