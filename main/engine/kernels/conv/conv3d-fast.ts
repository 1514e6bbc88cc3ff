/**
 * Conv3D (forward and both gradients) and MaxPool3D (forward and gradient) for 'wasm' on the
 * kernel module of ../rnn (assembly/rnn/conv3d.ts: im2col + the module's SIMD GEMM per image,
 * the batch split by images over the kernel threads). They sit in front of the kernels that
 * serve these ops otherwise (the package's Conv3D, the replacements of conv3d.ts), which still
 * run where this file declines: the module not loaded, SEQLAB_FUSED=0, a switch below off,
 * a dilation, or a batch whose scratch does not fit the module's memory.
 *
 * Why: the Conv3D lesson model spent most of a training step in the package's Conv3D (a plain
 * loop) and in the single-threaded TypeScript gradient and pooling loops of conv3d.ts.
 * Switches (switches.ts): 'conv3d-conv' the convolution, 'conv3d-pool' the pooling.
 */
import * as tf from '@tensorflow/tfjs';
import { RnnWasm, rnnWasm, type RnnExports } from '../rnn/wasm';
import { FUSED_SWITCHES, fusedOn } from '../switches';

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };
type Shape5 = [number, number, number, number, number];
type Triple = number | [number, number, number];

FUSED_SWITCHES['conv3d-conv'] = 'Conv3D forward and gradients on the kernel module, split by images over the threads (off: the package Conv3D, the TypeScript gradients of conv3d.ts)';
FUSED_SWITCHES['caption-pool-grad'] = 'MaxPoolGrad (2-D) on the kernel module, split by images (off: the TypeScript loop of pool2d.ts)';
FUSED_SWITCHES['conv3d-pool'] = 'MaxPool3D forward and gradient on the kernel module, split by images (off: the TypeScript loops of conv3d.ts)';

/** Calls each kernel of this file served (tests check that the module, not a fallback, ran). */
export const conv3dFastCalls: Record<string, number> = {};

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The functions of assembly/rnn/conv3d.ts (the module's other exports are typed in ../rnn/wasm.ts). */
interface Conv3dExports {
  conv3dForward(B: number, geo: number, x: number, w: number, cols: number, y: number): void;
  conv3dFilterGrad(B: number, geo: number, x: number, dy: number, cols: number, dw: number, accumulate: number): void;
  conv3dInputGrad(B: number, geo: number, dy: number, wT: number, cols: number, dx: number): void;
  maxPool3d(B: number, geo: number, x: number, dy: number, out: number): void;
}

function f32(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

function module(sw: string): RnnWasm | null {
  if (!fusedOn(sw)) return null;
  const w = rnnWasm();
  return w && typeof (w.k as unknown as Partial<Conv3dExports>).conv3dForward === 'function' ? w : null;
}

/** The 18 geometry numbers of assembly/rnn/conv3d.ts, from tfjs's own Conv3DInfo. */
function geoOf(info: tf.backend_util.Conv3DInfo, pool: boolean): number[] {
  return [
    info.inDepth, info.inHeight, info.inWidth, info.inChannels, info.outDepth, info.outHeight, info.outWidth, info.outChannels,
    pool ? info.effectiveFilterDepth : info.filterDepth, pool ? info.effectiveFilterHeight : info.filterHeight, pool ? info.effectiveFilterWidth : info.filterWidth,
    info.strideDepth, info.strideHeight, info.strideWidth, info.padInfo.front, info.padInfo.top, info.padInfo.left, 0,
  ];
}

function putGeo(w: RnnWasm, geo: number[]): number {
  const p = w.alloc(geo.length);
  new Int32Array(w.k.memory.buffer, p, geo.length).set(geo);
  return p;
}

function dilated(d: Triple | undefined): boolean {
  return d !== undefined && !tf.backend_util.tupleValuesAreOne(d as [number, number, number]);
}

/** Runs body, or answers null when the module's memory cannot hold this batch (the caller's kernel takes it). */
function guarded(body: () => TensorInfo): TensorInfo | null {
  try {
    return body();
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

const split = (w: RnnWasm, name: keyof Conv3dExports, B: number, args: number[], perItem: number[], perThread: number[]): void =>
  w.split(name as unknown as keyof RnnExports, B, { args: [B, ...args], count: 0, perItem: [0, ...perItem], perThread: [0, ...perThread] });

interface ConvAttrs {
  strides: Triple;
  pad: 'valid' | 'same';
  dilations?: Triple;
  inputShape?: Shape5;
  filterShape?: Shape5;
}

export function conv3dForwardFast(args: KernelArgs): TensorInfo | null {
  const a = args.attrs as ConvAttrs;
  const w = module('conv3d-conv');
  if (!w || dilated(a.dilations)) return null;
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const filter = args.inputs.filter!;
  const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, filter.shape as Shape5, a.strides, 1, a.pad);
  const B = info.batchSize;
  const xs = info.inDepth * info.inHeight * info.inWidth * info.inChannels;
  const P = info.outDepth * info.outHeight * info.outWidth;
  const K = info.filterDepth * info.filterHeight * info.filterWidth * info.inChannels;
  const CO = info.outChannels;
  return guarded(() => {
    w.begin();
    const geo = putGeo(w, geoOf(info, false));
    const px = w.put(f32(backend, x));
    const pw = w.put(f32(backend, filter));
    const cols = w.alloc(w.threads * P * K);
    const py = w.alloc(B * P * CO);
    split(w, 'conv3dForward', B, [geo, px, pw, cols, py], [0, xs * 4, 0, 0, P * CO * 4], [0, 0, 0, P * K * 4, 0]);
    const out = backend.makeOutput([...info.outShape], 'float32');
    f32(backend, out).set(w.view(py, B * P * CO));
    return out;
  });
}

export function conv3dFilterGradFast(args: KernelArgs): TensorInfo | null {
  const a = args.attrs as ConvAttrs;
  const w = module('conv3d-conv');
  if (!w || dilated(a.dilations)) return null;
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const info = tf.backend_util.computeConv3DInfo(x.shape as Shape5, a.filterShape!, a.strides, 1, a.pad);
  const B = info.batchSize;
  const xs = info.inDepth * info.inHeight * info.inWidth * info.inChannels;
  const P = info.outDepth * info.outHeight * info.outWidth;
  const K = info.filterDepth * info.filterHeight * info.filterWidth * info.inChannels;
  const CO = info.outChannels;
  return guarded(() => {
    w.begin();
    const geo = putGeo(w, geoOf(info, false));
    const px = w.put(f32(backend, x));
    const pdy = w.put(f32(backend, dy));
    const cols = w.alloc(w.threads * P * K);
    // one partial sum per fixed chunk of images, added up in order: the same bits on any thread count
    const pdw = w.reduceByChunks(B, K * CO, (chunk, first) =>
      w.split('conv3dFilterGrad' as unknown as keyof RnnExports, B, {
        args: [B, geo, px, pdy, cols, first, 1],
        count: 0,
        chunk,
        perItem: [0, 0, xs * 4, P * CO * 4, 0, 0, 0],
        perThread: [0, 0, 0, 0, P * K * 4, 0, 0],
        perChunk: [0, 0, 0, 0, 0, RnnWasm.partStride(K * CO), 0],
      }),
    );
    const out = backend.makeOutput([...a.filterShape!], 'float32');
    f32(backend, out).set(w.view(pdw, K * CO));
    return out;
  });
}

export function conv3dInputGradFast(args: KernelArgs): TensorInfo | null {
  const a = args.attrs as ConvAttrs;
  const w = module('conv3d-conv');
  if (!w || dilated(a.dilations)) return null;
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const info = tf.backend_util.computeConv3DInfo(a.inputShape!, filter.shape as Shape5, a.strides, 1, a.pad);
  const B = info.batchSize;
  const xs = info.inDepth * info.inHeight * info.inWidth * info.inChannels;
  const P = info.outDepth * info.outHeight * info.outWidth;
  const K = info.filterDepth * info.filterHeight * info.filterWidth * info.inChannels;
  const CO = info.outChannels;
  return guarded(() => {
    w.begin();
    const geo = putGeo(w, geoOf(info, false));
    const pdy = w.put(f32(backend, dy));
    const pw = w.put(f32(backend, filter));
    const pwT = w.alloc(CO * K);
    w.k.transpose(pw, pwT, K, CO);
    const cols = w.alloc(w.threads * P * K);
    const pdx = w.alloc(B * xs);
    split(w, 'conv3dInputGrad', B, [geo, pdy, pwT, cols, pdx], [0, P * CO * 4, 0, 0, xs * 4], [0, 0, 0, P * K * 4, 0]);
    const out = backend.makeOutput([...a.inputShape!], 'float32');
    f32(backend, out).set(w.view(pdx, B * xs));
    return out;
  });
}

interface PoolAttrs {
  filterSize: Triple;
  strides: Triple;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pool(args: KernelArgs, x: TensorInfo, dy: TensorInfo | null): TensorInfo | null {
  const w = module('conv3d-pool');
  if (!w) return null;
  const backend = args.backend as WasmBackendLike;
  const a = args.attrs as PoolAttrs;
  const info = tf.backend_util.computePool3DInfo(x.shape as Shape5, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const B = info.batchSize;
  const xs = info.inDepth * info.inHeight * info.inWidth * info.inChannels;
  const ys = info.outDepth * info.outHeight * info.outWidth * info.outChannels;
  return guarded(() => {
    w.begin();
    const geo = putGeo(w, geoOf(info, true));
    const px = w.put(f32(backend, x));
    const pdy = dy ? w.put(f32(backend, dy)) : 0;
    const n = dy ? B * xs : B * ys;
    const po = w.alloc(n);
    split(w, 'maxPool3d', B, [geo, px, pdy, po], [0, xs * 4, dy ? ys * 4 : 0, (dy ? xs : ys) * 4], [0, 0, 0, 0]);
    const out = backend.makeOutput(dy ? [...x.shape] : [...info.outShape], 'float32');
    f32(backend, out).set(w.view(po, n));
    return out;
  });
}

/**
 * MaxPoolGrad (2-D, NHWC) as the depth-1 case of the 3-D kernel, ties to the first maximum as
 * tfjs's cpu kernel; pool2d.ts calls it first. The captioning encoder's two poolings spent
 * 21 ms per batch in the TypeScript loop.
 */
export function maxPool2dGradFast(args: KernelArgs): TensorInfo | null {
  const w = module('caption-pool-grad');
  if (!w) return null;
  const backend = args.backend as WasmBackendLike;
  const a = args.attrs as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  const x = args.inputs.input!;
  const dy = args.inputs.dy!;
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const B = info.batchSize;
  const C = info.inChannels;
  const xs = info.inHeight * info.inWidth * C;
  const ys = info.outHeight * info.outWidth * C;
  const geo = [1, info.inHeight, info.inWidth, C, 1, info.outHeight, info.outWidth, C, 1, info.effectiveFilterHeight, info.effectiveFilterWidth, 1, info.strideHeight, info.strideWidth, 0, info.padInfo.top, info.padInfo.left, 1];
  return guarded(() => {
    w.begin();
    const pg = putGeo(w, geo);
    const px = w.put(f32(backend, x));
    const pdy = w.put(f32(backend, dy));
    const po = w.alloc(B * xs);
    split(w, 'maxPool3d', B, [pg, px, pdy, po], [0, xs * 4, ys * 4, xs * 4], [0, 0, 0, 0]);
    const out = backend.makeOutput([...x.shape], 'float32');
    f32(backend, out).set(w.view(po, B * xs));
    conv3dFastCalls.MaxPoolGrad = (conv3dFastCalls.MaxPoolGrad ?? 0) + 1;
    return out;
  });
}

export const maxPool3dFast = (args: KernelArgs): TensorInfo | null => pool(args, args.inputs.x!, null);
export const maxPool3dGradFast = (args: KernelArgs): TensorInfo | null => pool(args, args.inputs.input!, args.inputs.dy!);

const FAST: Record<string, (args: KernelArgs) => TensorInfo | null> = {
  Conv3D: conv3dForwardFast,
  Conv3DBackpropFilterV2: conv3dFilterGradFast,
  Conv3DBackpropInputV2: conv3dInputGradFast,
  MaxPool3D: maxPool3dFast,
  MaxPool3DGrad: maxPool3dGradFast,
};

const WRAPPED = Symbol('seqlab.conv3dFast');

type Wrapper = tf.KernelFunc & { [WRAPPED]?: tf.KernelFunc };

/** The kernel a wrapper of installFastConv3d runs when the module declines (the function itself otherwise). */
export function kernelBehind(f: tf.KernelFunc | undefined): tf.KernelFunc | undefined {
  return (f as Wrapper | undefined)?.[WRAPPED] ?? f;
}

/**
 * Puts the kernels above in front of whatever serves these ops for 'wasm' now (call after
 * conv3d.ts's replacements are registered; once). Returns the names wrapped by this call.
 */
export function installFastConv3d(): string[] {
  const added: string[] = [];
  for (const [name, fast] of Object.entries(FAST)) {
    const current = tf.getKernel(name, 'wasm');
    if (!current || (current.kernelFunc as Wrapper)[WRAPPED]) continue;
    const inner = current.kernelFunc;
    const kernelFunc = ((args: KernelArgs) => {
      const out = fast(args);
      if (!out) return inner(args as never);
      conv3dFastCalls[name] = (conv3dFastCalls[name] ?? 0) + 1;
      return out;
    }) as unknown as Wrapper;
    kernelFunc[WRAPPED] = inner;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...current, kernelFunc });
    added.push(name);
  }
  return added;
}
