/**
 * The engine's request handlers. Runs inside the engine worker thread (or in-process
 * for the command line and tests). Plain Node: never imports electron.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../shared/errors';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { SettingsSchema, type Channel, type EventName, type EventPayload, type Req, type Res, type Settings } from '../../shared/ipc/contract';
import { initBackend, type LadderOptions } from './backend';
import { dataHandlers } from './dataHandlers';
import { readJson, writeFileAtomic } from './files';
import { readProjectFile, writeProjectFile } from './project';
import { RunStore } from './runs';
import { exportRun } from './export';
import { gruWindow } from './gru';
import { predictRange, trainModel, type TrainedRun } from './train';
import { TrainingSlot, type ExperimentContext } from './experiments/jobs';
import { captioningHandlers } from './experiments/captioning';
import { videoHandlers } from './experiments/video';
import { pretrainHandlers } from './experiments/pretrain';

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface EngineOptions {
  /** Where settings, projects and runs are kept. */
  dataDir: string;
  backend?: LadderOptions;
}

const DEFAULT_SETTINGS: Settings = { language: 'fa' };

type Handler<C extends Channel> = (req: Req<C>) => Promise<Res<C>>;
type EngineChannel = Exclude<Channel, 'app.info'>;

export class Engine {
  /** The single training slot, shared with the lesson experiments (experiments/jobs.ts). */
  readonly slot = new TrainingSlot();
  /** The last finished run's model, kept for predictions and exports. */
  private lastRun: TrainedRun | null = null;
  private runs: RunStore;

  constructor(
    private readonly opts: EngineOptions,
    private readonly emit: Emit,
  ) {
    this.runs = new RunStore(path.join(opts.dataDir, 'runs'));
  }

  private settingsFile(): string {
    return path.join(this.opts.dataDir, 'settings.json');
  }

  private autosaveFile(): string {
    return path.join(this.opts.dataDir, 'projects', 'autosave.seqlab.json');
  }

  private async readSettings(): Promise<Settings> {
    const raw = await readJson(this.settingsFile());
    const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(raw && typeof raw === 'object' ? raw : {}) });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  private experimentContext(): ExperimentContext {
    return { dataDir: this.opts.dataDir, emit: this.emit, claim: (kind) => this.slot.claim(kind) };
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
    'project.load': async () => {
      const file = this.autosaveFile();
      try {
        return { project: await readProjectFile(file) };
      } catch (e) {
        // A corrupt or newer autosave is never half-loaded and never lost: a copy is kept
        // aside (the user is told its name) before the app starts over.
        if (e instanceof AppError && (e.code === 'E_PROJECT_CORRUPT' || e.code === 'E_PROJECT_NEWER')) {
          const backup = file.replace(/\.seqlab\.json$/, `.unreadable-${Date.now()}.seqlab.json`);
          await fs.copyFile(file, backup).catch(() => undefined);
          throw new AppError(e.code, { ...e.params, backup: path.basename(backup) });
        }
        throw e;
      }
    },
    'project.save': async ({ project }) => {
      await writeProjectFile(this.autosaveFile(), project);
      return { savedAt: project.savedAt };
    },
    'train.start': async ({ experiment }) => {
      await initBackend(this.opts.backend);
      const job = this.slot.claim('run');
      const runId = job.runId;
      const createdAt = new Date().toISOString();
      const backend = (await initBackend(this.opts.backend)).active;
      void trainModel(experiment, runId, {
        shouldStop: () => job.shouldStop(),
        onProgress: (p) => this.emit('train.progress', p),
        onEpoch: (log) => this.emit('train.epoch', { runId, log }),
      }, { dataDir: this.opts.dataDir })
        .then(async (trained) => {
          this.lastRun?.dispose();
          this.lastRun = trained.model ? trained : null;
          if (!trained.model) trained.dispose();
          const params = trained.model ? trained.model.countParams() : null;
          // The run is recorded before the window hears it is done, so the history is complete.
          await this.runs.save({ id: runId, createdAt, experiment, backend, params, done: trained.done }).catch(() => undefined);
          this.emit('train.done', trained.done);
        })
        .finally(() => job.release());
      return { runId };
    },
    'runs.list': async () => ({ runs: await this.runs.list() }),
    'runs.delete': async ({ runId }) => ({ deleted: await this.runs.delete(runId) }),
    'runs.gru': async ({ runId, sample }) => {
      const run = this.lastRun;
      if (!run || run.done.runId !== runId || !run.model || !run.data) throw new AppError('E_NOT_FOUND', { what: 'model', id: runId });
      return gruWindow(run.model, run.data.source, sample ?? 0);
    },
    'runs.export': async ({ runId }) => {
      const run = this.lastRun;
      const record = (await this.runs.list()).find((r) => r.id === runId);
      if (!run || run.done.runId !== runId || !record) throw new AppError('E_NOT_FOUND', { what: 'model', id: runId });
      const out = await exportRun(run, record, path.join(this.opts.dataDir, 'exports'), { tfjs: true, h5: true, python: true, history: true });
      return { folder: out.dir, files: out.files };
    },
    'train.predict': async ({ runId, split, start, count, stride }) => {
      const run = this.lastRun;
      if (!run || run.done.runId !== runId || !run.model || !run.data) throw new AppError('E_NOT_FOUND', { what: 'model', id: runId });
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
    'train.stop': async ({ runId }) => ({ stopped: this.slot.stop(runId) }),
  };

  async handle(channel: Channel, payload: unknown): Promise<unknown> {
    if (channel === 'app.info') throw new AppError('E_UNKNOWN_CHANNEL', { channel });
    const h = this.handlers[channel] as (p: unknown) => Promise<unknown>;
    return h(payload);
  }
}
