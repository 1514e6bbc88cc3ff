/**
 * Conv2D's two gradients for 'wasm' on the kernel module of ../rnn (AssemblyScript SIMD
 * GEMM, images split over the kernel threads): Conv2DBackpropInput replaces the package's
 * own (a generic loop that took about half of a ConvLSTM2D training step), and
 * Conv2DBackpropFilter runs here before falling back to the im2col + BatchMatMul version of
 * index.ts. NHWC, dilation 1 (tfjs-core's conv2d gradient refuses other dilations), any
 * stride and padding; NCHW, or the module not loaded, goes to the other implementation.
 *
 * Per image: cols = im2col(x) then dW += colsᵀ · dy for the filter; cols = dy · Wᵀ then a
 * col2im sum for the input.
 */
import * as tf from '@tensorflow/tfjs';
import { RnnWasm, rnnWasm } from '../rnn/wasm';

type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };

interface GradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

function f32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

function geometry(x: [number, number, number, number], filter: [number, number, number, number], a: GradAttrs) {
  const info = tf.backend_util.computeConv2DInfo(x, filter, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  return {
    B: info.batchSize, IH: info.inHeight, IW: info.inWidth, CI: info.inChannels, OH: info.outHeight, OW: info.outWidth, CO: info.outChannels,
    FH: info.filterHeight, FW: info.filterWidth, SH: info.strideHeight, SW: info.strideWidth, top: info.padInfo.top, left: info.padInfo.left,
  };
}

/** The module when it can run this call (NHWC, loaded), else null. */
function usable(a: GradAttrs): RnnWasm | null {
  if (a.dataFormat === 'NCHW' || process.env.SEQLAB_FUSED === '0') return null;
  return rnnWasm();
}

/** Conv2DBackpropFilter on the module, or null to let the caller compute it another way. */
export function conv2dFilterGradFast(args: KernelArgs): TensorInfo | null {
  const a = args.attrs as GradAttrs;
  const w = usable(a);
  if (!w) return null;
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const g = geometry(x.shape as [number, number, number, number], a.filterShape!, a);
  const K = g.FH * g.FW * g.CI;
  const P = g.OH * g.OW;
  try {
    w.begin();
    const px = w.put(f32(backend, x));
    const pdy = w.put(f32(backend, dy));
    const cols = w.alloc(w.threads * P * K);
    // one partial sum per fixed chunk of images, added up in order: the same bits on any thread count
    const pdw = w.reduceByChunks(g.B, K * g.CO, (chunk, first) =>
      w.split('conv2dFilterGrad', g.B, {
        args: [g.B, g.IH, g.IW, g.CI, g.OH, g.OW, g.CO, g.FH, g.FW, g.SH, g.SW, g.top, g.left, px, pdy, cols, first, 1],
        count: 0,
        chunk,
        perItem: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.IH * g.IW * g.CI * 4, P * g.CO * 4, 0, 0, 0],
        perThread: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, P * K * 4, 0, 0],
        perChunk: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, RnnWasm.partStride(K * g.CO), 0],
      }),
    );
    const out = backend.makeOutput([...a.filterShape!], 'float32');
    f32(backend, out).set(w.view(pdw, K * g.CO));
    return out;
  } catch (e) {
    // memory too small for this batch: the other implementation takes it
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** Conv2DBackpropInput on the module, or null to let the caller compute it another way. */
export function conv2dInputGradFast(args: KernelArgs): TensorInfo | null {
  const a = args.attrs as GradAttrs;
  const w = usable(a);
  if (!w) return null;
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const g = geometry(a.inputShape!, filter.shape as [number, number, number, number], a);
  const K = g.FH * g.FW * g.CI;
  const P = g.OH * g.OW;
  try {
    w.begin();
    const pdy = w.put(f32(backend, dy));
    const pw = w.put(f32(backend, filter));
    const pwT = w.alloc(g.CO * K);
    w.k.transpose(pw, pwT, K, g.CO);
    const parts = w.threads;
    const cols = w.alloc(parts * P * K);
    const n = g.B * g.IH * g.IW * g.CI;
    const pdx = w.alloc(n);
    w.split('conv2dInputGrad', g.B, {
      args: [g.B, g.IH, g.IW, g.CI, g.OH, g.OW, g.CO, g.FH, g.FW, g.SH, g.SW, g.top, g.left, pdy, pwT, cols, pdx],
      count: 0,
      perItem: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, P * g.CO * 4, 0, 0, g.IH * g.IW * g.CI * 4],
      perThread: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, P * K * 4, 0],
    });
    const out = backend.makeOutput([...a.inputShape!], 'float32');
    f32(backend, out).set(w.view(pdx, n));
    return out;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

const WRAPPED = Symbol('seqlab.conv2dInputGrad');

/** Puts conv2dInputGradFast in front of the package's Conv2DBackpropInput for 'wasm' (once). */
export function installFastConv2dInputGrad(): string[] {
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!stock || (stock.kernelFunc as unknown as { [WRAPPED]?: true })[WRAPPED]) return [];
  const inner = stock.kernelFunc;
  const kernelFunc = ((args: KernelArgs) => conv2dInputGradFast(args) ?? inner(args as never)) as unknown as tf.KernelFunc & { [WRAPPED]?: true };
  kernelFunc[WRAPPED] = true;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ ...stock, kernelFunc });
  return ['Conv2DBackpropInput'];
}
