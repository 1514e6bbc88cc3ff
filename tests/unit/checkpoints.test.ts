// Nothing lost when the power goes out mid-run: a training run is checkpointed after every
// epoch; its engine is killed after a few epochs (the worker thread terminated, no clean-up
// code runs); a new engine on the same data folder lists the run as interrupted with its
// history, and resuming continues from the checkpoint's weights for the epochs that were
// left. Also: a checkpoint folder that cannot be written never stops training and leaves
// nothing behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { perKind, type KindEvent } from './job-events';
import type { RunRecord } from '../../shared/runs';
import { EngineHost } from '../../main/engine/host';
import { createRouter } from '../../main/engine/router';
import { Checkpoints, interruptedRecord } from '../../main/engine/training/checkpoints';

const workerPath = path.resolve('dist/main/engine-worker.cjs');

type Ev = KindEvent;

function engine(dataDir: string) {
  const host = new EngineHost({ dataDir, workerPath, restartDelayMs: 50 });
  const route = createRouter({ host, appInfo: () => ({ version: 'test', mode: 'browser', platform: process.platform }) });
  const events: Ev[] = [];
  host.onEvent((name, payload) => events.push(perKind(name, payload)));
  return { host, route, events };
}

async function waitFor(cond: () => boolean, ms = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const EPOCHS = 8;
const experiment = {
  ...STARTER_EXPERIMENT,
  training: { ...STARTER_EXPERIMENT.training, epochs: EPOCHS, stepsPerEpoch: 12, validationSteps: 4 },
};

describe('checkpoints and resuming an interrupted run', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-ckpt-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the history of a killed run and resumes it from the checkpoint', async () => {
    // 1. Train, and kill the engine after at least three epochs.
    const first = engine(dataDir);
    await first.host.start();
    const started = await first.route('train.start', { experiment });
    expect(started.ok).toBe(true);
    const runId = (started as { result: { runId: string } }).result.runId;
    await waitFor(() => first.events.filter((e) => e.name === 'train.epoch').length >= 3);
    // The hook is awaited before the next epoch starts: epoch 2's checkpoint is on disk by now.
    await first.host.close();
    const epochsSeen = first.events.filter((e) => e.name === 'train.epoch').map((e) => e.payload.log as { epoch: number; valLoss: number });
    expect(first.events.some((e) => e.name === 'train.done')).toBe(false);

    const dir = path.join(dataDir, 'checkpoints', runId);
    const state = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as { history: { epoch: number; valLoss: number }[]; best: { epoch: number; valLoss: number } };
    expect(state.history.length).toBeGreaterThanOrEqual(2);
    expect(state.history.map((h) => h.epoch)).toEqual(epochsSeen.slice(0, state.history.length).map((h) => h.epoch));
    expect(existsSync(path.join(dir, 'weights.bin'))).toBe(true);
    // (A kill in the middle of a write may leave a temp file beside the complete ones; the next
    // start removes it, checked below.)

    // 2. A new engine on the same folder: the run is in the history, marked interrupted.
    const second = engine(dataDir);
    try {
      await second.host.start();
      const listed = await second.route('runs.list', {});
      expect(listed.ok).toBe(true);
      const runs = (listed as { result: { runs: RunRecord[] } }).result.runs;
      const rec = runs.find((r) => r.id === runId);
      expect(rec).toBeDefined();
      expect(rec!.done.status).toBe('failed');
      expect(rec!.done.error?.code).toBe('E_RUN_INTERRUPTED');
      expect(rec!.done.error?.params).toMatchObject({ epochs: state.history.length, of: EPOCHS, resumable: 1 });
      expect(rec!.done.history.length).toBe(state.history.length);
      expect(rec!.done.bestEpoch).toBe(state.best.epoch);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

      // 3. Resume: training goes on from the next epoch, starting from the best weights.
      const resumed = await second.route('runs.resume', { runId });
      expect(resumed.ok).toBe(true);
      const { runId: newId, fromEpoch } = (resumed as { result: { runId: string; fromEpoch: number } }).result;
      expect(fromEpoch).toBe(state.history[state.history.length - 1]!.epoch);
      expect(await second.route('runs.resume', { runId })).toMatchObject({ ok: false, error: { code: 'E_ENGINE_BUSY' } });
      await waitFor(() => second.events.some((e) => e.name === 'train.done'));
      const newEpochs = second.events.filter((e) => e.name === 'train.epoch' && e.payload.runId === newId).map((e) => e.payload.log as { epoch: number; valLoss: number });
      expect(newEpochs[0]!.epoch).toBe(fromEpoch + 1);
      // The first resumed epoch starts from the checkpoint's weights: its validation loss is
      // near the checkpoint's best, not back at an untrained model's (epoch 1's, above it).
      const firstVal = newEpochs[0]!.valLoss;
      const epoch1Val = state.history[0]!.valLoss;
      expect(firstVal).toBeLessThan(epoch1Val);
      expect(Math.abs(firstVal - state.best.valLoss)).toBeLessThan(0.35 * state.best.valLoss);
      const done = second.events.find((e) => e.name === 'train.done')!.payload as { status: string; history: { epoch: number }[]; runId: string };
      expect(done.runId).toBe(newId);
      expect(done.status).toBe('completed');
      expect(done.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));

      // 4. The resumed run replaces the interrupted one; no checkpoint is left behind.
      const after = (await second.route('runs.list', {})) as { ok: true; result: { runs: RunRecord[] } };
      const ids = after.result.runs.map((r) => r.id);
      expect(ids).toContain(newId);
      expect(ids).not.toContain(runId);
      expect(readdirSync(path.join(dataDir, 'checkpoints'))).toEqual([]);
      expect(await second.route('runs.resume', { runId })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    } finally {
      await second.host.close();
    }
  });
});

describe('checkpoint writes that fail', () => {
  it('never throw into training and leave no partial checkpoint', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-ckpt-ro-'));
    try {
      // A file where the checkpoints folder should be: every write fails (as on a full or
      // read-only disk; this works as root too, where permissions would not stop a write).
      writeFileSync(path.join(dataDir, 'checkpoints'), 'not a folder');
      const cps = new Checkpoints(dataDir);
      const t = cps.track('run-x', { createdAt: new Date().toISOString(), backend: 'cpu', experiment: STARTER_EXPERIMENT });
      await expect(t.hook({ epoch: 1, history: [{ epoch: 1, loss: 1, valLoss: 1, seconds: 1 }], bestWeights: null, optimizerWeights: null, best: { epoch: 1, valLoss: 1, valLossPhysical: null, valAccuracy: null } })).resolves.toBeUndefined();
      expect(t.error()).toMatch(/^E[A-Z]+$/);
      await t.finish();
      expect(readFileSync(path.join(dataDir, 'checkpoints'), 'utf8')).toBe('not a folder');
      expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an interrupted run record is a valid run record with its history', async () => {
    const { RunRecordSchema } = await import('../../shared/runs');
    const rec = interruptedRecord(
      { version: 1, runId: 'run-1', owner: 'x', status: 'running', createdAt: '2026-01-01T00:00:00.000Z', backend: 'wasm', experiment: STARTER_EXPERIMENT },
      [
        { epoch: 1, loss: 0.5, valLoss: 0.4, seconds: 2 },
        { epoch: 2, loss: 0.3, valLoss: 0.35, seconds: 2 },
      ],
      { epoch: 2, valLoss: 0.35, valLossPhysical: null, valAccuracy: null },
      true,
    );
    expect(RunRecordSchema.safeParse(rec).success).toBe(true);
    expect(rec.done).toMatchObject({ status: 'failed', bestEpoch: 2, finalValLoss: 0.35, wallSeconds: 4, error: { code: 'E_RUN_INTERRUPTED' } });
  });
});
