/**
 * Sum over the leading axes of a float32 tensor for 'wasm', in one pass of column sums.
 * That is the bias gradient of every convolution and Dense layer (dy summed over all axes
 * but the channels); tfjs-backend-wasm 4.22 transposes the reduced axes to the end first,
 * which took 190 to 260 ms per batch for the Conv3D lesson model's [128, 8, 14, 14, 16]
 * (two thirds of its training step). Any other reduction goes to the package's kernel.
 * Sums are kept in float64. Switch (switches.ts): 'conv3d-bias-sum'.
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_SWITCHES, fusedOn } from './switches';

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };

FUSED_SWITCHES['conv3d-bias-sum'] = 'Sum over leading axes (bias gradients) as one pass of column sums on wasm (off: the package Sum, which transposes first)';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Sum of x over axes 0..k-1 (k >= 1, fewer than all axes), or null when this call is another reduction. */
export function sumLeadingFast(args: KernelArgs): TensorInfo | null {
  if (!fusedOn('conv3d-bias-sum')) return null;
  const x = args.inputs.x!;
  if (x.dtype !== 'float32' || x.shape.length < 2) return null;
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= x.shape.length || axes.some((a, i) => a !== i)) return null;
  const backend = args.backend as WasmBackendLike;
  const N = tf.util.sizeFromShape(x.shape.slice(k));
  const M = tf.util.sizeFromShape(x.shape.slice(0, k));
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const acc = new Float64Array(N);
  for (let i = 0, p = 0; i < M; i++) for (let j = 0; j < N; j++, p++) acc[j]! += xv[p]!;
  const shape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
  const out = backend.makeOutput(shape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}

const WRAPPED = Symbol('seqlab.sumLeading');

/** Puts sumLeadingFast in front of the package's Sum for 'wasm' (once); returns the names wrapped. */
export function installFastSum(): string[] {
  const stock = tf.getKernel('Sum', 'wasm');
  if (!stock || (stock.kernelFunc as unknown as { [WRAPPED]?: true })[WRAPPED]) return [];
  const inner = stock.kernelFunc;
  const kernelFunc = ((args: KernelArgs) => sumLeadingFast(args) ?? inner(args as never)) as unknown as tf.KernelFunc & { [WRAPPED]?: true };
  kernelFunc[WRAPPED] = true;
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({ ...stock, kernelFunc });
  return ['Sum'];
}
