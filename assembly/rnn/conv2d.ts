// Conv2D and 2-D max pooling (NHWC, dilation 1), one image at a time so that the TypeScript
// side can split a batch by images between the kernel threads:
//   x    [IH, IW, CI]      one image               w [FH*FW*CI, CO]  tfjs's [FH, FW, CI, CO], flat
//   cols [OH*OW, FH*FW*CI] the image's patches (im2col) or their gradients
//   y    [OH, OW, CO]
// Served ops: the fused Conv2D layer (+ bias + activation) and MaxPooling2D layer of
// main/engine/kernels/conv2d, and tfjs-backend-wasm's Conv2DBackpropInput /
// Conv2DBackpropFilter (main/engine/kernels/conv/conv2d-grad.ts); the patches are also
// ConvLSTM2D's (convlstm.ts).
import { actRun, at, madd } from './activations';
import { gemmFma } from './index';

// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v128.load(at(src, i)));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(src, i)));
}

// @ts-ignore: decorator
@inline function addRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

/**
 * cols[OH*OW, FH*FW*CI] = patches of x[IH, IW, CI] (zeros outside the image). A patch row
 * fh is FW*CI contiguous floats of x when the patch lies inside the image's width: one copy.
 */
export function patches(x: usize, IH: i32, IW: i32, CI: i32, OH: i32, OW: i32, FH: i32, FW: i32, SH: i32, SW: i32, top: i32, left: i32, cols: usize): void {
  const run = FW * CI;
  const K = FH * run;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const row = at(cols, (oh * OW + ow) * K);
      const iw0 = ow * SW - left;
      const inside = iw0 >= 0 && iw0 + FW <= IW;
      for (let fh = 0; fh < FH; fh++) {
        const ih = oh * SH - top + fh;
        const dst = at(row, fh * run);
        if (ih < 0 || ih >= IH) {
          memory.fill(dst, 0, <usize>run << 2);
        } else if (inside) {
          copyRun(dst, at(x, (ih * IW + iw0) * CI), run);
        } else {
          for (let fw = 0; fw < FW; fw++) {
            const iw = iw0 + fw;
            const d = at(dst, fw * CI);
            if (iw < 0 || iw >= IW) memory.fill(d, 0, <usize>CI << 2);
            else copyRun(d, at(x, (ih * IW + iw) * CI), CI);
          }
        }
      }
    }
  }
}

/** dx[IH, IW, CI] += the patch gradients cols[OH*OW, FH*FW*CI] where the patches were read (col2im). */
export function unpatch(cols: usize, IH: i32, IW: i32, CI: i32, OH: i32, OW: i32, FH: i32, FW: i32, SH: i32, SW: i32, top: i32, left: i32, dx: usize): void {
  const run = FW * CI;
  const K = FH * run;
  for (let oh = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++) {
      const row = at(cols, (oh * OW + ow) * K);
      const iw0 = ow * SW - left;
      const inside = iw0 >= 0 && iw0 + FW <= IW;
      for (let fh = 0; fh < FH; fh++) {
        const ih = oh * SH - top + fh;
        if (ih < 0 || ih >= IH) continue;
        const src = at(row, fh * run);
        if (inside) {
          addRun(at(dx, (ih * IW + iw0) * CI), src, run);
        } else {
          for (let fw = 0; fw < FW; fw++) {
            const iw = iw0 + fw;
            if (iw >= 0 && iw < IW) addRun(at(dx, (ih * IW + iw) * CI), at(src, fw * CI), CI);
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function ldb(bias: usize, j: i32): v128 {
  return bias ? v128.load(at(bias, j)) : f32x4.splat(0);
}

/**
 * One output row of a convolution: c[M, N] = bias + A . w, where A's row i (output pixel i)
 * is FH runs of `run` contiguous floats starting at a + i*sai, the runs `rowStride` floats
 * apart (the filter rows over the input rows), and w is [FH*run, N]. The whole K = FH*run
 * stays in the 4x8 register tiles: no im2col and no reload of c between filter rows.
 */
function convRow(a: usize, sai: i32, FH: i32, rowStride: i32, run: i32, w: usize, N: i32, c: usize, M: i32, bias: usize): void {
  const sa = <usize>sai << 2;
  const sa2 = sa + sa;
  const sa3 = sa2 + sa;
  const jump = <usize>(rowStride - run) << 2;
  const sb = <usize>N << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const pa0 = at(a, i * sai);
    const c0 = at(c, i * N);
    const c1 = at(c, (i + 1) * N);
    const c2 = at(c, (i + 2) * N);
    const c3 = at(c, (i + 3) * N);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let s00 = ldb(bias, j), s01 = ldb(bias, j + 4);
      let s10 = s00, s11 = s01, s20 = s00, s21 = s01, s30 = s00, s31 = s01;
      let pa = pa0;
      let pb = at(w, j);
      for (let fh = 0; fh < FH; fh++) {
        for (let k = 0; k < run; k++) {
          const b0 = v128.load(pb), b1 = v128.load(pb, 16);
          let x = v128.load32_splat(pa);
          s00 = madd(x, b0, s00); s01 = madd(x, b1, s01);
          x = v128.load32_splat(pa + sa);
          s10 = madd(x, b0, s10); s11 = madd(x, b1, s11);
          x = v128.load32_splat(pa + sa2);
          s20 = madd(x, b0, s20); s21 = madd(x, b1, s21);
          x = v128.load32_splat(pa + sa3);
          s30 = madd(x, b0, s30); s31 = madd(x, b1, s31);
          pa += 4;
          pb += sb;
        }
        pa += jump;
      }
      v128.store(at(c0, j), s00); v128.store(at(c0, j + 4), s01);
      v128.store(at(c1, j), s10); v128.store(at(c1, j + 4), s11);
      v128.store(at(c2, j), s20); v128.store(at(c2, j + 4), s21);
      v128.store(at(c3, j), s30); v128.store(at(c3, j + 4), s31);
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = ldb(bias, j);
      let s1 = s0, s2 = s0, s3 = s0;
      let pa = pa0;
      let pb = at(w, j);
      for (let fh = 0; fh < FH; fh++) {
        for (let k = 0; k < run; k++) {
          const b0 = v128.load(pb);
          s0 = madd(v128.load32_splat(pa), b0, s0);
          s1 = madd(v128.load32_splat(pa + sa), b0, s1);
          s2 = madd(v128.load32_splat(pa + sa2), b0, s2);
          s3 = madd(v128.load32_splat(pa + sa3), b0, s3);
          pa += 4;
          pb += sb;
        }
        pa += jump;
      }
      v128.store(at(c0, j), s0); v128.store(at(c1, j), s1); v128.store(at(c2, j), s2); v128.store(at(c3, j), s3);
    }
    for (; j < N; j++) {
      const b = bias ? load<f32>(at(bias, j)) : <f32>0;
      let s0 = b, s1 = b, s2 = b, s3 = b;
      let pa = pa0;
      let pb = at(w, j);
      for (let fh = 0; fh < FH; fh++) {
        for (let k = 0; k < run; k++) {
          const bv = load<f32>(pb);
          s0 += load<f32>(pa) * bv;
          s1 += load<f32>(pa + sa) * bv;
          s2 += load<f32>(pa + sa2) * bv;
          s3 += load<f32>(pa + sa3) * bv;
          pa += 4;
          pb += sb;
        }
        pa += jump;
      }
      store<f32>(at(c0, j), s0); store<f32>(at(c1, j), s1); store<f32>(at(c2, j), s2); store<f32>(at(c3, j), s3);
    }
  }
  for (; i < M; i++) {
    const pa0 = at(a, i * sai);
    const c0 = at(c, i * N);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let s0 = ldb(bias, j);
      let pa = pa0;
      let pb = at(w, j);
      for (let fh = 0; fh < FH; fh++) {
        for (let k = 0; k < run; k++) {
          s0 = madd(v128.load32_splat(pa), v128.load(pb), s0);
          pa += 4;
          pb += sb;
        }
        pa += jump;
      }
      v128.store(at(c0, j), s0);
    }
    for (; j < N; j++) {
      let s0 = bias ? load<f32>(at(bias, j)) : <f32>0;
      let pa = pa0;
      let pb = at(w, j);
      for (let fh = 0; fh < FH; fh++) {
        for (let k = 0; k < run; k++) {
          s0 += load<f32>(pa) * load<f32>(pb);
          pa += 4;
          pb += sb;
        }
        pa += jump;
      }
      store<f32>(at(c0, j), s0);
    }
  }
}

/**
 * y[B, OH, OW, CO] = act(conv(x, w) + bias) (bias 0: none) for images already padded to
 * [IHp, IWp] (padImages). No im2col: for output row oh, a patch is FH runs of FW*CI
 * contiguous floats of the input rows oh*SH.., and consecutive patches are SW*CI floats
 * apart, so each row of y is one convRow over x itself (the conv1d kernels' trick, in 2-D).
 */
export function conv2dForward(B: i32, IHp: i32, IWp: i32, CI: i32, OH: i32, OW: i32, CO: i32, FH: i32, FW: i32, SH: i32, SW: i32, x: usize, w: usize, bias: usize, y: usize, kind: i32): void {
  const run = FW * CI;
  const rowStride = IWp * CI;
  for (let b = 0; b < B; b++) {
    const xb = at(x, b * IHp * rowStride);
    for (let oh = 0; oh < OH; oh++) {
      const yr = at(y, (b * OH + oh) * OW * CO);
      convRow(at(xb, oh * SH * rowStride), SW * CI, FH, rowStride, run, w, CO, yr, OW, bias);
      // the activation while this row is still in cache
      actRun(kind, yr, OW * CO);
    }
  }
}

/** dst[B, IHp, IWp, C] = src[B, IH, IW, C] placed at (top, left), zeros around it. */
export function padImages(src: usize, dst: usize, B: i32, IH: i32, IW: i32, C: i32, top: i32, left: i32, IHp: i32, IWp: i32): void {
  memory.fill(dst, 0, <usize>(B * IHp * IWp * C) << 2);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < IH; h++) copyRun(at(dst, ((b * IHp + h + top) * IWp + left) * C), at(src, (b * IH + h) * IW * C), IW * C);
  }
}

/** dw[K, CO] (+)= sum over the batch of patches(x_b)^T . dy_b. cols: OH*OW*K floats of scratch. */
export function conv2dFilterGrad(B: i32, IH: i32, IW: i32, CI: i32, OH: i32, OW: i32, CO: i32, FH: i32, FW: i32, SH: i32, SW: i32, top: i32, left: i32, x: usize, dy: usize, cols: usize, dw: usize, accumulate: i32): void {
  const K = FH * FW * CI;
  const P = OH * OW;
  if (B == 0 && !accumulate) memory.fill(dw, 0, <usize>(K * CO) << 2);
  for (let b = 0; b < B; b++) {
    patches(at(x, b * IH * IW * CI), IH, IW, CI, OH, OW, FH, FW, SH, SW, top, left, cols);
    gemmFma(cols, 1, K, at(dy, b * P * CO), CO, dw, CO, K, P, CO, b > 0 || accumulate ? 1 : 0);
  }
}

/**
 * dx[B, IH, IW, CI] = col2im(dy_b . w^T) per image: each patch gradient added back where the
 * patch was read. wT: [CO, K]; cols: OH*OW*K floats of scratch.
 */
export function conv2dInputGrad(B: i32, IH: i32, IW: i32, CI: i32, OH: i32, OW: i32, CO: i32, FH: i32, FW: i32, SH: i32, SW: i32, top: i32, left: i32, dy: usize, wT: usize, cols: usize, dx: usize): void {
  const K = FH * FW * CI;
  const P = OH * OW;
  memory.fill(dx, 0, <usize>(B * IH * IW * CI) << 2);
  for (let b = 0; b < B; b++) {
    gemmFma(at(dy, b * P * CO), CO, 1, wT, K, cols, K, P, CO, K, 0);
    unpatch(cols, IH, IW, CI, OH, OW, FH, FW, SH, SW, top, left, at(dx, b * IH * IW * CI));
  }
}

/**
 * y[B, OH, OW, C] = max over each window (the part inside the image, tfjs's 'same' rule);
 * idx (i32, same shape) = the position of the maximum within its image, for the backward
 * pass. Ties go to the first position in (row, column) order, as tfjs's cpu kernel
 * (maxPoolPositions) and main/engine/kernels/conv/pool2d.ts choose.
 */
export function maxPool2dForward(B: i32, IH: i32, IW: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, top: i32, left: i32, x: usize, y: usize, idx: usize): void {
  const img = IH * IW * C;
  for (let b = 0; b < B; b++) {
    const xb = at(x, b * img);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * SH - top;
      const hLo = max(0, h0);
      const hHi = min(IH, h0 + PH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * SW - left;
        const wLo = max(0, w0);
        const wHi = min(IW, w0 + PW);
        const o = ((b * OH + oh) * OW + ow) * C;
        const first = (hLo * IW + wLo) * C;
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let best = v128.load(at(xb, first + c));
          let pos = i32x4.add(i32x4.splat(first + c), i32x4(0, 1, 2, 3));
          for (let h = hLo; h < hHi; h++) {
            for (let w = h == hLo ? wLo + 1 : wLo; w < wHi; w++) {
              const p = (h * IW + w) * C + c;
              const v = v128.load(at(xb, p));
              const m = f32x4.gt(v, best);
              best = v128.bitselect(v, best, m);
              pos = v128.bitselect(i32x4.add(i32x4.splat(p), i32x4(0, 1, 2, 3)), pos, m);
            }
          }
          v128.store(at(y, o + c), best);
          v128.store(at(idx, o + c), pos);
        }
        for (; c < C; c++) {
          let best = load<f32>(at(xb, first + c));
          let pos = first + c;
          for (let h = hLo; h < hHi; h++) {
            for (let w = h == hLo ? wLo + 1 : wLo; w < wHi; w++) {
              const p = (h * IW + w) * C + c;
              const v = load<f32>(at(xb, p));
              if (v > best) {
                best = v;
                pos = p;
              }
            }
          }
          store<f32>(at(y, o + c), best);
          store<i32>(at(idx, o + c), pos);
        }
      }
    }
  }
}

/** dx[B, IH, IW, C] = each output's gradient added at the position that held its maximum. */
export function maxPool2dBackward(B: i32, IH: i32, IW: i32, C: i32, OH: i32, OW: i32, dy: usize, idx: usize, dx: usize): void {
  const img = IH * IW * C;
  const n = OH * OW * C;
  memory.fill(dx, 0, <usize>(B * img) << 2);
  for (let b = 0; b < B; b++) {
    const xb = at(dx, b * img);
    const o = b * n;
    for (let i = 0; i < n; i++) {
      const p = at(xb, load<i32>(at(idx, o + i)));
      store<f32>(p, load<f32>(p) + load<f32>(at(dy, o + i)));
    }
  }
}
