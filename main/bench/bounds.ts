/**
 * What the arithmetic alone allows (pure; tests/unit/bench-flops.test.ts): a model's FLOPs
 * per batch (flops.ts modelFlops) at the kernel module's best measured GEMM rate give the
 * fewest milliseconds any WebAssembly kernel here could take, and so the best ratio to PyTorch
 * such a kernel could reach. A target below that ratio is beyond this machine's WebAssembly,
 * whatever the kernels do; the report says so with the rate the target would need.
 */

export interface BoundInput {
  /** FLOPs of one training batch. */
  flops: number;
  /** Measured ms per batch (median). */
  ms: number;
  /** PyTorch's ms per batch in the same invocation (median), if it ran. */
  peerMs?: number;
  /** Target for ms / PyTorch ms. */
  ratioTarget?: number;
}

export interface Bound {
  /** Achieved GFLOP/s. */
  gflops: number;
  /** Achieved share of the best measured GEMM rate. */
  share: number;
  /** ms per batch at the best measured GEMM rate. */
  floorMs: number;
  /** floorMs / PyTorch's ms: the best ratio to PyTorch a kernel at that rate reaches. */
  floorRatio?: number;
  /** GFLOP/s the target needs (PyTorch's time x the target). */
  targetGflops?: number;
  /** Whether the target lies within the best measured rate. */
  reachable?: boolean;
}

export function bound(x: BoundInput, peakGflops: number): Bound {
  const gflops = x.flops / (x.ms / 1000) / 1e9;
  const floorMs = (x.flops / (peakGflops * 1e9)) * 1000;
  const b: Bound = { gflops, share: gflops / peakGflops, floorMs };
  if (x.peerMs !== undefined && x.peerMs > 0) {
    b.floorRatio = floorMs / x.peerMs;
    if (x.ratioTarget !== undefined) {
      b.targetGflops = x.flops / ((x.peerMs * x.ratioTarget) / 1000) / 1e9;
      b.reachable = b.targetGflops <= peakGflops;
    }
  }
  return b;
}

export interface LessonWork {
  epochs: number;
  stepsPerEpoch: number;
  /** Training FLOPs of one batch at the lesson's timesteps. */
  trainingFlopsPerBatch: number;
  /** Validation windows per epoch (the whole split) and the forward FLOPs of one window. */
  validationWindows: number;
  forwardFlopsPerWindow: number;
}

/** All the arithmetic of a lesson run: every training step and every epoch's whole validation split. */
export function lessonFlops(w: LessonWork): { training: number; validation: number; total: number } {
  const training = w.epochs * w.stepsPerEpoch * w.trainingFlopsPerBatch;
  const validation = w.epochs * w.validationWindows * w.forwardFlopsPerWindow;
  return { training, validation, total: training + validation };
}

/** Seconds that `flops` take at `gflops`. */
export function secondsAt(flops: number, gflops: number): number {
  return flops / (gflops * 1e9);
}
