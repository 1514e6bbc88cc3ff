/** A numeric table held as one row-major Float32Array: the form every dataset is parsed into. */
export interface NumericTable {
  /** Column names, in order. */
  columns: string[];
  rows: number;
  /** rows * columns.length values, row-major. */
  data: Float32Array;
}

export function column(table: NumericTable, c: number): Float32Array {
  const cols = table.columns.length;
  const out = new Float32Array(table.rows);
  for (let r = 0; r < table.rows; r++) out[r] = table.data[r * cols + c]!;
  return out;
}

/** The values of columns `keep` (indices into a row of `width` values), row by row, in a new array. */
export function selectColumns(data: Float32Array, rows: number, width: number, keep: readonly number[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) for (let q = 0; q < keep.length; q++) out[r * keep.length + q] = data[r * width + keep[q]!]!;
  return out;
}

/** Summary of one numeric column (over all rows, or the rows asked for). */
export interface ColumnStats {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Non-finite values seen (NaN or infinite); they are left out of the other figures. */
  nonFinite: number;
}

/** Per-column min, max, mean and std in one pass (Welford), over rows [start, end). */
export function columnStats(table: NumericTable, start = 0, end = table.rows): ColumnStats[] {
  const cols = table.columns.length;
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const n = new Float64Array(cols);
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  const bad = new Float64Array(cols);
  const d = table.data;
  for (let r = start; r < end; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const x = d[base + c]!;
      if (!Number.isFinite(x)) {
        bad[c]!++;
        continue;
      }
      const k = ++n[c]!;
      const delta = x - mean[c]!;
      mean[c] = mean[c]! + delta / k;
      m2[c] = m2[c]! + delta * (x - mean[c]!);
      if (x < min[c]!) min[c] = x;
      if (x > max[c]!) max[c] = x;
    }
  }
  const out: ColumnStats[] = [];
  for (let c = 0; c < cols; c++) {
    const k = n[c]!;
    out.push({
      min: k ? min[c]! : NaN,
      max: k ? max[c]! : NaN,
      mean: k ? mean[c]! : NaN,
      std: k ? Math.sqrt(m2[c]! / k) : NaN,
      nonFinite: bad[c]!,
    });
  }
  return out;
}

/** The unit written in parentheses at the end of a column name ("T (degC)" -> "degC"), if any. */
export function unitOf(columnName: string): string | null {
  const m = /\(([^()]{1,32})\)\s*$/.exec(columnName);
  return m ? m[1]! : null;
}
