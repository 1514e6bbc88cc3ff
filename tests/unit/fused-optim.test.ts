/**
 * The fused RMSprop update (main/engine/kernels/optim.ts) gives tfjs's RMSprop results to
 * the last bit on the CPU backends, keeps the same optimizer state (getWeights, the
 * checkpoint format) and config, and leaves a clone of a weight untouched.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { FusedRMSProp } from '../../main/engine/kernels/optim';
import { loadRnnWasm } from '../../main/engine/kernels/rnn/wasm';

function model(seed: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [6], units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return m;
}

function train(m: tf.Sequential, opt: tf.Optimizer, steps: number): number[] {
  const x = tf.randomNormal([32, 6], 0, 1, 'float32', 3);
  // a known target: the sum of the first two features
  const y = tf.sum(x.slice([0, 0], [32, 2]), 1, true);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const l = opt.minimize(() => tf.losses.absoluteDifference(y, m.apply(x) as tf.Tensor) as tf.Scalar, true)!;
    losses.push(l.dataSync()[0]!);
    l.dispose();
  }
  return losses;
}

describe('fused RMSprop', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });
  afterEach(async () => {
    delete process.env.SEQLAB_FUSED;
    delete process.env.SEQLAB_FUSED_OFF;
    await tf.setBackend('wasm');
  });

  for (const [backend, where] of [['wasm', 'js'], ['cpu', 'js'], ['wasm', 'module'], ['cpu', 'module']] as const) {
    it(`matches tfjs's RMSprop bit for bit on ${backend}, the update ${where === 'module' ? 'on the kernel module' : 'as a JavaScript loop'} (weights, optimizer state, losses), and the loss falls`, async () => {
      await tf.setBackend(backend);
      // the module, once loaded, serves every later update unless switched off
      await loadRnnWasm();
      if (where === 'js') process.env.SEQLAB_FUSED_OFF = 'rmsprop-module';
      for (const [lr, momentum] of [[0.01, 0], [0.003, 0.9]] as const) {
        const a = model(7);
        const b = model(7);
        const stock = tf.train.rmsprop(lr, 0.9, momentum);
        const fused = new FusedRMSProp(lr, 0.9, momentum);
        const la = train(a, stock, 25);
        const lb = train(b, fused, 25);
        expect(fused.lastFused).toBe(true);
        expect(fused.lastOnModule).toBe(where === 'module');
        expect(lb).toEqual(la);
        const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
        const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
        expect(wb).toEqual(wa);
        // same state, names and order: a checkpoint written with one restores into the other
        const sa = await stock.getWeights();
        const sb = await fused.getWeights();
        // (the two models' layers have different auto-generated names: compare them with those mapped)
        const rename = (n: string, m: tf.Sequential): string => m.layers.reduce((acc, l, k) => acc.split(`${l.name}/`).join(`layer${k}/`), n);
        expect(sb.map((s) => rename(s.name, b))).toEqual(sa.map((s) => rename(s.name, a)));
        expect(sb.map((s) => s.name).filter((n) => n.endsWith('/rms'))).toHaveLength(4);
        expect(sb.map((s) => Array.from(s.tensor.dataSync()))).toEqual(sa.map((s) => Array.from(s.tensor.dataSync())));
        expect(fused.getConfig()).toEqual(stock.getConfig());
        expect(lb[lb.length - 1]!).toBeLessThan(lb[0]! * 0.8);
      }
    });
  }

  it('never writes a weight in place: a clone taken before a step keeps its values', async () => {
    await tf.setBackend('cpu');
    const m = model(3);
    const w = m.getWeights()[0]!;
    const snapshot = w.clone();
    const before = Array.from(snapshot.dataSync());
    train(m, new FusedRMSProp(0.05), 3);
    expect(Array.from(snapshot.dataSync())).toEqual(before);
    expect(Array.from(m.getWeights()[0]!.dataSync())).not.toEqual(before);
  });

  it('uses tfjs’s own update with SEQLAB_FUSED=0', () => {
    process.env.SEQLAB_FUSED = '0';
    const opt = new FusedRMSProp(0.01);
    train(model(5), opt, 2);
    expect(opt.lastFused).toBe(false);
  });
});
