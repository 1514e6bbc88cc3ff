// A recurrent layer cut into batch chunks, so that the threads of team.ts can share it.
//
// Samples are independent through the whole sequence, so the batch is cut into chunks of
// a fixed size cs (main/engine/kernels/rnn/op.ts picks it from the batch size alone), and
// every chunk has its own time-major layout at its own place in each array: the chunk of
// samples b0 .. b0+nb keeps its xt at xt + b0*T*I floats as [T, nb, I], its hs at
// hs + b0*(T+1)*U as [T+1, nb, U], and so on. One call runs one chunk from the
// batch-major input to its output (forward) or from the output gradient to the input
// gradient and the chunk's own weight gradients (backward), which sumParts then adds up in
// chunk order: no thread ever adds into another's sums, so the result does not depend on
// which thread took which chunk, nor on how many threads there are.
//
// The arguments that do not move with the chunk are read from a parameter block of i32
// words (the P_* and Q_* indices below, mirrored in op.ts), which keeps every call to
// four arguments: the block, b0, nb and this thread's scratch.

import {
  colSum,
  gemm,
  gemmBias,
  gruBackward,
  gruBackwardRA,
  gruForward,
  gruForwardRA,
  lstmBackward,
  lstmForward,
  rnnBackward,
  rnnForward,
  toBatchMajor,
  toTimeMajor,
} from './index';
import { flushTiny } from './activations';

// cells
const SIMPLE: i32 = 0;
const GRU: i32 = 1;
const GRU_RA: i32 = 2;
const LSTM: i32 = 3;

// @ts-ignore: decorator
@inline function word(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function off(p: usize, floats: i32): usize {
  return p + (<usize>floats << 2);
}

/** p moved by floats, or 0 where p is 0 (an array the layer does not have). */
// @ts-ignore: decorator
@inline function offOr0(p: usize, floats: i32): usize {
  return p ? off(p, floats) : 0;
}

// the parameter block shared by both passes
const P_CELL = 0;
const P_T = 1;
const P_I = 2;
const P_U = 3;
const P_REVERSE = 4;
const P_KIND = 5;
const P_RKIND = 6;
const P_RETURN_SEQ = 7;
const P_CS = 8;
const P_RK = 9; // forward: rk [U, GU]; backward: rkT [GU, U]
const P_MH = 10;
const P_HS = 11;
const P_HDS = 12;
const P_GATES = 13;
const P_CST = 14; // LSTM cell states
const P_TCS = 15;
const P_RECS = 16;
const P_XT = 17;
const P_MX = 18;
// forward
const P_X = 19;
const P_W = 20;
const P_BIAS = 21;
const P_BREC = 22;
const P_Y = 23;
// backward
const Q_DY = 19;
const Q_WT = 20;
const Q_IP = 21;
const Q_DX = 22;
const Q_PARTS = 23;

function gatesOf(cell: i32): i32 {
  return cell == SIMPLE ? 1 : cell == LSTM ? 4 : 3;
}

/**
 * Forward pass of the chunk b0 .. b0+nb: its input to time-major order (input dropout
 * applied), the input projection, the time loop, its output rows. tmp: this thread's
 * scratch of cs*GU*(T+1) floats.
 */
export function chunkForward(p: usize, b0: i32, nb: i32, tmp: usize): void {
  const cell = word(p, P_CELL);
  const T = word(p, P_T);
  const I = word(p, P_I);
  const U = word(p, P_U);
  const cs = word(p, P_CS);
  const GU = gatesOf(cell) * U;
  const kind = word(p, P_KIND);
  const rkind = word(p, P_RKIND);
  const mh = offOr0(word(p, P_MH), b0 * U);
  const xt = off(word(p, P_XT), b0 * T * I);
  const hs = off(word(p, P_HS), b0 * (T + 1) * U);
  const hds = offOr0(word(p, P_HDS), b0 * T * U);
  const gates = offOr0(word(p, P_GATES), b0 * T * GU);
  const rk = <usize>word(p, P_RK);
  const xw = tmp;
  const ctmp = off(tmp, T * cs * GU);
  toTimeMajor(off(word(p, P_X), b0 * T * I), xt, nb, T, I, word(p, P_REVERSE), offOr0(word(p, P_MX), b0 * I));
  gemmBias(xt, I, 1, word(p, P_W), GU, xw, GU, T * nb, I, GU, 0, word(p, P_BIAS));
  if (cell == SIMPLE) rnnForward(T, nb, U, xw, rk, mh, kind, hs, hds);
  else if (cell == GRU) gruForward(T, nb, U, xw, rk, mh, kind, rkind, hs, hds, gates, ctmp);
  else if (cell == GRU_RA) gruForwardRA(T, nb, U, xw, rk, word(p, P_BREC), mh, kind, rkind, hs, hds, gates, offOr0(word(p, P_RECS), b0 * T * U), ctmp);
  else lstmForward(T, nb, U, xw, rk, mh, kind, rkind, hs, hds, off(word(p, P_CST), b0 * (T + 1) * U), off(word(p, P_TCS), b0 * T * U), gates);
  const y = word(p, P_Y);
  // the output in batch-major order: every state (processing order), or the last one
  if (word(p, P_RETURN_SEQ)) toBatchMajor(off(hs, nb * U), off(y, b0 * T * U), nb, T, U, 0, 0, U);
  else memory.copy(off(y, b0 * U), off(hs, T * nb * U), (<usize>nb * U) << 2);
}

/** Floats of one chunk's weight gradients in parts: dRk [U, GU], dK [I, GU], db [GU], db' [GU]. */
export function partFloats(I: i32, U: i32, GU: i32): i32 {
  return (U + I + 2) * GU;
}

/**
 * Backward pass of the chunk b0 .. b0+nb: backpropagation through time, the input
 * gradient (batch-major, input dropout applied) and the chunk's weight gradients in its
 * own slot of parts (chunk b0/cs). tmp: this thread's scratch (op.ts: backwardScratch).
 */
export function chunkBackward(p: usize, b0: i32, nb: i32, tmp: usize): void {
  const cell = word(p, P_CELL);
  const T = word(p, P_T);
  const I = word(p, P_I);
  const U = word(p, P_U);
  const cs = word(p, P_CS);
  const GU = gatesOf(cell) * U;
  const Ip = word(p, Q_IP);
  const kind = word(p, P_KIND);
  const rkind = word(p, P_RKIND);
  const rs = word(p, P_RETURN_SEQ);
  const mh = offOr0(word(p, P_MH), b0 * U);
  const hs = off(word(p, P_HS), b0 * (T + 1) * U);
  const hds = offOr0(word(p, P_HDS), b0 * T * U);
  const gates = offOr0(word(p, P_GATES), b0 * T * GU);
  const rkT = <usize>word(p, P_RK);
  const TC = T * cs;
  // scratch: dys [T, nb, U], dxw [T, nb, GU], aux [T, nb, GU] (GRU: r*hd; reset_after: the
  // recurrent products' gradients), dh, dc, the cells' own [3, nb, U], dxt [T, nb, Ip]
  const dysT = tmp;
  const dxw = off(dysT, TC * U);
  const aux = off(dxw, TC * GU);
  const dh = off(aux, TC * GU);
  const dc = off(dh, cs * U);
  const ctmp = off(dc, cs * U);
  const dxt = off(ctmp, 3 * cs * U);
  const dy = <usize>word(p, Q_DY);
  let dys: usize;
  if (rs) {
    dys = dysT;
    toTimeMajor(off(dy, b0 * T * U), dys, nb, T, U, 0, 0);
  } else dys = off(dy, b0 * U);
  const parts = off(word(p, Q_PARTS), (b0 / cs) * partFloats(I, U, GU));
  const dRk = parts;
  const dK = off(dRk, U * GU);
  const db = off(dK, I * GU);
  // the states that multiply R: hd_t = h_{t-1} (times the recurrent mask), rows 0..T of hs
  const hd = mh ? hds : hs;
  const K = T * nb;
  if (cell == SIMPLE) {
    rnnBackward(T, nb, U, dys, rs, rkT, mh, kind, hs, dxw, dh);
    flushTiny(dxw, K * GU);
    gemm(hd, 1, U, dxw, GU, dRk, GU, U, K, GU, 0);
  } else if (cell == GRU_RA) {
    gruBackwardRA(T, nb, U, dys, rs, rkT, mh, kind, rkind, hs, gates, offOr0(word(p, P_RECS), b0 * T * U), dxw, aux, dh, ctmp);
    flushTiny(dxw, K * GU);
    flushTiny(aux, K * GU);
    gemm(hd, 1, U, aux, GU, dRk, GU, U, K, GU, 0);
    colSum(aux, off(db, GU), K, GU, 0);
  } else if (cell == GRU) {
    gruBackward(T, nb, U, dys, rs, rkT, mh, kind, rkind, hs, hds, gates, dxw, aux, dh, ctmp);
    flushTiny(dxw, K * GU);
    gemm(hd, 1, U, dxw, GU, dRk, GU, U, K, 2 * U, 0);
    gemm(aux, 1, U, off(dxw, 2 * U), GU, off(dRk, 2 * U), GU, U, K, U, 0);
  } else {
    lstmBackward(T, nb, U, dys, rs, rkT, mh, kind, rkind, off(word(p, P_CST), b0 * (T + 1) * U), off(word(p, P_TCS), b0 * T * U), gates, dxw, dh, dc, ctmp);
    flushTiny(dxw, K * GU);
    gemm(hd, 1, U, dxw, GU, dRk, GU, U, K, GU, 0);
  }
  gemm(off(word(p, P_XT), b0 * T * I), 1, I, dxw, GU, dK, GU, I, K, GU, 0);
  colSum(dxw, db, K, GU, 0);
  gemm(dxw, GU, 1, word(p, Q_WT), Ip, dxt, Ip, K, GU, Ip, 0);
  toBatchMajor(dxt, off(word(p, Q_DX), b0 * T * I), nb, T, I, word(p, P_REVERSE), offOr0(word(p, P_MX), b0 * I), Ip);
}

/**
 * out[j] = the sum over chunks c = 0 .. chunks of parts[c*stride + j], j < n, in chunk
 * order (threads may share the columns j: each column is one thread's).
 */
export function sumParts(parts: usize, out: usize, n: i32, chunks: i32, stride: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s = v128.load(off(parts, j));
    for (let c = 1; c < chunks; c++) s = f32x4.add(s, v128.load(off(parts, c * stride + j)));
    v128.store(off(out, j), s);
  }
  for (; j < n; j++) {
    let s = load<f32>(off(parts, j));
    for (let c = 1; c < chunks; c++) s += load<f32>(off(parts, c * stride + j));
    store<f32>(off(out, j), s);
  }
}
