import { z } from 'zod';
import { TIME_UNITS } from '../time';
import { DatasetRefSchema, MissingPolicySchema, WindowingSchema } from '../experiment';

/**
 * Schemas of the Data page's channels (`data.*` in contract.ts): the builtin list, safe
 * file import in chunks, a dataset's description, a downsampled series for a plot, and
 * what a windowing gives. Large datasets never travel: previews, statistics and
 * downsampled series only.
 */

/** Files bigger than this are refused before a byte is sent. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** Bytes per upload chunk the renderer sends (base64 in the message: about 1.4 MB). */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;
/** Rows in a description's preview. */
export const PREVIEW_ROWS = 20;
/** Most points a series or an example window may carry. */
export const MAX_SERIES_POINTS = 4000;

const UploadId = z.string().regex(/^[a-z0-9-]{1,64}$/);
/** Finite numbers, or null where the value is missing or not finite. */
const Num = z.number().nullable();

export const BuiltinOptionSchema = z.object({ default: z.number(), min: z.number(), max: z.number() });
export const BuiltinsResponseSchema = z.object({
  builtins: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['table', 'task']),
      options: z.record(z.string(), BuiltinOptionSchema),
    }),
  ),
  /** Rows of the full-size (8-year) Jena record. */
  jenaFullRows: z.number().int(),
});

export const UploadBeginRequestSchema = z
  .object({
    name: z.string().min(1).max(200),
    size: z.number().int().min(1).max(MAX_UPLOAD_BYTES),
  })
  .strict();
export const UploadChunkRequestSchema = z
  .object({
    uploadId: UploadId,
    seq: z.number().int().min(0).max(1_000_000),
    /** At most UPLOAD_CHUNK_BYTES once decoded. */
    dataBase64: z
      .string()
      .max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/),
  })
  .strict();
export const UploadEndRequestSchema = z.object({ uploadId: UploadId, missing: MissingPolicySchema.optional() }).strict();

export const ImportedFileSchema = z.object({
  fileId: z.string(),
  name: z.string(),
  bytes: z.number().int(),
  importedAt: z.string(),
});
export type ImportedFile = z.infer<typeof ImportedFileSchema>;

export const UploadEndResponseSchema = z.object({
  /** The new dataset (select it to use the file). */
  dataset: DatasetRefSchema,
  file: ImportedFileSchema,
  rows: z.number().int(),
  columns: z.array(z.string()),
  /** Missing, malformed and sentinel cells found (see data.describe for where). */
  problems: z.number().int(),
});

const ProblemSchema = z.object({ count: z.number().int(), firstLine: z.number().int() });

export const ColumnInfoSchema = z.object({
  index: z.number().int(),
  name: z.string(),
  unit: z.string().nullable(),
  /** 1-based position in the file (imported files only). */
  columnNumber: z.number().int().nullable(),
  min: Num,
  max: Num,
  mean: Num,
  std: Num,
  nonFinite: z.number().int(),
  missing: ProblemSchema,
  malformed: ProblemSchema,
  sentinel: ProblemSchema.extend({ value: Num }),
});
export type ColumnInfo = z.infer<typeof ColumnInfoSchema>;

export const DescribeResponseSchema = z.object({
  kind: z.enum(['table', 'task']),
  /** Table rows, or task samples. */
  rows: z.number().int(),
  columns: z.array(ColumnInfoSchema),
  /** Columns left out of the table, and why. */
  excluded: z.array(z.object({ name: z.string(), columnNumber: z.number().int(), reason: z.enum(['date', 'text', 'empty', 'time']), example: z.string().nullable() })),
  /** First and last timestamp (epoch ms, UTC) and the usual step, when rows have dates. */
  timeRange: z.object({ start: z.number(), end: z.number() }).nullable(),
  /** The time index: which column(s) and form, and the sampling interval found, with its gaps (shared/time.ts). */
  time: z
    .object({
      column: z.string(),
      format: z.enum(['dd.mm.yyyy', 'iso', 'yyyymmdd', 'year', 'year-month', 'year-quarter']),
      interval: z
        .object({ unit: z.enum(TIME_UNITS), count: z.number().int().positive(), gaps: z.number().int(), firstGapRow: z.number().int().nullable(), irregular: z.number().int() })
        .nullable(),
    })
    .nullable(),
  problems: z.object({
    missing: z.number().int(),
    malformed: z.number().int(),
    sentinel: z.number().int(),
    sentinelValue: Num,
    /** The first problem cell in the file (line and column), if any. */
    first: z.object({ kind: z.enum(['missing', 'malformed', 'sentinel']), line: z.number().int(), column: z.string(), columnNumber: z.number().int() }).nullable(),
    ragged: ProblemSchema,
    truncatedLine: z.number().int().nullable(),
    droppedRows: z.number().int(),
    filledCells: z.number().int(),
    badDates: ProblemSchema,
    /** The header named fewer columns than every row has (the extra ones are called `column N`). */
    headerShort: z.object({ line: z.number().int(), named: z.number().int(), found: z.number().int() }).nullable(),
  }),
  /** A wide table (a row per year, a column per month) that can be read as one monthly series: what that gives. */
  wide: z
    .object({ yearColumn: z.string(), monthColumns: z.array(z.string()).length(12), rows: z.number().int(), preview: z.array(z.object({ time: z.number(), value: Num })) })
    .nullable(),
  /** The table was read that way (DatasetRef reshape 'wide-months'). */
  reshaped: z.boolean(),
  /** The first rows (tables) or the first sample's steps (tasks). */
  preview: z.object({
    timestamps: z.array(Num).nullable(),
    rows: z.array(z.array(Num)),
    /** Tasks: the first sample's target(s). */
    target: z.array(z.number()).optional(),
  }),
  defaultTargetColumn: z.number().int(),
  /** The dataset's own split, in rows (tables) or samples (tasks). */
  defaultSplits: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  unit: z.string().nullable(),
  /** Tasks only: sequence length, features, and targets per sample. */
  task: z.object({ length: z.number().int(), features: z.number().int(), targetSize: z.number().int() }).nullable(),
});
export type DescribeResponse = z.infer<typeof DescribeResponseSchema>;

export const SeriesRequestSchema = z
  .object({
    dataset: DatasetRefSchema,
    column: z.number().int().min(0).max(10_000),
    start: z.number().int().min(0).max(100_000_000),
    count: z.number().int().min(1).max(100_000_000),
    maxPoints: z.number().int().min(2).max(MAX_SERIES_POINTS),
  })
  .strict();
export const SeriesResponseSchema = z.object({
  column: z.number().int(),
  /** The range actually covered (clamped to the data). */
  start: z.number().int(),
  count: z.number().int(),
  /** Rows per bucket (1: every row, min = max). */
  bucket: z.number().int(),
  /** Per bucket: first row, its timestamp (null without dates), min and max. */
  row: z.array(z.number().int()),
  time: z.array(z.number()).nullable(),
  min: z.array(Num),
  max: z.array(Num),
});
export type SeriesResponse = z.infer<typeof SeriesResponseSchema>;

export const WindowInfoRequestSchema = z.object({ dataset: DatasetRefSchema, windowing: WindowingSchema }).strict();
const SplitRows = z.object({ start: z.number().int(), end: z.number().int() });
export const WindowInfoResponseSchema = z.object({
  counts: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  /** Row ranges of the splits, half-open. */
  splits: z.object({ train: SplitRows, validation: SplitRows, test: SplitRows }),
  timesteps: z.number().int(),
  features: z.number().int(),
  batchSize: z.number().int(),
  /** One batch of inputs (batch x timesteps x features float32), in bytes. */
  batchBytes: z.number().int(),
  /** Normalisation per column, from the training rows only. */
  mean: z.array(z.number()),
  std: z.array(z.number()),
  inputColumns: z.array(z.number().int()),
  targetColumn: z.number().int(),
  unit: z.string().nullable(),
  /** One training sample, in the data's own units: the target column at its input rows, and the target. */
  example: z
    .object({
      split: z.literal('train'),
      index: z.number().int(),
      inputRows: z.array(z.number().int()),
      input: z.array(Num),
      targetRow: z.number().int(),
      target: Num,
      inputTime: z.array(z.number()).nullable(),
      targetTime: Num,
    })
    .nullable(),
});
export type WindowInfo = z.infer<typeof WindowInfoResponseSchema>;

/** Import progress (engine -> window): upload received, then parsing. */
export const DataProgressSchema = z.object({
  uploadId: z.string(),
  phase: z.enum(['upload', 'parse']),
  bytes: z.number(),
  totalBytes: z.number(),
  rows: z.number().int(),
});
export type DataProgress = z.infer<typeof DataProgressSchema>;
