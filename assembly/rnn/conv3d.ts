// Conv3D and MaxPool3D for tfjs-backend-wasm (main/engine/kernels/conv/conv3d-fast.ts), NDHWC,
// dilation 1, any stride and padding. The geometry travels as 18 i32 at `geo` (fewer kernel
// arguments than the team's limit; the same block for every thread):
//   0 ID 1 IH 2 IW 3 CI 4 OD 5 OH 6 OW 7 CO 8 FD 9 FH 10 FW 11 SD 12 SH 13 SW 14 front 15 top 16 left
//   17 (pooling) 1: ties go to the first maximum, as tfjs's 2-D pooling; 0: to the last, as its 3-D
// (pooling: CI = CO = channels, F* the effective window; 2-D pooling is depth 1). One image at a time, so that a
// batch splits over the kernel threads by images:
//   cols[OD*OH*OW, FD*FH*FW*CI]  the image's patches (im2col) or their gradients
//   w   [FD*FH*FW*CI, CO]        the filter, flat (tfjs's [FD, FH, FW, CI, CO])
import { gemmFma } from './index';

// @ts-ignore: decorator
@inline function p4(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function g(geo: usize, i: i32): i32 {
  return load<i32>(p4(geo, i));
}

/** cols = patches of one image x[ID, IH, IW, CI] (zeros where a patch leaves the volume). */
function im2col3d(geo: usize, x: usize, cols: usize): void {
  const ID = g(geo, 0), IH = g(geo, 1), IW = g(geo, 2), CI = g(geo, 3);
  const OD = g(geo, 4), OH = g(geo, 5), OW = g(geo, 6);
  const FD = g(geo, 8), FH = g(geo, 9), FW = g(geo, 10);
  const SD = g(geo, 11), SH = g(geo, 12), SW = g(geo, 13);
  const front = g(geo, 14), top = g(geo, 15), left = g(geo, 16);
  const K = FD * FH * FW * CI;
  const bytes = <usize>CI << 2;
  let row = cols;
  for (let od = 0; od < OD; od++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let dst = row;
        for (let fd = 0; fd < FD; fd++) {
          const id = od * SD - front + fd;
          for (let fh = 0; fh < FH; fh++) {
            const ih = oh * SH - top + fh;
            const inside = id >= 0 && id < ID && ih >= 0 && ih < IH;
            const src = p4(x, ((id * IH + ih) * IW) * CI);
            for (let fw = 0; fw < FW; fw++) {
              const iw = ow * SW - left + fw;
              if (!inside || iw < 0 || iw >= IW) memory.fill(dst, 0, bytes);
              else if (CI == 1) store<f32>(dst, load<f32>(p4(src, iw)));
              else memory.copy(dst, p4(src, iw * CI), bytes);
              dst += bytes;
            }
          }
        }
        row = p4(row, K);
      }
    }
  }
}

/** y[B, OD, OH, OW, CO] = conv(x, w) without bias. cols: one image's patches of scratch. */
export function conv3dForward(B: i32, geo: usize, x: usize, w: usize, cols: usize, y: usize): void {
  const xs = g(geo, 0) * g(geo, 1) * g(geo, 2) * g(geo, 3);
  const P = g(geo, 4) * g(geo, 5) * g(geo, 6);
  const CO = g(geo, 7);
  const K = g(geo, 8) * g(geo, 9) * g(geo, 10) * g(geo, 3);
  for (let b = 0; b < B; b++) {
    im2col3d(geo, p4(x, b * xs), cols);
    gemmFma(cols, K, 1, w, CO, p4(y, b * P * CO), CO, P, K, CO, 0);
  }
}

/** dw[K, CO] (+)= sum over the batch of patches(x_b)^T . dy_b. */
export function conv3dFilterGrad(B: i32, geo: usize, x: usize, dy: usize, cols: usize, dw: usize, accumulate: i32): void {
  const xs = g(geo, 0) * g(geo, 1) * g(geo, 2) * g(geo, 3);
  const P = g(geo, 4) * g(geo, 5) * g(geo, 6);
  const CO = g(geo, 7);
  const K = g(geo, 8) * g(geo, 9) * g(geo, 10) * g(geo, 3);
  if (B == 0 && !accumulate) memory.fill(dw, 0, <usize>(K * CO) << 2);
  for (let b = 0; b < B; b++) {
    im2col3d(geo, p4(x, b * xs), cols);
    gemmFma(cols, 1, K, p4(dy, b * P * CO), CO, dw, CO, K, P, CO, b > 0 || accumulate ? 1 : 0);
  }
}

/** dx[B, ID, IH, IW, CI] = col2im(dy_b . w^T) per image. wT: [CO, K]. */
export function conv3dInputGrad(B: i32, geo: usize, dy: usize, wT: usize, cols: usize, dx: usize): void {
  const ID = g(geo, 0), IH = g(geo, 1), IW = g(geo, 2), CI = g(geo, 3);
  const OD = g(geo, 4), OH = g(geo, 5), OW = g(geo, 6), CO = g(geo, 7);
  const FD = g(geo, 8), FH = g(geo, 9), FW = g(geo, 10);
  const SD = g(geo, 11), SH = g(geo, 12), SW = g(geo, 13);
  const front = g(geo, 14), top = g(geo, 15), left = g(geo, 16);
  const K = FD * FH * FW * CI;
  const P = OD * OH * OW;
  const xs = ID * IH * IW * CI;
  memory.fill(dx, 0, <usize>(B * xs) << 2);
  for (let b = 0; b < B; b++) {
    gemmFma(p4(dy, b * P * CO), CO, 1, wT, K, cols, K, P, CO, K, 0);
    const xb = p4(dx, b * xs);
    let row = cols;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let src = row;
          for (let fd = 0; fd < FD; fd++) {
            const id = od * SD - front + fd;
            for (let fh = 0; fh < FH; fh++) {
              const ih = oh * SH - top + fh;
              const inside = id >= 0 && id < ID && ih >= 0 && ih < IH;
              for (let fw = 0; fw < FW; fw++) {
                const iw = ow * SW - left + fw;
                if (inside && iw >= 0 && iw < IW) {
                  const d = p4(xb, ((id * IH + ih) * IW + iw) * CI);
                  let c = 0;
                  for (; c + 4 <= CI; c += 4) v128.store(p4(d, c), f32x4.add(v128.load(p4(d, c)), v128.load(p4(src, c))));
                  for (; c < CI; c++) store<f32>(p4(d, c), load<f32>(p4(d, c)) + load<f32>(p4(src, c)));
                }
                src = p4(src, CI);
              }
            }
          }
          row = p4(row, K);
        }
      }
    }
  }
}

/**
 * MaxPool3D over B images; with dy != 0 it is the gradient instead: each output's gradient
 * goes to the input position that held its window's maximum (on ties the last one in
 * (depth, row, column) order, as tfjs's cpu kernel chooses), written to out = dx.
 * A window with no input inside gives -Infinity forward and no gradient.
 */
export function maxPool3d(B: i32, geo: usize, x: usize, dy: usize, out: usize): void {
  const ID = g(geo, 0), IH = g(geo, 1), IW = g(geo, 2), C = g(geo, 3);
  const OD = g(geo, 4), OH = g(geo, 5), OW = g(geo, 6);
  const FD = g(geo, 8), FH = g(geo, 9), FW = g(geo, 10);
  const SD = g(geo, 11), SH = g(geo, 12), SW = g(geo, 13);
  const front = g(geo, 14), top = g(geo, 15), left = g(geo, 16);
  const first = g(geo, 17) != 0;
  const xs = ID * IH * IW * C;
  const ys = OD * OH * OW * C;
  const grad = dy != 0;
  if (grad) memory.fill(out, 0, <usize>(B * xs) << 2);
  for (let b = 0; b < B; b++) {
    const xb = p4(x, b * xs);
    let yo = b * ys;
    for (let od = 0; od < OD; od++) {
      const d0 = od * SD - front;
      const dLo = max(0, d0), dHi = min(ID, d0 + FD);
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * SH - top;
        const hLo = max(0, h0), hHi = min(IH, h0 + FH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = ow * SW - left;
          const wLo = max(0, w0), wHi = min(IW, w0 + FW);
          let c = 0;
          const lanes = i32x4(0, 1, 2, 3);
          for (; c + 4 <= C; c += 4) {
            let best = f32x4.splat(-Infinity);
            let bi = i32x4.splat(-1);
            for (let d = dLo; d < dHi; d++) {
              for (let h = hLo; h < hHi; h++) {
                let xi = ((d * IH + h) * IW + wLo) * C + c;
                for (let w = wLo; w < wHi; w++, xi += C) {
                  const v = v128.load(p4(xb, xi));
                  const m = first ? v128.or(f32x4.gt(v, best), i32x4.eq(bi, i32x4.splat(-1))) : f32x4.ge(v, best);
                  best = v128.bitselect(v, best, m);
                  // each lane's own input index: channel c + lane
                  bi = v128.bitselect(i32x4.add(i32x4.splat(xi), lanes), bi, m);
                }
              }
            }
            if (grad) {
              const gv = v128.load(p4(dy, yo + c));
              for (let l = 0; l < 4; l++) {
                // lanes by constant index: i32x4.extract_lane needs an immediate
                const i = l == 0 ? i32x4.extract_lane(bi, 0) : l == 1 ? i32x4.extract_lane(bi, 1) : l == 2 ? i32x4.extract_lane(bi, 2) : i32x4.extract_lane(bi, 3);
                const gl = l == 0 ? f32x4.extract_lane(gv, 0) : l == 1 ? f32x4.extract_lane(gv, 1) : l == 2 ? f32x4.extract_lane(gv, 2) : f32x4.extract_lane(gv, 3);
                if (i >= 0) {
                  const q = p4(p4(out, b * xs), i);
                  store<f32>(q, load<f32>(q) + gl);
                }
              }
            } else {
              v128.store(p4(out, yo + c), best);
            }
          }
          for (; c < C; c++) {
            let best: f32 = -Infinity;
            let bi = -1;
            for (let d = dLo; d < dHi; d++) {
              for (let h = hLo; h < hHi; h++) {
                let xi = ((d * IH + h) * IW + wLo) * C + c;
                for (let w = wLo; w < wHi; w++, xi += C) {
                  const v = load<f32>(p4(xb, xi));
                  if (first ? v > best || bi < 0 : v >= best) {
                    best = v;
                    bi = xi;
                  }
                }
              }
            }
            if (grad) {
              if (bi >= 0) {
                const q = p4(p4(out, b * xs), bi);
                store<f32>(q, load<f32>(q) + load<f32>(p4(dy, yo + c)));
              }
            } else {
              store<f32>(p4(out, yo + c), best);
            }
          }
          yo += C;
        }
      }
    }
  }
}
