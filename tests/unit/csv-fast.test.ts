/**
 * The CSV parser's fast path (whole chunks in one loop, numbers and dates read from the
 * bytes) against the general path and against Number() / Date.UTC: the same values, bit for
 * bit, and the same problems, counts, lines and errors, whatever the file looks like.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { mulberry32 } from '../../shared/random';
import { CsvParser, parseCsv, parseCsvFile, type CsvOptions, type CsvResult } from '../../main/engine/data/csv';

const enc = new TextEncoder();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'seqlab-csv-fast-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rng = mulberry32;

/** A result or the error's code and parameters, in a form where -0, NaN and Infinity survive comparison. */
function outcome(f: () => CsvResult): string {
  let r: CsvResult;
  try {
    r = f();
  } catch (e) {
    if (e instanceof AppError) return `error ${e.code} ${JSON.stringify(e.params)}`;
    throw e;
  }
  return JSON.stringify(r, (_k, v: unknown) => {
    if (v instanceof Float32Array || v instanceof Float64Array) return Array.from(v, (x) => (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? x : String(x)));
    if (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v))) return Object.is(v, -0) ? '-0' : String(v);
    return v;
  });
}

/** What the parser makes of one cell: the stored value, or the kind of problem. */
function one(text: string, delimiter: ',' | ';' = ','): number | 'missing' | 'malformed' {
  // The row of zeros keeps column b numeric whatever the cell holds.
  const r = parseCsv(`a${delimiter}b\n1${delimiter}0\n1${delimiter}${text}\n`, { sentinels: [], delimiter });
  const b = r.columns[1]!;
  if (b.missing.count > 0) return 'missing';
  if (b.malformed.count > 0) return 'malformed';
  return r.table.data[3]!;
}

/** Many numbers in one file (any problem fails the import): what was stored for each. */
function column(texts: string[], delimiter: ',' | ';' = ','): number[] {
  const r = parseCsv(`i${delimiter}v\n${texts.map((t, i) => `${i}${delimiter}${t}\n`).join('')}`, { missing: 'fail', sentinels: [], delimiter });
  expect(r.rows).toBe(texts.length);
  return Array.from({ length: texts.length }, (_, i) => r.table.data[i * 2 + 1]!);
}

function decimal(r: () => number, maxInt: number, maxFrac: number): string {
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');
  const sign = r() < 0.4 ? '-' : '';
  const int = digits(Math.floor(r() * (maxInt + 1)));
  const frac = r() < 0.8 ? `.${digits(Math.floor(r() * (maxFrac + 1)))}` : '';
  const s = `${sign}${int}${frac}`;
  return /\d/.test(s) ? s : `${s}7`;
}

describe('CSV numbers read from bytes', () => {
  it('equal Math.fround(Number(text)) bit for bit on random decimals, short and long', () => {
    const r = rng(1);
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) texts.push(decimal(r, 6, 6)); // the fast path's shape
    for (let i = 0; i < 500; i++) texts.push(decimal(r, 12, 12)); // around the 15-digit limit
    for (let i = 0; i < 300; i++) texts.push(decimal(r, 25, 25)); // beyond it: Number() decides
    for (let i = 0; i < 500; i++) {
      const m = decimal(r, 4, 4);
      texts.push(`${m}${r() < 0.5 ? 'e' : 'E'}${['', '-', '+'][Math.floor(r() * 3)]}${Math.floor(r() * 40)}`);
    }
    const got = column(texts);
    for (let i = 0; i < texts.length; i++) {
      const want = Math.fround(Number(texts[i]));
      if (!Object.is(got[i], want)) expect({ text: texts[i], got: got[i] }).toEqual({ text: texts[i], got: want });
    }
  });

  it('handles the edge cases as Number() does, and NaN-like tokens as missing', () => {
    const cases = ['-0', '0', '-0.0', '1e-7', '.5', '5.', '-.5', '+2.5', '007.25', '1e22', '1e23', '1e-22', '1e-23', '4.9e-324', '1e-400', '0e+376',
      '123456789012345', '1234567890123456', '9007199254740993', '0.000000000000000000123456', '340282356779733661637539395458142568448', '-9999', '1.7976931348623157e308'];
    const got = column(cases);
    cases.forEach((t, i) => expect(Object.is(got[i], Math.fround(Number(t))), `${t} -> ${String(got[i])}`).toBe(true));
    cases.forEach((t) => expect(Object.is(one(t), Math.fround(Number(t))), t).toBe(true));
    // The parser's own rules: these mean "no value"; these are not numbers for a table.
    expect(['NaN', 'nan', 'NA', 'N/A', 'null', 'None', '-', '?', '#N/A', '--', ''].map((t) => one(t))).toEqual(Array(11).fill('missing'));
    expect(['Infinity', '1e400', '-1e999', '0x10', '1_000', '1e', 'e5', '.', '1.2.3', '--5', 'oops'].map((t) => one(t))).toEqual(Array(11).fill('malformed'));
    // Spaces and quotes around a number are allowed.
    expect([' 1.5', '2.5 ', '"3.5"', '" -4 "'].map((t) => one(t))).toEqual([1.5, 2.5, 3.5, -4]);
  });

  it('reads a decimal comma after a ; delimiter, like the general path', () => {
    const r = rng(2);
    const texts = Array.from({ length: 400 }, () => decimal(r, 6, 6).replace('.', ','));
    const got = column(texts, ';');
    texts.forEach((t, i) => expect(Object.is(got[i], Math.fround(Number(t.replace(',', '.')))), t).toBe(true));
  });
});

describe('CSV fast path against the general path', () => {
  const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]!;

  function cell(r: () => number, kind: 'num' | 'date' | 'text', dc: boolean, clean: boolean): string {
    const p2 = (n: number): string => String(n).padStart(2, '0');
    if (kind === 'date') {
      if (!clean && r() < 0.08) return pick(r, ['', 'bad', '"01.01.2009 00:10:00"', '32.01.2009 00:00:00', '2020-13-01', '01.01.2009 25:00:00', ' 2009-01-01']);
      const y = pick(r, [2009, 2016, 1999, 50, 1900, 2024]);
      const [mo, d, H, M, S] = [1 + Math.floor(r() * 12), 1 + Math.floor(r() * 31), Math.floor(r() * 25), Math.floor(r() * 60), Math.floor(r() * 61)];
      if (r() < 0.5) return `${p2(d)}.${p2(mo)}.${String(y).padStart(4, '0')} ${p2(H)}:${p2(M)}${r() < 0.8 ? `:${p2(S)}` : ''}`;
      return `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}${pick(r, ['T', ' '])}${p2(H)}:${p2(M)}${pick(r, ['', `:${p2(S)}`, `:${p2(S)}.${Math.floor(r() * 1000)}`])}${pick(r, ['', 'Z'])}`;
    }
    if (kind === 'text') return pick(r, ['abc', 'x', '', '"quoted, text"', '"say ""hi"""', 'NA']);
    let s: string;
    const x = r();
    if (clean || x < 0.6) s = decimal(r, 5, 3);
    else if (x < 0.7) s = decimal(r, 20, 20);
    else if (x < 0.78) s = `${decimal(r, 3, 3)}e${pick(r, ['', '-', '+'])}${Math.floor(r() * 400)}`;
    else if (x < 0.86) s = pick(r, ['', 'NA', 'nan', 'NaN', 'null', '-', '?', '#N/A', '--', '-9999', '-9999.00', '0', '-0']);
    else if (x < 0.93) s = pick(r, [' 1.5', '1.5 ', '"2.5"', '" 3 "', '+4']);
    else s = pick(r, ['oops', 'Infinity', '0x10', '1e', '.', '1.2.3', 'é1', '1\r2']);
    return dc ? s.replace('.', ',') : s;
  }

  /** A random file with every oddity the parser knows, and random options. */
  function randomCase(seed: number): { text: string; opts: CsvOptions } {
    const r = rng(seed);
    const delim = pick(r, [',', ',', ';', '\t'] as const);
    const kinds = Array.from({ length: 1 + Math.floor(r() * 6) }, () => (r() < 0.75 ? 'num' : r() < 0.6 ? 'date' : 'text') as 'num' | 'date' | 'text');
    if (!kinds.includes('num')) kinds[0] = 'num';
    const clean = r() < 0.5;
    const eol = pick(r, ['\n', '\r\n', 'mixed']);
    const lines = [(r() < 0.2 ? '\uFEFF' : '') + kinds.map((k, i) => (r() < 0.3 ? `"${k} ${i}"` : `${k}${i}`)).join(delim)];
    const n = Math.floor(r() * 120);
    for (let i = 0; i < n; i++) {
      const y = r();
      if (!clean && y < 0.03) {
        lines.push(pick(r, ['', '  ', '\t']));
        continue;
      }
      let cells = kinds.map((k) => cell(r, k, delim === ';', clean && r() < 0.97));
      if (!clean && y < 0.06) cells = cells.slice(0, Math.max(1, cells.length - 1));
      else if (!clean && y < 0.08) cells.push('7');
      else if (y < 0.1) cells.push('');
      lines.push(cells.join(delim));
    }
    let text = '';
    for (const l of lines) text += l + (eol === 'mixed' ? pick(r, ['\n', '\r\n']) : eol);
    if (r() < 0.2) text = text.replace(/\r?\n$/, '');
    if (r() < 0.1) text = text.slice(0, Math.floor(r() * text.length));
    const opts: CsvOptions = {
      missing: pick(r, ['fill-previous', 'drop-row', 'fail'] as const),
      maxRaggedRows: pick(r, [0, 3, 10]),
      sentinels: pick(r, [[-9999], [], [-9999, 0]]),
      sentinelsAsMissing: r() < 0.3,
    };
    if (r() < 0.1) opts.delimiter = delim;
    return { text, opts };
  }

  it('gives the same table, metadata and errors on 1500 random messy files, in any chunking', () => {
    let errors = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const { text, opts } = randomCase(seed);
      const general = outcome(() => parseCsv(text, { ...opts, fastPath: false }));
      if (general.startsWith('error')) errors++;
      const fast = outcome(() => parseCsv(text, opts));
      const r = rng(seed * 31);
      const bytes = enc.encode(text);
      const chunked = outcome(() => {
        // With a size estimate (the table is sized up front), in random pieces.
        const p = new CsvParser({ ...opts, totalBytes: Math.max(1, Math.round(bytes.length * (0.2 + r() * 2))) });
        for (let i = 0; i < bytes.length; ) {
          const size = 1 + Math.floor(r() * 80);
          p.push(bytes.subarray(i, i + size));
          i += size;
        }
        return p.end();
      });
      if (fast !== general || chunked !== general) expect({ seed, text, fast, chunked }).toEqual({ seed, text, fast: general, chunked: general });
    }
    // The corpus does exercise the errors as well as the tables.
    expect(errors).toBeGreaterThan(200);
    expect(errors).toBeLessThan(1300);
  });

  it('reads dates exactly as Date.UTC does (day cache, years 0-99, 24:00, :60, day overflow, milliseconds)', () => {
    const r = rng(3);
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const lines = ['time,v'];
    const want: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const y = pick(r, [2009, 2009, 2010, 1970, 1969, 50, 99, 100, 2400, 9999]);
      const mo = 1 + Math.floor(r() * 12);
      const d = 1 + Math.floor(r() * 31);
      const [H, M, S, ms] = [Math.floor(r() * 25), Math.floor(r() * 60), Math.floor(r() * 61), Math.floor(r() * 1000)];
      if (r() < 0.5) {
        lines.push(`${p2(d)}.${p2(mo)}.${String(y).padStart(4, '0')} ${p2(H)}:${p2(M)}:${p2(S)},${i}`);
        want.push(Date.UTC(y, mo - 1, d, H, M, S));
      } else {
        lines.push(`${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(H)}:${p2(M)}:${p2(S)}.${String(ms).padStart(3, '0')}Z,${i}`);
        want.push(Date.UTC(y, mo - 1, d, H, M, S, ms));
      }
    }
    const text = `${lines.join('\n')}\n`;
    for (const fastPath of [true, false]) {
      const res = parseCsv(text, { fastPath });
      expect(res.rows).toBe(2000);
      expect(Array.from(res.timestamps!)).toEqual(want);
    }
  });

  it('fills a missing value with the previous kept row, also after dropped and ragged rows', () => {
    const text = 'a,b\n,1\n2,\n3,-9999\n4,5,6\n,7\n8,x\n';
    const fill = parseCsv(text, { sentinelsAsMissing: true });
    expect(Array.from(fill.table.data)).toEqual([2, 1, 2, 1, 3, 1, 3, 7, 8, 7]);
    expect(fill.filledCells).toBe(5);
    expect(fill.ragged.count).toBe(1);
    expect(outcome(() => parseCsv(text, { sentinelsAsMissing: true, fastPath: false }))).toBe(outcome(() => fill));
  });

  it('sizes the table from the file size either way and returns exactly rows x columns', () => {
    const text = `x,y\n${Array.from({ length: 5000 }, (_, i) => `${i}.5,${-i}`).join('\n')}\n`;
    for (const totalBytes of [10, text.length, text.length * 50]) {
      const p = new CsvParser({ totalBytes });
      p.push(text);
      const res = p.end();
      expect(res.rows).toBe(5000);
      expect(res.table.data.length).toBe(10000);
      expect(res.table.data[9998]).toBe(4999.5);
      expect(res.table.data[9999]).toBe(-4999);
    }
  });

  it('parseCsvFile (1 MiB reads into one buffer) gives what parseCsv gives, over chunk boundaries', async () => {
    const r = rng(4);
    const lines = ['"Date Time",p,T,"wd (deg)",note'];
    for (let i = 0; i < 40_000; i++) {
      const odd = r();
      const date = `${p2(1 + (i % 28))}.01.2009 ${p2(i % 24)}:${p2(i % 60)}:00`;
      if (odd < 0.002) lines.push('');
      else if (odd < 0.004) lines.push(`${date},1,2`);
      else if (odd < 0.006) lines.push(`${date},NaN,${(r() * 10).toFixed(2)},-9999,"a, b"`);
      else lines.push(`${date},${(900 + r() * 200).toFixed(2)},${(r() * 60 - 30).toFixed(2)},${(r() * 360).toFixed(2)},x`);
    }
    const text = `${lines.join('\r\n')}\r\n`;
    expect(text.length).toBeGreaterThan(3 << 19); // over 1.5 MiB: two reads
    const file = path.join(tmp, 'big.csv');
    writeFileSync(file, text);
    const fromFile = await parseCsvFile(file, undefined, { maxRaggedRows: 1000 });
    expect(fromFile.rows).toBeGreaterThan(39_000);
    expect(outcome(() => fromFile)).toBe(outcome(() => parseCsv(text, { maxRaggedRows: 1000, fastPath: false })));
    function p2(n: number): string {
      return String(n).padStart(2, '0');
    }
  });

  it('reports an unreadable path as E_CSV_READ', async () => {
    for (const p of [path.join(tmp, 'nope.csv'), tmp]) {
      const e = await parseCsvFile(p).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('E_CSV_READ');
      expect((e as AppError).params.path).toBe(p);
    }
  });
});
