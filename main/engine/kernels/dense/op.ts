/**
 * Dense (x . W + bias, then the activation) over the rows of a batch as one tfjs op with its
 * own backward pass, in the kernel module (assembly/rnn/dense.ts), the rows split over the
 * kernel threads. Why: on tfjs-backend-wasm a Dense layer's step is the package's product
 * (single-threaded), a bias Add and the activation, then in the backward pass two products,
 * the activation's derivative and a bias Sum: for the captioning model's feature layer
 * ([128, 1152] x [1152, 64]) about 4 ms of products alone.
 */
import { tf } from '../../platform/backend';
import { activeTape, heapValues, runLazyOp } from '../lazy-op';
import { tensorFrom } from '../rnn/op';
import { copyOf, type Region, type RnnWasm } from '../rnn/wasm';

export interface DenseSpec {
  units: number;
  /** Activation code (../rnn/op.ts ACTIVATION_CODES); 0 = linear. */
  activation: number;
}

/** y = act(x . kernel + bias) over the last axis of x (any rank >= 2), kernel [I, N], bias [N]. */
export function fusedDense(w: RnnWasm, spec: DenseSpec, x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, grad: boolean): tf.Tensor {
  const I = x.shape[x.rank - 1]!;
  const N = spec.units;
  const M = x.size / I;
  const outShape = [...x.shape.slice(0, -1), N];
  const forward = (ks: Float32Array, bs: Float32Array, tape: unknown): { y: Float32Array; region: Region | null; px: number; py: number } => {
    w.begin();
    // kept for the backward pass: x and y, in this op's region
    const region = tape !== null ? w.keep(M * I + M * N + 8, tape) : null;
    if (region) w.reserve(M * N + 2 * I * N + M * I + N + 64);
    const px = region ? region.start : w.alloc(M * I);
    const py = region ? region.start + ((M * I * 4 + 15) & ~15) : w.alloc(M * N);
    w.view(px, M * I).set(heapValues(x));
    const pw = w.put(ks);
    const pb = w.put(bs);
    w.split('denseForward', M, { args: [M, I, N, px, pw, pb, py, spec.activation], count: 0, perItem: [0, 0, 0, I * 4, 0, 0, N * 4, 0] });
    return { y: w.view(py, M * N), region, px, py };
  };
  if (!grad) return tensorFrom(forward(heapValues(kernel), heapValues(bias), null).y, outShape);
  const tape = activeTape();
  let saved: { region: Region | null; px: number; py: number } | null = null;
  let ks: Float32Array | null = null;
  return runLazyOp({
    inputs: { x, kernel, bias },
    forwardFunc: () => {
      ks = copyOf(heapValues(kernel));
      const r = forward(ks, heapValues(bias), tape);
      saved = r;
      return tensorFrom(r.y, outShape);
    },
    backwardsFunc: (dy) => {
      let pdz = -1;
      // dz = dy * act'(y), once, on the first gradient asked for (x and y still in the region)
      const dz = (): number => {
        if (pdz >= 0) return pdz;
        w.release(saved!.region!);
        pdz = w.put(heapValues(dy));
        if (spec.activation !== 0) w.split('dactMul', M, { args: [spec.activation, saved!.py, pdz, M], count: 3, scale: N, perItem: [0, N * 4, N * 4, 0] });
        return pdz;
      };
      const px = (): number => saved!.px;
      return {
        x: () => {
          const p = dz();
          const pw = w.put(ks!);
          const pwT = w.alloc(N * I);
          w.k.transpose(pw, pwT, I, N);
          const pdx = w.alloc(M * I);
          w.split('denseInputGrad', M, { args: [M, I, N, p, pwT, pdx], count: 0, perItem: [0, 0, 0, N * 4, 0, I * 4] });
          return tensorFrom(w.view(pdx, M * I), x.shape);
        },
        kernel: () => {
          // dw = x^T . dz with dw's rows split over the threads: each row one thread's whole
          // sum over the batch, in order, so a run repeats to the bit whatever the threads do
          const p = dz();
          const pdw = w.alloc(I * N);
          w.split('gemmFma', I, { args: [px(), 1, I, p, N, pdw, N, I, M, N, 0], count: 7, perItem: [4, 0, 0, 0, 0, N * 4, 0, 0, 0, 0, 0] });
          return tensorFrom(w.view(pdw, I * N), kernel.shape);
        },
        bias: () => {
          // column sums of dz on this thread, rows in order (small: units floats per row)
          const p = dz();
          const pdb = w.alloc(N);
          w.k.colSum(p, pdb, M, N, 0);
          return tensorFrom(w.view(pdb, N), bias.shape);
        },
      };
    },
  });
}
