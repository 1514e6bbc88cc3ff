import { z } from 'zod';
import { ExperimentSchema } from '../experiment';
import { ProjectSchema } from '../project';

/**
 * The one IPC contract. Every channel is declared once, here: its request schema
 * (validated on the receiving side, because the renderer is untrusted) and its
 * response schema. Event streams from the engine to the window are declared below.
 * Both transports (Electron preload and the browser-mode WebSocket) carry exactly this.
 */

export const LANGUAGES = ['fa', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

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
});
export type BackendReport = z.infer<typeof BackendReportSchema>;

export const SettingsSchema = z.object({
  language: z.enum(LANGUAGES),
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

export const channels = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'engine.backends': { request: Empty, response: BackendReportSchema },
  'settings.get': { request: Empty, response: SettingsSchema },
  'settings.set': { request: SettingsSchema.partial().strict(), response: SettingsSchema },
  'experiments.starter': { request: Empty, response: ExperimentSummarySchema },
  /** The autosaved working project (null when there is none yet). */
  'project.load': { request: Empty, response: z.object({ project: ProjectSchema.nullable() }) },
  'project.save': { request: z.object({ project: ProjectSchema }).strict(), response: z.object({ savedAt: z.string() }) },
  'train.start': {
    request: z.object({ experiment: ExperimentSchema }).strict(),
    response: z.object({ runId: RunId }),
  },
  'train.stop': {
    request: z.object({ runId: RunId }).strict(),
    response: z.object({ stopped: z.boolean() }),
  },
} as const;

export type Channel = keyof typeof channels;
export type Req<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type Res<C extends Channel> = z.infer<(typeof channels)[C]['response']>;

export const CHANNEL_NAMES = Object.keys(channels) as Channel[];
export function isChannel(x: unknown): x is Channel {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(channels, x);
}

// ---------------------------------------------------------------- events

export const TrainProgressSchema = z.object({
  runId: RunId,
  phase: z.enum(['preparing', 'training', 'validating']),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  /** Loss of the last batch and its exponential moving average. */
  loss: z.number(),
  smoothedLoss: z.number(),
  samplesPerSecond: z.number(),
  /** Seconds left for the whole run, estimated from the speed so far. */
  etaSeconds: z.number(),
  elapsedSeconds: z.number(),
});
export type TrainProgress = z.infer<typeof TrainProgressSchema>;

export const EpochLogSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  valLoss: z.number().nullable(),
  seconds: z.number(),
  /** Validation loss in the target's units (MAE: degC; MSE: degC^2), for forecasting. */
  valLossPhysical: z.number().nullable().optional(),
  /** Share of correct validation predictions, for classification tasks. */
  valAccuracy: z.number().nullable().optional(),
});
export type EpochLog = z.infer<typeof EpochLogSchema>;

export const TrainEpochSchema = z.object({ runId: RunId, log: EpochLogSchema });

export const TrainDoneSchema = z.object({
  runId: RunId,
  status: z.enum(['completed', 'stopped', 'failed']),
  history: z.array(EpochLogSchema),
  finalLoss: z.number().nullable(),
  finalValLoss: z.number().nullable(),
  /** Validation loss of the naive baseline on the same split, when the task has one. */
  baselineValLoss: z.number().nullable(),
  bestEpoch: z.number().int().nullable(),
  wallSeconds: z.number(),
  /** 'regression' (forecasting windows) or 'classification' (the generated order/bidirectional tasks). */
  task: z.enum(['regression', 'classification']).optional(),
  /** The loss the figures are in ('mae', 'mse', 'binary_crossentropy'). */
  lossName: z.string().optional(),
  /** Unit of the physical figures (e.g. 'degC'; MSE figures are in its square), null without one. */
  targetUnit: z.string().nullable().optional(),
  /** baselineValLoss in physical units (MAE x the target's training std; MSE x std^2). */
  baselineValLossPhysical: z.number().nullable().optional(),
  /** Validation loss of the best epoch (the weights kept), normalised and physical. */
  bestValLoss: z.number().nullable().optional(),
  bestValLossPhysical: z.number().nullable().optional(),
  /** Test split, evaluated once at the end with the kept weights (null when skipped or empty). */
  testLoss: z.number().nullable().optional(),
  testLossPhysical: z.number().nullable().optional(),
  baselineTestLoss: z.number().nullable().optional(),
  baselineTestLossPhysical: z.number().nullable().optional(),
  /** Classification only: share correct (model, and the majority-class baseline). */
  valAccuracy: z.number().nullable().optional(),
  baselineValAccuracy: z.number().nullable().optional(),
  testAccuracy: z.number().nullable().optional(),
  baselineTestAccuracy: z.number().nullable().optional(),
  /** True when early stopping ended the run (patience ran out). */
  earlyStopped: z.boolean().optional(),
  /** Whether the best epoch's weights were put back at the end. */
  restoredBestWeights: z.boolean().optional(),
  error: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
});
export type TrainDone = z.infer<typeof TrainDoneSchema>;

export const EngineStatusSchema = z.object({
  state: z.enum(['ready', 'crashed', 'restarted']),
  detail: z.string().optional(),
});

export const events = {
  'train.progress': TrainProgressSchema,
  'train.epoch': TrainEpochSchema,
  'train.done': TrainDoneSchema,
  'engine.status': EngineStatusSchema,
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
