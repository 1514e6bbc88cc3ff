/**
 * tfjs's pure-JS cpu backend as the reference for the engine's wasm kernels (tfjs-backend-wasm
 * 4.22 is not one: its Conv2D is wrong for 'same' padding with a stride above the kernel size,
 * and its MaxPoolGrad dropped every channel but the first).
 */
import { tf } from '../../main/engine/platform/backend';

/** Runs f on the cpu backend, then goes back to wasm. */
export async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}
