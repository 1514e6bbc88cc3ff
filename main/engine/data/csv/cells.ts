/**
 * Cell readers of the CSV parser, straight from the bytes (no string per cell): numbers (with
 * the decimal comma after a `;` delimiter, and the missing-value tokens), dates (`dd.mm.yyyy
 * HH:MM:SS` as in Jena, ISO date-times), and the slow cell splitter of the header and sample.
 */
export const QUOTE = 34;
export const LF = 10;
export const CR = 13;
const MISSING_TOKENS = new Set(['na', 'n/a', 'nan', 'null', 'none', '-', '?', '#n/a', '--']);
export const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

// Status of the last parseNumber call: 0 number, 1 missing, 2 malformed. A module
// variable so the hot path allocates nothing.
let numStatus = 0;

/** The status of the last parseNumber call: 0 number, 1 missing, 2 malformed. */
export function numberStatus(): number {
  return numStatus;
}

/** Parses a number from bytes [s, e) (spaces and surrounding quotes allowed). Sets numStatus. */
export function parseNumber(b: Uint8Array, s: number, e: number, decimalComma: boolean): number {
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

// Format of the last parseDate call that succeeded: 1 dd.mm.yyyy, 2 ISO, 3 YYYYMMDD.
let dateFormat = 0;

const daysIn = (y: number, mo: number): number => new Date(Date.UTC(y, mo, 0)).getUTCDate();

/** The format of the last date parseDate read: 1 dd.mm.yyyy, 2 ISO, 3 YYYYMMDD. */
export function lastDateFormat(): number {
  return dateFormat;
}

/** Parses `dd.mm.yyyy HH:MM[:SS]`, ISO `yyyy-mm-dd[ T]HH:MM[:SS[.fff]][Z]` or `yyyy-mm`, or 8-digit `yyyymmdd` (UTC) from bytes; NaN if none. */
export function parseDate(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] === 32) s++;
  while (e > s && b[e - 1] === 32) e--;
  if (e - s >= 2 && b[s] === QUOTE && b[e - 1] === QUOTE) {
    s++;
    e--;
  }
  const n = e - s;
  let y: number, mo: number, d: number;
  let i: number;
  if (n === 8) {
    // YYYYMMDD (8 digits; digits() gives -1 for anything else).
    y = digits(b, s, 4);
    mo = digits(b, s + 4, 2);
    d = digits(b, s + 6, 2);
    if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return NaN;
    dateFormat = 3;
    return Date.UTC(y, mo - 1, d);
  }
  if (n === 7 && b[s + 4] === 45) {
    // ISO year and month (YYYY-MM): the first of the month.
    y = digits(b, s, 4);
    mo = digits(b, s + 5, 2);
    if (y < 0 || mo < 1 || mo > 12) return NaN;
    dateFormat = 2;
    return Date.UTC(y, mo - 1, 1);
  }
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
