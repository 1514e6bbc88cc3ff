/**
 * Slice, SplitV and GatherV2 on wasm as block copies that read the input in place
 * (main/engine/kernels/wasm-ops.ts; the captioner's Tile and concat gradients and its
 * Embedding): the same values as tfjs's pure-JS cpu backend for random shapes, ranges,
 * indices and dtypes, the stock error for an index out of range, and the package's own
 * kernels again with SEQLAB_FUSED_OFF=slice-in-place,gather-blocks.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { onCpu } from './reference-backend';
import '../../main/engine/kernels';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
});

const DTYPES = ['float32', 'int32', 'bool'] as const;
type DType = (typeof DTYPES)[number];
const valuesOf = (n: number, dtype: DType): number[] | boolean[] =>
  Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : dtype === 'int32' ? i * 7 - 11 : i * 0.25 - 3)) as number[] | boolean[];

/** A shape (rank 1..5, axes 1..5 long) and, per axis, a begin and size inside it. */
const sliceCase = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: d - b }))))),
      fc.constantFrom(...DTYPES),
    ),
  );

describe('Slice, SplitV and GatherV2 on wasm', () => {
  it('Slice gives the cpu backend’s values for random shapes, ranges and dtypes (empty slices included)', async () => {
    expect(tf.getBackend()).toBe('wasm');
    await fc.assert(
      fc.asyncProperty(sliceCase, async ([shape, ranges, dtype]) => {
        const begin = ranges.map((r) => r[0]);
        const size = ranges.map((r) => r[1]);
        const values = valuesOf(shape.reduce((a, b) => a * b, 1), dtype);
        const got = tf.slice(tf.tensor(values, shape, dtype), begin, size);
        const want = await onCpu(() => {
          const t = tf.slice(tf.tensor(values, shape, dtype), begin, size);
          return { shape: t.shape, values: Array.from(t.dataSync()) };
        });
        expect(got.shape).toEqual(want.shape);
        expect(Array.from(got.dataSync())).toEqual(want.values);
      }),
      { numRuns: 200, seed: 20261208 },
    );
  });

  it('SplitV (tf.split, concat’s gradient) gives the cpu backend’s pieces along any axis', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), fc.constantFrom(...DTYPES)),
        ),
        async ([shape, axis, dtype]) => {
          const d = shape[axis]!;
          const sizes = d > 1 ? [1, d - 1] : [1];
          const values = valuesOf(shape.reduce((a, b) => a * b, 1), dtype);
          const got = tf.split(tf.tensor(values, shape, dtype), sizes, axis).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
          const want = await onCpu(() => tf.split(tf.tensor(values, shape, dtype), sizes, axis).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 20261208 },
    );
  });

  it('GatherV2 gives the cpu backend’s rows for random tables, axes and index shapes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
              fc.tuple(fc.constant(axis), fc.array(fc.integer({ min: 0, max: shape[axis]! - 1 }), { minLength: 0, maxLength: 12 })),
            ),
            fc.constantFrom('float32' as const, 'int32' as const),
            fc.boolean(),
          ),
        ),
        async ([shape, [axis, ids], dtype, twoD]) => {
          const values = valuesOf(shape.reduce((a, b) => a * b, 1), dtype);
          // indices as a vector, or [2, n/2] as an Embedding's [batch, steps]
          const idShape = twoD && ids.length % 2 === 0 && ids.length > 0 ? [2, ids.length / 2] : [ids.length];
          const got = tf.gather(tf.tensor(values, shape, dtype), tf.tensor(ids, idShape, 'int32'), axis);
          const want = await onCpu(() => {
            const t = tf.gather(tf.tensor(values, shape, dtype), tf.tensor(ids, idShape, 'int32'), axis);
            return { shape: t.shape, values: Array.from(t.dataSync()) };
          });
          expect(got.shape).toEqual(want.shape);
          expect(Array.from(got.dataSync())).toEqual(want.values);
        },
      ),
      { numRuns: 150, seed: 20261208 },
    );
  });

  it('an index outside the table is refused with the stock kernel’s message', () => {
    const table = tf.tensor2d([[1, 2], [3, 4]]);
    expect(() => tf.gather(table, tf.tensor1d([0, 2], 'int32'))).toThrow('GatherV2: the index value 2 is not in [0, 1]');
    expect(() => tf.gather(table, tf.tensor1d([-1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 1]');
  });

  it('the captioner’s shapes: the same values as the package’s kernels (switched off)', () => {
    const seq = tf.randomNormal([128, 11, 96], 0, 1, 'float32', 5);
    const emb = tf.randomNormal([33, 32], 0, 1, 'float32', 6);
    const ids = tf.tensor2d(Array.from({ length: 128 * 11 }, (_, i) => (i * 13) % 33), [128, 11], 'int32');
    const run = (): number[][] => [
      ...tf.split(seq, [32, 64], -1).map((t) => Array.from(t.dataSync())),
      Array.from(tf.slice(seq, [0, 3, 0], [128, 1, 64]).dataSync()),
      Array.from(tf.gather(emb, ids).dataSync()),
    ];
    const fast = run();
    process.env.SEQLAB_FUSED_OFF = 'slice-in-place,gather-blocks';
    expect(fast).toEqual(run());
    // and the pieces are where they belong
    expect(fast[0]![(5 * 11 + 2) * 32 + 7]).toBe(seq.dataSync()[(5 * 11 + 2) * 96 + 7]);
    expect(fast[3]![(9 * 11 + 4) * 32 + 3]).toBe(emb.dataSync()[(((9 * 11 + 4) * 13) % 33) * 32 + 3]);
  });
});
