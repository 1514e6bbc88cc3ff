// Trained models are kept per run (main/engine/training/run-models.ts): predictions, the gate
// explorer and exports answer for any run of the project, not only the last one trained, and
// still do in a new engine session (the model comes back from disk).
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { EventName, TrainDone } from '../../shared/ipc/contract';
import { Engine } from '../../main/engine/engine';
import { perKind } from './job-events';

const small = (seed: number) => ({ ...STARTER_EXPERIMENT, training: { ...STARTER_EXPERIMENT.training, epochs: 2, stepsPerEpoch: 6, validationSteps: 3, seed } });

describe('trained models per run', () => {
  let dataDir: string;
  const done: TrainDone[] = [];
  const engineAt = (dir: string) =>
    new Engine({ dataDir: dir, backend: { prefer: 'cpu' } }, (name: EventName, payload: unknown) => {
      const e = perKind(name, payload);
      if (e.name === 'train.done') done.push(e.payload as TrainDone);
    });

  async function train(engine: Engine, seed: number): Promise<string> {
    const n = done.length;
    const { runId } = await engine.handlers['train.start']({ experiment: small(seed) });
    while (done.length === n) await new Promise((r) => setTimeout(r, 20));
    expect(done.at(-1)).toMatchObject({ runId, status: 'completed' });
    return runId;
  }

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-models-'));
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('predicts, explains gates and exports for an earlier run, in this session and the next', async () => {
    const engine = engineAt(dataDir);
    const first = await train(engine, 1);
    const firstPrediction = (await engine.handlers['train.predict']({ runId: first, split: 'validation', start: 0, count: 20 })).prediction;
    expect(firstPrediction.length).toBe(20);
    const second = await train(engine, 2);
    // The earlier run answers with its own model (different seed, different predictions).
    const again = await engine.handlers['train.predict']({ runId: first, split: 'validation', start: 0, count: 20 });
    expect(again.prediction).toEqual(firstPrediction);
    const secondPrediction = (await engine.handlers['train.predict']({ runId: second, split: 'validation', start: 0, count: 20 })).prediction;
    expect(secondPrediction).not.toEqual(firstPrediction);
    expect((await engine.handlers['runs.gru']({ runId: first })).layer).toBe('gru');
    const exported = await engine.handlers['runs.export']({ runId: first, what: { tfjs: true } });
    expect(exported.files.some((f) => f.endsWith('model.json'))).toBe(true);

    // A new session: nothing in memory, the models come back from disk, predictions equal to 1e-6.
    const next = engineAt(dataDir);
    await next.handlers['runs.list']({});
    expect(next.models.inMemory()).toEqual([]);
    const reloaded = await next.handlers['train.predict']({ runId: first, split: 'validation', start: 0, count: 20 });
    reloaded.prediction.forEach((v, i) => expect(Math.abs(v - firstPrediction[i]!)).toBeLessThan(1e-6));
    expect(next.models.inMemory()).toEqual([first]);

    // Deleting a run deletes its model; then it has none.
    expect((await next.handlers['runs.delete']({ runId: first })).deleted).toBe(true);
    await expect(next.handlers['train.predict']({ runId: first, split: 'validation', start: 0, count: 5 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(fs.access(path.join(dataDir, 'models', first))).rejects.toThrow();
  });
});
