import { z } from 'zod';

/**
 * A Keras-compatible model topology (what `model.toJSON()` / Keras `to_json()` write).
 * Deep validation of layers is shape inference's job; here we bound size and form.
 */
export const KerasLayerSchema = z
  .object({
    class_name: z.string().min(1).max(64),
    config: z.record(z.string().max(64), z.unknown()),
  })
  .loose();

export const ModelSpecSchema = z
  .object({
    class_name: z.enum(['Sequential', 'Functional', 'Model']),
    config: z
      .object({
        name: z.string().max(128).optional(),
        layers: z.array(KerasLayerSchema).min(1).max(200),
      })
      .loose(),
  })
  .loose();
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

export const DatasetRefSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('builtin'),
    /** Id of a dataset generated or shipped with the app. */
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    /** Generator options (size, seed); each builtin validates its own. */
    options: z.record(z.string().max(64), z.union([z.number(), z.string().max(64), z.boolean()])).optional(),
  }),
]);
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

export const WindowingSchema = z.object({
  /** Rows of history one sample looks at. */
  lookback: z.number().int().min(1).max(100_000),
  /** Sampling period inside the lookback (take every `step`-th row). */
  step: z.number().int().min(1).max(10_000),
  /** How many rows after the last input row the target lies. */
  delay: z.number().int().min(0).max(100_000),
  batchSize: z.number().int().min(1).max(4096),
  /** Index of the target column among the numeric columns. */
  targetColumn: z.number().int().min(0).max(10_000),
});
export type Windowing = z.infer<typeof WindowingSchema>;

export const TrainSettingsSchema = z.object({
  optimizer: z.enum(['rmsprop', 'adam', 'sgd']),
  learningRate: z.number().positive().max(10),
  loss: z.enum(['mae', 'mse']),
  epochs: z.number().int().min(1).max(10_000),
  stepsPerEpoch: z.number().int().min(1).max(1_000_000),
  validationSteps: z.number().int().min(0).max(1_000_000),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});
export type TrainSettings = z.infer<typeof TrainSettingsSchema>;

export const ExperimentSchema = z.object({
  version: z.literal(1),
  name: z.string().min(1).max(200),
  dataset: DatasetRefSchema,
  windowing: WindowingSchema,
  model: ModelSpecSchema,
  training: TrainSettingsSchema,
});
export type Experiment = z.infer<typeof ExperimentSchema>;
