/** The streaming CSV parser on the oddities real files have, made here in the test. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { CsvParser, parseCsv, type CsvOptions, type CsvResult } from '../../main/engine/data/csv';

const enc = new TextEncoder();

/** Feeds the text in pieces of `size` bytes (boundaries fall mid-number, mid-line, mid-BOM). */
function chunked(text: string, size: number, opts: CsvOptions = {}): CsvResult {
  const bytes = enc.encode(text);
  const p = new CsvParser(opts);
  for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
  return p.end();
}

function rowsOf(r: CsvResult): number[][] {
  const c = r.table.columns.length;
  return Array.from({ length: r.table.rows }, (_, i) => Array.from(r.table.data.subarray(i * c, (i + 1) * c)));
}

function errorOf(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const JENA_LIKE =
  '\uFEFF"Date Time","p (mbar)","T (degC)"\r\n' +
  '01.01.2009 00:10:00,996.52,-8.02\r\n' +
  '01.01.2009 00:20:00,996.57,-8.41\r\n' +
  '01.01.2009 00:30:00,996.53,-8.51\r\n';

describe('CsvParser', () => {
  it('reads a BOM, quoted headers, CRLF and a Jena date column, in any chunking', () => {
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const r = chunked(JENA_LIKE, size);
      expect(r.bom).toBe(true);
      expect(r.lineEnding).toBe('crlf');
      expect(r.delimiter).toBe(',');
      expect(r.table.columns).toEqual(['p (mbar)', 'T (degC)']);
      expect(rowsOf(r)).toEqual([
        [Math.fround(996.52), Math.fround(-8.02)],
        [Math.fround(996.57), Math.fround(-8.41)],
        [Math.fround(996.53), Math.fround(-8.51)],
      ]);
      expect(r.dateColumn).toMatchObject({ name: 'Date Time', columnNumber: 1, format: 'dd.mm.yyyy' });
      expect(Array.from(r.timestamps!)).toEqual([Date.UTC(2009, 0, 1, 0, 10), Date.UTC(2009, 0, 1, 0, 20), Date.UTC(2009, 0, 1, 0, 30)]);
      expect(r.truncatedLastLine).toBeNull();
    }
  });

  it('detects ; and tab delimiters (with a decimal comma after ;) and ISO dates', () => {
    const semi = parseCsv('time;a;b\n2020-03-01T12:00:00Z;1,5;2\n2020-03-01 12:10;-3,25;4e2\n');
    expect(semi.delimiter).toBe(';');
    expect(rowsOf(semi)).toEqual([[1.5, 2], [-3.25, 400]]);
    expect(semi.dateColumn?.format).toBe('iso');
    expect(Array.from(semi.timestamps!)).toEqual([Date.UTC(2020, 2, 1, 12), Date.UTC(2020, 2, 1, 12, 10)]);
    const tab = parseCsv('a\tb\n1\t2\n3\t4\n');
    expect(tab.delimiter).toBe('\t');
    expect(rowsOf(tab)).toEqual([[1, 2], [3, 4]]);
  });

  it('counts a missing value and a text cell per column, with the first line, under each policy', () => {
    const text = 'a,b,c\n1,2,x\n2,,x\n3,oops,x\n4,5,x\n';
    const fill = parseCsv(text, { missing: 'fill-previous' });
    expect(fill.excluded).toEqual([{ name: 'c', columnNumber: 3, reason: 'text', example: 'x' }]);
    expect(fill.columns[1]!.missing).toEqual({ count: 1, firstLine: 3 });
    expect(fill.columns[1]!.malformed).toEqual({ count: 1, firstLine: 4 });
    expect(fill.columns[0]!.missing.count).toBe(0);
    expect(rowsOf(fill)).toEqual([[1, 2], [2, 2], [3, 2], [4, 5]]);
    expect(fill.filledCells).toBe(2);

    const drop = parseCsv(text, { missing: 'drop-row' });
    expect(rowsOf(drop)).toEqual([[1, 2], [4, 5]]);
    expect(drop.droppedRows).toBe(2);

    const e = errorOf(() => parseCsv(text, { missing: 'fail' }));
    expect(e.code).toBe('E_CSV_BAD_VALUE');
    expect(e.params).toEqual({ kind: 'missing', line: 3, column: 'b', columnNumber: 2 });
  });

  it('refuses an empty file, a header-only file and a file without numbers, with codes and lines', () => {
    expect(errorOf(() => parseCsv('')).code).toBe('E_CSV_EMPTY');
    expect(errorOf(() => parseCsv('\n\n')).code).toBe('E_CSV_EMPTY');
    const h = errorOf(() => parseCsv('"a","b"\r\n'));
    expect(h.code).toBe('E_CSV_HEADER_ONLY');
    expect(h.params.line).toBe(1);
    expect(errorOf(() => parseCsv('name,city\nann,rome\nbob,oslo\n')).code).toBe('E_CSV_NO_NUMERIC_COLUMN');
  });

  it('drops a truncated last line and reports it', () => {
    for (const size of [1, 5, 1000]) {
      const r = chunked('a,b,c\n1,2,3\n4,5,6\n7,8', size);
      expect(rowsOf(r)).toEqual([[1, 2, 3], [4, 5, 6]]);
      expect(r.truncatedLastLine).toEqual({ line: 4, cells: 2 });
    }
    // A complete last line without a newline is kept.
    expect(rowsOf(parseCsv('a,b\n1,2\n3,4'))).toEqual([[1, 2], [3, 4]]);
  });

  it('drops ragged rows up to the tolerance and then fails naming the first line', () => {
    const r = parseCsv('a,b\n1,2\n3\n4,5\n', { maxRaggedRows: 1 });
    expect(rowsOf(r)).toEqual([[1, 2], [4, 5]]);
    expect(r.ragged).toEqual({ count: 1, firstLine: 3, expected: 2, found: 1 });
    const e = errorOf(() => parseCsv('a,b\n1,2\n3\n4,5,6,7\n', { maxRaggedRows: 1 }));
    expect(e.code).toBe('E_CSV_RAGGED');
    expect(e.params).toMatchObject({ line: 3, expected: 2, found: 1 });
  });

  it('counts -9999 sensor errors and can treat them as missing', () => {
    const text = 'wv\n1.5\n-9999\n2.5\n';
    const kept = parseCsv(text);
    expect(kept.columns[0]!.sentinel).toEqual({ count: 1, firstLine: 3, value: -9999 });
    expect(kept.columns[0]!.stats.min).toBe(-9999);
    const fixed = parseCsv(text, { sentinelsAsMissing: true });
    expect(rowsOf(fixed)).toEqual([[1.5], [1.5], [2.5]]);
  });

  it('parses numbers split over chunks exactly like whole ones', () => {
    const lines = ['x,y'];
    for (let i = 0; i < 300; i++) lines.push(`${(i * 1.37 - 200).toFixed(2)},${(i * 1e-3).toExponential(3)}`);
    const text = `${lines.join('\n')}\n`;
    const whole = parseCsv(text);
    for (const size of [1, 3, 11]) expect(chunked(text, size).table.data).toEqual(whole.table.data);
    for (let i = 0; i < 300; i++) {
      expect(whole.table.data[i * 2]).toBe(Math.fround(Number((i * 1.37 - 200).toFixed(2))));
      expect(whole.table.data[i * 2 + 1]).toBe(Math.fround(Number((i * 1e-3).toExponential(3))));
    }
    expect(whole.columns[0]!.stats.mean).toBeCloseTo(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[0]), 0) / 300, 3);
  });

  it('reports progress in bytes and rows', () => {
    const seen: number[] = [];
    const p = new CsvParser({ progressIntervalMs: 0, onProgress: (q) => seen.push(q.bytes) });
    p.push('a\n1\n');
    p.push('2\n');
    const r = p.end();
    expect(seen).toEqual([4, 6, 6]);
    expect(r.rows).toBe(2);
  });
});
