/**
 * What the CSV parser decides from the file itself before it reads data: the delimiter (from
 * the header line) and each column's kind (from the first data lines): numeric when numbers
 * are at least as many as text cells there, the date column when dates are, text otherwise.
 */
import { lastDateFormat, numberStatus, parseDate, parseNumber, splitCells } from './cells';
import type { Delimiter, ExcludedColumn } from './types';

/** Data lines read before the columns' kinds are decided. */
export const SAMPLE_LINES = 50;
/** Column roles besides a numeric column's index (>= 0). */
export const ROLE_TEXT = -1;
export const ROLE_DATE = -2;

export function detectDelimiter(line: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

export interface ColumnRoles {
  /** Per file column: numeric index (>= 0), ROLE_DATE or ROLE_TEXT. */
  role: Int32Array;
  /** The file columns that are numeric, in file order. */
  numericFileCols: number[];
  excluded: ExcludedColumn[];
  /** The date column (-1: none) and its format. */
  dateCol: number;
  dateFmt: 'dd.mm.yyyy' | 'iso' | 'yyyymmdd';
}

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** Decides each column's kind from the sample lines (only the first date column is the time index). */
export function classifyColumns(sample: readonly Uint8Array[], names: readonly string[], delimiter: Delimiter, decimalComma: boolean): ColumnRoles {
  const n = names.length;
  const num = new Int32Array(n);
  const dates = new Int32Array(n);
  const text = new Int32Array(n);
  const example: (string | null)[] = new Array(n).fill(null);
  const isoCount = new Int32Array(n);
  // Numbers that are also 8-digit dates (YYYYMMDD), and whether they never go back in time.
  const ymd = new Int32Array(n);
  const lastYmd = new Float64Array(n).fill(-Infinity);
  const ymdRising = new Uint8Array(n).fill(1);
  for (const bytes of sample) {
    const cells = splitCells(utf8.decode(bytes), delimiter);
    for (let c = 0; c < Math.min(n, cells.length); c++) {
      const cell = cells[c]!.trim();
      const b = encoder.encode(cell);
      parseNumber(b, 0, b.length, decimalComma);
      const status = numberStatus();
      if (status === 1) continue;
      if (example[c] === null) example[c] = cell.slice(0, 40);
      if (status === 0) {
        num[c]!++;
        const t = b.length === 8 ? parseDate(b, 0, 8) : NaN;
        if (!Number.isNaN(t)) {
          ymd[c]!++;
          if (t < lastYmd[c]!) ymdRising[c] = 0;
          lastYmd[c] = t;
        }
      } else if (!Number.isNaN(parseDate(b, 0, b.length))) {
        dates[c]!++;
        if (lastDateFormat() === 2) isoCount[c]!++;
      } else text[c]!++;
    }
  }
  const role = new Int32Array(n);
  const numericFileCols: number[] = [];
  const excluded: ExcludedColumn[] = [];
  let dateCol = -1;
  let dateFmt: ColumnRoles['dateFmt'] = 'dd.mm.yyyy';
  for (let c = 0; c < n; c++) {
    if (dateCol < 0 && num[c]! > 0 && ymd[c] === num[c] && ymdRising[c] && text[c] === 0 && dates[c] === 0) {
      // 8-digit dates such as 20100101: the time index, not a number feature (mean 2e7 means nothing).
      dateCol = c;
      dateFmt = 'yyyymmdd';
      role[c] = ROLE_DATE;
    } else if (num[c]! > 0 && num[c]! >= text[c]! + dates[c]!) {
      role[c] = numericFileCols.length;
      numericFileCols.push(c);
    } else if (num[c] === 0 && text[c] === 0 && dates[c] === 0) {
      // Empty in the sample: numeric for now; excluded at the end if it never holds a value.
      role[c] = numericFileCols.length;
      numericFileCols.push(c);
    } else if (dates[c]! > 0 && dates[c]! >= text[c]!) {
      if (dateCol < 0) {
        dateCol = c;
        dateFmt = isoCount[c]! * 2 > dates[c]! ? 'iso' : 'dd.mm.yyyy';
        role[c] = ROLE_DATE;
      } else {
        role[c] = ROLE_TEXT;
        excluded.push({ name: names[c]!, columnNumber: c + 1, reason: 'date', example: example[c]! });
      }
    } else {
      role[c] = ROLE_TEXT;
      excluded.push({ name: names[c]!, columnNumber: c + 1, reason: 'text', example: example[c]! });
    }
  }
  return { role, numericFileCols, excluded, dateCol, dateFmt };
}

/**
 * Rows to allocate for a file of totalBytes, from the sample's mean line length (a few per
 * cent over; the table still grows if the estimate falls short), so the table is not copied
 * again and again while it grows.
 */
export function estimateRows(totalBytes: number | null, sample: readonly Uint8Array[]): number {
  if (totalBytes === null || sample.length === 0) return 65536;
  let sampleBytes = 0;
  for (const l of sample) sampleBytes += l.length + 1;
  return Math.max(1024, Math.ceil((totalBytes / (sampleBytes / sample.length)) * 1.03) + 64);
}
