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

/** Id of an imported file: lower-case letters, digits and '-', so it can never name a path. */
export const FileIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/);
export const MissingPolicySchema = z.enum(['drop-row', 'fill-previous', 'fail']);

export const DatasetRefSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('builtin'),
    /** Id of a dataset generated or shipped with the app. */
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    /** Generator options (size, seed); each builtin validates its own. */
    options: z.record(z.string().max(64), z.union([z.number(), z.string().max(64), z.boolean()])).optional(),
  }),
  z.object({
    kind: z.literal('file'),
    /**
     * A CSV file the user chose, copied by the engine into `<dataDir>/imports/<fileId>.csv`.
     * The engine resolves the id to that path only: the renderer never names a path.
     */
    fileId: FileIdSchema,
    /** The file's original name, for display only. */
    name: z.string().max(200).optional(),
    /** What to do with missing or malformed cells (default 'fill-previous'). */
    missing: MissingPolicySchema.optional(),
    /** Keep numeric time columns (year, month, quarter) as features too (default: they only index time). */
    timeAsFeature: z.boolean().optional(),
    /** 'wide-months': a table of one row per year and a column per month, read as one long monthly series. */
    reshape: z.literal('wide-months').optional(),
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
  /** Indices of the numeric columns fed to the model (default: all). */
  inputColumns: z.array(z.number().int().min(0).max(10_000)).min(1).max(10_000).optional(),
  /**
   * Explicit split sizes in rows: the first `train` rows, then `validation` rows, the rest
   * is test. Default: the dataset's own split (Jena: 200,000 / 100,000 of 420,551, scaled).
   */
  splits: z.object({ train: z.number().int().min(1), validation: z.number().int().min(1) }).optional(),
});
export type Windowing = z.infer<typeof WindowingSchema>;

export const TrainSettingsSchema = z.object({
  optimizer: z.enum(['rmsprop', 'adam', 'sgd']),
  learningRate: z.number().positive().max(10),
  /** 'binary_crossentropy' for the classification tasks (sigmoid output). */
  loss: z.enum(['mae', 'mse', 'binary_crossentropy']),
  epochs: z.number().int().min(1).max(10_000),
  stepsPerEpoch: z.number().int().min(1).max(1_000_000),
  validationSteps: z.number().int().min(0).max(1_000_000),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  /** Early stopping: stop after this many epochs without a better validation loss (absent or 0: never). */
  patience: z.number().int().min(0).max(10_000).optional(),
  /** The smallest fall of the validation loss that counts as better (default 0). */
  minDelta: z.number().min(0).max(1e6).optional(),
  /** Put the best epoch's weights back at the end (default true). */
  restoreBestWeights: z.boolean().optional(),
  /** Batches of the test split evaluated at the end (absent: as validationSteps; 0: skip the test). */
  testSteps: z.number().int().min(0).max(1_000_000).optional(),
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
