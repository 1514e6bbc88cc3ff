// Fused ConvLSTM2D (channels last, dilation 1) over a whole sequence, one sample at a
// time, so that the TypeScript side (main/engine/kernels/convlstm) can split a batch by
// samples between threads. tfjs-layers 4.22's cell (convolutional_recurrent.js):
//   z = conv(x_t, Wx, strides, padding) + b + conv(h_{t-1}, Wh, 1, 'same')   [OH, OW, 4F]
//   i, f, o = ract(z_i, z_f, z_o), g = act(z_c), c = f*c' + i*g, h = o*act(c)
// Both convolutions are im2col + gemm; the patches are kept for the weight gradients.
// Recurrent dropout (Keras 3's ConvLSTMCell: one mask for all four gates, the same at
// every timestep): the recurrent convolution reads h_{t-1} * mh, with mh [P, F] per sample
// (0: none); the input mask is applied by the TypeScript side before the op.
//
// geo: i32 words [T, IH, IW, C, OH, OW, F, FH, FW, SH, SW, top, left, act, ract]
// Per sample (byte strides are the TS side's): x [T, IH, IW, C], colsX [T, P, Kx],
// colsH [T, P, Kh] (row block t = patches of h_{t-1}; zeros at t = 0), gates [T, P, 4F]
// (after their activations), cs [T+1, P, F] (cs[0] = 0), tcs [T, P, F] = act(c_t),
// hs [T, P, F]; P = OH*OW, Kx = FH*FW*C, Kh = FH*FW*F.
import { actv, at, dactv } from './activations';
import { patches, unpatch } from './conv2d';
import { gemm, gemmBias } from './index';

// @ts-ignore: decorator
@inline function gi(geo: usize, i: i32): i32 {
  return load<i32>(geo + (<usize>i << 2));
}

/** dst[0..n) = a * b, element by element. */
function mulTo(dst: usize, a: usize, b: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(dst, j), f32x4.mul(v128.load(at(a, j)), v128.load(at(b, j))));
  for (; j < n; j++) store<f32>(at(dst, j), load<f32>(at(a, j)) * load<f32>(at(b, j)));
}

/**
 * Forward pass of B samples (each sample's arrays follow the previous one's). wx [Kx, 4F],
 * wh [Kh, 4F] (tfjs's kernels, flat), bias [4F] (0: none). mh: the recurrent dropout
 * masks [P, F] per sample, or 0; hm: scratch [P, F] for the masked state (with mh).
 */
export function convLstmForward(B: i32, geo: usize, x: usize, wx: usize, bias: usize, wh: usize, colsX: usize, colsH: usize, gates: usize, cs: usize, tcs: usize, hs: usize, mh: usize, hm: usize): void {
  const T = gi(geo, 0), IH = gi(geo, 1), IW = gi(geo, 2), C = gi(geo, 3), OH = gi(geo, 4), OW = gi(geo, 5), F = gi(geo, 6);
  const FH = gi(geo, 7), FW = gi(geo, 8), SH = gi(geo, 9), SW = gi(geo, 10), top = gi(geo, 11), left = gi(geo, 12);
  const ka = gi(geo, 13), kr = gi(geo, 14);
  const P = OH * OW, G = 4 * F, Kx = FH * FW * C, Kh = FH * FW * F;
  // Keras's recurrent convolution: 'same', stride 1 (tfjs's split of the padding)
  const rtop = (FH - 1) >> 1, rleft = (FW - 1) >> 1;
  for (let b = 0; b < B; b++) {
    const xb = at(x, b * T * IH * IW * C);
    const cxb = at(colsX, b * T * P * Kx);
    const chb = at(colsH, b * T * P * Kh);
    const gb = at(gates, b * T * P * G);
    const cb = at(cs, b * (T + 1) * P * F);
    const tb = at(tcs, b * T * P * F);
    const hb = at(hs, b * T * P * F);
    memory.fill(cb, 0, <usize>(P * F) << 2);
    for (let t = 0; t < T; t++) {
      const cx = at(cxb, t * P * Kx);
      const ch = at(chb, t * P * Kh);
      const z = at(gb, t * P * G);
      patches(at(xb, t * IH * IW * C), IH, IW, C, OH, OW, FH, FW, SH, SW, top, left, cx);
      gemmBias(cx, Kx, 1, wx, G, z, G, P, Kx, G, 0, bias);
      if (t > 0) {
        let hPrev = at(hb, (t - 1) * P * F);
        if (mh != 0) {
          mulTo(hm, hPrev, at(mh, b * P * F), P * F);
          hPrev = hm;
        }
        patches(hPrev, OH, OW, F, OH, OW, FH, FW, 1, 1, rtop, rleft, ch);
        gemm(ch, Kh, 1, wh, G, z, G, P, Kh, G, 1);
      } else {
        memory.fill(ch, 0, <usize>(P * Kh) << 2);
      }
      const cPrev = at(cb, t * P * F);
      const cNow = at(cb, (t + 1) * P * F);
      const tNow = at(tb, t * P * F);
      const hNow = at(hb, t * P * F);
      for (let p = 0; p < P; p++) {
        const zr = at(z, p * G);
        const o = p * F;
        let j = 0;
        for (; j + 4 <= F; j += 4) {
          const iv = actv(kr, v128.load(at(zr, j)));
          const fv = actv(kr, v128.load(at(zr, F + j)));
          const gv = actv(ka, v128.load(at(zr, 2 * F + j)));
          const ov = actv(kr, v128.load(at(zr, 3 * F + j)));
          const cv = f32x4.add(f32x4.mul(fv, v128.load(at(cPrev, o + j))), f32x4.mul(iv, gv));
          const tv = actv(ka, cv);
          v128.store(at(zr, j), iv); v128.store(at(zr, F + j), fv); v128.store(at(zr, 2 * F + j), gv); v128.store(at(zr, 3 * F + j), ov);
          v128.store(at(cNow, o + j), cv);
          v128.store(at(tNow, o + j), tv);
          v128.store(at(hNow, o + j), f32x4.mul(ov, tv));
        }
        for (; j < F; j++) {
          const iv = f32x4.extract_lane(actv(kr, f32x4.splat(load<f32>(at(zr, j)))), 0);
          const fv = f32x4.extract_lane(actv(kr, f32x4.splat(load<f32>(at(zr, F + j)))), 0);
          const gv = f32x4.extract_lane(actv(ka, f32x4.splat(load<f32>(at(zr, 2 * F + j)))), 0);
          const ov = f32x4.extract_lane(actv(kr, f32x4.splat(load<f32>(at(zr, 3 * F + j)))), 0);
          const cv = fv * load<f32>(at(cPrev, o + j)) + iv * gv;
          const tv = f32x4.extract_lane(actv(ka, f32x4.splat(cv)), 0);
          store<f32>(at(zr, j), iv); store<f32>(at(zr, F + j), fv); store<f32>(at(zr, 2 * F + j), gv); store<f32>(at(zr, 3 * F + j), ov);
          store<f32>(at(cNow, o + j), cv);
          store<f32>(at(tNow, o + j), tv);
          store<f32>(at(hNow, o + j), ov * tv);
        }
      }
    }
  }
}

/**
 * Backpropagation through time of B samples. dy: [T, P, F] per sample with returnSeq,
 * else [P, F]. whT [4F, Kh] and wxT [4F, Kx]: the kernels transposed. Writes dz [T, P, 4F]
 * per sample (the pre-activation gradients: the weight gradients are gemms over all of
 * them, done afterwards so that they do not depend on the split) and dx [T, IH, IW, C].
 * scratch (per thread): dh, dc [P*F] each, then cols [P * max(Kh, Kx)]. mh: the forward
 * pass's recurrent dropout masks, or 0.
 */
export function convLstmBackward(B: i32, geo: usize, dy: usize, returnSeq: i32, whT: usize, wxT: usize, gates: usize, cs: usize, tcs: usize, dz: usize, dx: usize, scratch: usize, mh: usize): void {
  const T = gi(geo, 0), IH = gi(geo, 1), IW = gi(geo, 2), C = gi(geo, 3), OH = gi(geo, 4), OW = gi(geo, 5), F = gi(geo, 6);
  const FH = gi(geo, 7), FW = gi(geo, 8), SH = gi(geo, 9), SW = gi(geo, 10), top = gi(geo, 11), left = gi(geo, 12);
  const ka = gi(geo, 13), kr = gi(geo, 14);
  const P = OH * OW, G = 4 * F, Kx = FH * FW * C, Kh = FH * FW * F, PF = P * F;
  const rtop = (FH - 1) >> 1, rleft = (FW - 1) >> 1;
  const dh = scratch;
  const dc = at(scratch, (PF + 3) & ~3);
  const cols = at(dc, (PF + 3) & ~3);
  const frame = IH * IW * C;
  for (let b = 0; b < B; b++) {
    const dyb = at(dy, b * (returnSeq ? T : 1) * PF);
    const gb = at(gates, b * T * P * G);
    const cb = at(cs, b * (T + 1) * PF);
    const tb = at(tcs, b * T * PF);
    const db = at(dz, b * T * P * G);
    const dxb = at(dx, b * T * frame);
    memory.fill(dxb, 0, <usize>(T * frame) << 2);
    memory.fill(dc, 0, <usize>PF << 2);
    if (returnSeq) memory.fill(dh, 0, <usize>PF << 2);
    else memory.copy(dh, dyb, <usize>PF << 2);
    for (let t = T - 1; t >= 0; t--) {
      if (returnSeq) {
        const d = at(dyb, t * PF);
        let j = 0;
        for (; j + 4 <= PF; j += 4) v128.store(at(dh, j), f32x4.add(v128.load(at(dh, j)), v128.load(at(d, j))));
        for (; j < PF; j++) store<f32>(at(dh, j), load<f32>(at(dh, j)) + load<f32>(at(d, j)));
      }
      const g0 = at(gb, t * P * G);
      const z0 = at(db, t * P * G);
      const cPrev = at(cb, t * PF);
      const tNow = at(tb, t * PF);
      for (let p = 0; p < P; p++) {
        const gr = at(g0, p * G);
        const zr = at(z0, p * G);
        const o = p * F;
        let j = 0;
        for (; j + 4 <= F; j += 4) {
          const iv = v128.load(at(gr, j)), fv = v128.load(at(gr, F + j)), gv = v128.load(at(gr, 2 * F + j)), ov = v128.load(at(gr, 3 * F + j));
          const tv = v128.load(at(tNow, o + j));
          const dhv = v128.load(at(dh, o + j));
          const dcv = f32x4.add(v128.load(at(dc, o + j)), f32x4.mul(f32x4.mul(dhv, ov), dactv(ka, tv)));
          v128.store(at(zr, j), f32x4.mul(f32x4.mul(dcv, gv), dactv(kr, iv)));
          v128.store(at(zr, F + j), f32x4.mul(f32x4.mul(dcv, v128.load(at(cPrev, o + j))), dactv(kr, fv)));
          v128.store(at(zr, 2 * F + j), f32x4.mul(f32x4.mul(dcv, iv), dactv(ka, gv)));
          v128.store(at(zr, 3 * F + j), f32x4.mul(f32x4.mul(dhv, tv), dactv(kr, ov)));
          v128.store(at(dc, o + j), f32x4.mul(dcv, fv));
        }
        for (; j < F; j++) {
          const iv = load<f32>(at(gr, j)), fv = load<f32>(at(gr, F + j)), gv = load<f32>(at(gr, 2 * F + j)), ov = load<f32>(at(gr, 3 * F + j));
          const tv = load<f32>(at(tNow, o + j));
          const dhv = load<f32>(at(dh, o + j));
          const dcv = load<f32>(at(dc, o + j)) + dhv * ov * f32x4.extract_lane(dactv(ka, f32x4.splat(tv)), 0);
          store<f32>(at(zr, j), dcv * gv * f32x4.extract_lane(dactv(kr, f32x4.splat(iv)), 0));
          store<f32>(at(zr, F + j), dcv * load<f32>(at(cPrev, o + j)) * f32x4.extract_lane(dactv(kr, f32x4.splat(fv)), 0));
          store<f32>(at(zr, 2 * F + j), dcv * iv * f32x4.extract_lane(dactv(ka, f32x4.splat(gv)), 0));
          store<f32>(at(zr, 3 * F + j), dhv * tv * f32x4.extract_lane(dactv(kr, f32x4.splat(ov)), 0));
          store<f32>(at(dc, o + j), dcv * fv);
        }
      }
      // dh_{t-1} = the recurrent convolution's input gradient
      memory.fill(dh, 0, <usize>PF << 2);
      if (t > 0) {
        gemm(z0, G, 1, whT, Kh, cols, Kh, P, G, Kh, 0);
        unpatch(cols, OH, OW, F, OH, OW, FH, FW, 1, 1, rtop, rleft, dh);
        // the convolution read h_{t-1} * mh
        if (mh != 0) mulTo(dh, dh, at(mh, b * PF), PF);
      }
      gemm(z0, G, 1, wxT, Kx, cols, Kx, P, G, Kx, 0);
      unpatch(cols, IH, IW, C, OH, OW, FH, FW, SH, SW, top, left, at(dxb, t * frame));
    }
  }
}
