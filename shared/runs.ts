import { z } from 'zod';
import { ExperimentSchema } from './experiment';
import { BACKEND_NAMES, TrainDoneSchema } from './training';

/** One training run as kept in the run history: everything needed to compare or repeat it. */
export const RunRecordSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  createdAt: z.string().max(40),
  experiment: ExperimentSchema,
  backend: z.enum(BACKEND_NAMES),
  /** Total parameters of the model. */
  params: z.number().int().nonnegative().nullable(),
  done: TrainDoneSchema,
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const ForecastSchema = z.object({
  runId: z.string(),
  split: z.enum(['train', 'validation', 'test']),
  unit: z.string().nullable(),
  time: z.array(z.number()).nullable(),
  truth: z.array(z.number()),
  prediction: z.array(z.number()),
  naive: z.array(z.number()),
  /** Samples in the split (for choosing a range). */
  available: z.number().int(),
});
export type Forecast = z.infer<typeof ForecastSchema>;
