/**
 * A faster `Unpack` (tf.unstack) and time-major `Transpose` for the wasm backend, used
 * by the video experiment.
 *
 * tfjs-layers runs TimeDistributed and every recurrent layer through one loop that
 * unstacks the time axis, and the gradient of its final stack is an unstack along
 * axis 1 of a 5-D tensor ([batch, frames, height, width, channels] for the per-frame
 * CNN). tfjs-backend-wasm 4.22 implements Unpack as one Slice per output, and a Slice
 * that is not contiguous in a rank-5 tensor falls back to a per-element loop: about
 * three quarters of a CNN+LSTM training step went there (measured: 3.7 s of CPU per
 * batch of 32 clips of 10x32x32, 0.9 s with this kernel).
 *
 * This kernel copies contiguous blocks instead: for axis a, each output is
 * outer x inner floats, with outer = prod(shape[:a]) and inner = prod(shape[a+1:]).
 * Results are identical to the stock kernel (tests/unit/video-train.test.ts checks).
 */
import { tf } from '../backend';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function unpackBlocks(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo[] {
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
  for (let i = 0; i < n; i++) {
    const out = backend.makeOutput(outShape, value.dtype);
    outs.push(out);
  }
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

function isLeadingSwap(perm: number[]): boolean {
  if (perm.length < 3 || perm[0] !== 1 || perm[1] !== 0) return false;
  for (let i = 2; i < perm.length; i++) if (perm[i] !== i) return false;
  return true;
}

let installed = false;

/**
 * Replaces the wasm backend's Unpack with the block-copy kernel (once; string tensors
 * keep the stock kernel's path through tf.unstack's callers, which never unstack strings
 * on this route). No effect on other backends. Returns whether it is installed.
 */
export function installFastUnpack(): boolean {
  if (installed) return true;
  if (tf.getBackend() !== 'wasm') return false;
  const stock = tf.getKernel('Unpack', 'wasm');
  if (!stock) return false;
  const stockFunc = stock.kernelFunc;
  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }) =>
      args.inputs.value!.dtype === 'string' ? stockFunc(args as never) : unpackBlocks(args)) as unknown as tf.KernelFunc,
  });
  const stockTranspose = tf.getKernel('Transpose', 'wasm');
  if (stockTranspose) {
    const transposeFunc = stockTranspose.kernelFunc;
    tf.unregisterKernel('Transpose', 'wasm');
    tf.registerKernel({
      kernelName: 'Transpose',
      backendName: 'wasm',
      kernelFunc: ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }) => {
        const x = args.inputs.x!;
        const perm = (args.attrs as { perm: number[] }).perm;
        // Large blocks only: for small trailing blocks the stock C++ loop is as fast.
        if (x.dtype !== 'string' && isLeadingSwap(perm) && x.shape.slice(2).reduce((p, q) => p * q, 1) >= 64) {
          return swapLeadingAxes(x, args.backend as WasmBackendLike);
        }
        return transposeFunc(args as never);
      }) as unknown as tf.KernelFunc,
    });
  }
  installed = true;
  return true;
}
