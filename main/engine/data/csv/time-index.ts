/**
 * Time written as small numbers, the way public datasets often write it: a lone year column
 * (four-digit years rising by one), or a year column with a month (1-12) or quarter (1-4)
 * column beside it. When the file has no date column, such columns become the time index:
 * their values give the timestamps, and they leave the table's features (unless
 * `timeAsFeature`), so a model is not fed the calendar by mistake. (8-digit `YYYYMMDD` dates
 * are read as a date column by cells.ts: float32 cannot hold them exactly.)
 */
import { columnStats, selectColumns, type NumericTable } from '../table';
import type { CsvResult, TimeFormat } from './types';

const YEAR_NAMES = /^(year|yr|yyyy|سال)$/i;
const MONTH_NAMES = /^(month|mon|mo|mm|ماه)$/i;
const QUARTER_NAMES = /^(quarter|qtr|q|فصل)$/i;

function column(t: NumericTable, c: number): Float32Array {
  const out = new Float32Array(t.rows);
  const k = t.columns.length;
  for (let r = 0; r < t.rows; r++) out[r] = t.data[r * k + c]!;
  return out;
}

const allIntegers = (v: Float32Array, lo: number, hi: number): boolean => v.every((x) => Number.isInteger(x) && x >= lo && x <= hi);

export interface TimeIndex {
  format: TimeFormat;
  /** Table columns that make the index (year first). */
  columns: number[];
  timestamps: Float64Array;
}

/** Finds the time index among the numeric columns (year, year + month, year + quarter), or null. */
export function findTimeIndex(t: NumericTable): TimeIndex | null {
  if (t.rows < 2) return null;
  const names = t.columns.map((n) => n.trim());
  const year = names.findIndex((n, c) => YEAR_NAMES.test(n) && allIntegers(column(t, c), 1, 9999));
  if (year >= 0) {
    const y = column(t, year);
    const month = names.findIndex((n, c) => MONTH_NAMES.test(n) && allIntegers(column(t, c), 1, 12));
    const quarter = names.findIndex((n, c) => QUARTER_NAMES.test(n) && allIntegers(column(t, c), 1, 4));
    const sub = month >= 0 ? { c: month, per: 12, format: 'year-month' as const } : quarter >= 0 ? { c: quarter, per: 4, format: 'year-quarter' as const } : null;
    if (sub) {
      const s = column(t, sub.c);
      const ts = new Float64Array(t.rows);
      for (let r = 0; r < t.rows; r++) {
        ts[r] = Date.UTC(y[r]!, (s[r]! - 1) * (12 / sub.per), 1);
        if (r > 0 && ts[r]! <= ts[r - 1]!) return null;
      }
      return { format: sub.format, columns: [year, sub.c], timestamps: ts };
    }
  }
  // A lone year: named so, or four-digit integers rising by exactly one.
  for (let c = 0; c < names.length; c++) {
    const y = column(t, c);
    if (!allIntegers(y, 1, 9999)) continue;
    let rising = true;
    for (let r = 1; r < y.length && rising; r++) rising = y[r] === y[r - 1]! + 1;
    if (!rising || !(YEAR_NAMES.test(names[c]!) || allIntegers(y, 1000, 2999))) continue;
    return { format: 'year', columns: [c], timestamps: Float64Array.from(y, (x) => Date.UTC(x, 0, 1)) };
  }
  return null;
}

/** The parse's result with the time index applied: timestamps set, its columns out of the features unless asked for. */
export function withTimeIndex(res: CsvResult, timeAsFeature: boolean): CsvResult {
  if (res.timestamps || res.dateColumn) return res;
  const found = findTimeIndex(res.table);
  if (!found) return res;
  const first = res.columns[found.columns[0]!]!;
  const dateColumn = {
    name: found.columns.map((c) => res.table.columns[c]!).join(' + '),
    columnNumber: first.columnNumber,
    format: found.format,
    bad: { count: 0, firstLine: 0 },
  };
  if (timeAsFeature || found.columns.length === res.table.columns.length) return { ...res, timestamps: found.timestamps, dateColumn };
  const keep = res.table.columns.map((_, c) => c).filter((c) => !found.columns.includes(c));
  const data = selectColumns(res.table.data, res.rows, res.table.columns.length, keep);
  const table: NumericTable = { columns: keep.map((c) => res.table.columns[c]!), rows: res.rows, data };
  const stats = columnStats(table);
  const excluded = [
    ...res.excluded,
    ...found.columns.map((c) => ({ name: res.table.columns[c]!, columnNumber: res.columns[c]!.columnNumber, reason: 'time' as const, example: null })),
  ].sort((a, b) => a.columnNumber - b.columnNumber);
  return {
    ...res,
    table,
    columns: keep.map((c, q) => ({ ...res.columns[c]!, stats: stats[q]! })),
    excluded,
    timestamps: found.timestamps,
    dateColumn,
  };
}
