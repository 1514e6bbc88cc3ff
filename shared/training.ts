import { z } from 'zod';

/** Training schemas shared by the contract (events) and the run history. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

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

