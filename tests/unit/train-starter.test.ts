import { beforeAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { Experiment } from '../../shared/experiment';
import { initBackend } from '../../main/engine/platform/backend';
import { runTraining } from '../../main/engine/training/train';

const small: Experiment = {
  ...STARTER_EXPERIMENT,
  training: { ...STARTER_EXPERIMENT.training, epochs: 4, stepsPerEpoch: 20, validationSteps: 8 },
};

describe('engine trains the starter GRU', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('loss falls, and the model beats the naive baseline on validation', async () => {
    const progress: number[] = [];
    const done = await runTraining(small, 'test-run', { onProgress: (p) => p.phase === 'training' && progress.push(p.loss), progressIntervalMs: 0 });
    expect(done.status).toBe('completed');
    expect(done.history).toHaveLength(4);
    expect(progress.length).toBe(4 * 20);
    const first = done.history[0]!;
    const last = done.history[done.history.length - 1]!;
    expect(last.loss).toBeLessThan(first.loss * 0.8);
    expect(done.baselineValLoss).not.toBeNull();
    expect(done.finalValLoss!).toBeLessThan(done.baselineValLoss!);
    expect(done.bestEpoch).not.toBeNull();
  });

  it('is repeatable for a seed', async () => {
    const a = await runTraining({ ...small, training: { ...small.training, epochs: 1, stepsPerEpoch: 5 } }, 'a');
    const b = await runTraining({ ...small, training: { ...small.training, epochs: 1, stepsPerEpoch: 5 } }, 'b');
    expect(a.history[0]!.loss).toBeCloseTo(b.history[0]!.loss, 6);
  });

  it('stops between batches when asked, reporting status stopped', async () => {
    let batches = 0;
    const done = await runTraining(small, 'stop-run', {
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.phase === 'training') batches++;
      },
      shouldStop: () => batches >= 3,
    });
    expect(done.status).toBe('stopped');
    expect(batches).toBe(3);
  });

  it('fails with a code when the model does not fit the data', async () => {
    const wrong = structuredClone(small) as Experiment;
    (wrong.model.config.layers[0]!.config as Record<string, unknown>).batch_input_shape = [null, 24, 5];
    const done = await runTraining(wrong, 'bad');
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('E_MODEL_INVALID');
  });
});
