/**
 * Windowing as in "Deep Learning with Python" section 6.3: a sample that ends at row r
 * (exclusive) takes the input rows r - lookback, r - lookback + step, ..., < r and the
 * target at row r + delay. Unlike the book's generator, a sample's target must also lie
 * inside its split, so validation never peeks into the test rows.
 *
 * Batches are cut from the table on the fly; the windows are never materialised.
 */
import type { NumericTable } from './table';

export interface WindowSpec {
  lookback: number;
  step: number;
  delay: number;
  targetColumn: number;
  /** Columns fed to the model; default all. */
  inputColumns?: number[];
}

/** A split is the half-open row range [start, end). */
export interface Split {
  start: number;
  end: number;
}

export interface Normalisation {
  mean: Float32Array;
  std: Float32Array;
}

export function timesteps(w: WindowSpec): number {
  return Math.ceil(w.lookback / w.step);
}

/** First and last (inclusive) sample end-row of a split, and how many samples it holds. */
export function sampleRows(w: WindowSpec, s: Split): { first: number; last: number; count: number } {
  const first = s.start + w.lookback;
  const last = s.end - 1 - w.delay;
  return { first, last, count: Math.max(0, last - first + 1) };
}

/** Mean and standard deviation per column, from the given rows only (the training split). */
export function statistics(table: NumericTable, rows: Split): Normalisation {
  const cols = table.columns.length;
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  let n = 0;
  for (let r = rows.start; r < rows.end; r++) {
    n++;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const x = table.data[base + c]!;
      const d = x - mean[c]!;
      mean[c] = mean[c]! + d / n;
      m2[c] = m2[c]! + d * (x - mean[c]!);
    }
  }
  const std = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const s = Math.sqrt(m2[c]! / Math.max(1, n));
    std[c] = s > 1e-12 ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** A normalised copy of the table (one copy; windows are still cut lazily). */
export function normalise(table: NumericTable, norm: Normalisation): NumericTable {
  const cols = table.columns.length;
  const data = new Float32Array(table.data.length);
  for (let i = 0; i < data.length; i++) {
    const c = i % cols;
    data[i] = (table.data[i]! - norm.mean[c]!) / norm.std[c]!;
  }
  return { columns: table.columns, rows: table.rows, data };
}

/**
 * Fills x (batch * timesteps * features) and y (batch) for the given sample end-rows.
 * Also returns, per sample, the target column's value at the last input step: the
 * naive "no change" forecast the baseline uses.
 */
export function fillBatch(
  table: NumericTable,
  w: WindowSpec,
  rows: ArrayLike<number>,
  x: Float32Array,
  y: Float32Array,
  naive?: Float32Array,
): void {
  const cols = table.columns.length;
  const data = table.data;
  const inputs = Int32Array.from(w.inputColumns ?? table.columns.map((_, i) => i));
  const f = inputs.length;
  const t = timesteps(w);
  const stride = w.step * cols;
  // every column in order (the lessons' case): a straight copy of each row's first f values
  let identity = true;
  for (let j = 0; j < f; j++) if (inputs[j] !== j) identity = false;
  let o = 0;
  for (let b = 0; b < rows.length; b++) {
    const r = rows[b]!;
    let base = (r - w.lookback) * cols;
    if (identity) {
      for (let k = 0; k < t; k++, base += stride, o += f) for (let j = 0; j < f; j++) x[o + j] = data[base + j]!;
    } else {
      for (let k = 0; k < t; k++, base += stride) for (let j = 0; j < f; j++) x[o++] = data[base + inputs[j]!]!;
    }
    const lastRow = r - w.lookback + Math.max(0, t - 1) * w.step;
    y[b] = data[(r + w.delay) * cols + w.targetColumn]!;
    if (naive) naive[b] = data[lastRow * cols + w.targetColumn]!;
  }
}
