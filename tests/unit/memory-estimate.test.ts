// Before training, the memory a run needs is estimated; a run that cannot fit is refused
// with the numbers and a hint (E_MEMORY), instead of crashing the engine mid-epoch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { AppError } from '../../shared/errors';
import { assertFitsInMemory, batchThatFits, estimateTrainingMemory, memoryBudget, memoryReport, WASM_MAX_BYTES } from '../../main/engine/model/memory';
import { EngineHost } from '../../main/engine/host';
import { createRouter } from '../../main/engine/router';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The starter with a GRU of `units`, a lookback of `lookback` rows and batch `batch`. */
function gru(units: number, lookback: number, batch: number): Experiment {
  const exp = structuredClone(STARTER_EXPERIMENT) as Experiment;
  exp.windowing = { ...exp.windowing, lookback, batchSize: batch };
  const layers = (exp.model as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
  layers[0]!.config.units = units;
  layers[0]!.config.batch_input_shape = [null, lookback, 3];
  return exp;
}

describe('training memory estimate', () => {
  it('counts the parameters like Keras and grows with batch, lookback and units', () => {
    const est = estimateTrainingMemory(STARTER_EXPERIMENT)!;
    // GRU(8) on 3 features, reset_after=false: 3*(3*8 + 8*8 + 8) = 288; Dense(1): 9.
    expect(est.params).toBe(297);
    expect(est.totalBytes).toBeGreaterThan(est.params * 4);
    expect(est.totalBytes).toBeLessThan(64 * MiB);
    const base = estimateTrainingMemory(gru(32, 240, 128))!;
    const biggerBatch = estimateTrainingMemory(gru(32, 240, 256))!;
    const longer = estimateTrainingMemory(gru(32, 480, 128))!;
    const wider = estimateTrainingMemory(gru(64, 240, 128))!;
    expect(biggerBatch.activationBytes).toBeCloseTo(2 * base.activationBytes, -3);
    expect(longer.totalBytes).toBeGreaterThan(1.8 * base.activationBytes);
    expect(wider.totalBytes).toBeGreaterThan(base.totalBytes);
    // The book's GRU(32) on 240 steps of 14 features, batch 128: tens of MiB, not GiB.
    expect(base.totalBytes / MiB).toBeGreaterThan(10);
    expect(base.totalBytes / MiB).toBeLessThan(1024);
  });

  it('is close to what tfjs really allocates for one training step (tf.profile peak)', async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    for (const [cls, units, T, B] of [['GRU', 16, 32, 16], ['LSTM', 16, 32, 16], ['SimpleRNN', 32, 32, 16]] as const) {
      const exp = gru(units, T, B);
      const layers = (exp.model as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers;
      layers[0]!.class_name = cls;
      if (cls !== 'GRU') delete layers[0]!.config.reset_after;
      const model = await tf.models.modelFromJSON(exp.model as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
      const opt = tf.train.rmsprop(0.001);
      const x = tf.randomNormal([B, T, 3]);
      const y = tf.randomNormal([B, 1]);
      const info = await tf.profile(() => {
        opt.minimize(() => tf.losses.absoluteDifference(y, model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar);
      });
      const est = estimateTrainingMemory(exp)!.totalBytes;
      expect(est, cls).toBeGreaterThan(0.8 * info.peakBytes);
      expect(est, cls).toBeLessThan(2.5 * info.peakBytes);
      model.dispose();
      opt.dispose();
      tf.dispose([x, y]);
    }
  });

  it('refuses a run that needs about 50 GiB, with the numbers and a batch that would fit', () => {
    const huge = gru(1024, 2000, 4096);
    const est = estimateTrainingMemory(huge)!;
    expect(est.totalBytes / GiB).toBeGreaterThan(50);
    const free = 16 * GiB;
    let err: unknown;
    try {
      assertFitsInMemory(huge, 'cpu', free);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('E_MEMORY');
    expect(e.params.needMiB).toBe(Math.ceil(est.totalBytes / MiB));
    expect(e.params.haveMiB).toBe(Math.floor((free * 0.8) / MiB));
    expect(e.params.batch).toBe(4096);
    const suggested = e.params.suggestedBatch as number;
    expect(suggested).toBeGreaterThan(0);
    expect(suggested).toBeLessThan(4096);
    // The suggestion really fits, and one more sample per batch would not... nearly: check the estimate.
    const fitted = estimateTrainingMemory(gru(1024, 2000, suggested))!;
    expect(fitted.totalBytes).toBeLessThanOrEqual(free * 0.8);
    expect(estimateTrainingMemory(gru(1024, 2000, suggested + 1))!.totalBytes).toBeGreaterThan(free * 0.8);
  });

  it('accepts the starter, and knows the wasm32 limit', () => {
    expect(() => assertFitsInMemory(STARTER_EXPERIMENT, 'wasm', 2 * GiB)).not.toThrow();
    expect(memoryBudget('wasm', 64 * GiB)).toEqual({ bytes: WASM_MAX_BYTES, limitedBy: 'wasm32' });
    expect(memoryBudget('cpu', 64 * GiB).limitedBy).toBe('system');
    // A model that fits on a 64 GiB machine's native backend but not in wasm32's 4 GiB.
    const mid = gru(64, 1000, 256);
    const est = estimateTrainingMemory(mid)!;
    expect(est.totalBytes).toBeGreaterThan(WASM_MAX_BYTES);
    expect(est.totalBytes).toBeLessThan(40 * GiB);
    expect(memoryReport(est, memoryBudget('tensorflow', 64 * GiB)).fits).toBe(true);
    const wasm = memoryReport(est, memoryBudget('wasm', 64 * GiB));
    expect(wasm).toMatchObject({ fits: false, limitedBy: 'wasm32', haveMiB: 4096 });
    expect(batchThatFits(est, memoryBudget('wasm', 64 * GiB))).toBe(wasm.suggestedBatch);
    // A model too big for even one sample gets 0: the hint is then to shrink the model.
    expect(memoryReport(estimateTrainingMemory(gru(1024, 2000, 1))!, { bytes: 10 * MiB, limitedBy: 'system' }).suggestedBatch).toBe(0);
  });
});

const workerPath = path.resolve('dist/main/engine-worker.cjs');
describe('the engine refuses a run that cannot fit', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-mem-'));
  const host = new EngineHost({ dataDir, workerPath });
  const route = createRouter({ host, appInfo: () => ({ version: 'test', mode: 'browser', platform: process.platform }) });
  afterAll(async () => {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers train.start with E_MEMORY and the numbers, and estimates before training', async () => {
    const huge = gru(1024, 2000, 4096);
    const r = await route('train.start', { experiment: huge });
    expect(r).toMatchObject({ ok: false, error: { code: 'E_MEMORY' } });
    const params = (r as { error: { params: Record<string, number> } }).error.params;
    expect(params.needMiB).toBeGreaterThan(50 * 1024);
    expect(params.needMiB).toBeGreaterThan(params.haveMiB!);
    // Nothing was started: the slot is free and the starter's estimate fits.
    const est = await route('train.estimate', { experiment: STARTER_EXPERIMENT });
    expect(est).toMatchObject({ ok: true, result: { estimate: { fits: true, params: 297 } } });
    const tooBig = await route('train.estimate', { experiment: huge });
    expect(tooBig).toMatchObject({ ok: true, result: { estimate: { fits: false } } });
    expect((await route('runs.list', {})).ok).toBe(true);
    // A stack that cannot be built (a Dense before a GRU gives it a 2-D input) has no estimate, not "fits, 0 parameters".
    const layers = (STARTER_EXPERIMENT.model.config as { layers: { class_name: string; config: Record<string, unknown> }[] }).layers;
    const broken = structuredClone(STARTER_EXPERIMENT);
    (broken.model.config as { layers: unknown[] }).layers = [
      { class_name: 'Dense', config: { name: 'first', units: 4, batch_input_shape: [null, 3] } },
      { ...layers[0]!, config: { ...layers[0]!.config, batch_input_shape: undefined } },
      layers[1]!,
    ];
    expect(await route('train.estimate', { experiment: broken })).toMatchObject({ ok: true, result: { estimate: null } });
  });
});
