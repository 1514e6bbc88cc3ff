/**
 * TimeDistributed as Keras runs it: tfjs's wrapper calls the wrapped layer once per timestep
 * (a backend rnn loop: unstack, T calls, stack, and the same again in the gradient), while
 * Keras 2 (keras/layers/rnn/time_distributed.py, whenever the batch size is free, as in every
 * model of the builder) and Keras 3 fold the time axis into the batch, call the layer once on
 * (batch * time, ...) and unfold the result. The wrapped layers the builder offers (Dense,
 * Conv1D/2D, pooling, Flatten, Dropout) treat every row alike, so both give the same values;
 * the folded form runs one product instead of T (the captioning decoder's Dense, the video
 * CNN's convolutions). SEQLAB_FUSED_OFF=td-reshape keeps tfjs's loop (the benchmark's before rows).
 */
import { tf } from '../platform/backend';
import { FUSED_SWITCHES, fusedOn } from '../kernels/switches';

const SWITCH = 'td-reshape';
FUSED_SWITCHES[SWITCH] = "TimeDistributed folds time into the batch and calls its layer once, as Keras does (off: tfjs's per-timestep loop)";

interface TimeDistributedLike {
  getClassName(): string;
  layer: tf.layers.Layer;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

const FOLDED = Symbol('seqlab.foldedTimeDistributed');

/** Replaces the call of every TimeDistributed layer of `model` with the folded form; returns how many. */
export function foldTimeDistributed(model: tf.LayersModel): number {
  if (!fusedOn(SWITCH)) return 0;
  let n = 0;
  for (const l of model.layers) {
    const td = l as unknown as TimeDistributedLike & { [FOLDED]?: boolean };
    if (td.getClassName() !== 'TimeDistributed' || td[FOLDED]) continue;
    td.call = (inputs, kwargs) =>
      tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const [B, T, ...step] = x.shape as number[];
        const y = td.layer.call(tf.reshape(x, [B! * T!, ...step]), kwargs);
        const one = Array.isArray(y) ? y[0]! : y;
        return tf.reshape(one, [B!, T!, ...one.shape.slice(1)]);
      });
    td[FOLDED] = true;
    n++;
  }
  return n;
}
