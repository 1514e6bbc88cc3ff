/**
 * The book's comparison on the Jena data (issue #17.2): the naive baseline, then each row of
 * shared/compare.ts trained in turn through the same training code as a normal forecasting
 * run (training/train.ts), on one copy of the bundled table. The caller records every row as a
 * run of the project (`record`), so a row opens on the Runs page with curves, predictions and
 * exports like any other run. Stop ends the row in training; the rows before it stay.
 */
import { toErrorData } from '../../../shared/errors';
import { COMPARE_MODELS, COMPARE_SIZES, compareExperiment, compareGraph, recurrentSteps, type CompareModelId, type CompareSizeName } from '../../../shared/compare';
import type { CompareBaseline, CompareDone, CompareProgress, CompareRow } from '../../../shared/ipc/compare';
import type { BackendName } from '../../../shared/training';
import type { Experiment } from '../../../shared/experiment';
import { loadDataset, prepareData } from '../data/datasets';
import { timesteps } from '../data/window';
import { evaluateSplit } from '../training/evaluate';
import { trainModel, type TrainedRun } from '../training/train';

export interface CompareJobOptions {
  size: CompareSizeName;
  models?: readonly CompareModelId[];
  /** The job's id; row i's run is `<runId>-<i>`. */
  runId: string;
  backend: BackendName;
  dataDir?: string;
  shouldStop?(): boolean;
  onProgress?(p: CompareProgress): void;
  onBaseline?(b: CompareBaseline): void;
  onRow?(r: CompareRow): void;
  /** Keeps the trained row as a run of the project (takes the model); returns the run's id, or null when it was not recorded. */
  record(trained: TrainedRun, experiment: Experiment, params: number | null): Promise<string | null>;
  progressIntervalMs?: number;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export async function runCompareJob(o: CompareJobOptions): Promise<CompareDone> {
  const started = performance.now();
  const size = COMPARE_SIZES[o.size];
  const models = COMPARE_MODELS.filter((m) => !o.models || o.models.includes(m));
  const rows: CompareRow[] = [];
  const wall = (): number => (performance.now() - started) / 1000;
  const total = models.length;
  let baseline: CompareBaseline | null = null;
  const report = (status: CompareDone['status'], error?: CompareDone['error']): CompareDone => ({
    runId: o.runId, status, size: o.size, baseline, rows, wallSeconds: wall(), ...(error ? { error } : {}),
  });
  try {
    o.onProgress?.({ runId: o.runId, row: 'baseline', rowIndex: 0, rows: total, phase: 'preparing', epoch: 0, epochs: 0, batch: 0, batches: 0, loss: 0, elapsedSeconds: 0 });
    const first = compareExperiment(o.size, models[0] ?? 'gru');
    // One table for every row (generating the full-size one takes seconds).
    const dataset = await loadDataset(first.dataset, undefined, o.dataDir ? { dataDir: o.dataDir } : {});
    // The baseline on the samples the rows are scored on (same split, batch and number of batches).
    const data = prepareData(first, dataset);
    const evalOpts = { loss: 'mae' as const, batchSize: size.batchSize };
    const val = await evaluateSplit(null, data.source, 'validation', { ...evalOpts, maxBatches: size.validationSteps, shouldStop: o.shouldStop });
    const test = await evaluateSplit(null, data.source, 'test', { ...evalOpts, maxBatches: size.testSteps, shouldStop: o.shouldStop });
    if (!val || !test) return report('stopped');
    baseline = { valMae: val.baselineLoss, valMaeC: val.baselineLossPhysical, testMae: test.baselineLoss, testMaeC: test.baselineLossPhysical };
    o.onBaseline?.(baseline);

    for (const [i, model] of models.entries()) {
      if (o.shouldStop?.()) return report('stopped');
      const experiment = compareExperiment(o.size, model);
      const runId = `${o.runId}-${i + 1}`;
      const trained = await trainModel(experiment, runId, {
        shouldStop: o.shouldStop,
        progressIntervalMs: o.progressIntervalMs ?? 100,
        onProgress: (p) => o.onProgress?.({ runId: o.runId, row: model, rowIndex: i, rows: total, phase: p.phase, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.smoothedLoss, elapsedSeconds: p.elapsedSeconds }),
      }, { dataset, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
      const d = trained.done;
      const params = trained.model ? trained.model.countParams() : null;
      const runRecordId = await o.record(trained, experiment, params).catch(() => null);
      const row: CompareRow = {
        model,
        status: d.status,
        runRecordId,
        valMae: d.bestValLoss ?? null,
        valMaeC: d.bestValLossPhysical ?? null,
        testMae: d.testLoss ?? null,
        testMaeC: d.testLossPhysical ?? null,
        params,
        secondsPerEpoch: mean(d.history.map((h) => h.seconds)),
        epochs: d.history.length,
        inputSteps: timesteps(experiment.windowing),
        recurrentSteps: recurrentSteps(compareGraph(size, model)),
        backend: o.backend,
        ...(d.error ? { error: { code: d.error.code, ...(d.error.params ? { params: d.error.params } : {}) } } : {}),
      };
      rows.push(row);
      o.onRow?.(row);
      if (d.status === 'stopped') return report('stopped');
    }
    return report('completed');
  } catch (e) {
    const err = toErrorData(e);
    return report('failed', { code: err.code, ...(err.params ? { params: err.params } : {}) });
  }
}
