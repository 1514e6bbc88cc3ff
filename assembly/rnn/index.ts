// Fused recurrent kernels (SimpleRNN, GRU, LSTM) for SeqLab's CPU backends.
//
// AssemblyScript, compiled to WebAssembly with SIMD by scripts/build-wasm.mjs. The
// TypeScript side (main/engine/kernels/rnn/) owns the memory layout: every argument
// is a byte offset into this module's linear memory holding float32 data.
//
// Layouts (all row-major, time-major for sequences, processing order):
//   xw    [T, B, G*U]  input projection x_t . W + b, one row per (t, b)
//   rk    [U, G*U]     recurrent kernel; rkT [G*U, U] its transpose
//   hs    [T+1, B, U]  hidden states; hs[0] is the zero initial state
//   hds   [T, B, U]    h_{t-1} after recurrent dropout (only when a mask is given); it
//                      enters the recurrent products only (Keras), never GRU's blend
//   gates [T, B, G*U]  activations kept for the backward pass
// Gate order is tfjs's: GRU z, r, h; LSTM i, f, c, o. GRU comes in both of Keras's forms:
// reset_after=False (gruForward, tfjs's) and reset_after=True (gruForwardRA, torch.nn.GRU's).
//
// Activation codes: 0 linear, 1 relu, 2 tanh, 3 sigmoid, 4 hard_sigmoid. Derivatives
// are taken from the activation's output, as tfjs's gradients compute them.

export function heapBase(): usize {
  return __heap_base;
}

import { act, actRun, actv, at, dact, dactv, expv, flushTiny, madd, SMALL, TINY } from './activations';

/** dst[0..n) = src[0..n) (small rows: cheaper than memory.copy's call). */
// @ts-ignore: decorator
@inline function copyF(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v128.load(at(src, i)));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(src, i)));
}

/** out = a + b over n floats. */
function addInto(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
}

// ------------------------------------------------------------------ matrix products

const KC: i32 = 256;

/**
 * C[M,N] (+)= A[M,K] . B[K,N], with A's element (i, k) at a + 4*(i*sai + k*sak), so
 * A may be given transposed (sai = 1, sak = lda). f32x4 SIMD over N, 4x8 register
 * tiles, K processed in blocks of KC so that a block of B stays in cache.
 */
export function gemm(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: i32): void {
  gemmBias(a, sai, sak, b, ldb, c, ldc, M, K, N, accumulate, 0);
}

// @ts-ignore: decorator
@inline function ldv(c: usize, j: i32, fresh: bool, bias: usize): v128 {
  return fresh ? (bias ? v128.load(at(bias, j)) : f32x4.splat(0)) : v128.load(at(c, j));
}

// @ts-ignore: decorator
@inline function lds(c: usize, j: i32, fresh: bool, bias: usize): f32 {
  return fresh ? (bias ? load<f32>(at(bias, j)) : 0) : load<f32>(at(c, j));
}

// @ts-ignore: decorator
@inline function mac(a: v128, b: v128, c: v128, fused: bool): v128 {
  return fused ? madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

/** The GEMM's body; `fused` (a constant at each call) selects the fused multiply-add. */
// @ts-ignore: decorator
@inline function gemmCore(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: i32, bias: usize, fused: bool): void {
  if (K == 0 && !accumulate) {
    for (let i = 0; i < M; i++) {
      if (bias) memory.copy(at(c, i * ldc), bias, <usize>N << 2);
      else memory.fill(at(c, i * ldc), 0, <usize>N << 2);
    }
    return;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = min(K, k0 + KC);
    const fresh = k0 == 0 && !accumulate;
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = at(a, i * sai);
      const a1 = at(a, (i + 1) * sai);
      const a2 = at(a, (i + 2) * sai);
      const a3 = at(a, (i + 3) * sai);
      const c0 = at(c, i * ldc);
      const c1 = at(c, (i + 1) * ldc);
      const c2 = at(c, (i + 2) * ldc);
      const c3 = at(c, (i + 3) * ldc);
      let j = 0;
      const sa = <usize>sak << 2;
      const sb = <usize>ldb << 2;
      const d1 = <usize>sai << 2;
      const d2 = d1 + d1;
      const d3 = d2 + d1;
      const pa0 = at(a0, k0 * sak);
      const pb0 = at(b, k0 * ldb);
      for (; j + 8 <= N; j += 8) {
        let s00 = ldv(c0, j, fresh, bias), s01 = ldv(c0, j + 4, fresh, bias);
        let s10 = ldv(c1, j, fresh, bias), s11 = ldv(c1, j + 4, fresh, bias);
        let s20 = ldv(c2, j, fresh, bias), s21 = ldv(c2, j + 4, fresh, bias);
        let s30 = ldv(c3, j, fresh, bias), s31 = ldv(c3, j + 4, fresh, bias);
        // running pointers and v128.load32_splat (a broadcast load): no index arithmetic
        // in the inner loop, and the broadcasts use load ports, not the shuffle unit
        let pa = pa0;
        let pb = at(pb0, j);
        for (let k = k0; k < k1; k++) {
          const b0 = v128.load(pb), b1 = v128.load(pb, 16);
          let x = v128.load32_splat(pa);
          s00 = mac(x, b0, s00, fused); s01 = mac(x, b1, s01, fused);
          x = v128.load32_splat(pa + d1);
          s10 = mac(x, b0, s10, fused); s11 = mac(x, b1, s11, fused);
          x = v128.load32_splat(pa + d2);
          s20 = mac(x, b0, s20, fused); s21 = mac(x, b1, s21, fused);
          x = v128.load32_splat(pa + d3);
          s30 = mac(x, b0, s30, fused); s31 = mac(x, b1, s31, fused);
          pa += sa;
          pb += sb;
        }
        v128.store(at(c0, j), s00); v128.store(at(c0, j + 4), s01);
        v128.store(at(c1, j), s10); v128.store(at(c1, j + 4), s11);
        v128.store(at(c2, j), s20); v128.store(at(c2, j + 4), s21);
        v128.store(at(c3, j), s30); v128.store(at(c3, j + 4), s31);
      }
      for (; j + 4 <= N; j += 4) {
        let s0 = ldv(c0, j, fresh, bias), s1 = ldv(c1, j, fresh, bias), s2 = ldv(c2, j, fresh, bias), s3 = ldv(c3, j, fresh, bias);
        for (let k = k0; k < k1; k++) {
          const b0 = v128.load(at(b, k * ldb + j));
          const ko = k * sak;
          s0 = mac(f32x4.splat(load<f32>(at(a0, ko))), b0, s0, fused);
          s1 = mac(f32x4.splat(load<f32>(at(a1, ko))), b0, s1, fused);
          s2 = mac(f32x4.splat(load<f32>(at(a2, ko))), b0, s2, fused);
          s3 = mac(f32x4.splat(load<f32>(at(a3, ko))), b0, s3, fused);
        }
        v128.store(at(c0, j), s0); v128.store(at(c1, j), s1); v128.store(at(c2, j), s2); v128.store(at(c3, j), s3);
      }
      for (; j < N; j++) {
        let s0 = lds(c0, j, fresh, bias), s1 = lds(c1, j, fresh, bias), s2 = lds(c2, j, fresh, bias), s3 = lds(c3, j, fresh, bias);
        for (let k = k0; k < k1; k++) {
          const bv = load<f32>(at(b, k * ldb + j));
          const ko = k * sak;
          s0 += load<f32>(at(a0, ko)) * bv;
          s1 += load<f32>(at(a1, ko)) * bv;
          s2 += load<f32>(at(a2, ko)) * bv;
          s3 += load<f32>(at(a3, ko)) * bv;
        }
        store<f32>(at(c0, j), s0); store<f32>(at(c1, j), s1); store<f32>(at(c2, j), s2); store<f32>(at(c3, j), s3);
      }
    }
    for (; i < M; i++) {
      const a0 = at(a, i * sai);
      const c0 = at(c, i * ldc);
      let j = 0;
      for (; j + 8 <= N; j += 8) {
        let s0 = ldv(c0, j, fresh, bias), s1 = ldv(c0, j + 4, fresh, bias);
        for (let k = k0; k < k1; k++) {
          const bp = at(b, k * ldb + j);
          const x = f32x4.splat(load<f32>(at(a0, k * sak)));
          s0 = mac(x, v128.load(bp), s0, fused);
          s1 = mac(x, v128.load(bp, 16), s1, fused);
        }
        v128.store(at(c0, j), s0); v128.store(at(c0, j + 4), s1);
      }
      for (; j + 4 <= N; j += 4) {
        let s0 = ldv(c0, j, fresh, bias);
        for (let k = k0; k < k1; k++) {
          s0 = mac(f32x4.splat(load<f32>(at(a0, k * sak))), v128.load(at(b, k * ldb + j)), s0, fused);
        }
        v128.store(at(c0, j), s0);
      }
      for (; j < N; j++) {
        let s0 = lds(c0, j, fresh, bias);
        for (let k = k0; k < k1; k++) s0 += load<f32>(at(a0, k * sak)) * load<f32>(at(b, k * ldb + j));
        store<f32>(at(c0, j), s0);
      }
    }
  }
}

/** As gemm; without accumulate, C starts from the row vector bias (0: zeros) instead of C. */
export function gemmBias(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: i32, bias: usize): void {
  gemmCore(a, sai, sak, b, ldb, c, ldc, M, K, N, accumulate, bias, false);
}

/**
 * As gemmBias, with the fused multiply-add in the module's relaxed-SIMD form (one rounding
 * per product and sum; the same as gemmBias in the plain form). The convolution kernels use
 * it; the recurrent ones do not: through time their gradients amplify rounding differences,
 * and a linear reset_after GRU drifted to 1.6e-4 from tfjs's (beyond the 1e-4 kept).
 */
export function gemmBiasFma(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: i32, bias: usize): void {
  gemmCore(a, sai, sak, b, ldb, c, ldc, M, K, N, accumulate, bias, ASC_FEATURE_RELAXED_SIMD);
}

/** gemm with gemmBiasFma. */
export function gemmFma(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, accumulate: i32): void {
  gemmBiasFma(a, sai, sak, b, ldb, c, ldc, M, K, N, accumulate, 0);
}

/** C[M,N] = bias broadcast over rows (before an accumulating gemm). */
export function fillRows(c: usize, bias: usize, M: i32, N: i32): void {
  const bytes = <usize>N << 2;
  for (let i = 0; i < M; i++) memory.copy(at(c, i * N), bias, bytes);
}

/** Rows of A summed per pass of colSum: a block stays in L1 while each column group runs down it. */
const COLSUM_ROWS: i32 = 32;

/**
 * out[N] (+)= column sums of A[M,N]. Row blocks, so that A is read from memory once (a
 * column group down the whole matrix read it N/4 times); each column still sums its rows
 * in order, so the result is the same to the bit.
 */
export function colSum(a: usize, out: usize, M: i32, N: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(out, 0, <usize>N << 2);
  for (let i0 = 0; i0 < M; i0 += COLSUM_ROWS) {
    const i1 = min(M, i0 + COLSUM_ROWS);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let s = v128.load(at(out, j));
      for (let i = i0; i < i1; i++) s = f32x4.add(s, v128.load(at(a, i * N + j)));
      v128.store(at(out, j), s);
    }
    for (; j < N; j++) {
      let s = load<f32>(at(out, j));
      for (let i = i0; i < i1; i++) s += load<f32>(at(a, i * N + j));
      store<f32>(at(out, j), s);
    }
  }
}

/** dst[N, M] = src[M, N]^T */
export function transpose(src: usize, dst: usize, M: i32, N: i32): void {
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) store<f32>(at(dst, j * M + i), load<f32>(at(src, i * N + j)));
}

/** out = a * b elementwise over n floats. */
export function mulInto(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(a, i)), v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) * load<f32>(at(b, i)));
}

// ------------------------------------------------------------------ SimpleRNN

/** h_t = act(xw_t + hd_{t-1} . rk), hd = h * mh (recurrent dropout) when mh != 0. */
export function rnnForward(T: i32, B: i32, U: i32, xw: usize, rk: usize, mh: usize, kind: i32, hs: usize, hds: usize): void {
  const BU = B * U;
  memory.fill(hs, 0, <usize>BU << 2);
  for (let t = 0; t < T; t++) {
    const hprev = at(hs, t * BU);
    const h = at(hs, (t + 1) * BU);
    let hd = hprev;
    if (mh) {
      hd = at(hds, t * BU);
      mulInto(hprev, mh, hd, BU);
    }
    memory.copy(h, at(xw, t * BU), <usize>BU << 2);
    gemm(hd, U, 1, rk, U, h, U, B, U, U, 1);
    actRun(kind, h, BU);
  }
}

/**
 * Backward through time. dys: [T, B, U] output gradients (returnSeq) or [B, U] for the
 * last step only. Writes dxw [T, B, U] (gradient of the pre-activation) and dh0.
 */
export function rnnBackward(T: i32, B: i32, U: i32, dys: usize, returnSeq: i32, rkT: usize, mh: usize, kind: i32, hs: usize, dxw: usize, dh: usize): void {
  const BU = B * U;
  if (returnSeq) memory.fill(dh, 0, <usize>BU << 2);
  else memory.copy(dh, dys, <usize>BU << 2);
  for (let t = T - 1; t >= 0; t--) {
    const h = at(hs, (t + 1) * BU);
    const da = at(dxw, t * BU);
    const dy = at(dys, t * BU);
    let i = 0;
    for (; i + 4 <= BU; i += 4) {
      let g = v128.load(at(dh, i));
      if (returnSeq) g = f32x4.add(g, v128.load(at(dy, i)));
      v128.store(at(da, i), f32x4.mul(g, dactv(kind, v128.load(at(h, i)))));
    }
    for (; i < BU; i++) {
      let g = load<f32>(at(dh, i));
      if (returnSeq) g += load<f32>(at(dy, i));
      store<f32>(at(da, i), g * dact(kind, load<f32>(at(h, i))));
    }
    flushTiny(da, BU, TINY);
    gemm(da, U, 1, rkT, U, dh, U, B, U, U, 0);
    if (mh) mulInto(dh, mh, dh, BU);
    flushTiny(dh, BU, SMALL);
  }
}

// ------------------------------------------------------------------ GRU (reset_after = false)

/**
 * z = ract(xz + hd.Rz), r = ract(xr + hd.Rr), hh = act(xh + (r*hd).Rh),
 * h = z*h_{t-1} + (1-z)*hh. Keras semantics: recurrent dropout reaches only the copies
 * of h_{t-1} that multiply the recurrent kernel; the blend uses the un-dropped state.
 * (tfjs 4.22's GRUCell blends with hd, which lets the state double at every step with
 * recurrent_dropout 0.5; see main/engine/kernels/rnn/gru-keras.ts.)
 * gates [T, B, 3U] keeps z, r, hh. tmp: [B, 2U] + [B, U] scratch.
 */
export function gruForward(T: i32, B: i32, U: i32, xw: usize, rk: usize, mh: usize, kind: i32, rkind: i32, hs: usize, hds: usize, gates: usize, tmp: usize): void {
  const BU = B * U;
  const G = 3 * U;
  const U2 = 2 * U;
  const inner = tmp;
  const rh = at(tmp, B * U2);
  memory.fill(hs, 0, <usize>BU << 2);
  for (let t = 0; t < T; t++) {
    const hprev = at(hs, t * BU);
    const h = at(hs, (t + 1) * BU);
    let hd = hprev;
    if (mh) {
      hd = at(hds, t * BU);
      mulInto(hprev, mh, hd, BU);
    }
    const x = at(xw, t * B * G);
    const g = at(gates, t * B * G);
    // inner = hd . rk[:, :2U]
    gemm(hd, U, 1, rk, G, inner, U2, B, U, U2, 0);
    for (let b = 0; b < B; b++) {
      const xr = at(x, b * G);
      const gr = at(g, b * G);
      const ir = at(inner, b * U2);
      const hdr = at(hd, b * U);
      const rhr = at(rh, b * U);
      addInto(xr, ir, gr, U2);
      actRun(rkind, gr, U2);
      mulInto(at(gr, U), hdr, rhr, U);
      // the candidate's pre-activation starts from xh
      copyF(at(gr, U2), at(xr, U2), U);
    }
    // g[:, 2U:] += (r*hd) . rk[:, 2U:]
    gemm(rh, U, 1, at(rk, U2), G, at(g, U2), G, B, U, U, 1);
    for (let b = 0; b < B; b++) {
      const gr = at(g, b * G);
      // the blend takes h_{t-1} itself, never the dropped-out copy
      const hpr = at(hprev, b * U);
      const hr = at(h, b * U);
      actRun(kind, at(gr, U2), U);
      let j = 0;
      for (; j + 4 <= U; j += 4) {
        const z = v128.load(at(gr, j));
        const hh = v128.load(at(gr, U2 + j));
        v128.store(at(hr, j), f32x4.add(f32x4.mul(z, v128.load(at(hpr, j))), f32x4.mul(f32x4.sub(f32x4.splat(1), z), hh)));
      }
      for (; j < U; j++) {
        const z = load<f32>(at(gr, j));
        store<f32>(at(hr, j), z * load<f32>(at(hpr, j)) + (<f32>1 - z) * load<f32>(at(gr, U2 + j)));
      }
    }
  }
}

/**
 * GRU backward. Writes dxw [T, B, 3U] (gradients of the three pre-activations), rhs
 * [T, B, U] (r*hd, for the recurrent kernel's gradient) and dh (gradient of h0).
 * rkT [3U, U]. tmp: [B, U] (dhd) + [B, U] (drh) + [B, U] (dhz).
 * h_{t-1} reaches h_t two ways: through the blend z*h_{t-1} (gradient gh*z, no mask) and
 * through hd = h_{t-1}*mask into the three recurrent products (gradient dhd, times the
 * mask): dh_{t-1} = gh*z + mask*dhd.
 */
export function gruBackward(T: i32, B: i32, U: i32, dys: usize, returnSeq: i32, rkT: usize, mh: usize, kind: i32, rkind: i32, hs: usize, hds: usize, gates: usize, dxw: usize, rhs: usize, dh: usize, tmp: usize): void {
  const BU = B * U;
  const G = 3 * U;
  const U2 = 2 * U;
  const dhd = tmp;
  const drh = at(tmp, BU);
  // with a mask, the blend's share gh*z is kept apart (it is not masked); without one,
  // hd = h_{t-1} and both shares add up in dhd
  const dhz = mh ? at(tmp, 2 * BU) : dhd;
  if (returnSeq) memory.fill(dh, 0, <usize>BU << 2);
  else memory.copy(dh, dys, <usize>BU << 2);
  for (let t = T - 1; t >= 0; t--) {
    const hp = at(hs, t * BU);
    const hd = mh ? at(hds, t * BU) : hp;
    const g = at(gates, t * B * G);
    const d = at(dxw, t * B * G);
    const dy = at(dys, t * BU);
    const rh = at(rhs, t * BU);
    for (let b = 0; b < B; b++) {
      const gr = at(g, b * G);
      const dr = at(d, b * G);
      const hdr = at(hd, b * U);
      const hpr = at(hp, b * U);
      const dhr = at(dh, b * U);
      const dyr = at(dy, b * U);
      const dhzr = at(dhz, b * U);
      const rhr = at(rh, b * U);
      let j = 0;
      for (; j + 4 <= U; j += 4) {
        let gh = v128.load(at(dhr, j));
        if (returnSeq) gh = f32x4.add(gh, v128.load(at(dyr, j)));
        const z = v128.load(at(gr, j));
        const r = v128.load(at(gr, U + j));
        const hh = v128.load(at(gr, U2 + j));
        v128.store(at(dr, j), f32x4.mul(f32x4.mul(gh, f32x4.sub(v128.load(at(hpr, j)), hh)), dactv(rkind, z)));
        v128.store(at(dr, U2 + j), f32x4.mul(f32x4.mul(gh, f32x4.sub(f32x4.splat(1), z)), dactv(kind, hh)));
        v128.store(at(dhzr, j), f32x4.mul(gh, z));
        v128.store(at(rhr, j), f32x4.mul(r, v128.load(at(hdr, j))));
      }
      for (; j < U; j++) {
        let gh = load<f32>(at(dhr, j));
        if (returnSeq) gh += load<f32>(at(dyr, j));
        const z = load<f32>(at(gr, j));
        const r = load<f32>(at(gr, U + j));
        const hh = load<f32>(at(gr, U2 + j));
        store<f32>(at(dr, j), gh * (load<f32>(at(hpr, j)) - hh) * dact(rkind, z));
        store<f32>(at(dr, U2 + j), gh * (<f32>1 - z) * dact(kind, hh));
        store<f32>(at(dhzr, j), gh * z);
        store<f32>(at(rhr, j), r * load<f32>(at(hdr, j)));
      }
    }
    flushTiny(d, B * G, TINY);
    // drh = dah . Rh^T
    gemm(at(d, U2), G, 1, at(rkT, U2 * U), U, drh, U, B, U, U, 0);
    for (let b = 0; b < B; b++) {
      const gr = at(g, b * G);
      const dr = at(d, b * G);
      const hdr = at(hd, b * U);
      const drhr = at(drh, b * U);
      const dhdr = at(dhd, b * U);
      let j = 0;
      if (mh) {
        // dhd starts here (the blend's share waits in dhz)
        for (; j + 4 <= U; j += 4) {
          const r = v128.load(at(gr, U + j));
          const v = v128.load(at(drhr, j));
          v128.store(at(dr, U + j), f32x4.mul(f32x4.mul(v, v128.load(at(hdr, j))), dactv(rkind, r)));
          v128.store(at(dhdr, j), f32x4.mul(v, r));
        }
        for (; j < U; j++) {
          const r = load<f32>(at(gr, U + j));
          const v = load<f32>(at(drhr, j));
          store<f32>(at(dr, U + j), v * load<f32>(at(hdr, j)) * dact(rkind, r));
          store<f32>(at(dhdr, j), v * r);
        }
      } else {
        for (; j + 4 <= U; j += 4) {
          const r = v128.load(at(gr, U + j));
          const v = v128.load(at(drhr, j));
          v128.store(at(dr, U + j), f32x4.mul(f32x4.mul(v, v128.load(at(hdr, j))), dactv(rkind, r)));
          v128.store(at(dhdr, j), f32x4.add(v128.load(at(dhdr, j)), f32x4.mul(v, r)));
        }
        for (; j < U; j++) {
          const r = load<f32>(at(gr, U + j));
          const v = load<f32>(at(drhr, j));
          store<f32>(at(dr, U + j), v * load<f32>(at(hdr, j)) * dact(rkind, r));
          store<f32>(at(dhdr, j), load<f32>(at(dhdr, j)) + v * r);
        }
      }
    }
    flushTiny(d, B * G, TINY);
    // dhd += [dz, dr] . [Rz, Rr]^T
    gemm(d, G, 1, rkT, U, dhd, U, B, U2, U, 1);
    if (mh) {
      // dh_{t-1} = dhd * mask + gh * z
      mulInto(dhd, mh, dh, BU);
      addInto(dh, dhz, dh, BU);
    } else memory.copy(dh, dhd, <usize>BU << 2);
    flushTiny(dh, BU, SMALL);
  }
}

// ------------------------------------------------------------------ GRU (reset_after = true)

/**
 * Keras's reset_after=True form (torch.nn.GRU's): the reset gate scales the recurrent
 * product instead of the state, and the recurrent product has its own bias brec [3U]:
 *   inner = hd.R + brec,  z = ract(xz + inner_z),  r = ract(xr + inner_r),
 *   hh = act(xh + r*inner_h),  h = z*h_{t-1} + (1-z)*hh
 * (xw holds x.W + the input bias; brec 0: none). Recurrent dropout as in gruForward: hd
 * feeds the product only. gates [T, B, 3U] keeps z, r, hh; recs [T, B, U] keeps inner_h
 * (r's gradient needs it). inner: [B, 3U] scratch.
 */
export function gruForwardRA(T: i32, B: i32, U: i32, xw: usize, rk: usize, brec: usize, mh: usize, kind: i32, rkind: i32, hs: usize, hds: usize, gates: usize, recs: usize, inner: usize): void {
  const BU = B * U;
  const G = 3 * U;
  const U2 = 2 * U;
  memory.fill(hs, 0, <usize>BU << 2);
  for (let t = 0; t < T; t++) {
    const hprev = at(hs, t * BU);
    const h = at(hs, (t + 1) * BU);
    let hd = hprev;
    if (mh) {
      hd = at(hds, t * BU);
      mulInto(hprev, mh, hd, BU);
    }
    const x = at(xw, t * B * G);
    const g = at(gates, t * B * G);
    const rec = at(recs, t * BU);
    gemmBias(hd, U, 1, rk, G, inner, G, B, U, G, 0, brec);
    for (let b = 0; b < B; b++) {
      const xr = at(x, b * G);
      const gr = at(g, b * G);
      const ir = at(inner, b * G);
      const hpr = at(hprev, b * U);
      const hr = at(h, b * U);
      const rr = at(rec, b * U);
      // z and r together, then the candidate from the reset recurrent product
      addInto(xr, ir, gr, U2);
      actRun(rkind, gr, U2);
      copyF(rr, at(ir, U2), U);
      for (let j = 0; j < U; j++) {
        const r = load<f32>(at(gr, U + j));
        store<f32>(at(gr, U2 + j), load<f32>(at(xr, U2 + j)) + r * load<f32>(at(rr, j)));
      }
      actRun(kind, at(gr, U2), U);
      for (let j = 0; j < U; j++) {
        const z = load<f32>(at(gr, j));
        store<f32>(at(hr, j), z * load<f32>(at(hpr, j)) + (<f32>1 - z) * load<f32>(at(gr, U2 + j)));
      }
    }
  }
}

/**
 * Backward of gruForwardRA. Writes dxw [T, B, 3U] (gradients of x.W + b_in: dz, dr, dhh
 * pre-activations), dinner [T, B, 3U] (gradients of hd.R + brec: dz, dr, r*dhh) and dh
 * (gradient of h0). rkT [3U, U]. tmp: [B, U].
 * dh_{t-1} = gh*z (the blend, unmasked) + mask * (dinner . R^T).
 */
export function gruBackwardRA(T: i32, B: i32, U: i32, dys: usize, returnSeq: i32, rkT: usize, mh: usize, kind: i32, rkind: i32, hs: usize, gates: usize, recs: usize, dxw: usize, dinner: usize, dh: usize, tmp: usize): void {
  const BU = B * U;
  const G = 3 * U;
  const U2 = 2 * U;
  if (returnSeq) memory.fill(dh, 0, <usize>BU << 2);
  else memory.copy(dh, dys, <usize>BU << 2);
  for (let t = T - 1; t >= 0; t--) {
    const hp = at(hs, t * BU);
    const g = at(gates, t * B * G);
    const d = at(dxw, t * B * G);
    const di = at(dinner, t * B * G);
    const dy = at(dys, t * BU);
    const rec = at(recs, t * BU);
    for (let b = 0; b < B; b++) {
      const gr = at(g, b * G);
      const dr = at(d, b * G);
      const dir = at(di, b * G);
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        let gh = load<f32>(at(dh, k));
        if (returnSeq) gh += load<f32>(at(dy, k));
        const z = load<f32>(at(gr, j));
        const r = load<f32>(at(gr, U + j));
        const hh = load<f32>(at(gr, U2 + j));
        const dz = gh * (load<f32>(at(hp, k)) - hh) * dact(rkind, z);
        const dhh = gh * (<f32>1 - z) * dact(kind, hh);
        const drr = dhh * load<f32>(at(rec, k)) * dact(rkind, r);
        store<f32>(at(dr, j), dz);
        store<f32>(at(dr, U + j), drr);
        store<f32>(at(dr, U2 + j), dhh);
        store<f32>(at(dir, j), dz);
        store<f32>(at(dir, U + j), drr);
        store<f32>(at(dir, U2 + j), dhh * r);
        store<f32>(at(dh, k), gh * z);
      }
    }
    flushTiny(di, B * G, TINY);
    // tmp = dinner . R^T: the gradient of hd
    gemm(di, G, 1, rkT, U, tmp, U, B, G, U, 0);
    if (mh) mulInto(tmp, mh, tmp, BU);
    addInto(dh, tmp, dh, BU);
    flushTiny(dh, BU, SMALL);
  }
}

// ------------------------------------------------------------------ LSTM

/**
 * z = x.W + hd.R + b (xw holds x.W + b); i = ract(z0), f = ract(z1), g = act(z2),
 * o = ract(z3); c = f*c_prev + i*g; h = o*act(c). gates [T, B, 4U] keeps i, f, g, o;
 * cs [T+1, B, U] the cell states; tcs [T, B, U] act(c).
 */
export function lstmForward(T: i32, B: i32, U: i32, xw: usize, rk: usize, mh: usize, kind: i32, rkind: i32, hs: usize, hds: usize, cs: usize, tcs: usize, gates: usize): void {
  const BU = B * U;
  const G = 4 * U;
  memory.fill(hs, 0, <usize>BU << 2);
  memory.fill(cs, 0, <usize>BU << 2);
  for (let t = 0; t < T; t++) {
    const hprev = at(hs, t * BU);
    let hd = hprev;
    if (mh) {
      hd = at(hds, t * BU);
      mulInto(hprev, mh, hd, BU);
    }
    const g = at(gates, t * B * G);
    memory.copy(g, at(xw, t * B * G), (<usize>B * G) << 2);
    gemm(hd, U, 1, rk, G, g, G, B, U, G, 1);
    const cprev = at(cs, t * BU);
    const c = at(cs, (t + 1) * BU);
    const tc = at(tcs, t * BU);
    const h = at(hs, (t + 1) * BU);
    for (let b = 0; b < B; b++) {
      const gr = at(g, b * G);
      actRun(rkind, gr, 2 * U);
      actRun(kind, at(gr, 2 * U), U);
      actRun(rkind, at(gr, 3 * U), U);
      const cp = at(cprev, b * U);
      const cr = at(c, b * U);
      const tr = at(tc, b * U);
      let j = 0;
      for (; j + 4 <= U; j += 4) {
        v128.store(at(cr, j), f32x4.add(f32x4.mul(v128.load(at(gr, U + j)), v128.load(at(cp, j))), f32x4.mul(v128.load(at(gr, j)), v128.load(at(gr, 2 * U + j)))));
      }
      for (; j < U; j++) {
        store<f32>(at(cr, j), load<f32>(at(gr, U + j)) * load<f32>(at(cp, j)) + load<f32>(at(gr, j)) * load<f32>(at(gr, 2 * U + j)));
      }
      copyF(tr, cr, U);
      actRun(kind, tr, U);
      mulInto(at(gr, 3 * U), tr, at(h, b * U), U);
    }
  }
}

/** LSTM backward. dxw [T, B, 4U]; dh, dc: [B, U] carried (gradients of h0, c0 at the end). tmp: [B, U]. */
export function lstmBackward(T: i32, B: i32, U: i32, dys: usize, returnSeq: i32, rkT: usize, mh: usize, kind: i32, rkind: i32, cs: usize, tcs: usize, gates: usize, dxw: usize, dh: usize, dc: usize, tmp: usize): void {
  const BU = B * U;
  const G = 4 * U;
  if (returnSeq) memory.fill(dh, 0, <usize>BU << 2);
  else memory.copy(dh, dys, <usize>BU << 2);
  memory.fill(dc, 0, <usize>BU << 2);
  for (let t = T - 1; t >= 0; t--) {
    const g = at(gates, t * B * G);
    const d = at(dxw, t * B * G);
    const dy = at(dys, t * BU);
    const cprev = at(cs, t * BU);
    const tc = at(tcs, t * BU);
    for (let b = 0; b < B; b++) {
      const gr = at(g, b * G);
      const dr = at(d, b * G);
      let j = 0;
      for (; j + 4 <= U; j += 4) {
        const k = b * U + j;
        let gh = v128.load(at(dh, k));
        if (returnSeq) gh = f32x4.add(gh, v128.load(at(dy, k)));
        const ig = v128.load(at(gr, j));
        const fg = v128.load(at(gr, U + j));
        const cg = v128.load(at(gr, 2 * U + j));
        const og = v128.load(at(gr, 3 * U + j));
        const tv = v128.load(at(tc, k));
        const dcv = f32x4.add(v128.load(at(dc, k)), f32x4.mul(f32x4.mul(gh, og), dactv(kind, tv)));
        v128.store(at(dr, j), f32x4.mul(f32x4.mul(dcv, cg), dactv(rkind, ig)));
        v128.store(at(dr, U + j), f32x4.mul(f32x4.mul(dcv, v128.load(at(cprev, k))), dactv(rkind, fg)));
        v128.store(at(dr, 2 * U + j), f32x4.mul(f32x4.mul(dcv, ig), dactv(kind, cg)));
        v128.store(at(dr, 3 * U + j), f32x4.mul(f32x4.mul(gh, tv), dactv(rkind, og)));
        v128.store(at(dc, k), f32x4.mul(dcv, fg));
      }
      for (; j < U; j++) {
        const k = b * U + j;
        let gh = load<f32>(at(dh, k));
        if (returnSeq) gh += load<f32>(at(dy, k));
        const ig = load<f32>(at(gr, j));
        const fg = load<f32>(at(gr, U + j));
        const cg = load<f32>(at(gr, 2 * U + j));
        const og = load<f32>(at(gr, 3 * U + j));
        const tv = load<f32>(at(tc, k));
        const dcv = load<f32>(at(dc, k)) + gh * og * dact(kind, tv);
        store<f32>(at(dr, j), dcv * cg * dact(rkind, ig));
        store<f32>(at(dr, U + j), dcv * load<f32>(at(cprev, k)) * dact(rkind, fg));
        store<f32>(at(dr, 2 * U + j), dcv * ig * dact(kind, cg));
        store<f32>(at(dr, 3 * U + j), gh * tv * dact(rkind, og));
        store<f32>(at(dc, k), dcv * fg);
      }
    }
    flushTiny(d, B * G, TINY);
    gemm(d, G, 1, rkT, U, tmp, U, B, G, U, 0);
    if (mh) mulInto(tmp, mh, dh, BU);
    else memory.copy(dh, tmp, <usize>BU << 2);
    flushTiny(dh, BU, SMALL);
    flushTiny(dc, BU, SMALL);
  }
}

// ------------------------------------------------------------------ layout changes

/**
 * dst[t, b, :] = src[b, t', :] * mask[b, :] with t' = T-1-t when reverse (else t);
 * mask 0 = none. Batch-major [B, T, F] to time-major [T, B, F].
 */
export function toTimeMajor(src: usize, dst: usize, B: i32, T: i32, F: i32, reverse: i32, mask: usize): void {
  for (let t = 0; t < T; t++) {
    const tt = reverse ? T - 1 - t : t;
    for (let b = 0; b < B; b++) {
      const s = at(src, (b * T + tt) * F);
      const d = at(dst, (t * B + b) * F);
      if (mask) mulInto(s, at(mask, b * F), d, F);
      else copyF(d, s, F);
    }
  }
}

/**
 * The inverse of toTimeMajor: dst[b, t', :] = src[t, b, :F] * mask[b, :], where src rows
 * are ld floats apart (ld >= F, so that a product may be computed on padded rows).
 */
export function toBatchMajor(src: usize, dst: usize, B: i32, T: i32, F: i32, reverse: i32, mask: usize, ld: i32): void {
  for (let t = 0; t < T; t++) {
    const tt = reverse ? T - 1 - t : t;
    for (let b = 0; b < B; b++) {
      const s = at(src, (t * B + b) * ld);
      const d = at(dst, (b * T + tt) * F);
      if (mask) mulInto(s, at(mask, b * F), d, F);
      else copyF(d, s, F);
    }
  }
}

/** dst[N, ldd] = src[M, N]^T with ldd >= M; the padding columns are zeroed. */
export function transposePad(src: usize, dst: usize, M: i32, N: i32, ldd: i32): void {
  memory.fill(dst, 0, (<usize>N * ldd) << 2);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) store<f32>(at(dst, j * ldd + i), load<f32>(at(src, i * N + j)));
}

// ------------------------------------------------------------------ Conv1D (channels last)
//
// The sequence convolutions of listings 6.47 and 6.49 as whole-batch kernels. The
// TypeScript side (main/engine/kernels/conv1d.ts) pads the input once, so every kernel
// here sees a 'valid' convolution with dilation 1 and stride s:
//   x  [B, Tp, C]   padded input       w  [k*C, N]  the Keras kernel [k, C, N], flat
//   y  [B, To, N]   To = (Tp - k) / s + 1
// Window t of image b is the contiguous run x[b, t*s .. t*s+k, :] (k*C floats), so the
// im2col matrix is never built: it is x itself read with row stride s*C.

/** y = act(x * w + bias) for the whole batch. bias 0: none. */
export function conv1dForward(B: i32, Tp: i32, C: i32, To: i32, s: i32, kC: i32, N: i32, x: usize, w: usize, bias: usize, y: usize, kind: i32): void {
  for (let b = 0; b < B; b++) {
    const yb = at(y, b * To * N);
    gemmBiasFma(at(x, b * Tp * C), s * C, 1, w, N, yb, N, To, kC, N, 0, bias);
    // the activation while this image's output is still in cache
    actRun(kind, yb, To * N);
  }
}

/**
 * conv1dForward, then each image's output max-pooled while it is in cache (as
 * maxPool1dForward with window p, stride ps, left padding padL over To steps, Top outputs,
 * into py and pidx [B, Top, N]).
 */
export function conv1dForwardPool(B: i32, Tp: i32, C: i32, To: i32, s: i32, kC: i32, N: i32, x: usize, w: usize, bias: usize, y: usize, kind: i32, p: i32, ps: i32, padL: i32, Top: i32, py: usize, pidx: usize): void {
  for (let b = 0; b < B; b++) {
    const yb = at(y, b * To * N);
    conv1dForward(1, Tp, C, To, s, kC, N, at(x, b * Tp * C), w, bias, yb, kind);
    maxPool1dForward(1, To, N, Top, p, ps, padL, yb, at(py, b * Top * N), at(pidx, b * Top * N));
  }
}

/** In place: dz[i] = dy[i] * act'(y[i]) (the derivative taken from the output y). */
export function dactMul(kind: i32, y: usize, dz: usize, n: i32): void {
  if (kind == 0) return;
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dz, i), f32x4.mul(v128.load(at(dz, i)), dactv(kind, v128.load(at(y, i)))));
  for (; i < n; i++) store<f32>(at(dz, i), load<f32>(at(dz, i)) * dact(kind, load<f32>(at(y, i))));
}

/**
 * dw[k*C, N] (+)= sum over the batch of (windows of x)^T . dz: no im2col, x read
 * transposed. accumulate: add to dw (a thread summing several chunks) instead of setting it.
 */
export function conv1dFilterGrad(B: i32, Tp: i32, C: i32, To: i32, s: i32, kC: i32, N: i32, x: usize, dz: usize, dw: usize, accumulate: i32): void {
  if (B == 0 && !accumulate) memory.fill(dw, 0, <usize>(kC * N) << 2);
  for (let b = 0; b < B; b++) gemmFma(at(x, b * Tp * C), 1, s * C, at(dz, b * To * N), N, dw, N, kC, To, N, b > 0 || accumulate ? 1 : 0);
}

/**
 * dx[B, Tp, C] = the windows' gradients dz . w^T, each (k*C floats) added back onto the
 * input run it was read from. wT [N, k*C]; cols: scratch of To*k*C floats.
 */
export function conv1dInputGrad(B: i32, Tp: i32, C: i32, To: i32, s: i32, kC: i32, N: i32, dz: usize, wT: usize, cols: usize, dx: usize): void {
  memory.fill(dx, 0, <usize>(B * Tp * C) << 2);
  for (let b = 0; b < B; b++) {
    gemmFma(at(dz, b * To * N), N, 1, wT, kC, cols, kC, To, N, kC, 0);
    const xb = at(dx, b * Tp * C);
    for (let t = 0; t < To; t++) {
      const row = at(xb, t * s * C);
      addInto(row, at(cols, t * kC), row, kC);
    }
  }
}

/**
 * The whole backward pass of a Conv1D, image by image while its data is in cache:
 * dz = dy * act'(y) in place (dz holds dy on entry), db (+)= column sums of dz,
 * dw (+)= windows(x)^T . dz and, with dx != 0, dx = the input gradient (as
 * conv1dInputGrad: wT [N, k*C], cols To*k*C floats of scratch; or, with direct and stride
 * 1, conv1dInputGradDirect: wT the flipped kernel, cols (To+2k-2)*N floats). db 0 or dw 0:
 * skipped. dz, db and dw get the same arithmetic in the same order as dactMul, colSum and
 * conv1dFilterGrad run one after the other on the same images; so does dx unless direct.
 */
export function conv1dBackward(B: i32, Tp: i32, C: i32, To: i32, s: i32, kC: i32, N: i32, kind: i32, y: usize, dz: usize, x: usize, dw: usize, db: usize, wT: usize, cols: usize, dx: usize, direct: i32): void {
  const n = To * N;
  for (let b = 0; b < B; b++) {
    const zb = at(dz, b * n);
    if (kind != 0) dactMul(kind, at(y, b * n), zb, n);
    if (db) colSum(zb, db, To, N, 1);
    if (dw) gemmFma(at(x, b * Tp * C), 1, s * C, zb, N, dw, N, kC, To, N, 1);
    if (dx) {
      if (direct) conv1dInputGradDirect(Tp, C, To, kC / C, N, zb, wT, cols, at(dx, b * Tp * C));
      else conv1dInputGrad(1, Tp, C, To, s, kC, N, zb, wT, cols, at(dx, b * Tp * C));
    }
  }
}

/** wf[k*N, C]: row (j, n) is w[k-1-j, :, n] (the kernel flipped in time, for conv1dInputGradDirect). */
export function conv1dFlipKernel(w: usize, wf: usize, k: i32, C: i32, N: i32): void {
  for (let j = 0; j < k; j++) {
    for (let n = 0; n < N; n++) {
      const row = at(wf, (j * N + n) * C);
      const src = at(w, (k - 1 - j) * C * N + n);
      for (let c = 0; c < C; c++) store<f32>(at(row, c), load<f32>(at(src, c * N)));
    }
  }
}

/**
 * One image's input gradient for stride 1 as a single product: dx[t, :] is the window of
 * k rows of dz padded with k-1 zero rows on either side (dzp, (To+2k-2)*N floats of
 * scratch) starting at row t, times wf (conv1dFlipKernel). No scatter back onto dx.
 */
function conv1dInputGradDirect(Tp: i32, C: i32, To: i32, k: i32, N: i32, dz: usize, wf: usize, dzp: usize, dx: usize): void {
  const pad = <usize>((k - 1) * N) << 2;
  memory.fill(dzp, 0, pad);
  memory.copy(dzp + pad, dz, <usize>(To * N) << 2);
  memory.fill(dzp + pad + (<usize>(To * N) << 2), 0, pad);
  gemmFma(dzp, N, 1, wf, C, dx, C, Tp, k * N, C, 0);
}

/** dst[B, Tp, C] = src[B, T, C] with padL rows of zeros before and Tp-T-padL after each sequence. */
export function padSeq(src: usize, dst: usize, B: i32, T: i32, C: i32, padL: i32, Tp: i32): void {
  for (let b = 0; b < B; b++) {
    const d = at(dst, b * Tp * C);
    if (padL > 0) memory.fill(d, 0, <usize>(padL * C) << 2);
    memory.copy(at(d, padL * C), at(src, b * T * C), <usize>(T * C) << 2);
    const tail = Tp - T - padL;
    if (tail > 0) memory.fill(at(d, (padL + T) * C), 0, <usize>(tail * C) << 2);
  }
}

/** dst[B, T, C] = rows padL .. padL+T of each sequence of src[B, Tp, C]. */
export function cropSeq(src: usize, dst: usize, B: i32, Tp: i32, C: i32, padL: i32, T: i32): void {
  for (let b = 0; b < B; b++) memory.copy(at(dst, b * T * C), at(src, (b * Tp + padL) * C), <usize>(T * C) << 2);
}

// ------------------------------------------------------------------ MaxPooling1D

/**
 * y[b, t, c] = max of x[b, t*s - padL + j, c] over j < p inside 0..T; idx keeps the time
 * index of the (first) maximum for the backward pass (i32). GlobalMaxPooling1D is the case
 * p = T, To = 1. A window entirely in the padding gives -Infinity, as tfjs does.
 */
export function maxPool1dForward(B: i32, T: i32, C: i32, To: i32, p: i32, s: i32, padL: i32, x: usize, y: usize, idx: usize): void {
  for (let b = 0; b < B; b++) {
    const xb = at(x, b * T * C);
    for (let t = 0; t < To; t++) {
      const j0 = max(0, t * s - padL);
      const j1 = min(T, t * s - padL + p);
      const yo = at(y, (b * To + t) * C);
      const io = at(idx, (b * To + t) * C);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let best = f32x4.splat(-Infinity);
        let bi = i32x4.splat(j0 < j1 ? j0 : 0);
        for (let j = j0; j < j1; j++) {
          const v = v128.load(at(xb, j * C + c));
          const m = f32x4.gt(v, best);
          best = v128.bitselect(v, best, m);
          bi = v128.bitselect(i32x4.splat(j), bi, m);
        }
        v128.store(at(yo, c), best);
        v128.store(at(io, c), bi);
      }
      for (; c < C; c++) {
        let best: f32 = -Infinity;
        let bi = j0 < j1 ? j0 : 0;
        for (let j = j0; j < j1; j++) {
          const v = load<f32>(at(xb, j * C + c));
          if (v > best) {
            best = v;
            bi = j;
          }
        }
        store<f32>(at(yo, c), best);
        store<i32>(at(io, c), bi);
      }
    }
  }
}

/** dx[B, T, C] = dy[B, To, C] routed to the positions idx kept by the forward pass. */
export function maxPool1dBackward(B: i32, T: i32, C: i32, To: i32, dy: usize, idx: usize, dx: usize): void {
  memory.fill(dx, 0, <usize>(B * T * C) << 2);
  for (let b = 0; b < B; b++) {
    const xb = at(dx, b * T * C);
    for (let t = 0; t < To; t++) {
      const o = (b * To + t) * C;
      for (let c = 0; c < C; c++) {
        const q = at(xb, load<i32>(at(idx, o + c)) * C + c);
        store<f32>(q, load<f32>(q) + load<f32>(at(dy, o + c)));
      }
    }
  }
}

/**
 * maxPool1dBackward for windows that tile the sequence from its start without overlap
 * (stride = pool size, no left padding): every element of dx is written once, dy at the
 * kept index and 0 elsewhere, without clearing dx first.
 */
export function maxPool1dBackwardTiled(B: i32, T: i32, C: i32, To: i32, p: i32, dy: usize, idx: usize, dx: usize): void {
  for (let b = 0; b < B; b++) {
    const xb = at(dx, b * T * C);
    let j = 0;
    for (let t = 0; t < To; t++) {
      const o = (b * To + t) * C;
      const g = at(dy, o);
      const ix = at(idx, o);
      const j1 = min(T, j + p);
      for (; j < j1; j++) {
        const row = at(xb, j * C);
        const jv = i32x4.splat(j);
        let c = 0;
        for (; c + 4 <= C; c += 4) v128.store(at(row, c), v128.and(v128.load(at(g, c)), i32x4.eq(v128.load(at(ix, c)), jv)));
        for (; c < C; c++) store<f32>(at(row, c), load<i32>(at(ix, c)) == j ? load<f32>(at(g, c)) : 0);
      }
    }
    // rows after the last window
    if (j < T) memory.fill(at(xb, j * C), 0, <usize>((T - j) * C) << 2);
  }
}

/** dst[0..n) += src[0..n) (sums the partial weight gradients of helper threads). */
export function addTo(dst: usize, src: usize, n: i32): void {
  addInto(dst, src, dst, n);
}

export * from './conv2d';
export * from './dense';
export * from './convlstm';
export * from './conv3d';
export * from './chunks';
export * from './optim';
