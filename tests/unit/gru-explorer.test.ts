import { beforeAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { gruSteps } from '../../shared/gru';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { gruWindow } from '../../main/engine/model/gru-gates';
import { trainModel } from '../../main/engine/training/train';

describe('gate explorer data from a trained model', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
  });

  it('the lesson equations on the trained weights reproduce the GRU layer on a real window', async () => {
    const exp = { ...STARTER_EXPERIMENT, training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 5, validationSteps: 2 } };
    const run = await trainModel(exp, 'gru-explorer');
    try {
      expect(run.done.status).toBe('completed');
      const g = gruWindow(run.model!, run.data!.source, 3);
      expect(g.window).toHaveLength(24);
      expect(g.window[0]).toHaveLength(3);
      expect(g.recurrentActivation).toBe('hard_sigmoid');
      const steps = gruSteps(
        { kernel: g.kernel, recurrentKernel: g.recurrentKernel, bias: g.bias, activation: g.activation, recurrentActivation: g.recurrentActivation },
        g.window,
      );
      const gru = run.model!.layers.find((l) => l.getClassName() === 'GRU')!;
      const sub = tf.model({ inputs: run.model!.inputs, outputs: gru.output as tf.SymbolicTensor });
      const out = tf.tidy(() => (sub.predict(tf.tensor3d([g.window])) as tf.Tensor).arraySync() as number[][]);
      const h = steps[steps.length - 1]!.h;
      expect(h).toHaveLength(8);
      h.forEach((v, i) => expect(Math.abs(v - out[0]![i]!)).toBeLessThan(1e-5));
    } finally {
      run.dispose();
    }
  });
});
