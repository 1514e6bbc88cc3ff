/**
 * The two forms of the kernel module (scripts/build-wasm.mjs WASM_FORMS): on this Node the
 * engine loads the relaxed-SIMD one (fused multiply-add in the convolutions' GEMM); the plain
 * one computes the same products within float32 rounding, and its "fused" GEMM is its plain
 * GEMM to the bit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/engine/platform/backend';
import '../../main/engine/kernels';
import { loadRnnWasm, rnnWasmForm } from '../../main/engine/kernels/rnn/wasm';

/** scripts/build-wasm.mjs: the compiler call and cache the build uses. */
async function rnnWasmBytes(form: 'simd' | 'fma'): Promise<Uint8Array> {
  const script: string = '../../scripts/build-wasm.mjs';
  const mod = (await import(/* @vite-ignore */ script)) as { rnnWasmBytes(f: string): Promise<Uint8Array> };
  return mod.rnnWasmBytes(form);
}

type Gemm = (a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, acc: number) => void;

async function instance(form: 'simd' | 'fma'): Promise<{ gemm: Gemm; gemmFma: Gemm; f32: () => Float32Array }> {
  const mod = new WebAssembly.Module((await rnnWasmBytes(form)) as BufferSource);
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const inst = new WebAssembly.Instance(mod, { env: { memory, abort: () => { throw new Error('abort'); } } });
  const k = inst.exports as unknown as { gemm: Gemm; gemmFma: Gemm };
  return { gemm: k.gemm, gemmFma: k.gemmFma, f32: () => new Float32Array(memory.buffer) };
}

describe('kernel module forms', () => {
  beforeAll(async () => {
    await loadRnnWasm();
  });

  it('loads the fused multiply-add form where V8 has relaxed SIMD (Node 20 with the flag the loader sets), and says so in the backend report', async () => {
    expect(rnnWasmForm()).toBe('fma');
    const report = await initBackend({ prefer: 'wasm' });
    expect(report.fusedKernels).toBe(true);
    expect(report.kernelFma).toBe(true);
  });

  it('gives the same products in both forms (1e-5, the forward tolerance), the plain form’s fused GEMM being its plain one to the bit', async () => {
    const simd = await instance('simd');
    const fma = await instance('fma');
    // shapes of the lesson convolutions, and ragged edges (rows and columns not multiples of the tiles)
    for (const [M, K, N] of [[236, 70, 32], [169, 144, 32], [13, 7, 11], [5, 300, 9]] as const) {
      const a = 1024, b = a + M * K * 4 + 64, c = b + K * N * 4 + 64;
      const out: Record<string, Float32Array> = {};
      for (const [name, m, fn] of [['simd', simd, simd.gemm], ['simdFma', simd, simd.gemmFma], ['fma', fma, fma.gemmFma]] as const) {
        const f = m.f32();
        let s = 7;
        for (let i = a / 4; i < c / 4; i++) f[i] = ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
        fn(a, K, 1, b, N, c, N, M, K, N, 0);
        out[name] = f.slice(c / 4, c / 4 + M * N);
      }
      expect(Array.from(out.simdFma!)).toEqual(Array.from(out.simd!));
      let worst = 0;
      for (let i = 0; i < M * N; i++) worst = Math.max(worst, Math.abs(out.fma![i]! - out.simd![i]!) / Math.max(1, Math.abs(out.simd![i]!)));
      expect(worst, `${M}x${K}x${N}`).toBeLessThan(1e-5);
      // and the fused form really is another computation (one rounding per product and sum)
      if (K >= 70) expect(out.fma!.some((v, i) => v !== out.simd![i])).toBe(true);
    }
  });
});
