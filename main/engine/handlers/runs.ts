/**
 * The channels over the project's recorded runs: list (with runs a crash interrupted),
 * delete, predictions, the gate explorer and exports. Every one works for any run of the
 * project, through the per-run model cache (training/run-models.ts).
 */
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Language } from '../../../shared/ipc/contract';
import type { RunRecord } from '../../../shared/runs';
import { buildReport, exportRun } from '../export';
import type { HandlersFor, JobService } from '../jobs/service';
import { gruWindow } from '../model/gru-gates';
import type { ProjectService } from '../projects/project';
import type { Checkpoints } from '../training/checkpoints';
import { predictRange } from '../training/evaluate';
import type { RunModels } from '../training/run-models';
import type { TrainedRun } from '../training/train';

/**
 * Values only the main process decides, sent beside a validated request (never part of what the
 * renderer sends): the folder a 'runs.export' writes into (resolved from a folder grant) and the
 * report printed to PDF by the desktop app.
 */
export interface TrustedExtras {
  exportDir?: string;
  reportPdf?: Uint8Array;
}

type RunsChannel = 'runs.list' | 'runs.delete' | 'runs.gru' | 'runs.export' | 'runs.report' | 'train.predict' | 'train.stop';

export interface RunsContext {
  readonly dataDir: string;
  readonly jobs: JobService;
  readonly models: RunModels;
  readonly runs: ProjectService['runs'];
  readonly checkpoints: Checkpoints;
  /** The language of documents when the request names none (the user's setting). */
  language(): Promise<Language>;
}

/** The context is read on first use (the engine builds its handler table before it is ready). */
export function runsHandlers(context: () => RunsContext): HandlersFor<RunsChannel> {
  /** A recorded run of the project; E_NOT_FOUND (naming `what`) when there is none. */
  const record = async (runId: string, what: 'run' | 'model' = 'run'): Promise<RunRecord> => {
    const found = (await context().runs.list()).find((r) => r.id === runId);
    if (!found) throw new AppError('E_NOT_FOUND', { what, id: runId });
    return found;
  };
  /** A recorded run with its model when it has one (else plots, report and history only). */
  const runForExport = async (runId: string): Promise<{ run: TrainedRun; record: RunRecord }> => {
    const rec = await record(runId);
    const run = await context().models.get(rec);
    return { record: rec, run: run ?? { done: rec.done, model: null, data: null, dispose: () => undefined } };
  };

  return {
    'runs.list': async () => {
      const ctx = context();
      // Runs a crash or power cut interrupted join the history (once per engine start).
      await ctx.checkpoints.recover(ctx.runs);
      return { runs: await ctx.runs.list() };
    },
    'runs.delete': async ({ runId }) => {
      const ctx = context();
      const deleted = await ctx.runs.delete(runId);
      if (deleted) await ctx.models.forget(runId);
      return { deleted };
    },
    'runs.gru': async ({ runId, sample }) => {
      const run = await context().models.require(await record(runId, 'model'));
      return gruWindow(run.model, run.data.source, sample ?? 0);
    },
    // The destination folder and the report's PDF come from the main process (router.ts), never the renderer.
    'runs.export': async ({ runId, what, lang, destination }, trusted?: TrustedExtras) => {
      const ctx = context();
      const { run, record: rec } = await runForExport(runId);
      if (destination && destination !== 'downloads' && !trusted?.exportDir) throw new AppError('E_NOT_FOUND', { what: 'folder', id: 'grant' });
      const dir = trusted?.exportDir ?? path.join(ctx.dataDir, 'exports');
      const out = await exportRun(run, rec, dir, what ?? { tfjs: true, h5: true, python: true, history: true }, {
        lang: lang ?? (await ctx.language()),
        reportPdf: trusted?.reportPdf ?? null,
      });
      return { folder: out.dir, files: out.files };
    },
    'runs.report': async ({ runId, lang }) => {
      const { run, record: rec } = await runForExport(runId);
      return { html: await buildReport(run, rec, lang ?? (await context().language())) };
    },
    'train.predict': async ({ runId, split, start, count, stride }) => {
      const run = await context().models.require(await record(runId, 'model'));
      const splitName = split ?? 'test';
      const f = await predictRange({ model: run.model, data: run.data }, { split: splitName, start, count, stride });
      return {
        runId,
        split: splitName,
        unit: f.unit,
        time: f.time ? Array.from(f.time) : null,
        truth: Array.from(f.truth),
        prediction: Array.from(f.prediction),
        naive: Array.from(f.naive),
        available: run.data.source.count(splitName),
      };
    },
    // One Stop for every kind of job (the service knows which one runs).
    'train.stop': async ({ runId }) => ({ stopped: context().jobs.stop(runId) }),
  };
}
