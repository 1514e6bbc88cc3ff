/**
 * TimeDistributed folded into the batch (main/engine/model/time-distributed.ts, as Keras runs
 * it) against tfjs's per-timestep loop: the video CNN+LSTM preset (Conv2D, pooling, Flatten
 * inside TimeDistributed) and the captioning preset (TimeDistributed Dense over the decoder's
 * steps) give the same predictions (1e-5) and the same weight gradients (1e-4), with and
 * without the fold, built from the same seed.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toKerasSpec } from '../../shared/model/graph';
import { PRESETS } from '../../shared/model/presets';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { buildTopology } from '../../main/engine/model/build';
import { foldTimeDistributed } from '../../main/engine/model/time-distributed';

beforeAll(async () => {
  expect((await initBackend({ prefer: 'wasm' })).active).toBe('wasm');
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
});

async function build(id: string, folded: boolean): Promise<tf.LayersModel> {
  const preset = PRESETS.find((p) => p.id === id)!;
  if (!folded) process.env.SEQLAB_FUSED_OFF = 'td-reshape';
  try {
    return await buildTopology(toKerasSpec(preset.graph), 7);
  } finally {
    delete process.env.SEQLAB_FUSED_OFF;
  }
}

/** Seeded inputs for every model input: floats, or token ids below 4 for int32 inputs. */
function inputs(model: tf.LayersModel, batch: number): tf.Tensor[] {
  const rand = mulberry32(11);
  return model.inputs.map((inp) => {
    const shape = [batch, ...(inp.shape.slice(1) as number[])];
    const n = shape.reduce((a, b) => a * b, 1);
    if (inp.dtype === 'int32') return tf.tensor(Int32Array.from({ length: n }, () => Math.floor(rand() * 4)), shape, 'int32');
    return tf.tensor(Float32Array.from({ length: n }, () => rand() * 2 - 1), shape);
  });
}

function maxDiff(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function gradients(model: tf.LayersModel, xs: tf.Tensor[]): Float32Array[] {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
  const out = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  tf.dispose(Object.values(grads));
  return out;
}

describe('TimeDistributed folded into the batch', () => {
  for (const id of ['video-cnn-lstm', 'captioning']) {
    it(`${id}: same predictions and gradients as the per-timestep loop`, async () => {
      const loop = await build(id, false);
      const folded = await build(id, true);
      const tds = folded.layers.filter((l) => l.getClassName() === 'TimeDistributed');
      expect(tds.length).toBeGreaterThan(0);
      // already folded: a second install finds nothing left to do; the loop model was never folded
      expect(foldTimeDistributed(folded)).toBe(0);
      const xs = inputs(loop, 3);
      const a = (loop.predict(xs) as tf.Tensor).dataSync();
      const b = (folded.predict(xs) as tf.Tensor).dataSync();
      expect(a.length).toBe(b.length);
      expect(maxDiff(a, b)).toBeLessThan(1e-5);
      const ga = gradients(loop, xs);
      const gb = gradients(folded, xs);
      expect(ga.length).toBe(gb.length);
      for (let i = 0; i < ga.length; i++) expect(maxDiff(ga[i]!, gb[i]!)).toBeLessThan(1e-4);
      // the gradients are not all zero (the comparison means something)
      expect(ga.some((g) => g.some((v) => Math.abs(v) > 1e-6))).toBe(true);
      loop.dispose();
      folded.dispose();
    }, 120_000);
  }
});
