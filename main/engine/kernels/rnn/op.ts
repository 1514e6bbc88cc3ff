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
import { heapValues as read } from '../lazy-op';
import { fusedOn } from '../switches';
import { carve, copyOf, type Region, type RnnWasm } from './wasm';

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
  /** Samples per chunk (chunkSize), the cut of every array below. */
  chunk: number;
  xt: number;
  hs: number;
  hds: number;
  gates: number;
  cs: number;
  tcs: number;
  /** reset_after GRU: the recurrent products of the candidate, hd.Rh + bh' [T, B, U]. */
  recs: number;
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

/** Parameter block words of assembly/rnn/chunks.ts (P_*: both passes; forward F_*, backward Q_*). */
const P = { cell: 0, T: 1, I: 2, U: 3, reverse: 4, kind: 5, rkind: 6, returnSeq: 7, cs: 8, rk: 9, mh: 10, hs: 11, hds: 12, gates: 13, cst: 14, tcs: 15, recs: 16, xt: 17, mx: 18 } as const;
const F = { x: 19, W: 20, bias: 21, brec: 22, y: 23 } as const;
const Q = { dy: 19, WT: 20, Ip: 21, dx: 22, parts: 23 } as const;
const PARAM_WORDS = 24;

/** Chunks the batch is cut into when it is large enough: enough for four threads to even out. */
const CHUNKS = 16;

/**
 * Samples per chunk (assembly/rnn/chunks.ts). From the batch size alone, not the thread
 * count, so that a model gives the same numbers on any machine; at least 4 and a multiple
 * of 4, the recurrent products' register tile. With 'rnn-split' off: the whole batch, one
 * chunk on the calling thread (the earlier single-thread op).
 */
export function chunkSize(B: number): number {
  if (!fusedOn('rnn-split')) return B;
  return Math.max(4, Math.ceil(B / CHUNKS / 4) * 4);
}

function cellCode(spec: RnnSpec): number {
  return spec.cell === 'SimpleRNN' ? 0 : spec.cell === 'LSTM' ? 3 : spec.resetAfter ? 2 : 1;
}

/** Writes the parameter block; returns its offset. */
function params(w: RnnWasm, spec: RnnSpec, d: Dims, cs: number, words: Record<number, number>): number {
  const p = w.alloc(PARAM_WORDS);
  const v = new Int32Array(w.k.memory.buffer, p, PARAM_WORDS);
  v.fill(0);
  v[P.cell] = cellCode(spec);
  v[P.T] = d.T;
  v[P.I] = d.I;
  v[P.U] = d.U;
  v[P.reverse] = spec.goBackwards ? 1 : 0;
  v[P.kind] = spec.activation;
  v[P.rkind] = spec.recurrentActivation;
  v[P.returnSeq] = spec.returnSequences ? 1 : 0;
  v[P.cs] = cs;
  for (const [k, x] of Object.entries(words)) v[Number(k)] = x;
  return p;
}

/** Scratch floats of one thread's chunkForward call: xw [T, cs, GU] and the cell's [cs, GU]. */
function forwardScratch(d: Dims, cs: number): number {
  return (d.T + 1) * cs * d.G * d.U;
}

/** Scratch floats of one thread's chunkBackward call (the carving of assembly/rnn/chunks.ts). */
function backwardScratch(d: Dims, cs: number): number {
  const { T, U, G } = d;
  return T * cs * U + 2 * T * cs * G * U + 5 * cs * U + T * cs * ((d.I + 3) & ~3);
}

/** Runs a chunk kernel over the batch, each thread with its own scratch of `floats`. */
function runChunks(w: RnnWasm, name: 'chunkForward' | 'chunkBackward', p: number, B: number, cs: number, floats: number): void {
  const bytes = (floats * 4 + 15) & ~15;
  const tmp = w.alloc((bytes / 4) * w.threads);
  w.split(name, B, { args: [p, 0, B, tmp], count: 2, perItem: [0, 1, 0, 0], perThread: [0, 0, 0, bytes], chunk: cs });
}

function forwardPass(w: RnnWasm, spec: RnnSpec, d: Dims, x: Float32Array, kernel: Float32Array, rk: Float32Array, bias: Float32Array, masks: DropoutMasks, tape: unknown): { y: Float32Array; saved: Saved | null } {
  const { B, T, I, U, G } = d;
  const GU = G * U;
  const BU = B * U;
  const cs = chunkSize(B);
  w.begin();
  const region = tape !== null ? w.keep(savedFloats(spec, d, masks.h !== null), tape) : null;
  // the backward pass's scratch (above the region) must fit too: fail now, while the
  // caller can still fall back to tfjs's own layer, rather than in the middle of backprop
  if (region) w.reserve(T * BU + w.threads * (backwardScratch(d, cs) + 4) + Math.ceil(B / cs) * (U + I + 2) * GU + 3 * GU * (U + I + 4) + 4 * T * B * I + 4 * BU + 256);
  const take = region ? carve(region.start) : (n: number) => w.alloc(n);
  const pXt = take(T * B * I);
  const pHs = take((T + 1) * BU);
  const pHds = masks.h ? take(T * BU) : 0;
  const pGates = spec.cell !== 'SimpleRNN' ? take(T * B * GU) : 0;
  const pCs = spec.cell === 'LSTM' ? take((T + 1) * BU) : 0;
  const pTcs = spec.cell === 'LSTM' ? take(T * BU) : 0;
  const pRecs = spec.resetAfter ? take(T * BU) : 0;
  const pBias = w.put(bias);
  const pY = w.alloc(spec.returnSequences ? T * BU : BU);
  const p = params(w, spec, d, cs, {
    [P.rk]: w.put(rk),
    [P.mh]: masks.h ? w.put(masks.h) : 0,
    [P.hs]: pHs,
    [P.hds]: pHds,
    [P.gates]: pGates,
    [P.cst]: pCs,
    [P.tcs]: pTcs,
    [P.recs]: pRecs,
    [P.xt]: pXt,
    [P.mx]: masks.x ? w.put(masks.x) : 0,
    [F.x]: w.put(x),
    [F.W]: w.put(kernel),
    [F.bias]: pBias,
    // reset_after: the bias's second row (3U floats on) is the recurrent bias
    [F.brec]: spec.resetAfter ? pBias + GU * 4 : 0,
    [F.y]: pY,
  });
  runChunks(w, 'chunkForward', p, B, cs, forwardScratch(d, cs));
  const y = w.view(pY, spec.returnSequences ? T * BU : BU);
  if (!region) return { y, saved: null };
  return { y, saved: { region, chunk: cs, xt: pXt, hs: pHs, hds: pHds, gates: pGates, cs: pCs, tcs: pTcs, recs: pRecs } };
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
  const k = w.k;
  const cs = s.chunk;
  w.release(s.region);
  const pR = w.put(rk);
  const pRT = w.alloc(GU * U);
  k.transpose(pR, pRT, U, GU);
  // W^T with rows padded to a multiple of 4 floats, so that dx = dxw . W^T runs on full SIMD lanes
  const Ip = (I + 3) & ~3;
  const pW = w.put(kernel);
  const pWT = w.alloc(GU * Ip);
  k.transposePad(pW, pWT, I, GU, Ip);
  const chunks = Math.ceil(B / cs);
  const stride = k.partFloats(I, U, GU);
  const pParts = w.alloc(chunks * stride);
  const pDx = w.alloc(T * B * I);
  const p = params(w, spec, d, cs, {
    [P.rk]: pRT,
    [P.mh]: masks.h ? w.put(masks.h) : 0,
    [P.hs]: s.hs,
    [P.hds]: s.hds,
    [P.gates]: s.gates,
    [P.cst]: s.cs,
    [P.tcs]: s.tcs,
    [P.recs]: s.recs,
    [P.xt]: s.xt,
    [P.mx]: masks.x ? w.put(masks.x) : 0,
    [Q.dy]: w.put(dy),
    [Q.WT]: pWT,
    [Q.Ip]: Ip,
    [Q.dx]: pDx,
    [Q.parts]: pParts,
  });
  runChunks(w, 'chunkBackward', p, B, cs, backwardScratch(d, cs));
  // the chunks' weight gradients, added up in chunk order (columns shared by the threads)
  const biasFloats = spec.resetAfter ? 2 * GU : GU;
  const n = (U + I) * GU + biasFloats;
  const pOut = w.alloc(n);
  w.split('sumParts', n, { args: [pParts, pOut, n, chunks, stride], count: 2, perItem: [4, 4, 0, 0, 0] });
  // views of the module's memory: turned into tensors (tensorFrom) before the module runs again
  return {
    dx: w.view(pDx, T * B * I),
    dRk: w.view(pOut, U * GU),
    dKernel: w.view(pOut + U * GU * 4, I * GU),
    dBias: w.view(pOut + (U + I) * GU * 4, biasFloats),
  };
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
