/** Inference on one batch the caller has already cut. */
import { tf } from '../platform/backend';

/**
 * The model's output for `x` in inference mode (dropout off): model.apply with training false.
 * Not model.predict: predict cuts its input into batches of 32 again and copies every slice;
 * for the lesson's [128, 480, 14] validation windows that took longer than the model itself
 * (listing 6.49: 104 ms a batch through predict, 41 ms through apply, wasm, two cores).
 * Callers bound the batch themselves (evaluation, forecasts, the video test set).
 */
export function inferBatch(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: false }) as tf.Tensor;
}
