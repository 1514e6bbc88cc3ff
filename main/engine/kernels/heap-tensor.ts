/**
 * A float32 tensor whose values a callback writes in place: the training loop's and the
 * evaluation's batches. On wasm the values go straight into the backend's heap; tf.tensor
 * would copy a filled JS array there (3.4 MB for a batch of listing 6.49's windows, twice
 * per lesson step with validation). Elsewhere `fill` writes into `scratch` (reused from batch
 * to batch) and tf.tensor takes it, as before. `fill` must write every value.
 */
import { tf } from '../platform/backend';
import { FUSED_SWITCHES, fusedOn } from './switches';

FUSED_SWITCHES['heap-batches'] = "training and evaluation batches written straight into the wasm heap (off: a JS array that tf.tensor copies in)";

interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

export function filledTensor(shape: number[], scratch: Float32Array, fill: (values: Float32Array) => void): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (tf.getBackend() === 'wasm' && fusedOn('heap-batches')) {
    const heap = tf.backend() as unknown as WasmHeap;
    const info = heap.makeOutput(shape, 'float32');
    try {
      // the view is taken after the allocation (a growing heap detaches older views) and
      // used before anything else allocates there
      fill(heap.typedArrayFromHeap(info));
    } catch (e) {
      heap.disposeData(info.dataId);
      throw e;
    }
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const v = scratch.subarray(0, n);
  fill(v);
  return tf.tensor(v, shape, 'float32');
}
