import { z } from 'zod';
import { DatasetRefSchema, ExperimentSchema } from '../experiment';
import { InitialWeightsSchema, InitialWeightsUseSchema, projectChannels } from './project';
import {
  BuiltinsResponseSchema,
  DataProgressSchema,
  DescribeResponseSchema,
  ImportedFileSchema,
  SeriesRequestSchema,
  SeriesResponseSchema,
  UploadBeginRequestSchema,
  UploadChunkRequestSchema,
  UploadEndRequestSchema,
  UploadEndResponseSchema,
  WindowInfoRequestSchema,
  WindowInfoResponseSchema,
} from './data';
import { ForecastSchema, RunRecordSchema } from '../runs';
import { captioningChannels } from './captioning';
import { videoChannels } from './video';
import { pretrainChannels } from './pretrain';
import { compareChannels } from './compare';
import { jobEvents } from './jobs';
import { hardeningChannels } from './hardening';
import { BACKEND_NAMES } from '../training';

export * from '../training';

/**
 * The one IPC contract. Every channel is declared once, here: its request schema
 * (validated on the receiving side, because the renderer is untrusted) and its
 * response schema. Event streams from the engine to the window are declared below.
 * Both transports (Electron preload and the browser-mode WebSocket) carry exactly this.
 */

export const LANGUAGES = ['fa', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];



const Empty = z.object({}).strict();
const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const BackendAttemptSchema = z.object({
  name: z.enum(BACKEND_NAMES),
  ok: z.boolean(),
  /** Why it was not used: a short code (`not-installed`, `load-failed`, `init-failed`, `skipped-by-choice`) and detail. */
  reason: z.string().optional(),
  detail: z.string().optional(),
});
export const BackendReportSchema = z.object({
  active: z.enum(BACKEND_NAMES),
  attempts: z.array(BackendAttemptSchema),
  tfjsVersion: z.string(),
  /** On the CPU backends (wasm, cpu): whether recurrent, Conv1D and 1-D pooling layers run as fused WebAssembly kernels (off with SEQLAB_FUSED=0). */
  fusedKernels: z.boolean().optional(),
  /** Threads the fused kernels split a batch over (the engine's own included; SEQLAB_THREADS caps it). */
  kernelThreads: z.number().int().positive().optional(),
  /** Whether the convolution kernels use relaxed SIMD's fused multiply-add (the module's FMA form). */
  kernelFma: z.boolean().optional(),
});
export type BackendReport = z.infer<typeof BackendReportSchema>;

const LessonIdSchema = z.string().regex(/^[a-z0-9-]{1,40}$/);
export const SettingsSchema = z.object({
  language: z.enum(LANGUAGES),
  /** The student's way through the course: lessons opened, trained (a run of the lesson's model or its experiment finished) and exported, and the last one opened (for "continue where you left off"). */
  course: z
    .object({
      opened: z.array(LessonIdSchema).max(64),
      trained: z.array(LessonIdSchema).max(64).optional(),
      exported: z.array(LessonIdSchema).max(64).optional(),
      last: LessonIdSchema.nullable(),
    })
    .optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  /** How the renderer is hosted: desktop window or browser mode. */
  mode: z.enum(['electron', 'browser']),
  /** Why browser mode is in use (a code the renderer translates), when it is. */
  browserModeReason: z.string().optional(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const ExperimentSummarySchema = z.object({
  id: z.string(),
  experiment: ExperimentSchema,
});

/** What an export writes (see main/engine/export/index.ts). */
export const ExportWhatSchema = z
  .object({
    tfjs: z.boolean().optional(),
    h5: z.boolean().optional(),
    /** model.keras (Keras 3). */
    keras: z.boolean().optional(),
    python: z.boolean().optional(),
    pytorch: z.boolean().optional(),
    onnx: z.boolean().optional(),
    history: z.boolean().optional(),
    plotsSvg: z.boolean().optional(),
    plotsPng: z.boolean().optional(),
    /** PNG size as a multiple of 800x450. */
    pngScale: z.number().int().min(1).max(4).optional(),
    report: z.boolean().optional(),
  })
  .strict();
export type ExportWhat = z.infer<typeof ExportWhatSchema>;
/** An opaque id for a folder the user picked in the native dialog; the path stays in the main process. */
export const GrantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export const ExportDestinationSchema = z.union([z.literal('downloads'), z.object({ grant: GrantIdSchema }).strict()]);

/** Channels the main process answers itself (router.ts); the engine never sees them. */
export const APP_CHANNELS = ['app.info', 'export.pickFolder', 'project.openDialog', 'project.saveDialog'] as const;
export type AppChannel = (typeof APP_CHANNELS)[number];

export const channels = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'engine.backends': { request: Empty, response: BackendReportSchema },
  'settings.get': { request: Empty, response: SettingsSchema },
  'settings.set': { request: SettingsSchema.partial().strict(), response: SettingsSchema },
  'experiments.starter': { request: Empty, response: ExperimentSummarySchema },
  'train.start': {
    request: z.object({ experiment: ExperimentSchema, initialWeights: InitialWeightsSchema.optional() }).strict(),
    /** initialWeights: whether the imported weights were used ('dropped': the model no longer fits them). */
    response: z.object({ runId: RunId, initialWeights: InitialWeightsUseSchema.optional() }),
  },
  /** The run history (newest first). */
  'runs.list': { request: Empty, response: z.object({ runs: z.array(RunRecordSchema) }) },
  'runs.delete': { request: z.object({ runId: RunId }).strict(), response: z.object({ deleted: z.boolean() }) },
  /** Predicted vs true target for a range of a split, from the last trained model of that run. */
  'train.predict': {
    request: z
      .object({
        runId: RunId,
        split: z.enum(['train', 'validation', 'test']).optional(),
        start: z.number().int().min(0).max(10_000_000),
        count: z.number().int().min(1).max(5000),
        stride: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    response: ForecastSchema,
  },
  /**
   * Exports a run into a new folder (main/engine/export): without `what`, the model (tfjs and
   * Keras .h5), Python code and history. `destination`: 'downloads' (default; the app's exports
   * folder, offered for download in browser mode) or a folder grant from 'export.pickFolder'.
   * The model files need the last trained run; plots, report and history work for any run.
   */
  'runs.export': {
    request: z.object({ runId: RunId, what: ExportWhatSchema.optional(), lang: z.enum(LANGUAGES).optional(), destination: ExportDestinationSchema.optional() }).strict(),
    response: z.object({
      folder: z.string(),
      files: z.array(z.string()),
      /** Browser mode: address prefix under which each listed file can be downloaded (`<download><file>`). */
      download: z.string().optional(),
    }),
  },
  /** The run's one-page report as self-contained HTML (the desktop app prints it to PDF). */
  'runs.report': {
    request: z.object({ runId: RunId, lang: z.enum(LANGUAGES).optional() }).strict(),
    response: z.object({ html: z.string() }),
  },
  /** Desktop only (answered by the main process): the native folder picker. Returns an opaque grant, never a path; null when cancelled or unavailable. */
  'export.pickFolder': { request: Empty, response: z.object({ grant: GrantIdSchema.nullable() }) },
  /** The first GRU of the last trained run: its weights and its input for one validation window (gate explorer). */
  'runs.gru': {
    request: z.object({ runId: RunId, sample: z.number().int().min(0).max(10_000_000).optional() }).strict(),
    response: z.object({
      layer: z.string(),
      kernel: z.array(z.array(z.number())),
      recurrentKernel: z.array(z.array(z.number())),
      bias: z.array(z.number()),
      /** Keras's reset_after=True form: `bias` is then the input row, `recurrentBias` the recurrent row. */
      resetAfter: z.boolean(),
      recurrentBias: z.array(z.number()).optional(),
      activation: z.string(),
      recurrentActivation: z.string(),
      window: z.array(z.array(z.number())),
    }),
  },
  'train.stop': {
    request: z.object({ runId: RunId }).strict(),
    response: z.object({ stopped: z.boolean() }),
  },
  // Data page (schemas in ./data.ts). Files arrive in chunks; the renderer never names a path.
  'data.builtins': { request: Empty, response: BuiltinsResponseSchema },
  'data.imports': { request: Empty, response: z.object({ files: z.array(ImportedFileSchema) }) },
  'data.uploadBegin': { request: UploadBeginRequestSchema, response: z.object({ uploadId: z.string() }) },
  'data.uploadChunk': { request: UploadChunkRequestSchema, response: z.object({ received: z.number().int() }) },
  'data.uploadEnd': { request: UploadEndRequestSchema, response: UploadEndResponseSchema },
  'data.describe': { request: z.object({ dataset: DatasetRefSchema }).strict(), response: DescribeResponseSchema },
  'data.series': { request: SeriesRequestSchema, response: SeriesResponseSchema },
  'data.windowInfo': { request: WindowInfoRequestSchema, response: WindowInfoResponseSchema },
  /** Cancels an open upload of any kind (CSV, project, model) and deletes what it had written. */
  'upload.cancel': { request: z.object({ uploadId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(), response: z.object({ cancelled: z.boolean() }) },
  // Lesson experiments of the second half of the course (issue #6), each in its own file.
  ...captioningChannels,
  ...videoChannels,
  ...pretrainChannels,
  // The book's comparison on the Jena data (issue #17.2): ./compare.ts.
  ...compareChannels,
  // Projects (run history inside the project file), crash recovery, model import: ./project.ts.
  ...projectChannels,
  // Memory estimate before training, resuming interrupted runs: ./hardening.ts.
  ...hardeningChannels,
} as const;

export type Channel = keyof typeof channels;

export type Req<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type Res<C extends Channel> = z.infer<(typeof channels)[C]['response']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];
export function isChannel(x: unknown): x is Channel {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(channels, x);
}

// ---------------------------------------------------------------- events

export const EngineStatusSchema = z.object({
  state: z.enum(['ready', 'crashed', 'restarted']),
  detail: z.string().optional(),
});

export const events = {
  'engine.status': EngineStatusSchema,
  'data.progress': DataProgressSchema,
  // Every long task (training runs and the experiments) reports as a job: ./jobs.ts.
  ...jobEvents,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** What travels back for every request, on either transport. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: { code: string; params?: Record<string, string | number> } };

/** The API object the renderer sees (window.seqlab in Electron; a WebSocket client in browser mode). */
export interface SeqlabApi {
  invoke<C extends Channel>(channel: C, request: Req<C>): Promise<Res<C>>;
  onEvent(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
}

/** Size limit on one request's JSON, enforced by both transports before parsing. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
