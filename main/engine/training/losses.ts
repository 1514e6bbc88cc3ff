/** Losses and optimizers of the training settings, in tfjs and (for evaluation) in plain JS. */
import type { Experiment } from '../../../shared/experiment';
import { tf } from '../platform/backend';
import { FusedRMSProp } from '../kernels';

export type LossName = Experiment['training']['loss'];

export function makeOptimizer(s: Experiment['training']): tf.Optimizer {
  switch (s.optimizer) {
    case 'adam':
      return tf.train.adam(s.learningRate);
    case 'sgd':
      return tf.train.sgd(s.learningRate);
    default:
      // tfjs's RMSprop, with its update as one loop per variable on the CPU backends (kernels/optim.ts)
      return new FusedRMSProp(s.learningRate);
  }
}

const EPS = 1e-7;

export function lossOf(kind: LossName, y: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  if (kind === 'mae') return tf.losses.absoluteDifference(y, pred);
  if (kind === 'mse') return tf.losses.meanSquaredError(y, pred);
  const p = tf.clipByValue(pred, EPS, 1 - EPS);
  return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))))) as tf.Scalar;
}

/**
 * Keras's categorical_crossentropy on a softmax output: -mean over the rows of sum(y * log p),
 * p clipped to [EPS, 1] (the video classifiers train with it; the benchmark too).
 */
export function categoricalCrossentropy(y: tf.Tensor, p: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, EPS, 1))), -1))) as tf.Scalar;
}

/** One element's loss, in plain JS (evaluation runs on downloaded predictions). */
export function elementLoss(kind: LossName, y: number, p: number): number {
  if (kind === 'mae') return Math.abs(p - y);
  if (kind === 'mse') return (p - y) * (p - y);
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

/** Converts a normalised loss to physical units: MAE scales with the std, MSE with its square. */
export function physicalLoss(kind: LossName, loss: number | null, scale: number): number | null {
  if (loss === null || kind === 'binary_crossentropy') return null;
  return kind === 'mae' ? loss * scale : loss * scale * scale;
}
