/**
 * The engine: wires the layers together into one table of channel handlers. Runs inside the
 * engine worker thread (or in-process for the command line and tests). Plain Node: never
 * imports electron. Each channel's behaviour lives in its handler module (handlers/) or job
 * (jobs/); this file only builds the services they share and hands them over.
 */
import { AppError } from '../../shared/errors';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { APP_CHANNELS, type AppChannel, type Channel, type Req, type Res } from '../../shared/ipc/contract';
import { configureBackend, initBackend, type LadderOptions } from './platform/backend';
import { ProjectService } from './projects/project';
import { ModelImports } from './export/model-imports';
import { RunModels } from './training/run-models';
import { Checkpoints } from './training/checkpoints';
import { JobService, type Emit } from './jobs/service';
import type { ExperimentContext } from './jobs/context';
import { trainHandlers } from './jobs/train';
import { captioningHandlers } from './jobs/captioning';
import { videoHandlers } from './jobs/video';
import { pretrainHandlers } from './jobs/pretrain';
import { compareHandlers } from './jobs/compare';
import { dataHandlers } from './handlers/data';
import { projectHandlers } from './handlers/project';
import { runsHandlers, type TrustedExtras } from './handlers/runs';
import { SettingsStore, settingsHandlers } from './handlers/settings';
import { UploadPools } from './platform/uploads';

export type { Emit };

export interface EngineOptions {
  /** Where settings, projects and runs are kept. */
  dataDir: string;
  backend?: LadderOptions;
  /** Write the session marker (session.lock) and offer recovery after a crash: the app's engine, not the CLI or tests. */
  sessionMarker?: boolean;
}

type Handler<C extends Channel> = (req: Req<C>) => Promise<Res<C>>;
type EngineChannel = Exclude<Channel, AppChannel>;

export class Engine {
  /** The job service: forecasting runs and the lesson experiments, one at a time (jobs/service.ts). */
  readonly jobs = new JobService((name, payload) => this.emit(name, payload));
  /** Trained models per run, for predictions, the gate explorer and exports (training/run-models.ts). */
  readonly models: RunModels;
  /** The current project: builder state and its run history, autosaved (projects/project.ts). */
  readonly projects: ProjectService;
  private readonly imports: ModelImports;
  /** Checkpoints of running trainings; interrupted runs are found and resumed here (training/checkpoints.ts). */
  private readonly checkpoints: Checkpoints;
  private readonly settings = new SettingsStore(() => this.opts.dataDir);
  /** Chunked uploads from the window, a pool per kind (platform/uploads.ts). */
  private readonly uploads: UploadPools;

  constructor(
    private readonly opts: EngineOptions,
    private readonly emit: Emit,
  ) {
    this.projects = new ProjectService(opts.dataDir, { sessionMarker: opts.sessionMarker ?? false });
    this.imports = new ModelImports(opts.dataDir);
    this.checkpoints = new Checkpoints(opts.dataDir);
    this.models = new RunModels(opts.dataDir);
    this.uploads = new UploadPools(opts.dataDir);
    // What an engine that ended mid-upload left behind cannot be resumed: it goes now.
    void this.uploads.sweep();
    configureBackend(opts.backend);
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

  // The handler table is built before the constructor body runs: every module reads the
  // services through a function, on first use.
  readonly handlers: { [C in EngineChannel]: Handler<C> } = {
    'engine.backends': async () => initBackend(this.opts.backend),
    'experiments.starter': async () => ({ id: 'starter', experiment: STARTER_EXPERIMENT }),
    ...settingsHandlers(this.settings),
    ...dataHandlers(() => ({ dataDir: this.opts.dataDir, emit: this.emit, uploads: this.uploads })),
    ...projectHandlers(() => ({ dataDir: this.opts.dataDir, projects: this.projects, imports: this.imports, uploads: this.uploads })),
    'upload.cancel': async ({ uploadId }) => ({ cancelled: await this.uploads.cancel(uploadId) }),
    ...trainHandlers(() => ({
      dataDir: this.opts.dataDir, backend: this.opts.backend, jobs: this.jobs, models: this.models,
      runs: this.projects.runs, checkpoints: this.checkpoints, imports: this.imports,
    })),
    ...runsHandlers(() => ({
      dataDir: this.opts.dataDir, jobs: this.jobs, models: this.models, runs: this.projects.runs,
      checkpoints: this.checkpoints, language: async () => (await this.settings.read()).language,
    })),
    ...captioningHandlers(this.experimentContext()),
    ...videoHandlers(this.experimentContext()),
    ...pretrainHandlers(this.experimentContext()),
    ...compareHandlers(() => ({ dataDir: this.opts.dataDir, backend: this.opts.backend, jobs: this.jobs, models: this.models, runs: this.projects.runs })),
  };

  async handle(channel: Channel, payload: unknown, trusted?: TrustedExtras): Promise<unknown> {
    if ((APP_CHANNELS as readonly string[]).includes(channel)) throw new AppError('E_UNKNOWN_CHANNEL', { channel });
    const h = this.handlers[channel as EngineChannel] as (p: unknown, t?: TrustedExtras) => Promise<unknown>;
    return h(payload, trusted);
  }
}
