/**
 * Wide tables: one row per year and one column per month (Jan ... Dec), as many public
 * climate and economic tables are written. Found after the parse (the year column is then
 * the time index, time-index.ts); turned into one long monthly series on request, so the
 * months follow each other in time order instead of standing side by side as features.
 */
import { columnStats, type NumericTable } from '../table';
import type { CsvResult } from './types';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const LONG = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The month a column name means (0-11), or -1. */
function monthOf(name: string): number {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  const i = MONTHS.indexOf(n);
  return i >= 0 ? i : LONG.indexOf(n === 'sept' ? 'september' : n);
}

/** Table columns of January ... December, when the table is a yearly index with all twelve; else null. */
export function wideMonthColumns(res: CsvResult): number[] | null {
  if (res.dateColumn?.format !== 'year') return null;
  const cols: number[] = new Array(12).fill(-1);
  res.table.columns.forEach((name, c) => {
    const m = monthOf(name);
    if (m >= 0 && cols[m] === -1) cols[m] = c;
  });
  return cols.every((c) => c >= 0) ? cols : null;
}

/** The wide table as one long monthly series: `value` in time order, a timestamp per month. */
export function toLongMonths(res: CsvResult, months: number[], valueName = 'value'): CsvResult {
  const years = res.timestamps!;
  const k = res.table.columns.length;
  const rows = res.rows * 12;
  const data = new Float32Array(rows);
  const ts = new Float64Array(rows);
  for (let r = 0; r < res.rows; r++) {
    const y = new Date(years[r]!).getUTCFullYear();
    for (let m = 0; m < 12; m++) {
      data[r * 12 + m] = res.table.data[r * k + months[m]!]!;
      ts[r * 12 + m] = Date.UTC(y, m, 1);
    }
  }
  const table: NumericTable = { columns: [valueName], rows, data };
  const first = res.columns[months[0]!]!;
  return {
    ...res,
    table,
    columns: [{ ...first, name: valueName, stats: columnStats(table)[0]! }],
    timestamps: ts,
    dateColumn: { ...res.dateColumn!, format: 'year-month' },
    rows,
  };
}
