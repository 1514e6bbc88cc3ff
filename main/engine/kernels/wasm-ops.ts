/**
 * A faster `Unpack` (tf.unstack), leading-axes `Transpose`, `Tile`, `Slice` and `GatherV2` for the wasm backend,
 * installed at wasm init (registerWasmGradKernels in kernels/conv) so every model gets them.
 *
 * tfjs-layers runs TimeDistributed and every recurrent layer through one loop that
 * unstacks the time axis, and the gradient of its final stack is an unstack along
 * axis 1 of a 5-D tensor ([batch, frames, height, width, channels] for the per-frame
 * CNN). tfjs-backend-wasm 4.22 implements Unpack as one Slice per output, and a Slice
 * that is not contiguous in a rank-5 tensor falls back to a per-element loop: about
 * three quarters of a CNN+LSTM training step went there (measured by the video
 * experiment: 3.7 s of CPU per batch of 32 clips of 10x32x32, 0.9 s with this kernel).
 *
 * This kernel copies contiguous blocks instead: for axis a, each output is
 * outer x inner floats, with outer = prod(shape[:a]) and inner = prod(shape[a+1:]).
 * Results are identical to the stock kernel (tests/unit/video-train.test.ts checks).
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_SWITCHES, fusedOn } from './switches';

FUSED_SWITCHES['slice-in-place'] = "Slice reading its input in the heap on wasm (off: the package's kernel, which first copies the whole input out: the captioner's Tile gradient and concat gradient)";
FUSED_SWITCHES['gather-blocks'] = "GatherV2 (an Embedding's lookup) as row copies on wasm (off: the package's per-value loop, 1.5 ms for the captioner's 1,408 words of 32)";
FUSED_SWITCHES['tile-blocks'] = "Tile as block copies on wasm (RepeatVector; off: the package's per-element loop, 4.6 ms for the captioning decoder's [128, 1, 64] -> [128, 11, 64])";

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };

function unpackBlocks(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const value = args.inputs.value!;
  let axis = (args.attrs as { axis: number }).axis;
  const shape = value.shape;
  if (axis < 0) axis += shape.length;
  const n = shape[axis]!;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outShape = shape.filter((_, i) => i !== axis);
  const outs: tf.TensorInfo[] = [];
  for (let i = 0; i < n; i++) outs.push(backend.makeOutput(outShape, value.dtype));
  // Read the heap views after allocating: a heap growth detaches earlier views.
  const source = backend.typedArrayFromHeap(value);
  for (let i = 0; i < n; i++) {
    const dst = backend.typedArrayFromHeap(outs[i]!);
    if (outer === 1) {
      dst.set(source.subarray(i * inner, (i + 1) * inner));
      continue;
    }
    for (let o = 0; o < outer; o++) {
      const from = (o * n + i) * inner;
      dst.set(source.subarray(from, from + inner), o * inner);
    }
  }
  return outs;
}

/**
 * Transpose that swaps the first two axes of a tensor ([A, B, ...rest] -> [B, A, ...rest],
 * what the recurrent loop does to go time-major and back) by copying contiguous blocks
 * of prod(rest) values; any other permutation goes to the stock kernel.
 */
function swapLeadingAxes(value: tf.TensorInfo, backend: WasmBackendLike): tf.TensorInfo {
  const [a, b, ...rest] = value.shape as number[];
  const inner = rest.reduce((p, q) => p * q, 1);
  const out = backend.makeOutput([b!, a!, ...rest], value.dtype);
  const src = backend.typedArrayFromHeap(value);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < a!; i++) {
    for (let j = 0; j < b!; j++) {
      const from = (i * b! + j) * inner;
      dst.set(src.subarray(from, from + inner), (j * a! + i) * inner);
    }
  }
  return out;
}

/**
 * Tile by block copies: the innermost axis's row repeated, then, axis by axis outwards,
 * each finished block copied reps - 1 times after itself (copyWithin). Any dtype but strings.
 */
function tileBlocks(x: tf.TensorInfo, reps: number[], backend: WasmBackendLike): tf.TensorInfo {
  const shape = x.shape as number[];
  const outShape = shape.map((d, i) => d * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = shape.length;
  // size of one output block below axis a (the tiled extent of axes a+1..)
  const below = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) below[a] = below[a + 1]! * outShape[a]!;
  const fill = (a: number, s: number, d: number): void => {
    const n = shape[a]!;
    if (a === rank - 1) {
      dst.set(src.subarray(s, s + n), d);
    } else {
      const srcStride = shape.slice(a + 1).reduce((p, q) => p * q, 1);
      for (let i = 0; i < n; i++) fill(a + 1, s + i * srcStride, d + i * below[a + 1]!);
    }
    const block = n * below[a + 1]!;
    for (let r = 1; r < reps[a]!; r++) dst.copyWithin(d + r * block, d, d + block);
  };
  if (src.length > 0) fill(0, 0, 0);
  return out;
}

/**
 * GatherV2 with batchDims 0 (an Embedding's lookup) by row copies: for each outer index and
 * each looked-up index, one block of prod(shape[axis+1:]) values. The stock kernel moves one
 * value at a time (1.5 ms for the captioner's 1,408 words of 32 floats; this: about 0.1).
 * An index outside the axis throws the stock kernel's message.
 */
function gatherBlocks(x: tf.TensorInfo, indices: tf.TensorInfo, axis: number, backend: WasmBackendLike & { readSync(id: unknown): ArrayLike<number> }): tf.TensorInfo {
  const shape = x.shape as number[];
  const n = shape[axis]!;
  const ids = backend.readSync(indices.dataId);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (!(v >= 0 && v <= n - 1)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${n - 1}]`);
  }
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([...shape.slice(0, axis), ...indices.shape, ...shape.slice(axis + 1)], x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const m = ids.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      copyRun(src, (o * n + ids[j]!) * inner, dst, (o * m + j) * inner, inner);
    }
  }
  return out;
}

/** Copies n values from src[from..] to dst[to..]: an element loop for short runs (no subarray object each time). */
function copyRun(src: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, from: number, dst: { set(v: ArrayLike<number>, at: number): void; [i: number]: number }, to: number, n: number): void {
  if (n >= 64) {
    dst.set(src.subarray(from, from + n), to);
    return;
  }
  for (let k = 0; k < n; k++) dst[to + k] = src[from + k]!;
}

/**
 * Slice that reads its input in place. The stock kernel first copies the whole input out of
 * the heap (readSync), for every slice: the Tile gradient's 11 slices of the captioner's
 * [128, 11, 64] copied it 11 times (0.8 ms each); concat's gradient (SplitV) is slices too.
 * Runs of the innermost axis are copied as blocks, the same values as the stock kernel.
 */
function sliceBlocks(x: tf.TensorInfo, beginIn: number | number[], sizeIn: number | number[], backend: WasmBackendLike): tf.TensorInfo {
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, beginIn, sizeIn) as [number[], number[]];
  const out = backend.makeOutput(size, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const from = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(from, from + dst.length));
    return out;
  }
  const rank = x.shape.length;
  const inner = size[rank - 1]!;
  let to = 0;
  const walk = (a: number, offset: number): void => {
    if (a === rank - 1) {
      copyRun(src, offset + begin[a]!, dst, to, inner);
      to += inner;
      return;
    }
    for (let i = 0; i < size[a]!; i++) walk(a + 1, offset + (begin[a]! + i) * strides[a]!);
  };
  walk(0, 0);
  return out;
}

function isLeadingSwap(perm: number[]): boolean {
  if (perm.length < 3 || perm[0] !== 1 || perm[1] !== 0) return false;
  for (let i = 2; i < perm.length; i++) if (perm[i] !== i) return false;
  return true;
}

/** The kernel functions this module registered (so that a second call changes nothing). */
const ours = new WeakSet<object>();

/** Wraps the stock wasm kernel `name`, keeping its setup function; false if there is none. */
function wrapStock(name: string, make: (stock: tf.KernelFunc) => tf.KernelFunc): boolean {
  const stock = tf.getKernel(name, 'wasm');
  if (!stock) return false;
  if (ours.has(stock.kernelFunc)) return true;
  const kernelFunc = make(stock.kernelFunc);
  ours.add(kernelFunc);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc });
  return true;
}

/**
 * Replaces the wasm backend's Unpack, Transpose, Tile, Slice and GatherV2 with the versions above
 * (string tensors and other permutations keep the stock path). Safe to call more than
 * once and before or after the wasm backend is active. Returns whether Unpack is installed.
 */
export function installFastWasmOps(): boolean {
  const unpack = wrapStock('Unpack', (stockFunc) => ((args: KernelArgs) =>
    args.inputs.value!.dtype === 'string' ? stockFunc(args as never) : unpackBlocks(args)) as unknown as tf.KernelFunc);
  wrapStock('Transpose', (stockFunc) => ((args: KernelArgs) => {
    const x = args.inputs.x!;
    const perm = (args.attrs as { perm: number[] }).perm;
    // Large blocks only: for small trailing blocks the stock C++ loop is as fast.
    if (x.dtype !== 'string' && isLeadingSwap(perm) && x.shape.slice(2).reduce((p, q) => p * q, 1) >= 64) {
      return swapLeadingAxes(x, args.backend as WasmBackendLike);
    }
    return stockFunc(args as never);
  }) as unknown as tf.KernelFunc);
  wrapStock('Tile', (stockFunc) => ((args: KernelArgs) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || x.shape.length === 0 || !fusedOn('tile-blocks')) return stockFunc(args as never);
    return tileBlocks(x, (args.attrs as { reps: number[] }).reps, args.backend as WasmBackendLike);
  }) as unknown as tf.KernelFunc);
  wrapStock('Slice', (stockFunc) => ((args: KernelArgs) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || x.shape.length === 0 || !fusedOn('slice-in-place')) return stockFunc(args as never);
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    return sliceBlocks(x, begin, size, args.backend as WasmBackendLike);
  }) as unknown as tf.KernelFunc);
  wrapStock('SplitV', (stockFunc) => ((args: KernelArgs) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || !fusedOn('slice-in-place')) return stockFunc(args as never);
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const begin = new Array<number>(x.shape.length).fill(0);
    return tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, a).map((n) => {
      const size = x.shape.slice();
      size[a] = n;
      const piece = sliceBlocks(x, begin.slice(), size, args.backend as WasmBackendLike);
      begin[a]! += n;
      return piece;
    });
  }) as unknown as tf.KernelFunc);
  wrapStock('GatherV2', (stockFunc) => ((args: KernelArgs) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    if (x.dtype === 'string' || batchDims !== 0 || !fusedOn('gather-blocks')) return stockFunc(args as never);
    return gatherBlocks(x, indices, tf.util.parseAxisParam(axis, x.shape)[0]!, args.backend as never);
  }) as unknown as tf.KernelFunc);
  return unpack;
}

/** Whether the wasm backend's Unpack is the block-copy kernel of this module. */
export function fastWasmOpsInstalled(): boolean {
  const k = tf.getKernel('Unpack', 'wasm');
  return !!k && ours.has(k.kernelFunc);
}
