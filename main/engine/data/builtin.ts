/**
 * Datasets that ship with the app (generated deterministically from a seed, so the
 * installer stays small and every lab PC sees the same numbers).
 */
import { AppError } from '../../../shared/errors';
import type { DatasetRef } from '../../../shared/experiment';
import { generateJena, JENA_DEFAULT_ROWS, JENA_DEFAULT_SEED, JENA_FULL_ROWS, JENA_TARGET_COLUMN } from './jena';
import { gaussian, mulberry32 } from './random';
import type { NumericTable } from './table';
import { BIDIRECTIONAL_TASK_DEFAULTS, bidirectionalTask, ORDER_TASK_DEFAULTS, orderTask, type TaskData } from './tasks';

/** The book's split of the Jena file, as fractions: rows 0-200,000 train, the next 100,000 validation. */
export const JENA_SPLITS = { train: 200_000 / JENA_FULL_ROWS, validation: 100_000 / JENA_FULL_ROWS } as const;

/** A table of numbers over time: forecasting windows are cut from it. */
export interface TableDataset {
  kind: 'table';
  table: NumericTable;
  /** Epoch ms per row, when the data has a date column. */
  timestamps?: Float64Array | null;
  /** Fractions of rows for train / validation; the rest is test (rounded to whole rows). */
  splits: { train: number; validation: number };
  /** Unit of the usual target column, for display ("degC"). */
  targetUnit?: string;
  /** The column a forecast usually targets (the UI's default). */
  defaultTargetColumn?: number;
}

/** Generated (x, y) samples: fractions of samples for train / validation, the rest test. */
export interface TaskDataset {
  kind: 'task';
  task: TaskData;
  splits: { train: number; validation: number };
}

export type LoadedDataset = TableDataset | TaskDataset;

/** What the UI lists: builtin ids, their options with defaults and bounds. */
export interface BuiltinInfo {
  id: string;
  kind: 'table' | 'task';
  options: Record<string, { default: number; min: number; max: number }>;
}

export const BUILTINS: BuiltinInfo[] = [
  { id: 'starter-series', kind: 'table', options: { rows: { default: 2000, min: 200, max: 200_000 }, seed: { default: 7, min: 0, max: 2 ** 31 - 1 } } },
  {
    id: 'synthetic-jena',
    kind: 'table',
    options: { rows: { default: JENA_DEFAULT_ROWS, min: 2000, max: JENA_FULL_ROWS }, seed: { default: JENA_DEFAULT_SEED, min: 0, max: 2 ** 31 - 1 } },
  },
  {
    id: 'order-task',
    kind: 'task',
    options: {
      samples: { default: ORDER_TASK_DEFAULTS.samples, min: 100, max: 200_000 },
      length: { default: ORDER_TASK_DEFAULTS.length, min: 4, max: 1000 },
      seed: { default: ORDER_TASK_DEFAULTS.seed, min: 0, max: 2 ** 31 - 1 },
    },
  },
  {
    id: 'bidirectional-task',
    kind: 'task',
    options: {
      samples: { default: BIDIRECTIONAL_TASK_DEFAULTS.samples, min: 100, max: 200_000 },
      length: { default: BIDIRECTIONAL_TASK_DEFAULTS.length, min: 4, max: 1000 },
      seed: { default: BIDIRECTIONAL_TASK_DEFAULTS.seed, min: 0, max: 2 ** 31 - 1 },
    },
  },
];

/** An option's value clamped to its bounds (the default when absent or not a number). */
function opt(ref: DatasetRef & { kind: 'builtin' }, name: string): number {
  const info = BUILTINS.find((b) => b.id === ref.id)!.options[name]!;
  const v = ref.options?.[name];
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(info.max, Math.max(info.min, Math.floor(v))) : info.default;
}

/**
 * The starter series: hourly temperature with a daily cycle, weather that persists for
 * days (an AR(1) anomaly) and noise; pressure falls when the anomaly is warm, humidity
 * follows the daily cycle in reverse. Small enough to train a GRU in seconds.
 */
export function starterSeries(rows = 2000, seed = 7): NumericTable {
  const rand = mulberry32(seed);
  const g = gaussian(rand);
  const columns = ['T (degC)', 'p (mbar)', 'rh (%)'];
  const data = new Float32Array(rows * columns.length);
  let anomaly = 0;
  for (let r = 0; r < rows; r++) {
    const hour = r % 24;
    const day = Math.floor(r / 24);
    anomaly = 0.97 * anomaly + 0.35 * g();
    const daily = Math.sin(((hour - 9) / 24) * 2 * Math.PI);
    const seasonal = 4 * Math.sin((day / 365) * 2 * Math.PI);
    const t = 10 + seasonal + 5 * daily + 2.5 * anomaly + 0.3 * g();
    const p = 1000 - 3 * anomaly + 0.5 * g();
    const rh = 70 - 15 * daily - 3 * anomaly + 2 * g();
    data[r * 3] = t;
    data[r * 3 + 1] = p;
    data[r * 3 + 2] = Math.min(100, Math.max(5, rh));
  }
  return { columns, rows, data };
}

/**
 * Loads (generates) a builtin dataset. Ids: 'starter-series' {rows, seed};
 * 'synthetic-jena' {rows, seed} (the book's split, proportional for fewer rows);
 * 'order-task' and 'bidirectional-task' {samples, length, seed} (60/20/20 split).
 */
export function loadBuiltin(ref: DatasetRef): LoadedDataset {
  if (ref.kind !== 'builtin') throw new AppError('E_NOT_FOUND', { what: 'dataset', id: ref.kind });
  switch (ref.id) {
    case 'starter-series':
      return { kind: 'table', table: starterSeries(opt(ref, 'rows'), opt(ref, 'seed')), splits: { train: 0.7, validation: 0.3 }, targetUnit: 'degC', defaultTargetColumn: 0 };
    case 'synthetic-jena': {
      const d = generateJena({ rows: opt(ref, 'rows'), seed: opt(ref, 'seed') });
      return { kind: 'table', table: d.table, timestamps: d.timestamps, splits: { ...JENA_SPLITS }, targetUnit: 'degC', defaultTargetColumn: JENA_TARGET_COLUMN };
    }
    case 'order-task':
      return { kind: 'task', task: orderTask({ samples: opt(ref, 'samples'), length: opt(ref, 'length'), seed: opt(ref, 'seed') }), splits: { train: 0.6, validation: 0.2 } };
    case 'bidirectional-task':
      return { kind: 'task', task: bidirectionalTask({ samples: opt(ref, 'samples'), length: opt(ref, 'length'), seed: opt(ref, 'seed') }), splits: { train: 0.6, validation: 0.2 } };
    default:
      throw new AppError('E_NOT_FOUND', { what: 'dataset', id: ref.id });
  }
}
