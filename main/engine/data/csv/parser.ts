/**
 * The streaming CSV parser (see index.ts for what it copes with). Lines are cut from the
 * chunks here; the header and the first lines decide delimiter and column kinds (detect.ts);
 * cells are read by cells.ts; missing values go through the policy (policy.ts).
 *
 * Once the columns are known, each chunk's complete lines go through one loop (dataBlock) that
 * reads the common shape of line itself and hands every other line to the general path
 * (dataLine), so both give the same result.
 */
import { AppError } from '../../../../shared/errors';
import { columnStats, selectColumns, type NumericTable } from '../table';
import { CR, LF, numberStatus, parseDate, parseNumber, POW10, QUOTE, splitCells } from './cells';
import { classifyColumns, detectDelimiter, estimateRows, ROLE_DATE, SAMPLE_LINES } from './detect';
import { backfillLeading, MissingValues } from './policy';
import { withTimeIndex } from './time-index';
import { MAX_COLUMNS, MAX_LINE_BYTES, type CsvOptions, type CsvProgress, type CsvResult, type Delimiter, type ExcludedColumn } from './types';

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** The streaming parser. Feed chunks with push(), then call end() once. */
export class CsvParser {
  private readonly opts: CsvOptions;
  private readonly maxRagged: number;
  private readonly onProgress: ((p: CsvProgress) => void) | undefined;
  private readonly interval: number;
  private readonly totalBytes: number | null;
  private readonly fast: boolean;
  private readonly maxLine: number;
  private readonly maxColumns: number;
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
  private role: Int32Array = new Int32Array(0);
  private numericFileCols: number[] = [];
  private excluded: ExcludedColumn[] = [];
  private dateCol = -1;
  private dateFmt: 'dd.mm.yyyy' | 'iso' | 'yyyymmdd' = 'dd.mm.yyyy';
  /** The missing-value policy and its counts (created once the columns are known). */
  private values!: MissingValues;

  // Data
  private nNum = 0;
  private data = new Float32Array(0);
  private ts: Float64Array | null = null;
  private rows = 0;
  private rowVals = new Float64Array(0);
  private rowStatus = new Uint8Array(0);
  private sentinelValues = new Float64Array(0);
  private ragged = { count: 0, firstLine: 0, expected: 0, found: 0 };
  private truncated: { line: number; cells: number } | null = null;
  private headerShort: CsvResult['headerShort'] = null;
  private ended = false;

  constructor(opts: CsvOptions = {}) {
    this.opts = opts;
    this.maxRagged = opts.maxRaggedRows ?? 10;
    this.onProgress = opts.onProgress;
    this.interval = opts.progressIntervalMs ?? 100;
    this.totalBytes = opts.totalBytes ?? null;
    this.fast = opts.fastPath ?? true;
    this.maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
    this.maxColumns = opts.maxColumns ?? MAX_COLUMNS;
    this.sentinelValues = Float64Array.from(opts.sentinels ?? [-9999]);
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
    const result = withTimeIndex(this.finish(), this.opts.timeAsFeature ?? false);
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

  private lineTooLong(line: number): never {
    throw new AppError('E_CSV_LINE_TOO_LONG', { line, limitKiB: Math.round(this.maxLine / 1024) });
  }

  private appendCarry(buf: Uint8Array, s: number, e: number): void {
    const need = this.carryLen + (e - s);
    // The carry holds the start of a line not yet ended: it never grows past the bound.
    if (need > this.maxLine) this.lineTooLong(this.lineNo + 1);
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
    if (e - s > this.maxLine) this.lineTooLong(lineNo);
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
    const names = splitCells(text, this.delimiter);
    if (names.length > this.maxColumns) throw new AppError('E_CSV_TOO_MANY_COLUMNS', { line: lineNo, columns: names.length, max: this.maxColumns });
    this.names = names.map((n, i) => n.trim() || `column ${i + 1}`);
    this.nFile = this.names.length;
    this.phase = 'sample';
  }

  /** Decides each column's kind from the sample lines (detect.ts), then parses them as data. */
  private classify(): void {
    this.widenShortHeader();
    const roles = classifyColumns(this.sample.map((l) => l.bytes), this.names, this.delimiter, this.decimalComma);
    this.role = roles.role;
    this.numericFileCols = roles.numericFileCols;
    this.excluded = roles.excluded;
    this.dateCol = roles.dateCol;
    this.dateFmt = roles.dateFmt;
    if (this.numericFileCols.length === 0) {
      throw new AppError('E_CSV_NO_NUMERIC_COLUMN', { line: this.headerLine, columns: this.nFile });
    }
    const k = (this.nNum = this.numericFileCols.length);
    this.rowVals = new Float64Array(k);
    this.rowStatus = new Uint8Array(k);
    const o = this.opts;
    this.values = new MissingValues(o.missing ?? 'fill-previous', o.sentinels ?? [-9999], o.sentinelsAsMissing ?? false, this.names, this.numericFileCols);
    const capacity = estimateRows(this.totalBytes, this.sample.map((l) => l.bytes));
    this.data = new Float32Array(k * capacity);
    if (this.dateCol >= 0) this.ts = new Float64Array(capacity);
    this.phase = 'data';
    const sample = this.sample;
    this.sample = [];
    for (const l of sample) this.dataLine(l.bytes, 0, l.bytes.length, l.line, l.last);
  }

  /**
   * A header that names fewer columns than every data row has (a file re-saved by a script
   * that dropped some names): the extra columns get names of their own (`column 5`...) and
   * the file is read, with a note, instead of every row being refused as ragged.
   */
  private widenShortHeader(): void {
    if (this.sample.length < 2) return;
    let found = -1;
    for (const l of this.sample) {
      const n = splitCells(utf8.decode(l.bytes), this.delimiter).length;
      if (found >= 0 && n !== found) return;
      found = n;
    }
    if (found <= this.nFile || found > this.maxColumns) return;
    this.headerShort = { line: this.headerLine, named: this.nFile, found };
    for (let c = this.nFile; c < found; c++) this.names.push(`column ${c + 1}`);
    this.nFile = found;
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
          st[r] = numberStatus();
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
    const k = this.nNum;
    let keep = this.values.row(vals, st, lineNo, this.data, this.rows > 0 ? (this.rows - 1) * k : -1);
    if (this.dateCol >= 0 && Number.isNaN(ts)) {
      const t = this.values.badDate(lineNo, this.dateCol, this.rows > 0 ? this.ts![this.rows - 1]! : NaN);
      if (t === null) keep = false;
      else ts = t;
    }
    if (!keep) {
      this.values.dropped++;
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
      if (i - ls > this.maxLine) this.lineTooLong(this.lineNo);
      if (cr) this.crlf++;
      else this.lf++;
      if (this.ts) this.ts[row] = ts;
      this.rows = row + 1;
    }
  }

  private finish(): CsvResult {
    const rows = this.rows;
    if (rows === 0) {
      if (this.values.dropped > 0 || this.ragged.count > 0 || this.truncated) throw new AppError('E_CSV_NO_VALID_ROWS', { line: this.headerLine + 1, dropped: this.values.dropped, ragged: this.ragged.count });
      throw new AppError('E_CSV_HEADER_ONLY', { line: this.headerLine });
    }
    const k = this.nNum;
    let data = this.data.subarray(0, rows * k);
    const keep = backfillLeading(data, rows, k, this.names, this.numericFileCols, this.excluded);
    if (keep.length === 0) throw new AppError('E_CSV_NO_NUMERIC_COLUMN', { line: this.headerLine, columns: this.nFile });
    if (keep.length < k) data = selectColumns(data, rows, k, keep);
    else if (this.data.length - data.length > data.length >> 3) data = data.slice();
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
        missing: this.values.missing[j]!,
        malformed: this.values.malformed[j]!,
        sentinel: this.values.sentinel[j]!,
        stats: stats[q]!,
      })),
      excluded: this.excluded,
      timestamps,
      dateColumn: this.dateCol >= 0 ? { name: this.names[this.dateCol]!, columnNumber: this.dateCol + 1, format: this.dateFmt, bad: this.values.dateBad } : null,
      delimiter: this.delimiter,
      bom: this.bom,
      lineEnding: this.crlf && this.lf ? 'mixed' : this.crlf ? 'crlf' : this.lf ? 'lf' : 'none',
      truncatedLastLine: this.truncated,
      headerShort: this.headerShort,
      ragged: this.ragged,
      droppedRows: this.values.dropped,
      filledCells: this.values.filled,
      rows,
      bytes: this.bytes,
      headerLine: this.headerLine,
    };
  }
}
