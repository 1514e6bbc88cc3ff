/**
 * Tile on wasm as block copies (main/engine/kernels/wasm-ops.ts; RepeatVector and tf.tile):
 * the same values as tfjs's pure-JS cpu backend for random shapes, repeats and dtypes, and
 * the package's own kernel again with SEQLAB_FUSED_OFF=tile-blocks.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { onCpu } from './reference-backend';
// the engine's kernels, registered at wasm init as in the app
import { fastWasmOpsInstalled } from '../../main/engine/kernels/wasm-ops';
import '../../main/engine/kernels';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
});

describe('Tile on wasm', () => {
  it('gives the cpu backend’s values for random shapes, repeats and dtypes', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(fastWasmOpsInstalled()).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('float32' as const, 'int32' as const, 'bool' as const),
        async (dims, dtype) => {
          const shape = dims.map((d) => d[0]);
          const reps = dims.map((d) => d[1]);
          const n = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : dtype === 'int32' ? i * 7 - 11 : i * 0.25 - 3));
          const got = tf.tile(tf.tensor(values as never, shape, dtype), reps);
          const want = await onCpu(() => {
            const t = tf.tile(tf.tensor(values as never, shape, dtype), reps);
            return { shape: t.shape, values: Array.from(t.dataSync()) };
          });
          expect(got.shape).toEqual(want.shape);
          expect(Array.from(got.dataSync())).toEqual(want.values);
        },
      ),
      { numRuns: 150, seed: 20261207 },
    );
  });

  it('repeats the captioning decoder’s image features as RepeatVector does, with the package kernel switched off too', () => {
    const x = tf.randomNormal([128, 1, 64], 0, 1, 'float32', 4);
    const fast = tf.tile(x, [1, 11, 1]).dataSync();
    process.env.SEQLAB_FUSED_OFF = 'tile-blocks';
    const stock = tf.tile(x, [1, 11, 1]).dataSync();
    expect(Array.from(fast)).toEqual(Array.from(stock));
    const xv = x.dataSync();
    for (const [b, t, c] of [[0, 0, 0], [5, 10, 63], [127, 4, 17]] as const) expect(fast[(b * 11 + t) * 64 + c]).toBe(xv[b * 64 + c]);
  });
});
