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
 * Plain loops over the NDHWC layout (filters [fd][fh][fw][ci][co]), dilation 1 (tfjs-core's
 * gradients refuse other dilations before any kernel runs). The innermost loops run over
 * contiguous channel rows of x / dy and the filter's contiguous [ci][co] block; sums are
 * kept in float64 like the cpu kernels do. Inputs are read from the WASM heap and the
 * output is written into memory the backend owns (backend.makeOutput).
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
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

/** dx[b, id, ih, iw, ci] = sum over taps and co of dy[b, od, oh, ow, co] * w[fd, fh, fw, ci, co]. */
export function conv3DBackpropInputWasm(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const { strides, pad, inputShape } = args.attrs as Conv3DGradAttrs;
  const g = geometry(tf.backend_util.computeConv3DInfo(inputShape!, filter.shape as Shape5, strides, 1, pad));
  const { CI, CO } = g;
  const acc = new Float64Array(tf.util.sizeFromShape(inputShape!));
  const dyv = f32(backend, dy);
  const wv = f32(backend, filter);
  forEachTap(g, (xOff, dyOff, wOff) => {
    for (let ci = 0; ci < CI; ci++) {
      const w0 = wOff + ci * CO;
      let sum = 0;
      for (let co = 0; co < CO; co++) sum += dyv[dyOff + co]! * wv[w0 + co]!;
      acc[xOff + ci]! += sum;
    }
  });
  const out = backend.makeOutput([...inputShape!], 'float32');
  f32(backend, out).set(acc);
  return out;
}

/** dw[fd, fh, fw, ci, co] = sum over batch and output positions of x[...] * dy[...]. */
export function conv3DBackpropFilterWasm(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const { strides, pad, filterShape } = args.attrs as Conv3DGradAttrs;
  const g = geometry(tf.backend_util.computeConv3DInfo(x.shape as Shape5, filterShape!, strides, 1, pad));
  const { CI, CO } = g;
  const acc = new Float64Array(tf.util.sizeFromShape(filterShape!));
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  forEachTap(g, (xOff, dyOff, wOff) => {
    for (let ci = 0; ci < CI; ci++) {
      const xval = xv[xOff + ci]!;
      if (xval === 0) continue;
      const w0 = wOff + ci * CO;
      for (let co = 0; co < CO; co++) acc[w0 + co]! += xval * dyv[dyOff + co]!;
    }
  });
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
