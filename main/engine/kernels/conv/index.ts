/**
 * Gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, registered for the
 * 'wasm' backend so that the lesson presets train there:
 *   - Conv2DBackpropFilter: Conv1D and Conv2D weights (listings 6.47 and 6.49, the
 *     per-frame video CNN, ConvLSTM2D, the captioning encoder). im2col in TypeScript
 *     (transposed: one row per filter tap) straight into the WASM heap, then one (or, for
 *     big inputs, a few) calls of the backend's own BatchMatMul: dW = patches . dy.
 *   - UnsortedSegmentSum: the gradient of Gather, i.e. of Embedding (captioning).
 *   - DepthwiseConv2dNativeBackpropFilter / Input: depthwise and separable convolutions
 *     (no preset uses them yet; plain loops over the NHWC layout, dilation 1).
 * and replaces those the package has but gets wrong: Conv3DBackpropInputV2,
 * Conv3DBackpropFilterV2, MaxPool3D and MaxPool3DGrad (conv3d.ts), MaxPoolGrad (pool2d.ts),
 * and passes 'same' padding to the 2-D convolutions as explicit pads (same-pad.ts).
 * It also installs the faster Unpack and
 * Transpose of ../wasm-ops.ts.
 *
 * Each kernel reads its inputs from the WASM heap (backend.typedArrayFromHeap) and
 * writes the output into memory the backend owns (backend.makeOutput), the way the
 * package's own kernels do. Dilation never reaches Conv2DBackpropFilter: tfjs-core's
 * conv2d gradient refuses dilation rates above 1 before any kernel runs.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV3D_REPLACEMENTS } from './conv3d';
import { installFastConv3d, kernelBehind } from './conv3d-fast';
import { installFastSum } from '../sum-leading';
import { installFastTransposedMatMul } from '../matmul-transposed';
import { POOL2D_REPLACEMENTS } from './pool2d';
import { installExplicitSamePadding } from './same-pad';
import { conv2dFilterGradFast, installFastConv2dInputGrad } from './conv2d-grad';
import { installFastWasmOps } from '../wasm-ops';

type TensorInfo = tf.TensorInfo;
type DataId = TensorInfo['dataId'];

/** The parts of tfjs-backend-wasm's BackendWasm that these kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: ArrayLike<number>): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** The most floats an im2col chunk may hold (16 MiB). Bigger inputs are processed in batch slices. */
let chunkFloats = 4 * 1024 * 1024;

/** Sets the im2col slice size in floats (tests use a small one); returns the previous. */
export function setIm2colChunkFloats(n: number): number {
  const prev = chunkFloats;
  chunkFloats = Math.max(1, Math.floor(n));
  return prev;
}

function f32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): TensorInfo {
  // NHWC on the kernel module (conv2d-grad.ts) when it is loaded; this im2col + BatchMatMul otherwise
  const fast = conv2dFilterGradFast(args);
  if (fast) return fast;
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format,
  );
  const { batchSize: N, inHeight: IH, inWidth: IW, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const { filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const last = info.dataFormat === 'channelsLast';
  const K = FH * FW * CI;
  const pix = OH * OW;
  // x strides for [n][h][w][c] whatever the layout
  const xsN = IH * IW * CI;
  const xsH = last ? IW * CI : IW;
  const xsW = last ? CI : 1;
  const xsC = last ? 1 : IH * IW;
  const dysN = pix * CO;

  const perImage = pix * Math.max(K, CO);
  const step = Math.max(1, Math.min(N, Math.floor(chunkFloats / Math.max(1, perImage))));
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matMul) throw new Error('wasm BatchMatMul kernel missing');

  let acc: Float64Array | null = null;
  let single: TensorInfo | null = null;
  for (let n0 = 0; n0 < N; n0 += step) {
    const nb = Math.min(step, N - n0);
    const M = nb * pix;
    const patches = backend.makeOutput([1, K, M], 'float32');
    const grads = backend.makeOutput([1, M, CO], 'float32');
    // Views after every allocation: the heap may have grown (and moved) meanwhile.
    const xv = f32(backend, x);
    const dyv = f32(backend, dy);
    const pv = f32(backend, patches);
    const gv = f32(backend, grads);
    // Transposed im2col, patches[k][m] with k = (fh, fw, ci) and m = (b, oh, ow): each row
    // is written front to back, and the product patches . dy needs no transposition
    // (the wasm BatchMatMul is ten times slower with transposeA).
    for (let fh = 0; fh < FH; fh++) {
      for (let fw = 0; fw < FW; fw++) {
        // output columns whose input column lies inside the image: [owLo, owHi)
        const off = fw - left;
        const owLo = Math.min(OW, Math.max(0, Math.ceil(-off / SW)));
        const owHi = Math.max(owLo, Math.min(OW, Math.floor((IW - 1 - off) / SW) + 1));
        for (let c = 0; c < CI; c++) {
          let p = ((fh * FW + fw) * CI + c) * M;
          for (let b = n0; b < n0 + nb; b++) {
            const xb = b * xsN + c * xsC;
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * SH - top + fh;
              if (ih < 0 || ih >= IH) {
                pv.fill(0, p, p + OW);
                p += OW;
                continue;
              }
              const xh = xb + ih * xsH + off * xsW;
              if (owLo > 0) pv.fill(0, p, p + owLo);
              p += owLo;
              const sw = SW * xsW;
              let xi = xh + owLo * sw;
              for (let ow = owLo; ow < owHi; ow++, xi += sw) pv[p++] = xv[xi]!;
              if (owHi < OW) pv.fill(0, p, p + OW - owHi);
              p += OW - owHi;
            }
          }
        }
      }
    }
    if (last) {
      gv.set(dyv.subarray(n0 * dysN, (n0 + nb) * dysN));
    } else {
      // dy is [n][co][oh][ow]: transpose each image to [oh*ow][co]
      for (let b = 0; b < nb; b++) {
        const src = (n0 + b) * dysN;
        const dst = b * dysN;
        for (let co = 0; co < CO; co++) {
          const s = src + co * pix;
          for (let q = 0; q < pix; q++) gv[dst + q * CO + co] = dyv[s + q]!;
        }
      }
    }
    const res = matMul.kernelFunc({
      inputs: { a: patches, b: grads },
      backend: args.backend as tf.KernelBackend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    backend.disposeData(patches.dataId);
    backend.disposeData(grads.dataId);
    if (step >= N) {
      single = res;
      break;
    }
    const rv = f32(backend, res);
    if (!acc) acc = new Float64Array(K * CO);
    for (let i = 0; i < rv.length; i++) acc[i]! += rv[i]!;
    backend.disposeData(res.dataId);
  }
  if (single) {
    // BatchMatMul's result is [1, K, CO] in the filter's own order [fh][fw][ci][co].
    return { dataId: single.dataId, shape: [...filterShape], dtype: 'float32' };
  }
  const out = backend.makeOutput([...filterShape], 'float32');
  f32(backend, out).set(acc!);
  return out;
}

export function unsortedSegmentSumWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const ids = args.inputs.segmentIds!;
  const { numSegments } = args.attrs as { numSegments: number };
  const count = tf.util.sizeFromShape(ids.shape);
  const innerShape = x.shape.slice(ids.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const ov = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(x);
  const iv = backend.typedArrayFromHeap(ids);
  ov.fill(0);
  for (let i = 0; i < count; i++) {
    const s = iv[i]!;
    if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range ids
    const o = s * inner;
    const xi = i * inner;
    for (let j = 0; j < inner; j++) ov[o + j]! += xv[xi + j]!;
  }
  return out;
}

interface DepthwiseGradAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

/** Geometry shared by the two depthwise gradients (NHWC; dilation 1, as tfjs-core's gradient requires). */
function depthwiseInfo(xShape: number[], filterShape: number[], a: DepthwiseGradAttrs) {
  if (!tf.backend_util.tupleValuesAreOne(a.dilations)) throw new Error('depthwise conv gradients support dilation 1 only');
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, true,
  );
  return {
    N: info.batchSize, IH: info.inHeight, IW: info.inWidth, CI: info.inChannels, OH: info.outHeight, OW: info.outWidth, CO: info.outChannels,
    FH: info.filterHeight, FW: info.filterWidth, SH: info.strideHeight, SW: info.strideWidth, top: info.padInfo.top, left: info.padInfo.left,
    CM: info.outChannels / info.inChannels,
  };
}

export function depthwiseConv2dBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const a = args.attrs as DepthwiseGradAttrs;
  const filterShape = a.filterShape!;
  const { N, IH, IW, CI, OH, OW, CO, FH, FW, SH, SW, top, left, CM } = depthwiseInfo(x.shape, filterShape, a);
  const acc = new Float64Array(FH * FW * CO);
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((b * OH + oh) * OW + ow) * CO;
        for (let fh = 0; fh < FH; fh++) {
          const ih = oh * SH - top + fh;
          if (ih < 0 || ih >= IH) continue;
          for (let fw = 0; fw < FW; fw++) {
            const iw = ow * SW - left + fw;
            if (iw < 0 || iw >= IW) continue;
            const xOff = ((b * IH + ih) * IW + iw) * CI;
            const wOff = (fh * FW + fw) * CO;
            // filter [fh][fw][d1][q] and dy's channel d1*CM+q share the index j
            for (let d1 = 0, j = 0; d1 < CI; d1++) {
              const xval = xv[xOff + d1]!;
              for (let q = 0; q < CM; q++, j++) acc[wOff + j]! += xval * dyv[dyOff + j]!;
            }
          }
        }
      }
    }
  }
  const out = backend.makeOutput([...filterShape], 'float32');
  f32(backend, out).set(acc);
  return out;
}

export function depthwiseConv2dBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const a = args.attrs as DepthwiseGradAttrs;
  const inputShape = a.inputShape!;
  const { N, IH, IW, CI, OH, OW, CO, FH, FW, SH, SW, top, left, CM } = depthwiseInfo(inputShape, filter.shape, a);
  const out = backend.makeOutput([...inputShape], 'float32');
  const dx = f32(backend, out);
  const dyv = f32(backend, dy);
  const wv = f32(backend, filter);
  dx.fill(0);
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyOff = ((b * OH + oh) * OW + ow) * CO;
        for (let fh = 0; fh < FH; fh++) {
          const ih = oh * SH - top + fh;
          if (ih < 0 || ih >= IH) continue;
          for (let fw = 0; fw < FW; fw++) {
            const iw = ow * SW - left + fw;
            if (iw < 0 || iw >= IW) continue;
            const xOff = ((b * IH + ih) * IW + iw) * CI;
            const wOff = (fh * FW + fw) * CO;
            for (let d1 = 0, j = 0; d1 < CI; d1++) {
              let sum = 0;
              for (let q = 0; q < CM; q++, j++) sum += dyv[dyOff + j]! * wv[wOff + j]!;
              dx[xOff + d1]! += sum;
            }
          }
        }
      }
    }
  }
  return out;
}

const KERNELS: { kernelName: string; kernelFunc: typeof conv2DBackpropFilterWasm }[] = [
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2DBackpropFilterWasm },
  { kernelName: 'UnsortedSegmentSum', kernelFunc: unsortedSegmentSumWasm },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: depthwiseConv2dBackpropFilterWasm },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: depthwiseConv2dBackpropInputWasm },
];

/**
 * Registers the kernels above for 'wasm' where tfjs-backend-wasm has none (a later
 * version that ships its own keeps it). Safe to call more than once. Returns the names
 * registered by this call.
 */
export function registerWasmGradKernels(): string[] {
  const added: string[] = [];
  for (const k of KERNELS) {
    if (tf.getKernel(k.kernelName, 'wasm')) continue;
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: k.kernelFunc as unknown as tf.KernelFunc });
    added.push(k.kernelName);
  }
  // Kernels the wasm package has but computes wrongly (conv3d.ts, pool2d.ts): replaced,
  // keeping the stock setup function, unless the replacement is already in place.
  for (const k of [...CONV3D_REPLACEMENTS, ...POOL2D_REPLACEMENTS]) {
    const stock = tf.getKernel(k.kernelName, 'wasm');
    const kernelFunc = k.kernelFunc as unknown as tf.KernelFunc;
    if (kernelBehind(stock?.kernelFunc) === kernelFunc) continue;
    if (stock) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({ ...stock, kernelName: k.kernelName, backendName: 'wasm', kernelFunc });
    added.push(k.kernelName);
  }
  // Conv3D and MaxPool3D on the kernel module (conv3d-fast.ts), in front of the above.
  added.push(...installFastConv3d());
  // Bias gradients (Sum over the leading axes) in one pass (sum-leading.ts).
  added.push(...installFastSum());
  // BatchMatMul with a transposed operand as Transpose + plain product (matmul-transposed.ts).
  added.push(...installFastTransposedMatMul());
  // 'same' padding passed to the forward 2-D convolutions as explicit pads (same-pad.ts).
  added.push(...installExplicitSamePadding());
  // Conv2D's input gradient on the kernel module (conv2d-grad.ts), the package's otherwise.
  added.push(...installFastConv2dInputGrad());
  // Faster Unpack and leading-axes Transpose (block copies), for every model on wasm.
  installFastWasmOps();
  return added;
}

/** The kernel names this module provides (or replaces) for 'wasm'. */
export const WASM_GRAD_KERNELS: readonly string[] = [...KERNELS, ...CONV3D_REPLACEMENTS, ...POOL2D_REPLACEMENTS].map((k) => k.kernelName);
