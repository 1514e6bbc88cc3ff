/**
 * MaxPoolGrad for 'wasm', replacing tfjs-backend-wasm 4.22's, which routes the gradient of
 * channel 0 only and drops every other channel's whenever there is more than one (seen on
 * [1, 1, 4, 2] with a 1x1 pool: 1,0,0,4,... against the cpu backend's 1,2,3,4,...). That
 * kernel trained every max-pooling CNN on wasm with wrong gradients: the MaxPooling1D
 * layers of listings 6.47 and 6.49 (when not fused), the per-frame video CNN and the
 * captioning encoder.
 *
 * Each output's gradient goes to the input position that held its window's maximum; on
 * ties, the first in (row, column) order, as tfjs's cpu kernel (maxPoolPositions) chooses.
 * NHWC, dilation 1 (tfjs-core's maxPool gradient refuses others).
 */
import * as tf from '@tensorflow/tfjs';
import { maxPool2dGradFast } from './conv3d-fast';

type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface Pool2DAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };

export function maxPoolGradWasm(args: KernelArgs): TensorInfo {
  // on the kernel module when it is loaded (conv3d-fast.ts); this loop otherwise
  const fast = maxPool2dGradFast(args);
  if (fast) return fast;
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const input = args.inputs.input!;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as Pool2DAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: N, inHeight: IH, inWidth: IW, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: SH, strideWidth: SW } = info;
  const FH = info.effectiveFilterHeight;
  const FW = info.effectiveFilterWidth;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // the sums go straight into the output, in the backend's heap: a fresh array of this size
  // (20 MB for the video CNN) costs more in page faults than the whole loop
  const out = backend.makeOutput([...input.shape], 'float32');
  const xv = backend.typedArrayFromHeap(input) as Float32Array;
  const dyv = backend.typedArrayFromHeap(dy) as Float32Array;
  const acc = backend.typedArrayFromHeap(out) as Float32Array;
  acc.fill(0);
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < N; b++) {
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
        for (let h = hLo; h < hHi; h++) {
          let xi = ((b * IH + h) * IW + wLo) * C;
          for (let w = wLo; w < wHi; w++) {
            for (let c = 0; c < C; c++, xi++) {
              const v = xv[xi]!;
              if (v > best[c]! || at[c]! < 0) {
                best[c] = v;
                at[c] = xi;
              }
            }
          }
        }
        const dyOff = ((b * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) if (at[c]! >= 0) acc[at[c]!]! += dyv[dyOff + c]!;
      }
    }
  }
  return out;
}

/** The wasm package's kernels these replace, with the replacements. */
export const POOL2D_REPLACEMENTS: readonly { kernelName: string; kernelFunc: (args: KernelArgs) => TensorInfo }[] = [{ kernelName: 'MaxPoolGrad', kernelFunc: maxPoolGradWasm }];
