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
