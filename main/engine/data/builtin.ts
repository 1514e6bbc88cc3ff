/**
 * Datasets that ship with the app (generated deterministically from a seed, so the
 * installer stays small and every lab PC sees the same numbers).
 */
import { AppError } from '../../../shared/errors';
import type { DatasetRef } from '../../../shared/experiment';
import { gaussian, mulberry32 } from './random';
import type { NumericTable } from './table';

export interface LoadedDataset {
  table: NumericTable;
  /** Fractions of rows for train / validation; the rest is test. */
  splits: { train: number; validation: number };
  /** Converts a target-column difference back to physical units, for display. */
  targetUnit?: string;
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

export function loadBuiltin(ref: DatasetRef): LoadedDataset {
  const opts = ref.options ?? {};
  switch (ref.id) {
    case 'starter-series': {
      const rows = typeof opts.rows === 'number' ? Math.min(200_000, Math.max(200, Math.floor(opts.rows))) : 2000;
      const seed = typeof opts.seed === 'number' ? Math.floor(opts.seed) : 7;
      return { table: starterSeries(rows, seed), splits: { train: 0.7, validation: 0.3 }, targetUnit: 'degC' };
    }
    default:
      throw new AppError('E_NOT_FOUND', { what: 'dataset', id: ref.id });
  }
}
