/**
 * The practical peak of this code on this CPU: GFLOP/s of the kernel module's own gemm
 * (assembly/rnn, the routine the fused layers' products run on) on large square matrices,
 * split over the kernel threads (RnnWasm.split, team.ts) as the layers split a batch. Run in
 * a worker whose SEQLAB_THREADS picks the thread count. Also a theoretical figure from the
 * CPU's clock: see theoreticalPeak.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { loadRnnWasm, rnnWasmForm, type KernelForm } from '../engine/kernels/rnn/wasm';

export interface PeakResult {
  threads: number;
  /** Best GFLOP/s over the sizes tried. */
  gflops: number;
  /** GFLOP/s per matrix size n (n x n times n x n). */
  bySize: { n: number; gflops: number; calls: number }[];
  /** The module form loaded (fma: relaxed SIMD). */
  form?: KernelForm | null;
  /** The same for gemmFma (the convolutions' GEMM: fused multiply-add in the fma form). */
  fma?: { gflops: number; bySize: { n: number; gflops: number; calls: number }[] };
}

export async function measureGemmPeak(sizes: number[] = [256, 512, 1024], secondsPerSize = 1.5): Promise<PeakResult> {
  const plain = await gemmPeak('gemm', sizes, secondsPerSize);
  const w = await loadRnnWasm();
  const fused = rnnWasmForm() === 'fma' ? await gemmPeak('gemmFma', sizes, secondsPerSize) : null;
  return { threads: w.threads, ...plain, form: rnnWasmForm(), ...(fused ? { fma: fused } : {}) };
}

async function gemmPeak(kernel: 'gemm' | 'gemmFma', sizes: number[], secondsPerSize: number): Promise<{ gflops: number; bySize: PeakResult['bySize'] }> {
  const w = await loadRnnWasm();
  const bySize: PeakResult['bySize'] = [];
  for (const n of sizes) {
    w.begin();
    const a = w.alloc(n * n);
    const b = w.alloc(n * n);
    const c = w.alloc(n * n);
    const va = w.view(a, n * n);
    const vb = w.view(b, n * n);
    for (let i = 0; i < n * n; i++) {
      va[i] = Math.sin(i) * 0.5;
      vb[i] = Math.cos(i) * 0.5;
    }
    // C = A·B, rows of A and C cut between the threads (B is read by all)
    const call = (): void =>
      w.split(kernel, n, { args: [a, n, 1, b, n, c, n, n, n, n, 0], count: 7, perItem: [n * 4, 0, 0, 0, 0, n * 4, 0, 0, 0, 0, 0] });
    call(); // warm-up: JIT, helper threads awake
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < secondsPerSize * 1000 || calls < 2) {
      call();
      calls++;
    }
    const s = (performance.now() - t0) / 1000;
    bySize.push({ n, gflops: (2 * n * n * n * calls) / s / 1e9, calls });
  }
  return { gflops: Math.max(...bySize.map((x) => x.gflops)), bySize };
}

export interface TheoreticalPeak {
  mhz: number;
  cores: number;
  /** Native AVX2 + FMA (when the CPU has them): two 8-lane fused multiply-adds per cycle per core. */
  nativeFmaGflops: number | null;
}

/**
 * From /proc/cpuinfo's clock (the base clock a VM reports; the cores boost above it) and
 * `cores` (the lesson's PCs: two): what native code with AVX2 + FMA could issue, 2 x 8 x 2 = 32
 * FLOP per cycle per core (the ~190 GFLOP/s two-core figure of issue #16 is this at ~3 GHz).
 * No WebAssembly figure is derived from the clock: 128-bit SIMD without FMA peaks at 8 or 16
 * FLOP per cycle depending on how many multiply and add pipes the core has, and boost clocks
 * move it further (the measured gemm, 82 GFLOP/s on two cores, is above 8 FLOP/cycle at the
 * base clock); the measured gemm peak is the one the shares are taken of.
 */
export function theoreticalPeak(cores: number): TheoreticalPeak | null {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    /* not Linux */
  }
  const mhz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? os.cpus()[0]?.speed ?? NaN);
  if (!Number.isFinite(mhz) || mhz <= 0) return null;
  const flags = /flags\s*:\s*(.*)/.exec(info)?.[1]?.split(/\s+/) ?? [];
  const fma = flags.includes('avx2') && flags.includes('fma');
  const ghz = mhz / 1000;
  return { mhz, cores, nativeFmaGflops: fma ? 32 * ghz * cores : null };
}
