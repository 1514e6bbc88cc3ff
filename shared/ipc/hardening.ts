/**
 * Channels for training safety (issue #8), spread into the one contract (contract.ts):
 * the memory estimate shown before training, and resuming a run that a crash or a power
 * cut interrupted, from its last checkpoint (main/engine/training/checkpoints.ts).
 */
import { z } from 'zod';
import { ExperimentSchema } from '../experiment';

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const MemoryEstimateSchema = z.object({
  /** Estimated need and what the backend can use now, in MiB. */
  needMiB: z.number().int().nonnegative(),
  haveMiB: z.number().int().nonnegative(),
  fits: z.boolean(),
  /** The largest batch size that would fit (0: not even one sample; the model is too big). */
  suggestedBatch: z.number().int().nonnegative(),
  /** What bounds the budget: the wasm32 address space or free system memory. */
  limitedBy: z.enum(['wasm32', 'system']),
  params: z.number().int().nonnegative(),
});
export type MemoryEstimateReport = z.infer<typeof MemoryEstimateSchema>;

export const hardeningChannels = {
  /** Memory a run of this experiment needs, before it starts (null when the model cannot be analysed). */
  'train.estimate': {
    request: z.object({ experiment: ExperimentSchema }).strict(),
    response: z.object({ estimate: MemoryEstimateSchema.nullable(), backend: z.string() }),
  },
  /** Continues an interrupted run from its checkpoint (best weights so far), for the epochs it had left. */
  'runs.resume': {
    request: z.object({ runId: RunId }).strict(),
    response: z.object({ runId: RunId, fromEpoch: z.number().int().nonnegative() }),
  },
} as const;
