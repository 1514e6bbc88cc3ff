/**
 * Tile's gradient as one Reshape and Sum (main/engine/kernels/tile-grad.ts): the same as
 * tfjs's per-repetition slices for random shapes and repeats on wasm, the same bits for
 * RepeatVector's single repeated axis, and ranks tfjs's own gradient refuses.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { tileGradient } from '../../main/engine/kernels/tile-grad';
import '../../main/engine/kernels';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
});

/** d/dx sum(tile(x, reps) * r), through the registered gradient. */
function grad(x: tf.Tensor, reps: number[], r: tf.Tensor): Float32Array {
  return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, reps), r)))(x).dataSync() as Float32Array;
}

describe("Tile's gradient", () => {
  it("equals tfjs's own for random shapes and repeats (ranks 1 to 4)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1000 }),
        (dims, seed) => {
          const shape = dims.map((d) => d[0]);
          const reps = dims.map((d) => d[1]);
          const x = tf.randomNormal(shape, 0, 1, 'float32', seed);
          const r = tf.randomNormal(shape.map((d, i) => d * reps[i]!), 0, 1, 'float32', seed + 1);
          const ours = grad(x, reps, r);
          process.env.SEQLAB_FUSED_OFF = 'tile-grad-sum';
          const stock = grad(x, reps, r);
          delete process.env.SEQLAB_FUSED_OFF;
          expect(ours.length).toBe(stock.length);
          for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - stock[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(stock[i]!)));
          tf.dispose([x, r]);
        },
      ),
      { numRuns: 120, seed: 20261208 },
    );
  });

  it("RepeatVector's [128, 1, 64] -> [128, 11, 64]: the same bits as tfjs's gradient, each value the sum over the 11 steps", () => {
    const x = tf.randomNormal([128, 1, 64], 0, 1, 'float32', 3);
    const r = tf.randomNormal([128, 11, 64], 0, 1, 'float32', 4);
    const ours = grad(x, [1, 11, 1], r);
    process.env.SEQLAB_FUSED_OFF = 'tile-grad-sum';
    expect(Array.from(ours)).toEqual(Array.from(grad(x, [1, 11, 1], r)));
    const rv = r.dataSync();
    let s = 0;
    for (let t = 0; t < 11; t++) s += rv[(7 * 11 + t) * 64 + 5]!;
    expect(ours[7 * 64 + 5]).toBeCloseTo(s, 4);
  });

  it('works at rank 5, where tfjs’s own gradient throws', () => {
    const x = tf.tensor(Array.from({ length: 2 * 1 * 3 * 1 * 2 }, (_, i) => i), [2, 1, 3, 1, 2]);
    const r = tf.ones([2, 2, 3, 3, 2]);
    // every x value is repeated 2 x 3 = 6 times, each weighted 1
    expect(Array.from(grad(x, [1, 2, 1, 3, 1], r))).toEqual(new Array(12).fill(6));
    process.env.SEQLAB_FUSED_OFF = 'tile-grad-sum';
    expect(() => grad(x, [1, 2, 1, 3, 1], r)).toThrow(/rank-5/);
  });

  it('sums the repetitions of each axis in place (the function itself)', () => {
    // x [2, 3] tiled by [2, 1]: dy rows 0-1 and 2-3 both map onto x's rows
    const dy = tf.tensor2d([[1, 2, 3], [4, 5, 6], [10, 20, 30], [40, 50, 60]]);
    expect(tileGradient(dy, [2, 3], [2, 1]).arraySync()).toEqual([[11, 22, 33], [44, 55, 66]]);
    // no repetition: dy itself
    expect(tileGradient(tf.tensor2d([[1, 2]]), [1, 2], [1, 1]).arraySync()).toEqual([[1, 2]]);
  });
});
