/**
 * Batches written straight into the wasm heap (main/engine/kernels/heap-tensor.ts): the
 * tensor holds what the callback wrote, memory is given back when it is disposed or when the
 * callback throws, and SEQLAB_FUSED_OFF=heap-batches (a JS array through tf.tensor) gives
 * the same tensor.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { filledTensor } from '../../main/engine/kernels/heap-tensor';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
});

const fill = (v: Float32Array): void => {
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(i) * 3;
};

describe('filledTensor', () => {
  it('on wasm: the values the callback wrote, in the shape asked for, usable by kernels', () => {
    expect(tf.getBackend()).toBe('wasm');
    const scratch = new Float32Array(2 * 3 * 4);
    const t = filledTensor([2, 3, 4], scratch, fill);
    expect(t.shape).toEqual([2, 3, 4]);
    const want = new Float32Array(24);
    fill(want);
    expect(Array.from(t.dataSync())).toEqual(Array.from(want));
    // the scratch array is not used on wasm: the values went into the heap
    expect(scratch.every((v) => v === 0)).toBe(true);
    expect(tf.sum(t).dataSync()[0]).toBeCloseTo(want.reduce((a, b) => a + b, 0), 4);
    t.dispose();
  });

  it('gives its memory back when disposed, inside tidy too, and when the callback throws', () => {
    const before = tf.memory();
    filledTensor([64, 10], new Float32Array(640), fill).dispose();
    tf.tidy(() => {
      tf.mul(filledTensor([64, 10], new Float32Array(640), fill), 2);
    });
    expect(() =>
      filledTensor([64, 10], new Float32Array(640), () => {
        throw new Error('bad window');
      }),
    ).toThrow('bad window');
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect((after as { numDataBuffers: number }).numDataBuffers).toBe((before as { numDataBuffers: number }).numDataBuffers);
  });

  it('switched off: the JS array through tf.tensor, the same tensor', () => {
    const on = filledTensor([5, 7], new Float32Array(35), fill);
    process.env.SEQLAB_FUSED_OFF = 'heap-batches';
    const scratch = new Float32Array(40);
    const off = filledTensor([5, 7], scratch, fill);
    expect(Array.from(off.dataSync())).toEqual(Array.from(on.dataSync()));
    // this path fills the scratch array's first 35 values
    expect(scratch[34]).toBeCloseTo(Math.sin(34) * 3, 5);
    expect(scratch[35]).toBe(0);
    tf.dispose([on, off]);
  });
});
