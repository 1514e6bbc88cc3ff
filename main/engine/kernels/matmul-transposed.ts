/**
 * BatchMatMul with a transposed operand for 'wasm': the operand is transposed first (the
 * package's Transpose) and the package's BatchMatMul runs without transposition. The
 * package's own transposed paths are an order of magnitude slower: a Dense layer's weight
 * gradient x^T . dy ([128, 1152]^T . [128, 64], the captioning encoder's feature layer) took
 * 13.7 ms against 0.9 ms for the same product untransposed, and its input gradient
 * dy . W^T 11.2 ms. Same arithmetic, so the same numbers. Switch (switches.ts): 'caption-matmul-t'.
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_SWITCHES, fusedOn } from './switches';

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };

FUSED_SWITCHES['caption-matmul-t'] = 'BatchMatMul with transposeA/transposeB as an explicit Transpose then the plain product on wasm (off: the package transposed product)';

interface WasmBackendLike {
  disposeData(dataId: TensorInfo['dataId']): boolean;
}

const WRAPPED = Symbol('seqlab.matmulTransposed');

/** Puts the transposing path in front of the package's BatchMatMul for 'wasm' (once); returns the names wrapped. */
export function installFastTransposedMatMul(): string[] {
  const stock = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!stock || !transpose || (stock.kernelFunc as unknown as { [WRAPPED]?: true })[WRAPPED]) return [];
  const inner = stock.kernelFunc;
  const kernelFunc = ((args: KernelArgs) => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const a = args.inputs.a!;
    const b = args.inputs.b!;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || !fusedOn('caption-matmul-t')) return inner(args as never);
    const backend = args.backend as WasmBackendLike;
    // the last two axes swapped
    const swap = (t: TensorInfo): TensorInfo => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
      return transpose.kernelFunc({ inputs: { x: t }, backend: args.backend as tf.KernelBackend, attrs: { perm } }) as TensorInfo;
    };
    const at = transposeA ? swap(a) : a;
    const bt = transposeB ? swap(b) : b;
    try {
      return inner({ ...args, inputs: { a: at, b: bt }, attrs: { ...(args.attrs as object), transposeA: false, transposeB: false } } as never) as TensorInfo;
    } finally {
      if (at !== a) backend.disposeData(at.dataId);
      if (bt !== b) backend.disposeData(bt.dataId);
    }
  }) as unknown as tf.KernelFunc & { [WRAPPED]?: true };
  kernelFunc[WRAPPED] = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...stock, kernelFunc });
  return ['BatchMatMul'];
}
