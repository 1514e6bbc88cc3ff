/**
 * Engine handlers of the book's comparison (issue #17.2):
 *   compare.start  a job that measures the naive baseline, then trains each row
 *                  (experiments/compare.ts) as a normal run of the project: its model kept
 *                  per run (predictions, exports) and its record saved before its row is
 *                  reported (job.result), so "open run" finds it; 'train.stop' stops the job.
 *   compare.last   the last finished comparison (the tab can be closed and reopened).
 */
import type { CompareDone, compareChannels } from '../../../shared/ipc/compare';
import { initBackend, type LadderOptions } from '../platform/backend';
import type { ProjectService } from '../projects/project';
import type { RunModels } from '../training/run-models';
import { runCompareJob } from '../experiments/compare';
import type { HandlersFor, JobService } from './service';

export interface CompareContext {
  readonly dataDir: string;
  readonly backend: LadderOptions | undefined;
  readonly jobs: JobService;
  readonly models: RunModels;
  readonly runs: ProjectService['runs'];
}

export function compareHandlers(context: () => CompareContext): HandlersFor<keyof typeof compareChannels> {
  let last: CompareDone | null = null;
  return {
    'compare.start': async ({ size, models }) => {
      const ctx = context();
      const backend = (await initBackend(ctx.backend)).active;
      const runId = ctx.jobs.start('compare', async (job) => {
        const done = await runCompareJob({
          size,
          ...(models ? { models } : {}),
          runId: job.jobId,
          backend,
          dataDir: ctx.dataDir,
          shouldStop: () => job.shouldStop(),
          onProgress: (p) => job.progress(p),
          onBaseline: (baseline) => job.result({ runId: job.jobId, part: 'baseline', baseline }),
          onRow: (row) => job.result({ runId: job.jobId, part: 'row', row }),
          record: async (trained, experiment, params) => {
            const { done } = trained;
            const hasModel = trained.model !== null;
            await ctx.models.keep(trained).catch(() => undefined);
            // A row that failed before training has nothing to open.
            if (!hasModel && done.history.length === 0) return null;
            await ctx.runs.save({ id: done.runId, createdAt: new Date().toISOString(), experiment, backend, params, done });
            return done.runId;
          },
        });
        last = done;
        return done;
      });
      return { runId };
    },
    'compare.last': async () => ({ done: last }),
  };
}
