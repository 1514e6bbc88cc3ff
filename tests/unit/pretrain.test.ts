/**
 * Greedy layer-wise pretraining at the 'small' size on the real bundled digits: every stage
 * runs and its reconstruction loss falls, fine-tuning and the random-initialisation
 * comparison run, Stop works and frees every tensor, and the engine's pretrain.* channel and
 * events carry what the contract says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { Engine } from '../../main/engine/engine';
import { loadMnist } from '../../main/engine/experiments/mnist';
import { PRETRAIN_SIZES, runPretrain, type PretrainOutcome } from '../../main/engine/experiments/pretrain';
import { PretrainDoneSchema, PretrainEpochSchema, PretrainProgressSchema, PretrainStageSchema, type PretrainEpoch, type PretrainStage } from '../../shared/ipc/pretrain';
import { perKind, type KindEvent } from './job-events';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
  await loadMnist();
});

describe('runPretrain (small size)', () => {
  const stages: Omit<PretrainStage, 'runId'>[] = [];
  const epochs: Omit<PretrainEpoch, 'runId'>[] = [];
  const phases = new Set<string>();
  let outcome: PretrainOutcome;
  let tensorsBefore = 0;
  let tensorsAfter = 0;

  beforeAll(async () => {
    tensorsBefore = tf.memory().numTensors;
    outcome = await runPretrain(
      { labels: 100, seeds: 1, size: 'small', seed: 3 },
      { onStage: (s) => stages.push(s), onEpoch: (e) => epochs.push(e), onProgress: (p) => phases.add(p.phase) },
    );
    tensorsAfter = tf.memory().numTensors;
  });

  it('runs every stage, each stage’s reconstruction loss falling on training and validation images', () => {
    const K = PRETRAIN_SIZES.small.units.length;
    expect(stages.map((s) => s.stage)).toEqual(Array.from({ length: K }, (_, i) => i + 1));
    expect(stages.map((s) => s.inputSize)).toEqual([784, ...PRETRAIN_SIZES.small.units.slice(0, -1)]);
    expect(stages.map((s) => s.units)).toEqual(PRETRAIN_SIZES.small.units);
    for (const s of stages) {
      expect(s.losses).toHaveLength(PRETRAIN_SIZES.small.pretrainEpochs);
      expect(s.losses[s.losses.length - 1]!, `stage ${s.stage} training loss`).toBeLessThan(s.losses[0]! * 0.97);
      expect(s.valLosses[s.valLosses.length - 1]!, `stage ${s.stage} validation loss`).toBeLessThan(s.valLosses[0]!);
    }
  });

  it('shows reconstructions of the same test digits after each stage, decoded back to 784 pixels', () => {
    for (const s of stages) {
      expect(s.reconstructions.length).toBe(s.originals.length);
      expect(s.originals.length).toBe(PRETRAIN_SIZES.small.reconCount);
      // One of each digit 0, 1, 2, ...
      expect(s.labels).toEqual(Array.from({ length: s.labels.length }, (_, i) => i));
      for (const img of s.reconstructions) {
        expect(img).toHaveLength(784);
        expect(img.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
      }
    }
    expect(stages[0]!.originals).toEqual(stages[stages.length - 1]!.originals);
    // A stage-1 reconstruction resembles its original more than the other originals do.
    const s1 = stages[0]!;
    const dist = (a: number[], b: number[]) => a.reduce((acc, v, i) => acc + (v - b[i]!) ** 2, 0);
    let closer = 0;
    s1.reconstructions.forEach((r, i) => {
      const own = dist(r, s1.originals[i]!);
      const others = s1.originals.filter((_, j) => j !== i).map((o) => dist(r, o));
      if (own < Math.min(...others)) closer++;
    });
    expect(closer).toBeGreaterThanOrEqual(Math.ceil(s1.reconstructions.length / 2));
  });

  it('fine-tunes the pretrained encoder and trains the random-initialisation comparison, both learning', () => {
    expect(outcome.status).toBe('completed');
    if (outcome.status !== 'completed') return;
    const r = outcome.result;
    const E = PRETRAIN_SIZES.small.finetuneEpochs;
    expect(epochs.filter((e) => e.model === 'pretrained').map((e) => e.epoch)).toEqual(Array.from({ length: E }, (_, i) => i + 1));
    expect(epochs.filter((e) => e.model === 'random').map((e) => e.epoch)).toEqual(Array.from({ length: E }, (_, i) => i + 1));
    for (const m of [r.pretrained, r.random]) {
      expect(m.trainLoss).toHaveLength(E);
      expect(m.trainLoss[E - 1]!).toBeLessThan(m.trainLoss[0]!);
      expect(m.testAccuracy).toHaveLength(1);
      expect(m.testAccuracy[0]!).toBeGreaterThanOrEqual(0);
      expect(m.testAccuracy[0]!).toBeLessThanOrEqual(1);
    }
    expect(phases).toEqual(new Set(['loading', 'pretrain', 'finetune', 'baseline']));
  });

  it('projects the code layer of test digits with PCA before and after pretraining', () => {
    if (outcome.status !== 'completed') throw new Error('not completed');
    const { pca } = outcome.result;
    const n = PRETRAIN_SIZES.small.pcaPoints;
    expect(pca.labels).toHaveLength(n);
    for (const v of [pca.before, pca.after]) {
      expect(v.x).toHaveLength(n);
      expect(v.y).toHaveLength(n);
      expect([...v.x, ...v.y].every(Number.isFinite)).toBe(true);
      expect(v.explained[0]!).toBeGreaterThanOrEqual(v.explained[1]!);
      expect(v.explained[0]! + v.explained[1]!).toBeLessThanOrEqual(1 + 1e-9);
    }
    // Pretraining changes the code layer.
    expect(pca.after.x).not.toEqual(pca.before.x);
  });

  it('frees every tensor it made', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('repeats exactly for the same seed', async () => {
    const again = await runPretrain({ labels: 100, seeds: 1, size: 'small', seed: 3 }, { sizeOverride: { pretrainEpochs: 1, finetuneEpochs: 1 } });
    const third = await runPretrain({ labels: 100, seeds: 1, size: 'small', seed: 3 }, { sizeOverride: { pretrainEpochs: 1, finetuneEpochs: 1 } });
    if (again.status !== 'completed' || third.status !== 'completed') throw new Error('not completed');
    expect(third.result.stages.map((s) => s.losses)).toEqual(again.result.stages.map((s) => s.losses));
    expect(third.result.pretrained.testAccuracy).toEqual(again.result.pretrained.testAccuracy);
  });
});

describe('stopping', () => {
  it('stops between two batches and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    let batches = 0;
    const out = await runPretrain({ labels: 100, seeds: 2, size: 'small' }, { progressIntervalMs: 0, onProgress: (p) => (p.phase === 'pretrain' ? batches++ : 0), shouldStop: () => batches >= 3 });
    expect(out.status).toBe('stopped');
    expect(batches).toBeLessThan(6);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('engine channel pretrain.start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-pretrain-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('claims the training slot, streams valid events, ends with a result, and is stopped by train.stop', async () => {
    const events: KindEvent[] = [];
    let onDone: (p: unknown) => void = () => undefined;
    const engine = new Engine({ dataDir, backend: { prefer: 'wasm' } }, (name, payload) => {
      const e = perKind(name, payload);
      events.push(e);
      if (e.name === 'pretrain.done') onDone(e.payload);
    });
    const doneOnce = () => new Promise<unknown>((resolve) => (onDone = resolve));

    let done = doneOnce();
    const { runId } = await engine.handlers['pretrain.start']({ labels: 100, seeds: 1, size: 'small' });
    // One training slot: a second start is refused while the first runs.
    await expect(engine.handlers['pretrain.start']({ labels: 100, seeds: 1, size: 'small' })).rejects.toMatchObject({ code: 'E_ENGINE_BUSY' });
    const d = PretrainDoneSchema.parse(await done);
    expect(d).toMatchObject({ runId, status: 'completed' });
    expect(d.result!.stages).toHaveLength(PRETRAIN_SIZES.small.units.length);
    for (const e of events) {
      if (e.name === 'pretrain.progress') PretrainProgressSchema.parse(e.payload);
      if (e.name === 'pretrain.result') PretrainStageSchema.parse(e.payload);
      if (e.name === 'pretrain.epoch') PretrainEpochSchema.parse(e.payload);
    }
    // Progress is throttled to about ten events a second (plus one at the end of each epoch).
    const progress = events.filter((e) => e.name === 'pretrain.progress').length;
    const epochsRun = PRETRAIN_SIZES.small.pretrainEpochs * PRETRAIN_SIZES.small.units.length + 2 * PRETRAIN_SIZES.small.finetuneEpochs;
    expect(progress).toBeLessThanOrEqual(epochsRun + 2 + Math.ceil(d.result!.seconds * 10) + 5);
    expect((await engine.handlers['pretrain.last']({})).result?.runId).toBe(runId);

    // Stop: the slot is free again, and train.stop with the new runId ends the run.
    done = doneOnce();
    const second = await engine.handlers['pretrain.start']({ labels: 100, seeds: 2, size: 'small' });
    expect(await engine.handlers['train.stop']({ runId: second.runId })).toEqual({ stopped: true });
    expect(PretrainDoneSchema.parse(await done)).toMatchObject({ runId: second.runId, status: 'stopped' });
  });
});
