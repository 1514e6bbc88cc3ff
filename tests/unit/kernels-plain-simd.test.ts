/**
 * The kernel module's plain-SIMD form (no fused multiply-add), which runs wherever the
 * engine's V8 lacks relaxed SIMD (main/engine/kernels/rnn/wasm.ts): the convolution tests
 * again with that form loaded, beside the default runs that use the fused form.
 */
import { beforeAll, expect, it } from 'vitest';
import { loadRnnWasm, rnnWasmForm } from '../../main/engine/kernels/rnn/wasm';
import './fused-conv1d.test';
import './fused-conv2d.test';
import './fused-conv3d.test';

// before any beforeAll loads the module: this file's module is the plain form
process.env.SEQLAB_FUSED_OFF = 'fma';

beforeAll(async () => {
  await loadRnnWasm();
});

it('runs the plain SIMD form of the kernel module', () => {
  expect(rnnWasmForm()).toBe('simd');
});
