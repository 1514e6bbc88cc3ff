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
    // validation reports its progress too (epoch, batch k of 8), so a long validation never looks stalled
    const validating: string[] = [];
    const done = await runTraining(small, 'test-run', {
      onProgress: (p) => {
        if (p.phase === 'training') progress.push(p.loss);
        else if (p.phase === 'validating' && p.batches > 0) validating.push(`${p.epoch}:${p.batch}/${p.batches}`);
      },
      progressIntervalMs: 0,
    });
    expect(done.status).toBe('completed');
    expect(done.history).toHaveLength(4);
    expect(progress.length).toBe(4 * 20);
    // one report per model call (evaluation runs up to eight batches a call), counted in batches, ending at 8/8 each epoch
    for (const e of [1, 2, 3, 4]) {
      const done = validating.filter((v) => v.startsWith(`${e}:`)).map((v) => v.slice(2));
      expect(done.length, `epoch ${e}`).toBeGreaterThan(0);
      expect(done.every((v) => v.endsWith('/8')), `epoch ${e}`).toBe(true);
      const counts = done.map((v) => Number(v.split('/')[0]));
      expect(counts, `epoch ${e}`).toEqual([...counts].sort((a, b) => a - b));
      expect(counts[counts.length - 1], `epoch ${e}`).toBe(8);
    }
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
