/**
 * Fused forward outputs copied into the wasm heap only when tfjs reads them
 * (main/engine/kernels/lazy-outputs.ts): gradients and values the same to the bit as with the
 * copy made at once (SEQLAB_FUSED_OFF=lazy-outputs), an output read by a tfjs kernel, by
 * dataSync, and after its region was released and the module's memory reused, and nothing
 * left waiting after a training step.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { fuseConv2dLayer, fusePool2dLayer, type Conv2DLayerLike, type Pool2DLayerLike } from '../../main/engine/kernels/conv2d';
import { pendingOutputs } from '../../main/engine/kernels/lazy-outputs';
import { loadRnnWasm } from '../../main/engine/kernels/rnn';
import { chainGraph, toKerasSpec } from '../../shared/model';
import type { Experiment } from '../../shared/experiment';
import { buildModel } from '../../main/engine/model/build';
import { gradients, maxRelDiff } from './kernel-checks';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  await loadRnnWasm();
});

afterEach(() => {
  delete process.env.SEQLAB_FUSED_OFF;
  delete process.env.SEQLAB_FUSED;
});

/** Conv2D -> MaxPooling2D -> Conv2D -> Flatten -> Dense, the convolutions and the pooling fused. */
function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  for (const l of m.layers) {
    if (l.getClassName() === 'Conv2D') expect(fuseConv2dLayer(l as unknown as Conv2DLayerLike)).toBe(true);
    if (l.getClassName() === 'MaxPooling2D') expect(fusePool2dLayer(l as unknown as Pool2DLayerLike)).toBe(true);
  }
  return m;
}

const bits = (ts: tf.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));

describe('lazy forward outputs of the fused layers', () => {
  it('training gradients are the same to the bit as with the copy made at once, and nothing is left waiting', () => {
    const m = model();
    const x = tf.randomNormal([5, 12, 12, 3], 0, 1, 'float32', 7);
    const r = tf.randomNormal([5, 4], 0, 1, 'float32', 8);
    const count = (): number => tf.memory().numTensors;
    let n0 = count();
    const lazy = gradients(m, x, r);
    const lazyLeft = count() - n0 - lazy.length;
    expect(pendingOutputs()).toBe(0);
    process.env.SEQLAB_FUSED_OFF = 'lazy-outputs';
    n0 = count();
    const eager = gradients(m, x, r);
    // as many tensors left over either way (the helper's own loss value)
    expect(lazyLeft).toBe(count() - n0 - eager.length);
    expect(bits(lazy)).toEqual(bits(eager));
    tf.dispose([...lazy, ...eager]);
  });

  it('an output that tfjs reads (a kernel, dataSync) or keeps past the backward pass holds the layer’s values', () => {
    const m = model();
    const conv = m.layers[0]!;
    const x = tf.randomNormal([3, 12, 12, 3], 0, 1, 'float32', 9);
    const want = (() => {
      process.env.SEQLAB_FUSED_OFF = 'lazy-outputs';
      const v = tf.tidy(() => {
        const vars = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
        let seen: number[] = [];
        tf.variableGrads(() => {
          const y = conv.apply(x, { training: true }) as tf.Tensor;
          seen = Array.from(y.dataSync());
          return tf.sum(m.layers[1]!.apply(y) as tf.Tensor) as tf.Scalar;
        }, vars.slice(0, 2));
        return seen;
      });
      delete process.env.SEQLAB_FUSED_OFF;
      return v;
    })();
    let kept: tf.Tensor | null = null;
    let sumOfY = 0;
    let read: number[] = [];
    const { grads } = tf.variableGrads(() => {
      // three uses of the same layer: read by dataSync, by a tfjs kernel, and kept unread
      read = Array.from((conv.apply(x, { training: true }) as tf.Tensor).dataSync());
      sumOfY = tf.sum(conv.apply(x, { training: true }) as tf.Tensor).dataSync()[0]!;
      const y = conv.apply(x, { training: true }) as tf.Tensor;
      kept = tf.keep(y);
      return tf.sum(m.layers[1]!.apply(y) as tf.Tensor) as tf.Scalar;
    }, m.trainableWeights.slice(0, 2).map((w) => (w as unknown as { val: tf.Variable }).val));
    expect(read).toEqual(want);
    expect(sumOfY).toBeCloseTo(want.reduce((a, b) => a + b, 0), 3);
    // the module's memory runs other layers after the backward pass released the region
    const z = tf.randomNormal([5, 12, 12, 3], 0, 1, 'float32', 10);
    const out = m.apply(z, { training: true }) as tf.Tensor;
    out.dataSync();
    expect(Array.from(kept!.dataSync())).toEqual(want);
    tf.dispose([kept!, out, z, x, ...Object.values(grads)]);
    expect(pendingOutputs()).toBe(0);
  });

  it('a GRU after a Conv1D (a fused op that reads its input from tfjs\'s heap) gets the convolution\'s values: gradients equal the stock layers\' (1e-4)', async () => {
    const spec = toKerasSpec(chainGraph('conv_gru', ['input_sequence', { timesteps: 20, features: 3 }], [['conv1d', { filters: 6, kernel_size: 3, activation: 'relu' }], ['gru', { units: 5 }], ['dense', { units: 1 }]]));
    const build = (): Promise<tf.LayersModel> => buildModel({ model: spec, training: { seed: 3 } } as unknown as Experiment);
    const fused = await build();
    process.env.SEQLAB_FUSED = '0';
    const stock = await build();
    delete process.env.SEQLAB_FUSED;
    stock.setWeights(fused.getWeights());
    const x = tf.randomNormal([4, 20, 3], 0, 1, 'float32', 11);
    const r = tf.randomNormal([4, 1], 0, 1, 'float32', 12);
    const gf = gradients(fused, x, r);
    expect(pendingOutputs()).toBe(0);
    const gs = gradients(stock, x, r);
    expect(gf).toHaveLength(gs.length);
    for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
    tf.dispose([x, r, ...gf, ...gs]);
    fused.dispose();
    stock.dispose();
  });
});
