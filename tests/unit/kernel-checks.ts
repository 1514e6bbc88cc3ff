/**
 * What the fused-kernel tests share: the distance they bound, the gradients they compare, and
 * running a check on the kernel threads and again on one thread.
 */
import { expect } from 'vitest';
import { rnnWasm } from '../../main/engine/kernels/rnn';
import { tf } from '../../main/engine/platform/backend';

/** max |a - b| / max(1, |a|) over the elements. */
export function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.maximum(1, tf.abs(a)))).dataSync()[0]!);
}

/** Gradients of sum(model(x) * r) w.r.t. x and every trainable weight (in training mode). */
export function gradients(model: tf.LayersModel, x: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const f = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.mul(model.apply(xx, { training: true }) as tf.Tensor, r));
  const dx = tf.grad(f)(x);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { grads } = tf.variableGrads(() => f(x), vars);
  return [dx, ...vars.map((v) => grads[v.name]!)];
}

/** Runs f with the kernels' helper threads detached (everything on the calling thread). */
export function onOneThread<T>(f: () => T): T {
  const w = rnnWasm()!;
  const helpers = w.team;
  w.team = null;
  try {
    expect(w.threads).toBe(1);
    return f();
  } finally {
    w.team = helpers;
  }
}

/** Runs a check on the kernel threads, then on one thread. */
export async function withAndWithoutThreads(check: (label: string) => Promise<void>): Promise<void> {
  const w = rnnWasm()!;
  await check(`${w.threads} threads`);
  await onOneThread(() => check('1 thread'));
}
