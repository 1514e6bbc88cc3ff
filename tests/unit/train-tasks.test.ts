/**
 * Training on the generated lesson tasks: the models that see order (GRU) and the future
 * (Bidirectional GRU) must beat the ones that cannot, by a clear margin. Tiny models,
 * short sequences, fixed seeds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Experiment } from '../../shared/experiment';
import { initBackend } from '../../main/engine/platform/backend';
import { generateJena } from '../../main/engine/data/jena';
import { columnStats } from '../../main/engine/data/table';
import { evaluateSplit, evaluationCallSize, evaluationIndices, predictRange } from '../../main/engine/training/evaluate';
import { inferBatch } from '../../main/engine/model/infer';
import { tf } from '../../main/engine/platform/backend';
import { prepareData } from '../../main/engine/data/datasets';
import { runTraining, trainModel } from '../../main/engine/training/train';

const LEN = 16;

function gru(units: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { class_name: 'GRU', config: { units, activation: 'tanh', recurrent_activation: 'hard_sigmoid', reset_after: false, ...extra } };
}

function experiment(id: string, layers: Experiment['model']['config']['layers'], over: Partial<Experiment['training']> = {}): Experiment {
  return {
    version: 1,
    name: id,
    dataset: { kind: 'builtin', id, options: { samples: 3000, length: LEN, seed: 5 } },
    windowing: { lookback: 1, step: 1, delay: 0, batchSize: 64, targetColumn: 0 },
    model: { class_name: 'Sequential', config: { layers } },
    training: { optimizer: 'adam', learningRate: 0.02, loss: 'binary_crossentropy', epochs: 6, stepsPerEpoch: 30, validationSteps: 0, seed: 3, ...over },
  };
}

const input = { batch_input_shape: [null, LEN, 2] };

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

const sigmoidOut = { class_name: 'Dense', config: { units: 1, activation: 'sigmoid' } };

describe('order task', () => {
  it('a GRU beats the naive baseline and a Dense model on the flattened input', async () => {
    const g = await runTraining(experiment('order-task', [{ class_name: 'GRU', config: { ...(gru(8).config as object), ...input } }, sigmoidOut]), 'gru');
    const d = await runTraining(
      experiment('order-task', [{ class_name: 'Flatten', config: input }, { class_name: 'Dense', config: { units: 16, activation: 'relu' } }, sigmoidOut]),
      'dense',
    );
    expect(g.status).toBe('completed');
    expect(d.status).toBe('completed');
    expect(g.task).toBe('classification');
    // Loss falls.
    expect(g.history.at(-1)!.loss).toBeLessThan(g.history[0]!.loss * 0.5);
    // The baseline (majority class) is at chance: both classes hold the same events.
    expect(g.baselineTestAccuracy!).toBeGreaterThan(0.4);
    expect(g.baselineTestAccuracy!).toBeLessThan(0.6);
    expect(g.testAccuracy!).toBeGreaterThan(0.9);
    expect(g.testAccuracy!).toBeGreaterThan(d.testAccuracy! + 0.1);
    expect(g.testLoss!).toBeLessThan(g.baselineTestLoss!);
    expect(g.testLoss!).toBeLessThan(d.testLoss!);
  });
});

describe('bidirectional task', () => {
  it('a Bidirectional GRU beats a forward GRU', async () => {
    const b = await runTraining(
      experiment('bidirectional-task', [{ class_name: 'Bidirectional', config: { layer: gru(8, { return_sequences: true }), merge_mode: 'concat', ...input } }, sigmoidOut]),
      'bi',
    );
    const f = await runTraining(
      experiment('bidirectional-task', [{ class_name: 'GRU', config: { ...(gru(8, { return_sequences: true }).config as object), ...input } }, sigmoidOut]),
      'fwd',
    );
    expect(b.status).toBe('completed');
    expect(f.status).toBe('completed');
    expect(b.history.at(-1)!.loss).toBeLessThan(b.history[0]!.loss * 0.5);
    expect(b.testAccuracy!).toBeGreaterThan(0.9);
    // The forward GRU cannot see the future: little better than the base rate.
    expect(f.testAccuracy!).toBeLessThan(0.7);
    expect(b.testAccuracy!).toBeGreaterThan(f.testAccuracy! + 0.2);
  });
});

/** A small forecasting experiment on the synthetic Jena data. */
function forecast(over: Partial<Experiment['training']> = {}, layers?: Experiment['model']['config']['layers']): Experiment {
  return {
    version: 1,
    name: 'jena-small',
    dataset: { kind: 'builtin', id: 'synthetic-jena', options: { rows: 6000, seed: 4 } },
    windowing: { lookback: 48, step: 6, delay: 12, batchSize: 32, targetColumn: 1, inputColumns: [0, 1, 4] },
    model: {
      class_name: 'Sequential',
      config: { layers: layers ?? [{ class_name: 'Flatten', config: { batch_input_shape: [null, 8, 3] } }, { class_name: 'Dense', config: { units: 1 } }] },
    },
    training: { optimizer: 'rmsprop', learningRate: 0.01, loss: 'mae', epochs: 4, stepsPerEpoch: 10, validationSteps: 5, seed: 8, ...over },
  };
}

describe('training loop', () => {
  it('repeats exactly for a seed, reports the baseline in both units and evaluates the test split', async () => {
    const a = await runTraining(forecast(), 'a');
    const b = await runTraining(forecast(), 'b');
    expect(a.status).toBe('completed');
    expect(a.history.map((h) => [h.loss, h.valLoss])).toEqual(b.history.map((h) => [h.loss, h.valLoss]));
    expect(a.targetUnit).toBe('degC');
    expect(a.baselineValLossPhysical!).toBeGreaterThan(0);
    // Physical = normalised x the target's std over the training rows (2,853 of 6,000 rows).
    const stats = prepareData(forecast()).stats!;
    const std = columnStats(generateJena({ rows: 2853, seed: 4 }).table)[1]!.std;
    expect(stats.std[1]!).toBeCloseTo(std, 3);
    const ratio = a.baselineValLossPhysical! / a.baselineValLoss!;
    expect(ratio).toBeCloseTo(std, 3);
    expect(a.testLoss).not.toBeNull();
    expect(a.testLossPhysical! / a.testLoss!).toBeCloseTo(ratio, 4);
    expect(a.baselineTestLoss).not.toBeNull();
  });

  it('stops early at best epoch + patience and keeps the best weights', async () => {
    // A learning rate so small nothing improves by minDelta after epoch 1: stop after epoch 1 + 2.
    const flat = await runTraining(forecast({ optimizer: 'sgd', learningRate: 1e-12, epochs: 10, patience: 2, minDelta: 1e-4 }), 'flat');
    expect(flat.status).toBe('completed');
    expect(flat.earlyStopped).toBe(true);
    expect(flat.history.length).toBe(3);
    expect(flat.bestEpoch).toBe(1);

    const run = await trainModel(forecast({ learningRate: 0.05, epochs: 8, patience: 2 }), 'es');
    try {
      const h = run.done.history;
      const best = h.reduce((m, e) => (e.valLoss! < m.valLoss! ? e : m));
      expect(run.done.bestEpoch).toBe(best.epoch);
      if (run.done.earlyStopped) expect(h.length).toBe(best.epoch + 2);
      // The model handed back holds the best epoch's weights.
      const v = await evaluateSplit(run.model, run.data!.source, 'validation', { loss: 'mae', batchSize: 32, maxBatches: 5 });
      expect(v!.loss!).toBeCloseTo(best.valLoss!, 4);
      // A week-style plot: predictions against the truth over a range of the test split, in degC.
      const series = await predictRange({ model: run.model!, data: run.data! }, { start: 10, count: 20, stride: 6 });
      expect(series.truth.length).toBe(20);
      expect(series.unit).toBe('degC');
      expect(series.time![1]! - series.time![0]!).toBe(6 * 600_000);
      const ds = run.data!.dataset;
      if (ds.kind !== 'table') throw new Error('table expected');
      expect(series.truth[3]!).toBeCloseTo(ds.table.data[series.targetRow![3]! * 14 + 1]!, 3);
      const mae = series.prediction.reduce((s, p, i) => s + Math.abs(p - series.truth[i]!), 0) / 20;
      expect(mae).toBeLessThan(15);
    } finally {
      run.dispose();
    }
  });

  it('evaluates several batches per model call, with the loss of one batch per call', async () => {
    // the lesson's windows: 6.49's [128, 480, 14] four batches a call, 6.47's eight (the cap)
    expect(evaluationCallSize(128, 480 * 14)).toBe(512);
    expect(evaluationCallSize(128, 240 * 14)).toBe(1024);
    // a batch bigger than the budget still runs, alone
    expect(evaluationCallSize(64, 100_000)).toBe(64);
    const run = await trainModel(forecast({ epochs: 1 }, [{ class_name: 'GRU', config: { ...(gru(8).config as object), batch_input_shape: [null, 8, 3] } }, { class_name: 'Dense', config: { units: 1 } }]), 'calls');
    try {
      const src = run.data!.source;
      const B = 32;
      const batches = 11;
      expect(evaluationCallSize(B, src.timesteps * src.features)).toBe(8 * B);
      const seen: [number, number][] = [];
      const v = await evaluateSplit(run.model, src, 'validation', { loss: 'mae', batchSize: B, maxBatches: batches, onBatch: (d, t) => seen.push([d, t]) });
      // progress still counts batches of B: 8 then 11 of 11, in two calls
      expect(seen).toEqual([[8, 11], [11, 11]]);
      // the reference: the model called on one batch of B at a time
      const idx = evaluationIndices(src.count('validation'), batches * B);
      const T = src.timesteps;
      const F = src.features;
      let sum = 0;
      let naiveSum = 0;
      for (let first = 0; first < idx.length; first += B) {
        const m = Math.min(B, idx.length - first);
        const x = new Float32Array(m * T * F);
        const y = new Float32Array(m);
        const naive = new Float32Array(m);
        src.fill('validation', idx.subarray(first, first + m), x, y, naive);
        const p = tf.tidy(() => inferBatch(run.model!, tf.tensor3d(x, [m, T, F])).dataSync());
        for (let k = 0; k < m; k++) {
          sum += Math.abs(p[k]! - y[k]!);
          naiveSum += Math.abs(naive[k]! - y[k]!);
        }
      }
      expect(v!.samples).toBe(batches * B);
      expect(Math.abs(v!.loss! - sum / idx.length)).toBeLessThan(1e-6);
      expect(v!.baselineLoss!).toBeCloseTo(naiveSum / idx.length, 10);
    } finally {
      run.dispose();
    }
  });

  it('stops a diverging run with E_TRAIN_DIVERGED', async () => {
    const d = await runTraining(forecast({ optimizer: 'sgd', learningRate: 10, loss: 'mse', epochs: 3 }), 'boom');
    expect(d.status).toBe('failed');
    expect(d.error?.code).toBe('E_TRAIN_DIVERGED');
  });

  it('refuses a model whose output does not fit the target', async () => {
    const d = await runTraining(forecast({}, [{ class_name: 'Flatten', config: { batch_input_shape: [null, 8, 3] } }, { class_name: 'Dense', config: { units: 2 } }]), 'bad');
    expect(d.status).toBe('failed');
    expect(d.error?.code).toBe('E_MODEL_INVALID');
  });
});
