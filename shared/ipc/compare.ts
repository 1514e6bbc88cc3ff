/**
 * Channels and payloads of the book's comparison (issue #17.2), spread into the one contract
 * (contract.ts). The job trains each row of shared/compare.ts in turn as a normal forecasting
 * run of the project and reports each finished row as a job.result, so the table fills as it
 * goes. Request schemas are strict: the renderer is untrusted.
 */
import { z } from 'zod';
import { COMPARE_MODELS, COMPARE_SIZE_NAMES } from '../compare';
import { BACKEND_NAMES } from '../training';

const ErrorData = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });
const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Status = z.enum(['completed', 'stopped', 'failed']);
const Num = z.number().nullable();

/** Validation and test MAE of one row: normalised units and degrees C (x the target's training std). */
const Errors = {
  valMae: Num,
  valMaeC: Num,
  testMae: Num,
  testMaeC: Num,
};

/** The naive baseline (tomorrow's temperature = the window's last one), on the rows' own samples. */
export const CompareBaselineSchema = z.object(Errors);
export type CompareBaseline = z.infer<typeof CompareBaselineSchema>;

export const CompareRowSchema = z.object({
  model: z.enum(COMPARE_MODELS),
  status: Status,
  /** The row's run in the project (open it on the Runs page); null when it failed before training. */
  runRecordId: RunId.nullable(),
  ...Errors,
  params: z.number().int().nullable(),
  secondsPerEpoch: Num,
  epochs: z.number().int(),
  /** Timesteps fed to the model, and those its first recurrent layer reads (null: it has none). */
  inputSteps: z.number().int(),
  recurrentSteps: z.number().int().nullable(),
  backend: z.enum(BACKEND_NAMES).nullable(),
  error: ErrorData.optional(),
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

export const CompareDoneSchema = z.object({
  runId: z.string(),
  status: Status,
  size: z.enum(COMPARE_SIZE_NAMES),
  baseline: CompareBaselineSchema.nullable(),
  rows: z.array(CompareRowSchema),
  wallSeconds: z.number(),
  error: ErrorData.optional(),
});
export type CompareDone = z.infer<typeof CompareDoneSchema>;

export const CompareProgressSchema = z.object({
  runId: z.string(),
  /** 'baseline' while the naive baseline is measured, then the row in training. */
  row: z.union([z.literal('baseline'), z.enum(COMPARE_MODELS)]),
  rowIndex: z.number().int(),
  rows: z.number().int(),
  phase: z.enum(['preparing', 'training', 'validating']),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: z.number(),
  elapsedSeconds: z.number(),
});
export type CompareProgress = z.infer<typeof CompareProgressSchema>;

/** A part of the job finished: the baseline (first), then each row. */
export const ComparePartSchema = z.discriminatedUnion('part', [
  z.object({ runId: z.string(), part: z.literal('baseline'), baseline: CompareBaselineSchema }),
  z.object({ runId: z.string(), part: z.literal('row'), row: CompareRowSchema }),
]);
export type ComparePart = z.infer<typeof ComparePartSchema>;

export const compareChannels = {
  /** Starts the comparison: the naive baseline, then the chosen rows (default: all) in table order. */
  'compare.start': {
    request: z.object({ size: z.enum(COMPARE_SIZE_NAMES), models: z.array(z.enum(COMPARE_MODELS)).min(1).max(COMPARE_MODELS.length).optional() }).strict(),
    response: z.object({ runId: RunId }),
  },
  /** The last finished comparison (null before the first), so the tab can be reopened. */
  'compare.last': { request: z.object({}).strict(), response: z.object({ done: CompareDoneSchema.nullable() }) },
} as const;
