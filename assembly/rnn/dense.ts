// Dense (x . W + bias, then the activation) over the rows of a batch, for the fused Dense
// layer of main/engine/kernels/dense. Rows split over the kernel threads; the products on
// the convolutions' GEMM (fused multiply-add in the module's relaxed-SIMD form).
//   x [M, I]   w [I, N] (tfjs's kernel)   y [M, N]
import { actRun } from './activations';
import { gemmBiasFma, gemmFma } from './index';
// (the weight gradient is gemmFma itself, split over the rows of dw: main/engine/kernels/dense/op.ts)

/** y = act(x . w + bias) for M rows (bias 0: none). */
export function denseForward(M: i32, I: i32, N: i32, x: usize, w: usize, bias: usize, y: usize, kind: i32): void {
  gemmBiasFma(x, I, 1, w, N, y, N, M, I, N, 0, bias);
  actRun(kind, y, M * N);
}

/** dx = dz . w^T for M rows; wT [N, I]. */
export function denseInputGrad(M: i32, I: i32, N: i32, dz: usize, wT: usize, dx: usize): void {
  gemmFma(dz, N, 1, wT, I, dx, I, M, N, I, 0);
}
