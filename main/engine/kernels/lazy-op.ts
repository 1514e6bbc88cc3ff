/**
 * What the fused layer ops (conv1d/, conv2d/) share: reading a tensor's values where the
 * backend keeps them, and registering an op whose gradient is computed per input, only for
 * the inputs tfjs asks for (the first layer's input gradient, the data's, never is).
 */
import { tf } from '../platform/backend';

/**
 * A tensor's values without a copy where the backend allows it (tfjs-backend-wasm keeps
 * them on its heap); the caller copies them at once into the kernels' memory.
 */
export function heapValues(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' && t.dtype === 'float32') {
    return backend.typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
  }
  return t.dataSync() as Float32Array;
}

export type LazyGrads = Record<string, () => tf.Tensor>;

export interface LazyOpParams {
  forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor;
  backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => LazyGrads;
  inputs: Record<string, tf.Tensor>;
}

/** An op with a gradient function per input, through the engine's runKernelFunc (what tf.customGrad uses). */
export function runLazyOp(params: LazyOpParams): tf.Tensor {
  const engine = tf.engine() as unknown as { runKernelFunc(p: LazyOpParams): tf.Tensor };
  return engine.runKernelFunc(params);
}

/** The gradient tape recording now (regions kept for a backward pass belong to it). */
export function activeTape(): unknown {
  return (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape ?? {};
}
