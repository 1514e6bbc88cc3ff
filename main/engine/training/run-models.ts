/**
 * Trained models, kept per run: predictions, the gate explorer and every export work for any
 * run of the project, not only the last one trained.
 *
 * The newest few stay in memory (LRU, `capacity`); every model is also written to disk when it
 * is kept (`<dataDir>/models/<runId>/`, tfjs format), so one evicted from memory, or one from
 * an earlier session, is rebuilt from its run record: the model from the experiment (the same
 * fused kernels as in training) with the saved weights, and the data prepared again as the
 * run prepared it. A run whose model was never saved (it failed) or whose imported CSV file
 * is gone has no model: E_NOT_FOUND.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { RunRecord } from '../../../shared/runs';
import { loadDataset, prepareData } from '../data/datasets';
import { buildModel } from '../model/build';
import { loadTfjsModel, saveTfjsModel } from '../model/formats/tfjs';
import type { TrainedRun } from './train';

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class RunModels {
  /** In memory, least recently used first. */
  private readonly live = new Map<string, TrainedRun>();
  /** Loads in progress, so two requests for one run share it. */
  private readonly loading = new Map<string, Promise<TrainedRun>>();

  constructor(
    private readonly dataDir: string,
    private readonly capacity = 3,
  ) {}

  private dir(runId: string): string {
    if (!RUN_ID.test(runId)) throw new AppError('E_VALIDATION', { path: 'runId', issue: 'invalid_string' });
    return path.join(this.dataDir, 'models', runId);
  }

  /** Keeps a trained run (its model is this cache's from now on) and writes the model to disk. */
  async keep(run: TrainedRun): Promise<void> {
    if (!run.model || !run.data) {
      run.dispose();
      return;
    }
    const runId = run.done.runId;
    this.put(runId, run);
    // Written to a fresh folder and renamed, so a half-written model is never read back.
    const dir = this.dir(runId);
    const tmp = `${dir}.tmp-${process.pid}`;
    await fs.rm(tmp, { recursive: true, force: true });
    await saveTfjsModel(run.model, tmp);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tmp, dir);
  }

  /** The run's model and data: from memory, else rebuilt from disk; null when the run has none. */
  async get(record: RunRecord): Promise<TrainedRun | null> {
    const hit = this.live.get(record.id);
    if (hit) {
      this.live.delete(record.id);
      this.live.set(record.id, hit);
      return hit;
    }
    let pending = this.loading.get(record.id);
    if (!pending) {
      pending = this.load(record).finally(() => this.loading.delete(record.id));
      this.loading.set(record.id, pending);
    }
    return pending.catch((e: unknown) => {
      if (e instanceof AppError && e.code !== 'E_NOT_FOUND') throw e;
      return null;
    });
  }

  /** Like get(), but a run without a model is E_NOT_FOUND (what predict and the gate explorer answer). */
  async require(record: RunRecord): Promise<TrainedRun & { model: NonNullable<TrainedRun['model']>; data: NonNullable<TrainedRun['data']> }> {
    const run = await this.get(record);
    if (!run || !run.model || !run.data) throw new AppError('E_NOT_FOUND', { what: 'model', id: record.id });
    return { ...run, model: run.model, data: run.data };
  }

  /** Forgets a run (deleted from the project): memory and disk. */
  async forget(runId: string): Promise<void> {
    this.live.get(runId)?.dispose();
    this.live.delete(runId);
    await fs.rm(this.dir(runId), { recursive: true, force: true });
  }

  /** Runs held in memory now, least recently used first (tests, diagnostics). */
  inMemory(): string[] {
    return [...this.live.keys()];
  }

  private put(runId: string, run: TrainedRun): void {
    this.live.get(runId)?.dispose();
    this.live.delete(runId);
    this.live.set(runId, run);
    while (this.live.size > this.capacity) {
      const [oldest, evicted] = this.live.entries().next().value as [string, TrainedRun];
      this.live.delete(oldest);
      evicted.dispose();
    }
  }

  private async load(record: RunRecord): Promise<TrainedRun> {
    const dir = this.dir(record.id);
    try {
      await fs.access(path.join(dir, 'model.json'));
    } catch {
      throw new AppError('E_NOT_FOUND', { what: 'model', id: record.id });
    }
    const exp = record.experiment;
    const data = prepareData(exp, await loadDataset(exp.dataset, undefined, { dataDir: this.dataDir }));
    const saved = await loadTfjsModel(dir);
    const model = await buildModel(exp);
    try {
      model.setWeights(saved.getWeights());
    } catch (e) {
      model.dispose();
      throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
    } finally {
      saved.dispose();
    }
    const run: TrainedRun = { done: record.done, model, data, dispose: () => model.dispose() };
    this.put(record.id, run);
    return run;
  }
}
