/**
 * A streaming CSV parser for numeric tables (the Jena climate file and files like it).
 *
 *   const p = new CsvParser({ missing: 'fill-previous', onProgress });
 *   p.push(chunk);   // Uint8Array or string, any size: 1 byte or 1 MB; boundaries may fall anywhere
 *   const result = p.end();   // CsvResult: NumericTable + column metadata + timestamps
 *
 *   parseCsv(textOrBytes, options)            // the same, in one call
 *   await parseCsvFile(path, onProgress, opt) // streams from disk in 1 MiB chunks
 *
 * What it copes with: a UTF-8 byte-order mark; `,` `;` or tab as delimiter (detected from the
 * header line; with `;` a decimal comma is accepted too); quoted header names and quoted
 * cells (`""` inside quotes is a quote; a newline inside quotes is not supported, which
 * numeric tables never need); LF or CRLF line endings; blank lines (skipped); one date
 * column (`dd.mm.yyyy HH:MM:SS` as in Jena, or ISO `yyyy-mm-dd[ T]HH:MM[:SS[.fff]][Z]`,
 * read as UTC) turned into epoch milliseconds; text columns (excluded and listed);
 * missing cells (empty, NA, N/A, NaN, null, None, -, ?) and malformed cells (text in a
 * numeric column), counted per column with the first line where each occurred and
 * handled by a policy (`drop-row`, `fill-previous`, `fail`); sentinel values such as
 * -9999 (counted; optionally treated as missing); a truncated last line (no newline at
 * the end and too few cells: dropped and reported); ragged rows (wrong number of cells:
 * dropped and counted, the import fails beyond `maxRaggedRows`).
 *
 * A column's kind is decided from the first data lines (SAMPLE_LINES): numeric when
 * numbers are at least as many as text cells there, date when dates are, text otherwise.
 *
 * Numbers are parsed straight from the bytes (no string per cell). Values are stored as
 * float32, row-major, numeric columns only, in file order. Once the columns are known, each
 * chunk's complete lines go through one loop (dataBlock) that reads the common shape of line
 * itself and hands every other line to the general path, so both give the same result. A
 * stored value is Math.fround(Number(text)), bit for bit, for every number accepted (finite
 * decimals with optional exponent). parseCsvFile reads into one reused buffer and sizes the
 * table from the file's size. 43 MB Jena file: about 0.35 s in a worker (1 s before; pandas
 * read_csv about 1 s on the same 2-core machine); tests/unit/csv-fast.test.ts checks it all.
 *
 * Errors are AppErrors with codes and parameters (never a sentence): `line` is the
 * 1-based physical line of the file (the header is line 1 unless blank lines precede
 * it), `column` the column's name and `columnNumber` its 1-based position in the file.
 */
import { promises as fs } from 'node:fs';
import { AppError } from '../../../shared/errors';
import { columnStats, type ColumnStats, type NumericTable } from './table';

export type MissingPolicy = 'drop-row' | 'fill-previous' | 'fail';
export type Delimiter = ',' | ';' | '\t';

export interface CsvProgress {
  /** Bytes pushed so far. */
  bytes: number;
  /** Data rows kept so far. */
  rows: number;
  /** The file's size when known (parseCsvFile knows it), else null. */
  totalBytes: number | null;
  done: boolean;
}

export interface CsvOptions {
  /** What to do with a missing or malformed numeric cell (default 'fill-previous'). */
  missing?: MissingPolicy;
  /** Force the delimiter instead of detecting it from the header. */
  delimiter?: Delimiter;
  /** Rows with the wrong number of cells that are dropped before the import fails (default 10). */
  maxRaggedRows?: number;
  /** Values that mean "sensor error" (default [-9999]); counted per column. */
  sentinels?: number[];
  /** Treat sentinel values as missing (then the missing policy applies). Default false. */
  sentinelsAsMissing?: boolean;
  onProgress?: (p: CsvProgress) => void;
  /** Minimum milliseconds between progress calls (default 100). The final call always comes. */
  progressIntervalMs?: number;
  /** Total size, for progress (parseCsvFile fills it in); also sizes the table up front. */
  totalBytes?: number;
  /**
   * false: every line takes the general path (tests compare the two; the result is the same).
   * Default true: lines of the common shape take the fast path.
   */
  fastPath?: boolean;
}

/** How often a kind of problem occurred in a column, and the first line where it did. */
export interface Problem {
  count: number;
  /** 1-based line of the first occurrence (0 when count is 0). */
  firstLine: number;
}

export interface CsvColumn {
  name: string;
  /** 1-based position of the column in the file. */
  columnNumber: number;
  missing: Problem;
  malformed: Problem;
  /** Sentinel values (e.g. -9999) found; kept as values unless sentinelsAsMissing. */
  sentinel: Problem & { value: number | null };
  /** Over the rows kept (after the missing policy). */
  stats: ColumnStats;
}

export interface ExcludedColumn {
  name: string;
  columnNumber: number;
  /** 'date': a second date column; 'text': not numbers; 'empty': no value in any row. */
  reason: 'date' | 'text' | 'empty';
  /** First non-empty cell seen in the sample (at most 40 characters), for the UI. */
  example: string | null;
}

export interface CsvResult {
  /** Numeric columns only, in file order. */
  table: NumericTable;
  /** Metadata for each table column (same order as table.columns). */
  columns: CsvColumn[];
  excluded: ExcludedColumn[];
  /** The date column's values as epoch milliseconds (UTC), one per kept row; null without a date column. */
  timestamps: Float64Array | null;
  dateColumn: { name: string; columnNumber: number; format: 'dd.mm.yyyy' | 'iso'; bad: Problem } | null;
  delimiter: Delimiter;
  bom: boolean;
  lineEnding: 'lf' | 'crlf' | 'mixed' | 'none';
  /** Set when the file ended without a newline in the middle of a row (the row is dropped). */
  truncatedLastLine: { line: number; cells: number } | null;
  ragged: Problem & { expected: number; found: number };
  /** Rows dropped by the 'drop-row' policy. */
  droppedRows: number;
  /** Cells filled by the 'fill-previous' policy. */
  filledCells: number;
  rows: number;
  bytes: number;
  headerLine: number;
}

const SAMPLE_LINES = 50;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const MISSING_TOKENS = new Set(['na', 'n/a', 'nan', 'null', 'none', '-', '?', '#n/a', '--']);
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const ROLE_TEXT = -1;
const ROLE_DATE = -2;

// Status of the last parseNumber call: 0 number, 1 missing, 2 malformed. A module
// variable so the hot path allocates nothing.
let numStatus = 0;

/** Parses a number from bytes [s, e) (spaces and surrounding quotes allowed). Sets numStatus. */
function parseNumber(b: Uint8Array, s: number, e: number, decimalComma: boolean): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (e - s >= 2 && b[s] === QUOTE && b[e - 1] === QUOTE) {
    s++;
    e--;
    while (s < e && b[s] === 32) s++;
    while (e > s && b[e - 1] === 32) e--;
  }
  if (s === e) {
    numStatus = 1;
    return NaN;
  }
  let i = s;
  let neg = false;
  const c0 = b[i]!;
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  let mant = 0;
  let sig = 0;
  let exp10 = 0;
  let any = false;
  while (i < e) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
    if (mant !== 0) sig++;
    any = true;
    i++;
  }
  if (i < e && (b[i] === 46 || (decimalComma && b[i] === 44))) {
    i++;
    while (i < e) {
      const c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      mant = mant * 10 + c;
      if (mant !== 0) sig++;
      exp10--;
      any = true;
      i++;
    }
  }
  if (!any) {
    numStatus = e - s <= 4 && MISSING_TOKENS.has(latin1(b, s, e).toLowerCase()) ? 1 : 2;
    return NaN;
  }
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    let ev = 0;
    let edigits = 0;
    while (i < e) {
      const c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      ev = ev * 10 + c;
      edigits++;
      i++;
    }
    if (edigits === 0) {
      numStatus = 2;
      return NaN;
    }
    exp10 += eneg ? -ev : ev;
  }
  if (i !== e) {
    numStatus = 2;
    return NaN;
  }
  numStatus = 0;
  let v: number;
  if (sig > 15 || exp10 < -22 || exp10 > 22) {
    // Beyond exact integer mantissas or exact powers of ten: let the engine round it correctly.
    v = Number(latin1(b, s, e).replace(',', '.'));
    return Number.isFinite(v) ? v : ((numStatus = 2), NaN);
  }
  // mant is an exact integer (< 10^15) and 10^k exact for k <= 22: one correctly rounded
  // operation, so v === Number(text) bit for bit (Clinger's fast path).
  if (exp10 < 0) v = mant / POW10[-exp10]!;
  else if (exp10 > 0) v = mant * POW10[exp10]!;
  else v = mant;
  if (!Number.isFinite(v)) {
    numStatus = 2;
    return NaN;
  }
  return neg ? -v : v;
}

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
  return out;
}

function digits(b: Uint8Array, s: number, n: number): number {
  let v = 0;
  for (let i = s; i < s + n; i++) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

// Format of the last parseDate call that succeeded: 1 dd.mm.yyyy, 2 ISO.
let dateFormat = 0;

/** Parses `dd.mm.yyyy HH:MM[:SS]` or ISO `yyyy-mm-dd[ T]HH:MM[:SS[.fff]][Z]` (UTC) from bytes; NaN if neither. */
function parseDate(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (e - s >= 2 && b[s] === QUOTE && b[e - 1] === QUOTE) {
    s++;
    e--;
  }
  const n = e - s;
  let y: number, mo: number, d: number;
  let i: number;
  if (n >= 10 && b[s + 2] === 46 && b[s + 5] === 46) {
    d = digits(b, s, 2);
    mo = digits(b, s + 3, 2);
    y = digits(b, s + 6, 4);
    i = s + 10;
    dateFormat = 1;
  } else if (n >= 10 && b[s + 4] === 45 && b[s + 7] === 45) {
    y = digits(b, s, 4);
    mo = digits(b, s + 5, 2);
    d = digits(b, s + 8, 2);
    i = s + 10;
    dateFormat = 2;
  } else return NaN;
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  let H = 0;
  let M = 0;
  let S = 0;
  let ms = 0;
  if (i < e) {
    if (b[i] !== 32 && b[i] !== 84) return NaN;
    i++;
    if (e - i < 5 || b[i + 2] !== 58) return NaN;
    H = digits(b, i, 2);
    M = digits(b, i + 3, 2);
    i += 5;
    if (i < e && b[i] === 58) {
      if (e - i < 3) return NaN;
      S = digits(b, i + 1, 2);
      i += 3;
      if (i < e && b[i] === 46) {
        i++;
        let scale = 100;
        while (i < e && b[i]! >= 48 && b[i]! <= 57) {
          ms += (b[i]! - 48) * scale;
          scale /= 10;
          i++;
        }
        ms = Math.round(ms);
      }
    }
    if (i < e && b[i] === 90) i++;
    if (i !== e || H < 0 || H > 24 || M < 0 || M > 59 || S < 0 || S > 60) return NaN;
  }
  // Date.UTC(y, m, d, H, M, S, ms) is Date.UTC(y, m, d) + H * 3600000 + M * 60000 + S * 1000 + ms,
  // all exact integers (years 0-99 mean 1900-1999 either way): the day's part is cached, as
  // consecutive rows share their date.
  if (y !== dayY || mo !== dayMo || d !== dayD) {
    dayY = y;
    dayMo = mo;
    dayD = d;
    dayMs = Date.UTC(y, mo - 1, d);
  }
  return dayMs + H * 3_600_000 + M * 60_000 + S * 1000 + ms;
}

let dayY = -1;
let dayMo = -1;
let dayD = -1;
let dayMs = NaN;

/** Splits one decoded line into cells (quotes honoured, `""` is a quote). Slow path: header and sample only. */
export function splitCells(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQuotes = false;
      } else cur += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function detectDelimiter(line: string): Delimiter {
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

const emptyProblem = (): Problem => ({ count: 0, firstLine: 0 });
const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** The streaming parser. Feed chunks with push(), then call end() once. */
export class CsvParser {
  private readonly policy: MissingPolicy;
  private readonly maxRagged: number;
  private readonly sentinels: number[];
  private readonly sentinelsAsMissing: boolean;
  private readonly onProgress: ((p: CsvProgress) => void) | undefined;
  private readonly interval: number;
  private readonly totalBytes: number | null;
  private readonly fast: boolean;
  private lastEmit = 0;

  private carry = new Uint8Array(4096);
  private carryLen = 0;
  private bytes = 0;
  private lineNo = 0;
  private lf = 0;
  private crlf = 0;
  private phase: 'header' | 'sample' | 'data' = 'header';
  private sample: { bytes: Uint8Array; line: number; last: boolean }[] = [];

  // Header
  private delimiter: Delimiter = ',';
  private delimByte = 44;
  private decimalComma = false;
  private bom = false;
  private headerLine = 0;
  private names: string[] = [];
  private nFile = 0;
  /** Per file column: numeric index (>= 0), ROLE_DATE or ROLE_TEXT. */
  private role = new Int32Array(0);
  private numericFileCols: number[] = [];
  private excluded: ExcludedColumn[] = [];
  private dateCol = -1;
  private dateFmt: 'dd.mm.yyyy' | 'iso' = 'dd.mm.yyyy';
  private dateBad = emptyProblem();

  // Data
  private nNum = 0;
  private data = new Float32Array(0);
  private ts: Float64Array | null = null;
  private rows = 0;
  private rowVals = new Float64Array(0);
  private rowStatus = new Uint8Array(0);
  private sentinelValues = new Float64Array(0);
  private missingP: Problem[] = [];
  private malformedP: Problem[] = [];
  private sentinelP: (Problem & { value: number | null })[] = [];
  private ragged = { count: 0, firstLine: 0, expected: 0, found: 0 };
  private truncated: { line: number; cells: number } | null = null;
  private dropped = 0;
  private filled = 0;
  private ended = false;

  constructor(opts: CsvOptions = {}) {
    this.policy = opts.missing ?? 'fill-previous';
    this.maxRagged = opts.maxRaggedRows ?? 10;
    this.sentinels = opts.sentinels ?? [-9999];
    this.sentinelsAsMissing = opts.sentinelsAsMissing ?? false;
    this.onProgress = opts.onProgress;
    this.interval = opts.progressIntervalMs ?? 100;
    this.totalBytes = opts.totalBytes ?? null;
    this.fast = opts.fastPath ?? true;
    this.sentinelValues = Float64Array.from(this.sentinels);
    if (opts.delimiter) this.setDelimiter(opts.delimiter);
    this.forcedDelimiter = opts.delimiter ?? null;
  }
  private readonly forcedDelimiter: Delimiter | null;

  private setDelimiter(d: Delimiter): void {
    this.delimiter = d;
    this.delimByte = d.charCodeAt(0);
    this.decimalComma = d === ';';
  }

  progress(done = false): CsvProgress {
    return { bytes: this.bytes, rows: this.rows, totalBytes: this.totalBytes, done };
  }

  /** Feeds the next piece of the file. Throws AppError on an unusable file. */
  push(chunk: Uint8Array | string): void {
    if (this.ended) throw new AppError('E_INTERNAL', { detail: 'csv push after end' });
    // A plain Uint8Array view even for a Buffer: one object shape keeps the hot path monomorphic.
    const buf = typeof chunk === 'string' ? encoder.encode(chunk) : chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    this.bytes += buf.length;
    let s = 0;
    if (this.carryLen > 0) {
      const nl = buf.indexOf(LF);
      if (nl < 0) {
        this.appendCarry(buf, 0, buf.length);
        this.maybeEmit();
        return;
      }
      this.appendCarry(buf, 0, nl);
      const len = this.carryLen;
      this.carryLen = 0;
      this.line(this.carry, 0, len, false);
      s = nl + 1;
    }
    for (;;) {
      if (this.phase === 'data' && this.fast) {
        // Every complete line left in this chunk, in one loop.
        const lastNl = buf.lastIndexOf(LF);
        if (lastNl >= s) {
          this.dataBlock(buf, s, lastNl + 1);
          s = lastNl + 1;
        }
        break;
      }
      const nl = buf.indexOf(LF, s);
      if (nl < 0) break;
      this.line(buf, s, nl, false);
      s = nl + 1;
    }
    if (s < buf.length) this.appendCarry(buf, s, buf.length);
    this.maybeEmit();
  }

  /** Finishes the parse and returns the table. Throws AppError on an unusable file. */
  end(): CsvResult {
    if (this.ended) throw new AppError('E_INTERNAL', { detail: 'csv end twice' });
    if (this.carryLen > 0) {
      const len = this.carryLen;
      this.carryLen = 0;
      this.line(this.carry, 0, len, true);
    }
    this.ended = true;
    if (this.phase === 'header') throw new AppError('E_CSV_EMPTY', { line: 1, bytes: this.bytes });
    if (this.phase === 'sample') {
      if (this.sample.length === 0) throw new AppError('E_CSV_HEADER_ONLY', { line: this.headerLine });
      this.classify();
    }
    const result = this.finish();
    this.onProgress?.(this.progress(true));
    return result;
  }

  private maybeEmit(): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (now - this.lastEmit >= this.interval) {
      this.lastEmit = now;
      this.onProgress(this.progress(false));
    }
  }

  private appendCarry(buf: Uint8Array, s: number, e: number): void {
    const need = this.carryLen + (e - s);
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, this.carry.length * 2));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(buf.subarray(s, e), this.carryLen);
    this.carryLen = need;
  }

  /** One physical line [s, e) without its LF. `last`: the file ended without a newline. */
  private line(buf: Uint8Array, s: number, e: number, last: boolean): void {
    const lineNo = ++this.lineNo;
    if (!last) {
      if (e > s && buf[e - 1] === CR) {
        e--;
        this.crlf++;
      } else this.lf++;
    } else if (e > s && buf[e - 1] === CR) e--;
    if (lineNo === 1 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) {
      s += 3;
      this.bom = true;
    }
    // Blank lines (nothing but spaces) are skipped.
    let k = s;
    while (k < e && (buf[k] === 32 || buf[k] === 9)) k++;
    if (k === e) return;
    if (this.phase === 'data') this.dataLine(buf, s, e, lineNo, last);
    else if (this.phase === 'sample') {
      this.sample.push({ bytes: buf.slice(s, e), line: lineNo, last });
      if (this.sample.length >= SAMPLE_LINES) this.classify();
    } else this.header(utf8.decode(buf.subarray(s, e)), lineNo);
  }

  private header(text: string, lineNo: number): void {
    if (!this.forcedDelimiter) this.setDelimiter(detectDelimiter(text));
    this.headerLine = lineNo;
    this.names = splitCells(text, this.delimiter).map((n, i) => n.trim() || `column ${i + 1}`);
    this.nFile = this.names.length;
    this.phase = 'sample';
  }

  /** Decides each column's kind from the sample lines, then parses them as data. */
  private classify(): void {
    const n = this.nFile;
    const num = new Int32Array(n);
    const dates = new Int32Array(n);
    const text = new Int32Array(n);
    const example: (string | null)[] = new Array(n).fill(null);
    const isoCount = new Int32Array(n);
    for (const { bytes } of this.sample) {
      const cells = splitCells(utf8.decode(bytes), this.delimiter);
      for (let c = 0; c < Math.min(n, cells.length); c++) {
        const cell = cells[c]!.trim();
        const b = encoder.encode(cell);
        parseNumber(b, 0, b.length, this.decimalComma);
        if (numStatus === 1) continue;
        if (example[c] === null) example[c] = cell.slice(0, 40);
        if (numStatus === 0) num[c]!++;
        else if (!Number.isNaN(parseDate(b, 0, b.length))) {
          dates[c]!++;
          if (dateFormat === 2) isoCount[c]!++;
        } else text[c]!++;
      }
    }
    this.role = new Int32Array(n);
    for (let c = 0; c < n; c++) {
      if (num[c]! > 0 && num[c]! >= text[c]! + dates[c]!) {
        this.role[c] = this.numericFileCols.length;
        this.numericFileCols.push(c);
      } else if (num[c] === 0 && text[c] === 0 && dates[c] === 0) {
        // Empty in the sample: numeric for now; excluded at the end if it never holds a value.
        this.role[c] = this.numericFileCols.length;
        this.numericFileCols.push(c);
      } else if (dates[c]! > 0 && dates[c]! >= text[c]!) {
        if (this.dateCol < 0) {
          this.dateCol = c;
          this.dateFmt = isoCount[c]! * 2 > dates[c]! ? 'iso' : 'dd.mm.yyyy';
          this.role[c] = ROLE_DATE;
        } else {
          this.role[c] = ROLE_TEXT;
          this.excluded.push({ name: this.names[c]!, columnNumber: c + 1, reason: 'date', example: example[c]! });
        }
      } else {
        this.role[c] = ROLE_TEXT;
        this.excluded.push({ name: this.names[c]!, columnNumber: c + 1, reason: 'text', example: example[c]! });
      }
    }
    if (this.numericFileCols.length === 0) {
      throw new AppError('E_CSV_NO_NUMERIC_COLUMN', { line: this.headerLine, columns: n });
    }
    const k = (this.nNum = this.numericFileCols.length);
    this.rowVals = new Float64Array(k);
    this.rowStatus = new Uint8Array(k);
    this.missingP = this.numericFileCols.map(emptyProblem);
    this.malformedP = this.numericFileCols.map(emptyProblem);
    this.sentinelP = this.numericFileCols.map(() => ({ ...emptyProblem(), value: null }));
    // Sized from the file's size and the sample's line lengths when the size is known (a few
    // per cent over; it still grows if the estimate falls short), so the table is not copied
    // again and again while it grows.
    let capacity = 65536;
    if (this.totalBytes !== null && this.sample.length > 0) {
      let sampleBytes = 0;
      for (const l of this.sample) sampleBytes += l.bytes.length + 1;
      capacity = Math.max(1024, Math.ceil((this.totalBytes / (sampleBytes / this.sample.length)) * 1.03) + 64);
    }
    this.data = new Float32Array(k * capacity);
    if (this.dateCol >= 0) this.ts = new Float64Array(capacity);
    this.phase = 'data';
    const sample = this.sample;
    this.sample = [];
    for (const l of sample) this.dataLine(l.bytes, 0, l.bytes.length, l.line, l.last);
  }

  private fail(kind: 'missing' | 'malformed', lineNo: number, fileCol: number): never {
    throw new AppError('E_CSV_BAD_VALUE', { kind, line: lineNo, column: this.names[fileCol]!, columnNumber: fileCol + 1 });
  }

  /** The hot path: one data line, cells parsed straight from the bytes. */
  private dataLine(buf: Uint8Array, s: number, e: number, lineNo: number, last: boolean): void {
    const nFile = this.nFile;
    const role = this.role;
    const vals = this.rowVals;
    const st = this.rowStatus;
    const delim = this.delimByte;
    const dc = this.decimalComma;
    let ts = NaN;
    let col = 0;
    let i = s;
    let lastCellEmpty = false;
    for (;;) {
      const cs = i;
      if (i < e && buf[i] === QUOTE) {
        i++;
        while (i < e) {
          if (buf[i] === QUOTE) {
            if (i + 1 < e && buf[i + 1] === QUOTE) i += 2;
            else break;
          } else i++;
        }
        i++;
        while (i < e && buf[i] !== delim) i++;
      } else {
        while (i < e && buf[i] !== delim) i++;
      }
      if (col < nFile) {
        const r = role[col]!;
        if (r >= 0) {
          vals[r] = parseNumber(buf, cs, i, dc);
          st[r] = numStatus;
        } else if (r === ROLE_DATE) ts = parseDate(buf, cs, i);
      }
      lastCellEmpty = i === cs;
      col++;
      if (i >= e) break;
      i++;
    }
    if (col !== nFile && !(col === nFile + 1 && lastCellEmpty)) {
      if (last && col < nFile) {
        this.truncated = { line: lineNo, cells: col };
        return;
      }
      const rg = this.ragged;
      if (rg.count++ === 0) {
        rg.firstLine = lineNo;
        rg.expected = nFile;
        rg.found = col;
      }
      if (rg.count > this.maxRagged) {
        throw new AppError('E_CSV_RAGGED', { line: rg.firstLine, expected: nFile, found: rg.found, count: rg.count, lastLine: lineNo });
      }
      return;
    }
    let drop = false;
    const k = this.nNum;
    for (let j = 0; j < k; j++) {
      let status = st[j]!;
      if (status === 0 && this.sentinels.length > 0 && this.sentinels.includes(vals[j]!)) {
        const sp = this.sentinelP[j]!;
        if (sp.count++ === 0) {
          sp.firstLine = lineNo;
          sp.value = vals[j]!;
        }
        if (this.sentinelsAsMissing) status = 1;
      }
      if (status !== 0) {
        const p = status === 1 ? this.missingP[j]! : this.malformedP[j]!;
        if (p.count++ === 0) p.firstLine = lineNo;
        if (this.policy === 'fail') this.fail(status === 1 ? 'missing' : 'malformed', lineNo, this.numericFileCols[j]!);
        if (this.policy === 'drop-row') drop = true;
        else {
          // The previous kept row's value (NaN before the first): what was stored is what repeats.
          vals[j] = this.rows > 0 ? this.data[(this.rows - 1) * k + j]! : NaN;
          this.filled++;
        }
      }
    }
    if (this.dateCol >= 0 && Number.isNaN(ts)) {
      const p = this.dateBad;
      if (p.count++ === 0) p.firstLine = lineNo;
      if (this.policy === 'fail') this.fail('malformed', lineNo, this.dateCol);
      if (this.policy === 'drop-row') drop = true;
      else ts = this.rows > 0 ? this.ts![this.rows - 1]! : NaN;
    }
    if (drop) {
      this.dropped++;
      return;
    }
    const row = this.rows;
    if ((row + 1) * k > this.data.length) this.grow();
    const data = this.data;
    const base = row * k;
    for (let j = 0; j < k; j++) data[base + j] = vals[j]!;
    if (this.ts) this.ts[row] = ts;
    this.rows = row + 1;
  }

  private grow(): void {
    const next = new Float32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
    if (this.ts) {
      const t2 = new Float64Array(this.ts.length * 2);
      t2.set(this.ts);
      this.ts = t2;
    }
  }

  /**
   * The fast path: every line in buf[s, end) (end is just after a LF, so every line is
   * complete) in one loop. A line of the common shape (each numeric cell `-?digits[.digits]`
   * with at most 15 digits, perhaps in quotes; a date; text; the right number of cells; no
   * sentinel value) is parsed and stored here. Any other line (blank, ragged, quoted, exponent,
   * spaces, missing or bad value, sentinel...) goes through line(), the general path, which
   * treats it exactly as before. The number arithmetic is the general path's (an exact
   * integer over an exact power of ten), so a value is the same whichever path reads it.
   */
  private dataBlock(buf: Uint8Array, s: number, end: number): void {
    const nFile = this.nFile;
    const lastCol = nFile - 1;
    const role = this.role;
    const delim = this.delimByte;
    // The decimal mark minus '0': '.' always, ',' too after a ';' delimiter.
    const decAlt = this.decimalComma ? 44 - 48 : 46 - 48;
    const sent = this.sentinelValues;
    const nSent = sent.length;
    const k = this.nNum;
    let i = s;
    while (i < end) {
      const ls = i;
      let ts = NaN;
      let ok = true;
      let cr = false;
      // Values go straight into the next row's slot; it only counts once the line is accepted
      // (a line handed to the general path is written there again, or the slot is reused).
      const row = this.rows;
      if ((row + 1) * k > this.data.length) this.grow();
      const data = this.data;
      const base = row * k;
      for (let c = 0; c < nFile; c++) {
        const r = role[c]!;
        if (r >= 0) {
          let j = i;
          // "1.5" (quotes right around the number) reads as 1.5, as on the general path.
          const quoted = buf[j] === QUOTE;
          if (quoted) j++;
          let neg = false;
          if (buf[j] === 45) {
            neg = true;
            j++;
          }
          const ds = j;
          let mant = 0;
          let d = buf[j]! - 48;
          while (d >= 0 && d <= 9) {
            mant = mant * 10 + d;
            d = buf[++j]! - 48;
          }
          let nd = j - ds;
          let scale = 0;
          if (d === -2 || d === decAlt) {
            const fs = ++j;
            d = buf[j]! - 48;
            while (d >= 0 && d <= 9) {
              mant = mant * 10 + d;
              d = buf[++j]! - 48;
            }
            scale = j - fs;
            nd += scale;
          }
          if (nd === 0 || nd > 15 || (quoted && buf[j++] !== QUOTE)) {
            ok = false;
            break;
          }
          let v = scale === 0 ? mant : mant / POW10[scale]!;
          if (neg) v = -v;
          for (let q = 0; q < nSent; q++) if (v === sent[q]) ok = false;
          if (!ok) break;
          data[base + r] = v;
          i = j;
        } else {
          // A date or text cell: up to the delimiter or the line's end, or a quoted cell up to
          // its closing quote. Quotes anywhere else, and "" inside quotes, take the general path.
          let j = i;
          let b = buf[j]!;
          if (b === QUOTE) {
            b = buf[++j]!;
            while (b !== QUOTE && b !== LF) b = buf[++j]!;
            if (b === LF || buf[++j] === QUOTE) {
              ok = false;
              break;
            }
          } else {
            while (b !== delim && b !== LF && b !== CR && b !== QUOTE) b = buf[++j]!;
            if (b === QUOTE) {
              ok = false;
              break;
            }
          }
          if (r === ROLE_DATE) {
            ts = parseDate(buf, i, j);
            if (ts !== ts) {
              ok = false;
              break;
            }
          }
          i = j;
        }
        const t = buf[i];
        if (c < lastCol) {
          if (t !== delim) {
            ok = false;
            break;
          }
          i++;
        } else if (t === LF) i++;
        else if (t === CR && buf[i + 1] === LF) {
          cr = true;
          i += 2;
        } else ok = false;
      }
      if (!ok) {
        const nl = buf.indexOf(LF, ls);
        this.line(buf, ls, nl, false);
        i = nl + 1;
        continue;
      }
      this.lineNo++;
      if (cr) this.crlf++;
      else this.lf++;
      if (this.ts) this.ts[row] = ts;
      this.rows = row + 1;
    }
  }

  private finish(): CsvResult {
    const rows = this.rows;
    if (rows === 0) {
      if (this.dropped > 0 || this.ragged.count > 0 || this.truncated) throw new AppError('E_CSV_NO_VALID_ROWS', { line: this.headerLine + 1, dropped: this.dropped, ragged: this.ragged.count });
      throw new AppError('E_CSV_HEADER_ONLY', { line: this.headerLine });
    }
    const k = this.nNum;
    let data = this.data.subarray(0, rows * k);
    // 'fill-previous' had nothing to fill leading gaps with: back-fill them from the first value.
    const keep: number[] = [];
    for (let j = 0; j < k; j++) {
      let first = -1;
      for (let r = 0; r < rows; r++) {
        if (!Number.isNaN(data[r * k + j]!)) {
          first = r;
          break;
        }
      }
      if (first < 0) {
        const c = this.numericFileCols[j]!;
        this.excluded.push({ name: this.names[c]!, columnNumber: c + 1, reason: 'empty', example: null });
        continue;
      }
      keep.push(j);
      const v = data[first * k + j]!;
      for (let r = 0; r < first; r++) data[r * k + j] = v;
    }
    if (keep.length === 0) throw new AppError('E_CSV_NO_NUMERIC_COLUMN', { line: this.headerLine, columns: this.nFile });
    if (keep.length < k) {
      const next = new Float32Array(rows * keep.length);
      for (let r = 0; r < rows; r++) for (let q = 0; q < keep.length; q++) next[r * keep.length + q] = data[r * k + keep[q]!]!;
      data = next;
    } else if (this.data.length - data.length > data.length >> 3) data = data.slice();
    // Otherwise the parser's own array (a few per cent too long; the view is exact) is handed
    // over as it is: copying tens of megabytes into fresh memory costs more than the parse's tail.
    let timestamps: Float64Array | null = null;
    if (this.ts) {
      timestamps = this.ts.length - rows > rows >> 3 ? this.ts.slice(0, rows) : this.ts.subarray(0, rows);
      const firstOk = timestamps.findIndex((t) => !Number.isNaN(t));
      for (let r = 0; r < firstOk; r++) timestamps[r] = timestamps[firstOk]!;
    }
    const table: NumericTable = { columns: keep.map((j) => this.names[this.numericFileCols[j]!]!), rows, data };
    const stats = columnStats(table);
    this.excluded.sort((a, b) => a.columnNumber - b.columnNumber);
    return {
      table,
      columns: keep.map((j, q) => ({
        name: table.columns[q]!,
        columnNumber: this.numericFileCols[j]! + 1,
        missing: this.missingP[j]!,
        malformed: this.malformedP[j]!,
        sentinel: this.sentinelP[j]!,
        stats: stats[q]!,
      })),
      excluded: this.excluded,
      timestamps,
      dateColumn: this.dateCol >= 0 ? { name: this.names[this.dateCol]!, columnNumber: this.dateCol + 1, format: this.dateFmt, bad: this.dateBad } : null,
      delimiter: this.delimiter,
      bom: this.bom,
      lineEnding: this.crlf && this.lf ? 'mixed' : this.crlf ? 'crlf' : this.lf ? 'lf' : 'none',
      truncatedLastLine: this.truncated,
      ragged: this.ragged,
      droppedRows: this.dropped,
      filledCells: this.filled,
      rows,
      bytes: this.bytes,
      headerLine: this.headerLine,
    };
  }
}

/** Parses a whole file held in memory (text or bytes). */
export function parseCsv(input: string | Uint8Array, options: CsvOptions = {}): CsvResult {
  const p = new CsvParser(options);
  p.push(input);
  return p.end();
}

/**
 * Streams a file from disk through the parser (1 MiB chunks, one reused buffer), reporting progress with
 * the file's size. A file that cannot be read throws E_CSV_READ { path, reason }.
 */
export async function parseCsvFile(
  path: string,
  onProgress?: (p: CsvProgress) => void,
  options: Omit<CsvOptions, 'onProgress' | 'totalBytes'> = {},
): Promise<CsvResult> {
  let size: number;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw new AppError('E_CSV_READ', { path, reason: (e as { code?: string }).code ?? 'unknown' });
  }
  const parser = new CsvParser({ ...options, totalBytes: size, ...(onProgress ? { onProgress } : {}) });
  // One buffer, refilled: the parser keeps nothing of a chunk after push() returns, and fresh
  // memory for every chunk (page faults, garbage) costs more than the reading itself.
  const buf = new Uint8Array(Math.min(1 << 20, Math.max(size, 1)));
  let file: fs.FileHandle | null = null;
  try {
    file = await fs.open(path, 'r');
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      parser.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('E_CSV_READ', { path, reason: (e as { code?: string }).code ?? 'unknown' });
  } finally {
    await file?.close().catch(() => undefined);
  }
  return parser.end();
}
