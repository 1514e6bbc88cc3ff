/**
 * The forecasting run as a job: `train.start` (optionally from an imported model's weights),
 * `runs.resume` (an interrupted run from its last checkpoint) and `train.estimate` (memory,
 * before starting). The trained model is kept per run (training/run-models.ts) and the run
 * recorded before the window hears it is done.
 */
import { AppError } from '../../../shared/errors';
import { initBackend, type LadderOptions, type tf } from '../platform/backend';
import type { ModelImports } from '../export/model-imports';
import type { ProjectService } from '../projects/project';
import { buildModel, matchingWeights } from '../model/build';
import { assertFitsInMemory, estimateTrainingMemory, memoryBudget, memoryReport } from '../model/memory';
import type { Checkpoints, ResumePoint } from '../training/checkpoints';
import type { RunModels } from '../training/run-models';
import { trainModel } from '../training/train';
import type { HandlersFor, JobService } from './service';

export interface TrainContext {
  readonly dataDir: string;
  readonly backend: LadderOptions | undefined;
  readonly jobs: JobService;
  readonly models: RunModels;
  readonly runs: ProjectService['runs'];
  readonly checkpoints: Checkpoints;
  readonly imports: ModelImports;
}

/** The context is read on first use (the engine builds its handler table before it is ready). */
export function trainHandlers(context: () => TrainContext): HandlersFor<'train.start' | 'runs.resume' | 'train.estimate'> {
  /** Set by runs.resume for the train.start it calls. */
  let pendingResume: ResumePoint | null = null;

  const handlers: HandlersFor<'train.start' | 'runs.resume' | 'train.estimate'> = {
    'train.start': async ({ experiment, initialWeights }) => {
      const ctx = context();
      const backend = (await initBackend(ctx.backend)).active;
      // Starting from an imported model's weights: only when the model still has their shapes.
      let weights: tf.Tensor[] | undefined;
      let weightsUse: 'used' | 'dropped' | undefined;
      if (initialWeights) {
        const source = await ctx.imports.get(initialWeights.importId);
        const probe = await buildModel(experiment).catch(() => null);
        weights = (probe && matchingWeights(probe, source)) ?? undefined;
        probe?.dispose();
        weightsUse = weights ? 'used' : 'dropped';
      }
      const resume = pendingResume;
      pendingResume = null;
      if (resume) weights = resume.weights;
      // A run that cannot fit in memory is refused now, with the numbers, not half-way through.
      assertFitsInMemory(experiment, backend);
      const runId = ctx.jobs.start('train', async (job) => {
        const runId = job.jobId;
        const createdAt = new Date().toISOString();
        const checkpoint = ctx.checkpoints.track(runId, { createdAt, backend, experiment, ...(resume ? { resumedFrom: resume.fromRunId } : {}) });
        const trained = await trainModel(experiment, runId, {
          shouldStop: () => job.shouldStop(),
          // About 12 updates a second: smooth live curves (issue #5 asks for 10+).
          progressIntervalMs: 80,
          onProgress: (p) => job.progress(p),
          onEpoch: (log) => job.epoch({ runId, log }),
          checkpoint: checkpoint.hook,
        }, { dataDir: ctx.dataDir, ...(weights ? { initialWeights: weights } : {}), ...(resume ? { resume: { history: resume.history, best: resume.best, optimizerWeights: resume.optimizerWeights } } : {}) });
        resume?.weights.forEach((t) => t.dispose());
        resume?.optimizerWeights.forEach((w) => w.tensor.dispose());
        const params = trained.model ? trained.model.countParams() : null;
        await ctx.models.keep(trained).catch(() => undefined);
        // The run is recorded before the window hears it is done, so the history is complete.
        await ctx.runs.save({ id: runId, createdAt, experiment, backend, params, done: trained.done }).catch(() => undefined);
        await checkpoint.finish(ctx.runs);
        return trained.done;
      });
      return { runId, ...(weightsUse ? { initialWeights: weightsUse } : {}) };
    },
    'runs.resume': async ({ runId }) => {
      const ctx = context();
      if (ctx.jobs.busy) throw new AppError('E_ENGINE_BUSY', { runId: ctx.jobs.busy });
      const point = await ctx.checkpoints.prepareResume(runId);
      pendingResume = point;
      try {
        const started = await handlers['train.start']({ experiment: point.experiment });
        return { runId: started.runId, fromEpoch: point.fromEpoch };
      } catch (e) {
        point.weights.forEach((t) => t.dispose());
        point.optimizerWeights.forEach((w) => w.tensor.dispose());
        throw e;
      } finally {
        pendingResume = null;
      }
    },
    'train.estimate': async ({ experiment }) => {
      const backend = (await initBackend(context().backend)).active;
      const est = estimateTrainingMemory(experiment);
      return { estimate: est ? memoryReport(est, memoryBudget(backend)) : null, backend };
    },
  };
  return handlers;
}
