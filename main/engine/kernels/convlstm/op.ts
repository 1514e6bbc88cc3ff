/**
 * ConvLSTM2D over a whole sequence as one tfjs op with its own gradient (tf.customGrad):
 * forward and backpropagation through time run in the kernels' WebAssembly module
 * (assembly/rnn/convlstm.ts), split by samples between the kernel threads. tfjs's own
 * layer runs about 15 small ops per timestep (four input and four recurrent convolutions,
 * gate math) and as many gradient kernels; here the two convolutions are im2col + gemm.
 *
 * Dropout in training follows Keras 3's ConvLSTMCell: one input mask [B, H, W, C] and one
 * recurrent mask [B, OH, OW, F], each shared by the four gates and by every timestep. The
 * input mask multiplies x before the op (tfjs differentiates that product); the recurrent
 * one is applied to h_{t-1} inside the kernels, forward and backward.
 *
 * The weight gradients are not summed per thread: the sample loop writes each sample's
 * pre-activation gradients dz, then dW = patches^T . dz runs as a gemm split by rows of
 * dW, so every weight's sum has the same order whatever the thread count.
 */
import { tf } from '../../platform/backend';
import { heapValues as read } from '../lazy-op';
import { tensorFrom } from '../rnn/op';
import { carve, copyOf, type Region, type RnnExports, type RnnWasm } from '../rnn/wasm';

/** What the kernels run: tfjs's ConvLSTM2DCell with channels last, dilation 1. */
export interface ConvLstmSpec {
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  /** Activation codes of rnn/op.ts's ACTIVATION_CODES. */
  activation: number;
  recurrentActivation: number;
  returnSequences: boolean;
}

interface ConvLstmExports {
  convLstmForward(B: number, geo: number, x: number, wx: number, bias: number, wh: number, colsX: number, colsH: number, gates: number, cs: number, tcs: number, hs: number, mh: number, hm: number): void;
  convLstmBackward(B: number, geo: number, dy: number, returnSeq: number, whT: number, wxT: number, gates: number, cs: number, tcs: number, dz: number, dx: number, scratch: number, mh: number): void;
}

// the exports of assembly/rnn/convlstm.ts (kept out of wasm.ts's list, which other kernels share)
const FORWARD = 'convLstmForward' satisfies keyof ConvLstmExports as keyof RnnExports;
const BACKWARD = 'convLstmBackward' satisfies keyof ConvLstmExports as keyof RnnExports;

/** CPU ms in fused ConvLSTM2D passes while `enabled` (the benchmark's profile). */
export const convLstmOpTimes = { enabled: false, forward: 0, backward: 0, weightGrads: 0 };

export interface ConvLstmDims {
  B: number;
  T: number;
  IH: number;
  IW: number;
  C: number;
  OH: number;
  OW: number;
  F: number;
  top: number;
  left: number;
}

/** Output size and leading pads of the input convolution, as tfjs computes them. */
export function convLstmDims(spec: ConvLstmSpec, shape: number[]): ConvLstmDims {
  const [B, T, IH, IW, C] = shape as [number, number, number, number, number];
  const [FH, FW] = spec.kernel;
  const [SH, SW] = spec.strides;
  if (spec.padding === 'valid') {
    return { B, T, IH, IW, C, OH: Math.floor((IH - FH) / SH) + 1, OW: Math.floor((IW - FW) / SW) + 1, F: spec.filters, top: 0, left: 0 };
  }
  const OH = Math.ceil(IH / SH);
  const OW = Math.ceil(IW / SW);
  const padH = Math.max((OH - 1) * SH + FH - IH, 0);
  const padW = Math.max((OW - 1) * SW + FW - IW, 0);
  return { B, T, IH, IW, C, OH, OW, F: spec.filters, top: Math.floor(padH / 2), left: Math.floor(padW / 2) };
}

interface Sizes {
  P: number;
  G: number;
  Kx: number;
  Kh: number;
  frame: number;
}

function sizes(spec: ConvLstmSpec, d: ConvLstmDims): Sizes {
  const [FH, FW] = spec.kernel;
  return { P: d.OH * d.OW, G: 4 * d.F, Kx: FH * FW * d.C, Kh: FH * FW * d.F, frame: d.IH * d.IW * d.C };
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** The geometry words the kernels read (assembly/rnn/convlstm.ts). */
function putGeo(w: RnnWasm, spec: ConvLstmSpec, d: ConvLstmDims): number {
  const p = w.alloc(16);
  new Int32Array(w.k.memory.buffer, p, 15).set([d.T, d.IH, d.IW, d.C, d.OH, d.OW, d.F, spec.kernel[0], spec.kernel[1], spec.strides[0], spec.strides[1], d.top, d.left, spec.activation, spec.recurrentActivation]);
  return p;
}

interface Saved {
  region: Region;
  colsX: number;
  colsH: number;
  gates: number;
  cs: number;
  tcs: number;
}

function timed<R>(key: 'forward' | 'backward' | 'weightGrads', f: () => R): R {
  if (!convLstmOpTimes.enabled) return f();
  const t0 = process.cpuUsage();
  try {
    return f();
  } finally {
    const t = process.cpuUsage(t0);
    convLstmOpTimes[key] += (t.user + t.system) / 1000;
  }
}

/** In the module: the recurrent mask (0: none) and, with one, scratch for each thread's masked state. */
function putMask(w: RnnWasm, mh: Float32Array | null, PF: number): { p: number; perItem: number; scratch: number; perThread: number } {
  if (!mh) return { p: 0, perItem: 0, scratch: 0, perThread: 0 };
  return { p: w.put(mh), perItem: PF * 4, scratch: w.alloc(w.threads * pad4(PF)), perThread: pad4(PF) * 4 };
}

function forwardPass(w: RnnWasm, spec: ConvLstmSpec, d: ConvLstmDims, x: Float32Array, kernel: Float32Array, rk: Float32Array, bias: Float32Array | null, mh: Float32Array | null, tape: unknown): { y: Float32Array; saved: Saved | null } {
  const { B, T, F } = d;
  const { P, G, Kx, Kh, frame } = sizes(spec, d);
  const PF = P * F;
  const BT = B * T;
  w.begin();
  const saved = BT * P * (Kx + Kh + G + 2 * F) + B * (T + 1) * PF + 6 * 4;
  const region = tape !== null ? w.keep(saved, tape) : null;
  // the backward pass's scratch must fit too: fail now (RangeError), while the layer can still fall back
  if (region) w.reserve(BT * P * G + BT * frame + B * (T > 0 ? PF : 0) + 2 * G * (Kh + Kx) + w.threads * (2 * pad4(PF) + P * Math.max(Kh, Kx)) + 4 * G * (Kh + Kx) + (mh ? B * PF : 0) + 1024);
  const take = region ? carve(region.start) : (n: number) => w.alloc(n);
  const pColsX = take(BT * P * Kx);
  const pColsH = take(BT * P * Kh);
  const pGates = take(BT * P * G);
  const pCs = take(B * (T + 1) * PF);
  const pTcs = take(BT * PF);
  const pHs = w.alloc(BT * PF);
  const geo = putGeo(w, spec, d);
  const pX = w.put(x);
  const pWx = w.put(kernel);
  const pWh = w.put(rk);
  const pBias = bias ? w.put(bias) : 0;
  const m = putMask(w, mh, PF);
  w.split(FORWARD, B, {
    args: [B, geo, pX, pWx, pBias, pWh, pColsX, pColsH, pGates, pCs, pTcs, pHs, m.p, m.scratch],
    count: 0,
    perItem: [0, 0, T * frame * 4, 0, 0, 0, T * P * Kx * 4, T * P * Kh * 4, T * P * G * 4, (T + 1) * PF * 4, T * PF * 4, T * PF * 4, m.perItem, 0],
    perThread: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, m.perThread],
  });
  let y: Float32Array;
  if (spec.returnSequences) y = w.view(pHs, BT * PF);
  else {
    // the last state of each sample
    y = new Float32Array(B * PF);
    const hs = w.view(pHs, BT * PF);
    for (let b = 0; b < B; b++) y.set(hs.subarray((b * T + T - 1) * PF, (b * T + T) * PF), b * PF);
  }
  return { y, saved: region ? { region, colsX: pColsX, colsH: pColsH, gates: pGates, cs: pCs, tcs: pTcs } : null };
}

/** dW[M, N] = A^T . dz with A [K, M] (the saved patches), split by rows of dW (deterministic). */
function weightGrad(w: RnnWasm, a: number, M: number, dz: number, K: number, N: number, out: number): void {
  const quads = M >> 2;
  // rows in fours: the gemm's register tile
  if (quads > 0) {
    w.split('gemm', quads, { args: [a, 1, M, dz, N, out, N, 0, K, N, 0], count: 7, scale: 4, perItem: [16, 0, 0, 0, 0, 4 * N * 4, 0, 0, 0, 0, 0] });
  }
  const rest = M - 4 * quads;
  if (rest > 0) w.k.gemm(a + 16 * quads, 1, M, dz, N, out + 4 * quads * N * 4, N, rest, K, N, 0);
}

interface Grads {
  dx: Float32Array;
  dKernel: Float32Array;
  dRk: Float32Array;
  dBias: Float32Array;
}

function backwardPass(w: RnnWasm, spec: ConvLstmSpec, d: ConvLstmDims, dy: Float32Array, kernel: Float32Array, rk: Float32Array, mh: Float32Array | null, s: Saved): Grads {
  const { B, T, F } = d;
  const { P, G, Kx, Kh, frame } = sizes(spec, d);
  const PF = P * F;
  const BT = B * T;
  w.release(s.region);
  const geo = putGeo(w, spec, d);
  const pDy = w.put(dy);
  const pWh = w.put(rk);
  const pWhT = w.alloc(G * Kh);
  w.k.transpose(pWh, pWhT, Kh, G);
  const pWx = w.put(kernel);
  const pWxT = w.alloc(G * Kx);
  w.k.transpose(pWx, pWxT, Kx, G);
  const pDz = w.alloc(BT * P * G);
  const pDx = w.alloc(BT * frame);
  const scratchFloats = pad4(2 * pad4(PF) + P * Math.max(Kh, Kx));
  const pScratch = w.alloc(w.threads * scratchFloats);
  const rs = spec.returnSequences ? 1 : 0;
  const pMh = mh ? w.put(mh) : 0;
  timed('backward', () =>
    w.split(BACKWARD, B, {
      args: [B, geo, pDy, rs, pWhT, pWxT, s.gates, s.cs, s.tcs, pDz, pDx, pScratch, pMh],
      count: 0,
      perItem: [0, 0, (rs ? T : 1) * PF * 4, 0, 0, 0, T * P * G * 4, (T + 1) * PF * 4, T * PF * 4, T * P * G * 4, T * frame * 4, 0, mh ? PF * 4 : 0],
      perThread: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, scratchFloats * 4, 0],
    }),
  );
  const pDwx = w.alloc(Kx * G);
  const pDwh = w.alloc(Kh * G);
  const pDb = w.alloc(G);
  timed('weightGrads', () => {
    weightGrad(w, s.colsX, Kx, pDz, BT * P, G, pDwx);
    weightGrad(w, s.colsH, Kh, pDz, BT * P, G, pDwh);
    w.k.colSum(pDz, pDb, BT * P, G, 0);
  });
  return { dx: w.view(pDx, BT * frame), dKernel: w.view(pDwx, Kx * G), dRk: w.view(pDwh, Kh * G), dBias: w.view(pDb, G) };
}

function outShape(spec: ConvLstmSpec, d: ConvLstmDims): number[] {
  return spec.returnSequences ? [d.B, d.T, d.OH, d.OW, d.F] : [d.B, d.OH, d.OW, d.F];
}

/** Dropout masks of one call (values 0 or 1/(1-rate)), or null for none. */
export interface ConvLstmMasks {
  /** [B, H, W, C]: the inputs of every timestep. */
  x: Float32Array | null;
  /** [B, OH, OW, F]: h_{t-1} where the recurrent convolution reads it. */
  h: Float32Array | null;
}

/**
 * Runs the layer on x [B, T, H, W, C]. With `grad` the result carries the fused backward
 * pass (training); otherwise it is a plain forward computation. bias: null when the
 * layer has none. masks: dropout in training (see the top of this file).
 */
export function fusedConvLstm(w: RnnWasm, spec: ConvLstmSpec, x: tf.Tensor, kernel: tf.Tensor, rk: tf.Tensor, bias: tf.Tensor | null, grad: boolean, masks: ConvLstmMasks = { x: null, h: null }): tf.Tensor {
  const d = convLstmDims(spec, x.shape);
  const mh = masks.h;
  if (mh && mh.length !== d.B * d.OH * d.OW * d.F) throw new Error(`fused ConvLSTM2D: recurrent mask of ${mh.length} values for [${d.B}, ${d.OH}, ${d.OW}, ${d.F}]`);
  if (masks.x) {
    if (masks.x.length !== d.B * d.IH * d.IW * d.C) throw new Error(`fused ConvLSTM2D: input mask of ${masks.x.length} values for [${d.B}, ${d.IH}, ${d.IW}, ${d.C}]`);
    // every timestep of a sample gets the same mask; tfjs differentiates the product
    x = tf.mul(x, tf.tensor5d(masks.x, [d.B, 1, d.IH, d.IW, d.C]));
  }
  if (!grad) {
    const { y } = timed('forward', () => forwardPass(w, spec, d, read(x), read(kernel), read(rk), bias ? read(bias) : null, mh, null));
    return tensorFrom(y, outShape(spec, d));
  }
  const tape = (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape ?? {};
  const run = (xa: tf.Tensor, ka: tf.Tensor, ra: tf.Tensor, ba: tf.Tensor | null): { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor[] } => {
    const kCopy = copyOf(read(ka));
    const rCopy = copyOf(read(ra));
    const { y, saved } = timed('forward', () => forwardPass(w, spec, d, read(xa), kCopy, rCopy, ba ? read(ba) : null, mh, tape));
    return {
      value: tensorFrom(y, outShape(spec, d)),
      gradFunc: (dy: tf.Tensor) => {
        const g = backwardPass(w, spec, d, read(dy), kCopy, rCopy, mh, saved!);
        const out = [tensorFrom(g.dx, xa.shape), tensorFrom(g.dKernel, ka.shape), tensorFrom(g.dRk, ra.shape)];
        if (ba) out.push(tensorFrom(g.dBias, ba.shape));
        return out;
      },
    };
  };
  if (bias) {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xa, ka, ra, ba] = args as tf.Tensor[];
      return run(xa!, ka!, ra!, ba!);
    });
    return op(x, kernel, rk, bias);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xa, ka, ra] = args as tf.Tensor[];
    return run(xa!, ka!, ra!, null);
  });
  return op(x, kernel, rk);
}
