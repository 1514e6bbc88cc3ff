/**
 * Forward outputs of the fused layers that reach tfjs's heap only if something there reads
 * them. A convolution's output kept in its region for the backward pass is usually read by
 * the next fused op alone (a pooling, a convolution: markResident) and disposed when the
 * forward pass ends, so copying it into tfjs-backend-wasm's heap (7.4 MB for the captioner's
 * first Conv2D) is work nobody uses. Here the tensor gets its heap block at once (so memory
 * accounting and disposal are tfjs's as ever) and its values are copied in on first use:
 * any kernel, readSync or view of the backend goes through its dataIdMap.get, which this
 * module hooks (a Reshape only adds a reference: the values wait on, under the same dataId). Before the region is released, or dropped with an earlier tape, a tensor
 * still alive is copied in; a disposed one never is. Only wasm; SEQLAB_FUSED_OFF=lazy-outputs
 * copies at once as before.
 */
import { tf } from '../platform/backend';
import type { Region, RnnWasm } from './rnn/wasm';
import { FUSED_SWITCHES, fusedOn } from './switches';

FUSED_SWITCHES['lazy-outputs'] = "fused layers' forward outputs copied into the wasm heap only when tfjs reads them (off: at once)";

interface HeapEntry {
  memoryOffset: number;
  refCount: number;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  dataIdMap: { get(dataId: object): HeapEntry | undefined };
  wasm: { HEAPU8: Uint8Array };
}

interface Pending {
  backend: WasmBackend;
  w: RnnWasm;
  offset: number;
  floats: number;
  region: Region;
}

const pending = new Map<object, Pending>();
const hooked = new WeakSet<object>();

/** The tfjs heap's values of dataId := the module's (once). `get` is the backend's own lookup. */
function materialize(dataId: object, get: (id: object) => HeapEntry | undefined, backend: WasmBackend): void {
  const p = pending.get(dataId);
  if (!p) return;
  pending.delete(dataId);
  const entry = get(dataId);
  if (!entry) return;
  new Float32Array(backend.wasm.HEAPU8.buffer, entry.memoryOffset, p.floats).set(p.w.view(p.offset, p.floats));
}

function hook(backend: WasmBackend): void {
  if (hooked.has(backend)) return;
  hooked.add(backend);
  const map = backend.dataIdMap;
  const get = map.get.bind(map);
  // bookkeeping that touches no values (a reference more or less: Reshape, clone, dispose)
  // looks the entry up without copying it in
  let quiet = 0;
  map.get = (dataId: object) => {
    if (!quiet && pending.size && pending.has(dataId)) materialize(dataId, get, backend);
    return get(dataId);
  };
  const incRef = backend.incRef.bind(backend);
  backend.incRef = (dataId: object) => {
    quiet++;
    try {
      incRef(dataId);
    } finally {
      quiet--;
    }
  };
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: object, force?: boolean) => {
    // the last reference going: nothing to copy in
    if (pending.has(dataId) && (force || (get(dataId)?.refCount ?? 0) <= 1)) pending.delete(dataId);
    quiet++;
    try {
      return dispose(dataId, force);
    } finally {
      quiet--;
    }
  };
}

/** Copies in every pending tensor of w whose region is no longer kept (w.onStackChange). */
function settle(w: RnnWasm): void {
  if (!pending.size) return;
  for (const [dataId, p] of pending) {
    if (p.w === w && !w.holds(p.region)) p.backend.dataIdMap.get(dataId);
  }
}

/**
 * A tensor of the `floats` values at `offset` in w's memory, inside `region`, marked resident
 * there for the next fused op: copied into the wasm heap on first use, or at once where this
 * does not apply (other backends, the switch off).
 */
export function regionOutput(w: RnnWasm, offset: number, floats: number, shape: number[], region: Region, tensorFrom: (v: Float32Array, shape: number[]) => tf.Tensor): tf.Tensor {
  let y: tf.Tensor;
  if (tf.getBackend() === 'wasm' && fusedOn('lazy-outputs')) {
    const backend = tf.backend() as unknown as WasmBackend;
    hook(backend);
    w.onStackChange ??= () => settle(w);
    const info = backend.makeOutput(shape, 'float32');
    pending.set(info.dataId, { backend, w, offset, floats, region });
    y = tf.engine().makeTensorFromTensorInfo(info);
  } else {
    y = tensorFrom(w.view(offset, floats), shape);
  }
  w.markResident(y, offset, floats, region);
  return y;
}

/** Tensors waiting to be copied in (tests). */
export function pendingOutputs(): number {
  return pending.size;
}
