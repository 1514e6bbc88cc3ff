/**
 * Replacements for three 3-D gradient kernels that @tensorflow/tfjs-backend-wasm 4.22
 * ships but computes wrongly (measured against tfjs's cpu kernels through tf.grad,
 * tests/unit/wasm-kernels.test.ts checks the replacements):
 *   - Conv3DBackpropInputV2 (the gradient of Conv3D w.r.t. its input): wrong for every
 *     shape tried, stride 1 or 2, 'same' or 'valid' (max error 14 to 46 on values of
 *     size ~10). A model with two Conv3D layers sat at chance on wasm because of it.
 *   - Conv3DBackpropFilterV2 (the weight gradient): right at stride 1, wrong at stride 2
 *     (max error 24 to 77).
 *   - MaxPool3DGrad: wrong whenever pooling windows overlap or are padded (max error
 *     0.24 to 3.2); right for non-overlapping 'valid' windows.
 * AvgPool3DGrad and the forward Conv3D / MaxPool3D / AvgPool3D agree with cpu and are kept.
 *
 * NDHWC layout (filters [fd][fh][fw][ci][co]), dilation 1 (tfjs-core's gradients refuse
 * other dilations before any kernel runs). The two convolution gradients are im2col /
 * col2im in TypeScript around the backend's own BatchMatMul, in batch slices of at most
 * 16 MiB; the pooling kernels are plain loops. Sums across slices and taps are kept in
 * float64. Inputs are read from the WASM heap and the output is written into memory the
 * backend owns (backend.makeOutput).
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: TensorInfo['dataId']): boolean;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };
type Shape5 = [number, number, number, number, number];
type Triple = number | [number, number, number];

function f32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Geometry of a 3-D convolution or pooling, flattened to plain numbers. */
function geometry(info: tf.backend_util.Conv3DInfo) {
  return {
    N: info.batchSize, ID: info.inDepth, IH: info.inHeight, IW: info.inWidth, CI: info.inChannels,
    OD: info.outDepth, OH: info.outHeight, OW: info.outWidth, CO: info.outChannels,
    FD: info.filterDepth, FH: info.filterHeight, FW: info.filterWidth,
    SD: info.strideDepth, SH: info.strideHeight, SW: info.strideWidth,
    front: info.padInfo.front, top: info.padInfo.top, left: info.padInfo.left,
  };
}

type Geometry = ReturnType<typeof geometry>;

/**
 * Calls visit(xOff, dyOff, wOff) for every (output position, filter tap) pair whose input
 * position lies inside the volume: xOff is the offset of that input position's channel row,
 * dyOff of the output position's channel row, wOff of the tap's [ci][co] block.
 */
function forEachTap(g: Geometry, visit: (xOff: number, dyOff: number, wOff: number) => void): void {
  const { N, ID, IH, IW, CI, OD, OH, OW, CO, FD, FH, FW, SD, SH, SW, front, top, left } = g;
  const tapBlock = CI * CO;
  for (let b = 0; b < N; b++) {
    for (let od = 0; od < OD; od++) {
      for (let fd = 0; fd < FD; fd++) {
        const id = od * SD - front + fd;
        if (id < 0 || id >= ID) continue;
        for (let oh = 0; oh < OH; oh++) {
          for (let fh = 0; fh < FH; fh++) {
            const ih = oh * SH - top + fh;
            if (ih < 0 || ih >= IH) continue;
            const xRow = ((b * ID + id) * IH + ih) * IW;
            const dyRow = ((b * OD + od) * OH + oh) * OW;
            const wRow = (fd * FH + fh) * FW;
            for (let ow = 0; ow < OW; ow++) {
              const dyOff = (dyRow + ow) * CO;
              for (let fw = 0; fw < FW; fw++) {
                const iw = ow * SW - left + fw;
                if (iw < 0 || iw >= IW) continue;
                visit((xRow + iw) * CI, dyOff, (wRow + fw) * tapBlock);
              }
            }
          }
        }
      }
    }
  }
}

interface Conv3DGradAttrs {
  strides: Triple;
  pad: 'valid' | 'same';
  inputShape?: Shape5;
  filterShape?: Shape5;
}

/** The most floats one im2col / col2im slice may hold (16 MiB); bigger batches go in slices. */
let sliceFloats = 4 * 1024 * 1024;

/** Sets the slice size in floats (tests use a small one); returns the previous. */
export function setConv3dSliceFloats(n: number): number {
  const prev = sliceFloats;
  sliceFloats = Math.max(1, Math.floor(n));
  return prev;
}

/** a[1, m, k] . b[1, k, n] with the wasm backend's own BatchMatMul (no transposed operand). */
function matMul(backend: unknown, a: TensorInfo, b: TensorInfo): TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (!kernel) throw new Error('wasm BatchMatMul kernel missing');
  return kernel.kernelFunc({ inputs: { a, b }, backend: backend as tf.KernelBackend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}

/** Images per slice so that a slice's (positions x max(taps, channels)) floats fit. */
function imagesPerSlice(g: Geometry, width: number): number {
  const perImage = g.OD * g.OH * g.OW * Math.max(1, width);
  return Math.max(1, Math.min(g.N, Math.floor(sliceFloats / perImage)));
}

/**
 * dx[b, id, ih, iw, ci] = sum over taps and co of dy[b, od, oh, ow, co] * w[fd, fh, fw, ci, co].
 * Per batch slice: cols[m][k] = dy[m][:] . w[k][:] with one BatchMatMul (w transposed here
 * once, it is small), then col2im adds each column back to its input position.
 */
export function conv3DBackpropInputWasm(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const { strides, pad, inputShape } = args.attrs as Conv3DGradAttrs;
  const g = geometry(tf.backend_util.computeConv3DInfo(inputShape!, filter.shape as Shape5, strides, 1, pad));
  const { N, CI, CO, FD, FH, FW } = g;
  const K = FD * FH * FW * CI;
  const pix = g.OD * g.OH * g.OW;
  const xsN = g.ID * g.IH * g.IW * CI;
  const acc = new Float64Array(tf.util.sizeFromShape(inputShape!));
  const wT = backend.makeOutput([1, CO, K], 'float32');
  {
    const wv = f32(backend, filter);
    const tv = f32(backend, wT);
    for (let k = 0; k < K; k++) for (let co = 0; co < CO; co++) tv[co * K + k] = wv[k * CO + co]!;
  }
  const step = imagesPerSlice(g, Math.max(K, CO));
  for (let n0 = 0; n0 < N; n0 += step) {
    const nb = Math.min(step, N - n0);
    const M = nb * pix;
    const dySlice = backend.makeOutput([1, M, CO], 'float32');
    f32(backend, dySlice).set(f32(backend, dy).subarray(n0 * pix * CO, (n0 + nb) * pix * CO));
    const cols = matMul(args.backend, dySlice, wT);
    backend.disposeData(dySlice.dataId);
    const cv = f32(backend, cols);
    // col2im over this slice: its images are numbered from 0, dx offsets shift by n0 images
    const shift = n0 * xsN;
    forEachTap({ ...g, N: nb }, (xOff, dyOff, wOff) => {
      const c0 = (dyOff / CO) * K + wOff / CO;
      const x0 = shift + xOff;
      for (let ci = 0; ci < CI; ci++) acc[x0 + ci]! += cv[c0 + ci]!;
    });
    backend.disposeData(cols.dataId);
  }
  backend.disposeData(wT.dataId);
  const out = backend.makeOutput([...inputShape!], 'float32');
  f32(backend, out).set(acc);
  return out;
}

/**
 * dw[fd, fh, fw, ci, co] = sum over batch and output positions of x[...] * dy[...]. Per batch
 * slice: a transposed im2col patches[k][m] (k = tap and input channel, m = output position),
 * then dw += patches . dy with the backend's BatchMatMul.
 */
export function conv3DBackpropFilterWasm(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const { strides, pad, filterShape } = args.attrs as Conv3DGradAttrs;
  const g = geometry(tf.backend_util.computeConv3DInfo(x.shape as Shape5, filterShape!, strides, 1, pad));
  const { N, ID, IH, IW, CI, OD, OH, OW, CO, FD, FH, FW, SD, SH, SW, front, top, left } = g;
  const K = FD * FH * FW * CI;
  const pix = OD * OH * OW;
  const acc = new Float64Array(K * CO);
  const step = imagesPerSlice(g, Math.max(K, CO));
  for (let n0 = 0; n0 < N; n0 += step) {
    const nb = Math.min(step, N - n0);
    const M = nb * pix;
    const patches = backend.makeOutput([1, K, M], 'float32');
    const grads = backend.makeOutput([1, M, CO], 'float32');
    // Views after every allocation: the heap may have grown (and moved) meanwhile.
    const xv = f32(backend, x);
    const pv = f32(backend, patches);
    f32(backend, grads).set(f32(backend, dy).subarray(n0 * pix * CO, (n0 + nb) * pix * CO));
    for (let fd = 0; fd < FD; fd++) {
      for (let fh = 0; fh < FH; fh++) {
        for (let fw = 0; fw < FW; fw++) {
          // output columns whose input column lies inside the volume: [owLo, owHi)
          const off = fw - left;
          const owLo = Math.min(OW, Math.max(0, Math.ceil(-off / SW)));
          const owHi = Math.max(owLo, Math.min(OW, Math.floor((IW - 1 - off) / SW) + 1));
          for (let c = 0; c < CI; c++) {
            let p = (((fd * FH + fh) * FW + fw) * CI + c) * M;
            for (let b = n0; b < n0 + nb; b++) {
              for (let od = 0; od < OD; od++) {
                const id = od * SD - front + fd;
                for (let oh = 0; oh < OH; oh++) {
                  const ih = oh * SH - top + fh;
                  if (id < 0 || id >= ID || ih < 0 || ih >= IH) {
                    pv.fill(0, p, p + OW);
                    p += OW;
                    continue;
                  }
                  if (owLo > 0) pv.fill(0, p, p + owLo);
                  p += owLo;
                  let xi = (((b * ID + id) * IH + ih) * IW + off + owLo * SW) * CI + c;
                  const sx = SW * CI;
                  for (let ow = owLo; ow < owHi; ow++, xi += sx) pv[p++] = xv[xi]!;
                  if (owHi < OW) pv.fill(0, p, p + OW - owHi);
                  p += OW - owHi;
                }
              }
            }
          }
        }
      }
    }
    const res = matMul(args.backend, patches, grads);
    backend.disposeData(patches.dataId);
    backend.disposeData(grads.dataId);
    const rv = f32(backend, res);
    for (let i = 0; i < rv.length; i++) acc[i]! += rv[i]!;
    backend.disposeData(res.dataId);
  }
  const out = backend.makeOutput([...filterShape!], 'float32');
  f32(backend, out).set(acc);
  return out;
}

interface Pool3DAttrs {
  filterSize: Triple;
  strides: Triple;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * MaxPool3D forward: each output is the largest input of its window (padding never wins).
 */
export function maxPool3DWasm(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as Pool3DAttrs;
  const info = tf.backend_util.computePool3DInfo(x.shape as Shape5, filterSize, strides, 1, pad, dimRoundingMode);
  const { N, ID, IH, IW, CI: C, OD, OH, OW, SD, SH, SW, front, top, left } = geometry(info);
  const FD = info.effectiveFilterDepth;
  const FH = info.effectiveFilterHeight;
  const FW = info.effectiveFilterWidth;
  const out = backend.makeOutput([...info.outShape], 'float32');
  const yv = f32(backend, out);
  const xv = f32(backend, x);
  const best = new Float32Array(C);
  for (let b = 0; b < N; b++) {
    for (let od = 0; od < OD; od++) {
      const d0 = od * SD - front;
      const dLo = Math.max(0, d0);
      const dHi = Math.min(ID, d0 + FD);
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * SH - top;
        const hLo = Math.max(0, h0);
        const hHi = Math.min(IH, h0 + FH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = ow * SW - left;
          const wLo = Math.max(0, w0);
          const wHi = Math.min(IW, w0 + FW);
          best.fill(Number.NEGATIVE_INFINITY);
          for (let d = dLo; d < dHi; d++) {
            for (let h = hLo; h < hHi; h++) {
              let xi = (((b * ID + d) * IH + h) * IW + wLo) * C;
              for (let w = wLo; w < wHi; w++) {
                for (let c = 0; c < C; c++, xi++) {
                  const v = xv[xi]!;
                  if (v > best[c]!) best[c] = v;
                }
              }
            }
          }
          yv.set(best, (((b * OD + od) * OH + oh) * OW + ow) * C);
        }
      }
    }
  }
  return out;
}

/**
 * MaxPool3DGrad: each output's gradient goes to the input position that held its window's
 * maximum; on ties, the last one in (depth, row, column) order, as tfjs's cpu kernel chooses.
 */
export function maxPool3DGradWasm(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const input = args.inputs.input!;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as Pool3DAttrs;
  const info = tf.backend_util.computePool3DInfo(input.shape as Shape5, filterSize, strides, 1, pad, dimRoundingMode);
  const { N, ID, IH, IW, CI: C, OD, OH, OW, SD, SH, SW, front, top, left } = geometry(info);
  const FD = info.effectiveFilterDepth;
  const FH = info.effectiveFilterHeight;
  const FW = info.effectiveFilterWidth;
  const acc = new Float64Array(tf.util.sizeFromShape(input.shape));
  const xv = f32(backend, input);
  const dyv = f32(backend, dy);
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < N; b++) {
    for (let od = 0; od < OD; od++) {
      const d0 = od * SD - front;
      const dLo = Math.max(0, d0);
      const dHi = Math.min(ID, d0 + FD);
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * SH - top;
        const hLo = Math.max(0, h0);
        const hHi = Math.min(IH, h0 + FH);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = ow * SW - left;
          const wLo = Math.max(0, w0);
          const wHi = Math.min(IW, w0 + FW);
          best.fill(Number.NEGATIVE_INFINITY);
          at.fill(-1);
          for (let d = dLo; d < dHi; d++) {
            for (let h = hLo; h < hHi; h++) {
              let xi = (((b * ID + d) * IH + h) * IW + wLo) * C;
              for (let w = wLo; w < wHi; w++) {
                for (let c = 0; c < C; c++, xi++) {
                  const v = xv[xi]!;
                  if (v >= best[c]!) {
                    best[c] = v;
                    at[c] = xi;
                  }
                }
              }
            }
          }
          const dyOff = (((b * OD + od) * OH + oh) * OW + ow) * C;
          for (let c = 0; c < C; c++) if (at[c]! >= 0) acc[at[c]!]! += dyv[dyOff + c]!;
        }
      }
    }
  }
  const out = backend.makeOutput([...input.shape], 'float32');
  f32(backend, out).set(acc);
  return out;
}

/** The wasm package's kernels these replace, with the replacements. */
export const CONV3D_REPLACEMENTS: readonly { kernelName: string; kernelFunc: (args: KernelArgs) => TensorInfo }[] = [
  { kernelName: 'Conv3DBackpropInputV2', kernelFunc: conv3DBackpropInputWasm },
  { kernelName: 'Conv3DBackpropFilterV2', kernelFunc: conv3DBackpropFilterWasm },
  { kernelName: 'MaxPool3D', kernelFunc: maxPool3DWasm },
  { kernelName: 'MaxPool3DGrad', kernelFunc: maxPool3DGradWasm },
];
