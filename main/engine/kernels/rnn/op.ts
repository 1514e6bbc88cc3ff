/**
 * One recurrent layer over a whole sequence as a single tfjs op with its own gradient
 * (tf.customGrad): the forward pass and backpropagation through time run in the
 * WebAssembly module of wasm.ts; tfjs sees one op instead of ~10 small kernels per
 * timestep. The arithmetic is tfjs's own (tfjs-layers 4.22 recurrent.js):
 *   SimpleRNN  h = act(x.W + b + hd.R)
 *   GRU        z = ract(xz + hd.Rz), r = ract(xr + hd.Rr), hh = act(xh + (r*hd).Rh),
 *              h = z*h' + (1-z)*hh            (reset_after = false; h' = h_{t-1})
 *   GRU        z = ract(xz + hd.Rz + bz'), r = ract(xr + hd.Rr + br'),
 *              hh = act(xh + r*(hd.Rh + bh')), h = z*h' + (1-z)*hh
 *                                             (reset_after = true, Keras's and torch.nn.GRU's form;
 *                                              bias [2, 3U]: input row, recurrent row b')
 *   LSTM       i, f, o = ract(..), g = act(..), c = f*c' + i*g, h = o*act(c)
 * where hd is h_{t-1} times the recurrent-dropout mask (one mask per sequence). As in
 * Keras, hd feeds only the recurrent products: GRU blends with the un-dropped h_{t-1},
 * unlike tfjs 4.22's GRUCell (see gru-keras.ts), and LSTM's c path never sees the mask.
 * The input-dropout mask multiplies x once for all timesteps, likewise.
 */
import { tf } from '../../platform/backend';
import { copyOf, type Region, type RnnWasm } from './wasm';

export type CellKind = 'SimpleRNN' | 'GRU' | 'LSTM';

/** Activation codes understood by the kernels. */
export const ACTIVATION_CODES: Record<string, number> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, hardSigmoid: 4, hard_sigmoid: 4 };

export interface RnnSpec {
  cell: CellKind;
  units: number;
  activation: number;
  recurrentActivation: number;
  returnSequences: boolean;
  goBackwards: boolean;
  /** GRU only: Keras's reset_after=True form (bias [2, 3U]). */
  resetAfter?: boolean;
}

export interface DropoutMasks {
  /** [B, I] input mask (values 0 or 1/(1-rate)), or null. */
  x: Float32Array | null;
  /** [B, U] recurrent mask, or null. */
  h: Float32Array | null;
}

/** Weight blocks per cell (the columns of its kernels are GATES x units). */
export const GATES: Record<CellKind, number> = { SimpleRNN: 1, GRU: 3, LSTM: 4 };

/**
 * CPU milliseconds spent in fused forward and backward passes since `enabled` was set
 * (the kernel benchmark sets it; off otherwise, as the clock is a system call).
 */
export const opTimes = { enabled: false, forward: 0, backward: 0 };

interface Dims {
  B: number;
  T: number;
  I: number;
  U: number;
  G: number;
}

/** Offsets (bytes) of what the backward pass reads, inside a kept region. */
interface Saved {
  region: Region;
  xt: number;
  hs: number;
  hds: number;
  gates: number;
  cs: number;
  tcs: number;
  /** reset_after GRU: the recurrent products of the candidate, hd.Rh + bh' [T, B, U]. */
  recs: number;
}

function carve(start: number): (floats: number) => number {
  let p = start;
  return (floats) => {
    const q = p;
    p += (floats * 4 + 15) & ~15;
    return q;
  };
}

function savedFloats(spec: RnnSpec, d: Dims, recurrentMask: boolean): number {
  const { B, T, I, U, G } = d;
  const pad = 4; // alignment slack per array
  let n = T * B * I + pad + (T + 1) * B * U + pad;
  if (recurrentMask) n += T * B * U + pad;
  if (spec.cell !== 'SimpleRNN') n += T * B * G * U + pad;
  if (spec.cell === 'LSTM') n += (T + 1) * B * U + T * B * U + 2 * pad;
  if (spec.resetAfter) n += T * B * U + pad;
  return n;
}

function forward(w: RnnWasm, spec: RnnSpec, d: Dims, x: Float32Array, kernel: Float32Array, rk: Float32Array, bias: Float32Array, masks: DropoutMasks, tape: unknown): { y: Float32Array; saved: Saved | null } {
  if (!opTimes.enabled) return forwardPass(w, spec, d, x, kernel, rk, bias, masks, tape);
  const t0 = process.cpuUsage();
  try {
    return forwardPass(w, spec, d, x, kernel, rk, bias, masks, tape);
  } finally {
    const t = process.cpuUsage(t0);
    opTimes.forward += (t.user + t.system) / 1000;
  }
}

function forwardPass(w: RnnWasm, spec: RnnSpec, d: Dims, x: Float32Array, kernel: Float32Array, rk: Float32Array, bias: Float32Array, masks: DropoutMasks, tape: unknown): { y: Float32Array; saved: Saved | null } {
  const { B, T, I, U, G } = d;
  const GU = G * U;
  const BU = B * U;
  const k = w.k;
  w.begin();
  const region = tape !== null ? w.keep(savedFloats(spec, d, masks.h !== null), tape) : null;
  // the backward pass's scratch (above the region) must fit too: fail now, while the
  // caller can still fall back to tfjs's own layer, rather than in the middle of backprop
  if (region) w.reserve((spec.resetAfter ? 2 : 1) * T * B * GU + 3 * T * BU + 2 * T * B * ((I + 3) & ~3) + 3 * GU * (U + I + 4) + 8 * BU);
  const take = region ? carve(region.start) : (n: number) => w.alloc(n);
  const pXt = take(T * B * I);
  const pHs = take((T + 1) * BU);
  const pHds = masks.h ? take(T * BU) : 0;
  const pGates = spec.cell !== 'SimpleRNN' ? take(T * B * GU) : 0;
  const pCs = spec.cell === 'LSTM' ? take((T + 1) * BU) : 0;
  const pTcs = spec.cell === 'LSTM' ? take(T * BU) : 0;
  const pRecs = spec.resetAfter ? take(T * BU) : 0;
  // time-major input in processing order, input dropout applied
  const pX = w.put(x);
  const pMx = masks.x ? w.put(masks.x) : 0;
  k.toTimeMajor(pX, pXt, B, T, I, spec.goBackwards ? 1 : 0, pMx);
  const pW = w.put(kernel);
  const pR = w.put(rk);
  const pBias = w.put(bias);
  const pXw = w.alloc(T * B * GU);
  k.gemmBias(pXt, I, 1, pW, GU, pXw, GU, T * B, I, GU, 0, pBias);
  const pMh = masks.h ? w.put(masks.h) : 0;
  if (spec.cell === 'SimpleRNN') {
    k.rnnForward(T, B, U, pXw, pR, pMh, spec.activation, pHs, pHds);
  } else if (spec.resetAfter) {
    // the bias's second row (3U floats on) is the recurrent bias
    k.gruForwardRA(T, B, U, pXw, pR, pBias + GU * 4, pMh, spec.activation, spec.recurrentActivation, pHs, pHds, pGates, pRecs, w.alloc(B * GU));
  } else if (spec.cell === 'GRU') {
    const pTmp = w.alloc(B * 3 * U);
    k.gruForward(T, B, U, pXw, pR, pMh, spec.activation, spec.recurrentActivation, pHs, pHds, pGates, pTmp);
  } else {
    k.lstmForward(T, B, U, pXw, pR, pMh, spec.activation, spec.recurrentActivation, pHs, pHds, pCs, pTcs, pGates);
  }
  let y: Float32Array;
  if (spec.returnSequences) {
    const pY = w.alloc(T * BU);
    k.toBatchMajor(pHs + BU * 4, pY, B, T, U, 0, 0, U);
    y = w.view(pY, T * BU);
  } else {
    y = w.view(pHs + T * BU * 4, BU);
  }
  if (!region) return { y, saved: null };
  return { y, saved: { region, xt: pXt, hs: pHs, hds: pHds, gates: pGates, cs: pCs, tcs: pTcs, recs: pRecs } };
}

interface Grads {
  dx: Float32Array;
  dKernel: Float32Array;
  dRk: Float32Array;
  dBias: Float32Array;
}

function backward(w: RnnWasm, spec: RnnSpec, d: Dims, dy: Float32Array, kernel: Float32Array, rk: Float32Array, masks: DropoutMasks, s: Saved): Grads {
  if (!opTimes.enabled) return backwardPass(w, spec, d, dy, kernel, rk, masks, s);
  const t0 = process.cpuUsage();
  try {
    return backwardPass(w, spec, d, dy, kernel, rk, masks, s);
  } finally {
    const t = process.cpuUsage(t0);
    opTimes.backward += (t.user + t.system) / 1000;
  }
}

function backwardPass(w: RnnWasm, spec: RnnSpec, d: Dims, dy: Float32Array, kernel: Float32Array, rk: Float32Array, masks: DropoutMasks, s: Saved): Grads {
  const { B, T, I, U, G } = d;
  const GU = G * U;
  const BU = B * U;
  const k = w.k;
  w.release(s.region);
  const pMh = masks.h ? w.put(masks.h) : 0;
  const pR = w.put(rk);
  const pRT = w.alloc(GU * U);
  k.transpose(pR, pRT, U, GU);
  // W^T with rows padded to a multiple of 4 floats, so that dx = dxw . W^T runs on full SIMD lanes
  const Ip = (I + 3) & ~3;
  const pW = w.put(kernel);
  const pWT = w.alloc(GU * Ip);
  k.transposePad(pW, pWT, I, GU, Ip);
  let pDy: number;
  if (spec.returnSequences) {
    const pIn = w.put(dy);
    pDy = w.alloc(T * BU);
    k.toTimeMajor(pIn, pDy, B, T, U, 0, 0);
  } else {
    pDy = w.put(dy);
  }
  const pDxw = w.alloc(T * B * GU);
  const pDh = w.alloc(BU);
  const pDrk = w.alloc(U * GU);
  // the states that multiply R: hd_t = h_{t-1} (times the recurrent mask)
  const pHd = s.hds || s.hs;
  const rs = spec.returnSequences ? 1 : 0;
  // reset_after GRU: the recurrent products' gradients (their bias row's too)
  let pDin = 0;
  if (spec.cell === 'SimpleRNN') {
    k.rnnBackward(T, B, U, pDy, rs, pRT, pMh, spec.activation, s.hs, pDxw, pDh);
    k.gemm(pHd, 1, U, pDxw, GU, pDrk, GU, U, T * B, GU, 0);
  } else if (spec.resetAfter) {
    pDin = w.alloc(T * B * GU);
    k.gruBackwardRA(T, B, U, pDy, rs, pRT, pMh, spec.activation, spec.recurrentActivation, s.hs, s.gates, s.recs, pDxw, pDin, pDh, w.alloc(BU));
    k.gemm(pHd, 1, U, pDin, GU, pDrk, GU, U, T * B, GU, 0);
  } else if (spec.cell === 'GRU') {
    const pRhs = w.alloc(T * BU);
    const pTmp = w.alloc(3 * BU);
    k.gruBackward(T, B, U, pDy, rs, pRT, pMh, spec.activation, spec.recurrentActivation, s.hs, s.hds, s.gates, pDxw, pRhs, pDh, pTmp);
    k.gemm(pHd, 1, U, pDxw, GU, pDrk, GU, U, T * B, 2 * U, 0);
    k.gemm(pRhs, 1, U, pDxw + 8 * U, GU, pDrk + 8 * U, GU, U, T * B, U, 0);
  } else {
    const pDc = w.alloc(BU);
    const pTmp = w.alloc(BU);
    k.lstmBackward(T, B, U, pDy, rs, pRT, pMh, spec.activation, spec.recurrentActivation, s.cs, s.tcs, s.gates, pDxw, pDh, pDc, pTmp);
    k.gemm(pHd, 1, U, pDxw, GU, pDrk, GU, U, T * B, GU, 0);
  }
  const pDk = w.alloc(I * GU);
  k.gemm(s.xt, 1, I, pDxw, GU, pDk, GU, I, T * B, GU, 0);
  const biasFloats = spec.resetAfter ? 2 * GU : GU;
  const pDb = w.alloc(biasFloats);
  k.colSum(pDxw, pDb, T * B, GU, 0);
  if (pDin) k.colSum(pDin, pDb + GU * 4, T * B, GU, 0);
  const pDxt = w.alloc(T * B * Ip);
  k.gemm(pDxw, GU, 1, pWT, Ip, pDxt, Ip, T * B, GU, Ip, 0);
  const pMx = masks.x ? w.put(masks.x) : 0;
  const pDx = w.alloc(T * B * I);
  k.toBatchMajor(pDxt, pDx, B, T, I, spec.goBackwards ? 1 : 0, pMx, Ip);
  // views of the module's memory: turned into tensors (tensorFrom) before the module runs again
  return { dx: w.view(pDx, T * B * I), dKernel: w.view(pDk, I * GU), dRk: w.view(pDrk, U * GU), dBias: w.view(pDb, biasFloats) };
}

/**
 * A tensor's values without a copy where the backend allows it (tfjs-backend-wasm keeps
 * them on its heap); the caller copies them at once into the kernels' memory.
 */
function read(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' && t.dtype === 'float32') {
    return backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  }
  return t.dataSync() as Float32Array;
}

/**
 * A float32 tensor holding the values of v, a view of the kernels' memory. tfjs-backend-wasm
 * copies the values into its own heap at once (BackendWasm.move), so the view goes in
 * as it is: a JS-side copy would cost more than the kernels (fresh pages fault in one by
 * one: ~9 ms for 4 MB on the 2-core test machine). Other backends keep the array they are
 * given, so they get a copy.
 */
export function tensorFrom(v: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? v : copyOf(v), shape, 'float32');
}

function dims(spec: RnnSpec, x: tf.Tensor): Dims {
  const [B, T, I] = x.shape as [number, number, number];
  return { B, T, I, U: spec.units, G: GATES[spec.cell] };
}

function outShape(spec: RnnSpec, d: Dims): number[] {
  return spec.returnSequences ? [d.B, d.T, d.U] : [d.B, d.U];
}

/**
 * Runs the layer. With `grad` true the result carries the fused backward pass
 * (training); otherwise it is a plain forward computation (inference).
 * bias: zeros when the layer has none (its gradient is then ignored).
 */
export function fusedRnn(w: RnnWasm, spec: RnnSpec, x: tf.Tensor, kernel: tf.Tensor, rk: tf.Tensor, bias: tf.Tensor, masks: DropoutMasks, grad: boolean): tf.Tensor {
  const d = dims(spec, x);
  if (!grad) {
    const { y } = forward(w, spec, d, read(x), read(kernel), read(rk), read(bias), masks, null);
    return tensorFrom(y, outShape(spec, d));
  }
  // the gradient tape this forward pass is recorded on (kept regions are tied to it)
  const tape = (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape ?? {};
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xa, ka, ra, ba] = args as tf.Tensor[];
    const kCopy = copyOf(read(ka!));
    const rCopy = copyOf(read(ra!));
    const { y, saved } = forward(w, spec, d, read(xa!), kCopy, rCopy, read(ba!), masks, tape);
    return {
      value: tensorFrom(y, outShape(spec, d)),
      gradFunc: (dy: tf.Tensor) => {
        const g = backward(w, spec, d, read(dy), kCopy, rCopy, masks, saved!);
        return [
          tensorFrom(g.dx, [d.B, d.T, d.I]),
          tensorFrom(g.dKernel, ka!.shape),
          tensorFrom(g.dRk, ra!.shape),
          tensorFrom(g.dBias, ba!.shape),
        ];
      },
    };
  });
  return op(x, kernel, rk, bias);
}
