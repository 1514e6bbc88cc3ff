/**
 * Tile's gradient as one sum. tfjs-core's gradient adds one slice of dy per repetition
 * (zerosLike, then a Slice and an Add for each of the reps), ranks 1 to 4 only; RepeatVector
 * is a Tile, so the captioner's decoder paid 11 slices and 11 additions of [128, 1, 64] per
 * batch (about 1 ms on wasm). Here dy is viewed with each repeated axis split in two,
 * (repetition, original extent), and summed over the repetitions: one Reshape and one Sum,
 * any rank. Registered for every backend (a gradient is not per backend); SEQLAB_FUSED_OFF=
 * tile-grad-sum gives tfjs's own gradient back.
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_SWITCHES, fusedOn } from './switches';

FUSED_SWITCHES['tile-grad-sum'] = "Tile's gradient (RepeatVector's) as one Reshape and Sum over the repetitions (off: tfjs's Slice and Add per repetition)";

/** The gradient of y = tile(x, reps): dy summed over the repetitions of every axis. */
export function tileGradient(dy: tf.Tensor, xShape: readonly number[], reps: readonly number[]): tf.Tensor {
  const split: number[] = [];
  const axes: number[] = [];
  xShape.forEach((d, i) => {
    if (reps[i]! > 1) {
      axes.push(split.length);
      split.push(reps[i]!);
    }
    split.push(d);
  });
  if (!axes.length) return tf.reshape(dy, [...xShape]);
  return tf.reshape(tf.sum(tf.reshape(dy, split), axes), [...xShape]);
}

let installed = false;

/** Puts tileGradient in place of tfjs's (once); the stock one stays reachable through the switch. */
export function installTileGradient(): void {
  if (installed) return;
  const stock = tf.getGradient(tf.Tile);
  if (!stock) return;
  installed = true;
  tf.registerGradient({
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      if (!fusedOn('tile-grad-sum')) return stock.gradFunc(dy, saved, attrs);
      const [x] = saved as tf.Tensor[];
      const { reps } = attrs as unknown as { reps: number[] };
      return { x: () => tileGradient(dy as tf.Tensor, x!.shape, reps) };
    },
  });
}
