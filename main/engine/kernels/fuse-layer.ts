/**
 * Puts a fused op in place of a built layer's `call` (the layer's class, config, weights and
 * exports stay the stock ones). The fused op runs on the CPU backends when the kernel module
 * is loaded and the input is one float32 tensor of the rank it handles; anything else, or
 * a batch too big for the module's memory (RangeError), goes to the stock call.
 */
import { tf } from '../platform/backend';
import { rnnWasm } from './rnn/wasm';
import { fusedOn } from './switches';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

export interface CallableLayer {
  name: string;
  getClassName(): string;
  call: Call;
  invokeCallHook?: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => void;
}

/** What the fused ops read of a built Conv1D or Conv2D layer (tfjs-layers' Conv fields). */
export interface ConvLayerLike extends CallableLayer {
  filters: number;
  kernelSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number | number[];
  activation?: { getClassName(): string; apply(t: tf.Tensor): tf.Tensor } | null;
  useBias: boolean;
  kernel: { read(): tf.Variable };
  bias?: { read(): tf.Variable } | null;
}

const FUSED = Symbol('seqlab.fusedLayer');

export function isFused(layer: CallableLayer): boolean {
  return (layer as CallableLayer & { [FUSED]?: true })[FUSED] === true;
}

/** Whether fused layers run now: a CPU backend, and neither SEQLAB_FUSED=0 nor `name` switched off. */
export function fusedLayersWanted(name?: string): boolean {
  if (!fusedOn(name)) return false;
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

/**
 * Calls `take` on every layer of a built model, going into nested models and into a
 * wrapper's layer (TimeDistributed's) unless `take` returns true (it took that layer).
 */
export function eachLayer(model: tf.LayersModel, take: (layer: tf.layers.Layer) => boolean): void {
  const visit = (layer: tf.layers.Layer): void => {
    if (take(layer)) return;
    const cls = layer.getClassName();
    if (cls === 'Sequential' || cls === 'Functional' || cls === 'Model') {
      for (const l of (layer as unknown as tf.LayersModel).layers) visit(l);
      return;
    }
    const inner = (layer as unknown as { layer?: tf.layers.Layer }).layer;
    if (inner) visit(inner);
  };
  for (const layer of model.layers) visit(layer);
}

/** Replaces `layer`'s call with `run` for single float32 inputs of `rank` (a number, or a test of it). */
export function fuseLayerCall(layer: CallableLayer, rank: number | ((rank: number) => boolean), run: (x: tf.Tensor, kwargs: Record<string, unknown>) => tf.Tensor, name?: string): void {
  const rankOk = typeof rank === 'number' ? (r: number) => r === rank : rank;
  const marked = layer as CallableLayer & { [FUSED]?: true };
  marked[FUSED] = true;
  const original = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const one = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
    const x = one && rankOk(one.rank) && one.dtype === 'float32' ? one : null;
    if (!x || !rnnWasm() || !fusedLayersWanted(name)) return original(inputs, kwargs);
    layer.invokeCallHook?.(inputs, kwargs);
    try {
      return tf.tidy(() => run(x, kwargs));
    } catch (e) {
      // e.g. a batch too big for the module's 32-bit memory: tfjs's own layer still works
      if (!(e instanceof RangeError)) throw e;
      return original(inputs, kwargs);
    }
  };
}
