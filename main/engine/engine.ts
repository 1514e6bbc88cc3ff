/**
 * The engine's request handlers. Runs inside the engine worker thread (or in-process
 * for the command line and tests). Plain Node: never imports electron.
 */
import * as path from 'node:path';
import { AppError } from '../../shared/errors';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { APP_CHANNELS, SettingsSchema, type AppChannel, type Channel, type Req, type Res, type Settings } from '../../shared/ipc/contract';
import { configureBackend, initBackend, type LadderOptions } from './platform/backend';
import { dataHandlers } from './handlers/data';
import { readJson, writeFileAtomic } from './platform/files';
import { ProjectService } from './projects/project';
import { ModelImports, matchingWeights, projectHandlers } from './handlers/project';
import { buildReport, exportRun } from './export';
import type { TrustedExtras } from './protocol';
import type { RunRecord } from '../../shared/runs';
import { gruWindow } from './model/gru-gates';
import { buildModel } from './model/build';
import { predictRange } from './training/evaluate';
import { trainModel, type TrainedRun } from './training/train';
import { RunModels } from './training/run-models';
import type { tf } from './platform/backend';
import { JobService, type Emit } from './jobs/service';
import type { ExperimentContext } from './jobs/context';
import { captioningHandlers } from './jobs/captioning';
import { videoHandlers } from './jobs/video';
import { pretrainHandlers } from './jobs/pretrain';
import { Checkpoints, type ResumePoint } from './training/checkpoints';
import { assertFitsInMemory, estimateTrainingMemory, memoryBudget, memoryReport } from './model/memory';

export type { Emit };

export interface EngineOptions {
  /** Where settings, projects and runs are kept. */
  dataDir: string;
  backend?: LadderOptions;
  /** Write the session marker (session.lock) and offer recovery after a crash: the app's engine, not the CLI or tests. */
  sessionMarker?: boolean;
}

const DEFAULT_SETTINGS: Settings = { language: 'fa' };

type Handler<C extends Channel> = (req: Req<C>) => Promise<Res<C>>;
type EngineChannel = Exclude<Channel, AppChannel>;

export class Engine {
  /** The job service: forecasting runs and the lesson experiments, one at a time (jobs/service.ts). */
  readonly jobs = new JobService((name, payload) => this.emit(name, payload));
  /** Trained models per run, for predictions, the gate explorer and exports (training/run-models.ts). */
  readonly models: RunModels;
  /** The current project: builder state and its run history, autosaved (project.ts). */
  readonly projects: ProjectService;
  private readonly imports: ModelImports;
  private runs: ProjectService['runs'];
  /** Checkpoints of running trainings; interrupted runs are found and resumed here (checkpoints.ts). */
  private readonly checkpoints: Checkpoints;
  /** Set by runs.resume for the train.start it calls. */
  private pendingResume: ResumePoint | null = null;

  constructor(
    private readonly opts: EngineOptions,
    private readonly emit: Emit,
  ) {
    this.projects = new ProjectService(opts.dataDir, { sessionMarker: opts.sessionMarker ?? false });
    this.imports = new ModelImports(opts.dataDir);
    this.runs = this.projects.runs;
    this.checkpoints = new Checkpoints(opts.dataDir);
    this.models = new RunModels(opts.dataDir);
    configureBackend(opts.backend);
  }

  private settingsFile(): string {
    return path.join(this.opts.dataDir, 'settings.json');
  }

  private async readSettings(): Promise<Settings> {
    const raw = await readJson(this.settingsFile());
    const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(raw && typeof raw === 'object' ? raw : {}) });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  private experimentContext(): ExperimentContext {
    // Called while the handler table is built, before the constructor has stored opts and
    // emit: read them when used, not now.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const engine = this;
    return {
      get dataDir() {
        return engine.opts.dataDir;
      },
      get jobs() {
        return engine.jobs;
      },
    };
  }

  readonly handlers: { [C in EngineChannel]: Handler<C> } = {
    'engine.backends': async () => initBackend(this.opts.backend),
    ...dataHandlers(() => ({ dataDir: this.opts.dataDir, emit: this.emit })),
    ...captioningHandlers(this.experimentContext()),
    ...videoHandlers(this.experimentContext()),
    ...pretrainHandlers(this.experimentContext()),
    'settings.get': async () => this.readSettings(),
    'settings.set': async (patch) => {
      const next = SettingsSchema.parse({ ...(await this.readSettings()), ...patch });
      await writeFileAtomic(this.settingsFile(), JSON.stringify(next, null, 2));
      return next;
    },
    'experiments.starter': async () => ({ id: 'starter', experiment: STARTER_EXPERIMENT }),
    ...projectHandlers(() => ({ dataDir: this.opts.dataDir, projects: this.projects, imports: this.imports })),
    'train.start': async ({ experiment, initialWeights }) => {
      await initBackend(this.opts.backend);
      // Starting from an imported model's weights: only when the model still has their shapes.
      let weights: tf.Tensor[] | undefined;
      let weightsUse: 'used' | 'dropped' | undefined;
      if (initialWeights) {
        const source = await this.imports.get(initialWeights.importId);
        const probe = await buildModel(experiment).catch(() => null);
        weights = (probe && matchingWeights(probe, source)) ?? undefined;
        probe?.dispose();
        weightsUse = weights ? 'used' : 'dropped';
      }
      const resume = this.pendingResume;
      this.pendingResume = null;
      if (resume) weights = resume.weights;
      // A run that cannot fit in memory is refused now, with the numbers, not half-way through.
      assertFitsInMemory(experiment, (await initBackend(this.opts.backend)).active);
      const backend = (await initBackend(this.opts.backend)).active;
      const runId = this.jobs.start('train', async (job) => {
        const runId = job.jobId;
        const createdAt = new Date().toISOString();
        const checkpoint = this.checkpoints.track(runId, { createdAt, backend, experiment, ...(resume ? { resumedFrom: resume.fromRunId } : {}) });
        const trained = await trainModel(experiment, runId, {
          shouldStop: () => job.shouldStop(),
          // About 12 updates a second: smooth live curves (issue #5 asks for 10+).
          progressIntervalMs: 80,
          onProgress: (p) => job.progress(p),
          onEpoch: (log) => job.epoch({ runId, log }),
          checkpoint: checkpoint.hook,
        }, { dataDir: this.opts.dataDir, ...(weights ? { initialWeights: weights } : {}), ...(resume ? { resume: { history: resume.history, best: resume.best, optimizerWeights: resume.optimizerWeights } } : {}) });
        resume?.weights.forEach((t) => t.dispose());
        resume?.optimizerWeights.forEach((w) => w.tensor.dispose());
        const params = trained.model ? trained.model.countParams() : null;
        await this.models.keep(trained).catch(() => undefined);
        // The run is recorded before the window hears it is done, so the history is complete.
        await this.runs.save({ id: runId, createdAt, experiment, backend, params, done: trained.done }).catch(() => undefined);
        await checkpoint.finish(this.runs);
        return trained.done;
      });
      return { runId, ...(weightsUse ? { initialWeights: weightsUse } : {}) };
    },
    'runs.list': async () => {
      // Runs a crash or power cut interrupted join the history (once per engine start).
      await this.checkpoints.recover(this.runs);
      return { runs: await this.runs.list() };
    },
    'runs.resume': async ({ runId }) => {
      if (this.jobs.busy) throw new AppError('E_ENGINE_BUSY', { runId: this.jobs.busy });
      const point = await this.checkpoints.prepareResume(runId);
      this.pendingResume = point;
      try {
        const started = await this.handlers['train.start']({ experiment: point.experiment });
        return { runId: started.runId, fromEpoch: point.fromEpoch };
      } catch (e) {
        point.weights.forEach((t) => t.dispose());
        point.optimizerWeights.forEach((w) => w.tensor.dispose());
        throw e;
      } finally {
        this.pendingResume = null;
      }
    },
    'train.estimate': async ({ experiment }) => {
      const backend = (await initBackend(this.opts.backend)).active;
      const est = estimateTrainingMemory(experiment);
      return { estimate: est ? memoryReport(est, memoryBudget(backend)) : null, backend };
    },
    'runs.delete': async ({ runId }) => {
      const deleted = await this.runs.delete(runId);
      if (deleted) await this.models.forget(runId);
      return { deleted };
    },
    'runs.gru': async ({ runId, sample }) => {
      const run = await this.models.require(await this.record(runId, 'model'));
      return gruWindow(run.model, run.data.source, sample ?? 0);
    },
    // The destination folder and the report's PDF come from the main process (router.ts), never the renderer.
    'runs.export': async ({ runId, what, lang, destination }, trusted?: TrustedExtras) => {
      const { run, record } = await this.runForExport(runId);
      if (destination && destination !== 'downloads' && !trusted?.exportDir) throw new AppError('E_NOT_FOUND', { what: 'folder', id: 'grant' });
      const dir = trusted?.exportDir ?? path.join(this.opts.dataDir, 'exports');
      const out = await exportRun(run, record, dir, what ?? { tfjs: true, h5: true, python: true, history: true }, {
        lang: lang ?? (await this.readSettings()).language,
        reportPdf: trusted?.reportPdf ?? null,
      });
      return { folder: out.dir, files: out.files };
    },
    'runs.report': async ({ runId, lang }) => {
      const { run, record } = await this.runForExport(runId);
      return { html: await buildReport(run, record, lang ?? (await this.readSettings()).language) };
    },
    'train.predict': async ({ runId, split, start, count, stride }) => {
      const run = await this.models.require(await this.record(runId, 'model'));
      const f = await predictRange({ model: run.model, data: run.data }, { split: split ?? 'test', start, count, stride });
      const splitName = split ?? 'test';
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
    'train.stop': async ({ runId }) => ({ stopped: this.jobs.stop(runId) }),
  };

  /** A recorded run of the project; E_NOT_FOUND (naming `what`) when there is none. */
  private async record(runId: string, what: 'run' | 'model' = 'run'): Promise<RunRecord> {
    const record = (await this.runs.list()).find((r) => r.id === runId);
    if (!record) throw new AppError('E_NOT_FOUND', { what, id: runId });
    return record;
  }

  /** A recorded run with its model when it has one (else plots, report and history only). */
  private async runForExport(runId: string): Promise<{ run: TrainedRun; record: RunRecord }> {
    const record = await this.record(runId);
    const run = await this.models.get(record);
    return { record, run: run ?? { done: record.done, model: null, data: null, dispose: () => undefined } };
  }

  async handle(channel: Channel, payload: unknown, trusted?: TrustedExtras): Promise<unknown> {
    if ((APP_CHANNELS as readonly string[]).includes(channel)) throw new AppError('E_UNKNOWN_CHANNEL', { channel });
    const h = this.handlers[channel as EngineChannel] as (p: unknown, t?: TrustedExtras) => Promise<unknown>;
    return h(payload, trusted);
  }
}
