/**
 * SYNTHETIC Jena-style climate data. This is NOT the Max Planck Institute's measured
 * record: it is generated from a seed so lab PCs need no download, in exactly the format
 * of `jena_climate_2009_2016.csv` (same 15 quoted header names, `dd.mm.yyyy HH:MM:SS`
 * timestamps every 10 minutes from `01.01.2009 00:10:00`, two decimals), so that every
 * step of the book's workflow (section 6.3) runs the same on it and on the real file.
 *
 * Structure, per 10-minute row:
 * - temperature: yearly cycle (coldest mid-January), daily cycle peaking mid-afternoon
 *   whose amplitude follows cloudiness, weather anomalies ("fronts") that persist for
 *   days (two AR(1) processes, ~4 days and ~12 hours), and sensor noise;
 * - pressure: its own multi-day process, lower in warm spells, plus a small semidiurnal tide;
 * - relative humidity: opposite to the daily cycle, higher in winter and under cloud;
 * - the rest is physics: VPmax by the Magnus formula, VPact = rh * VPmax,
 *   VPdef = VPmax - VPact, Tdew from VPact (inverse Magnus, so Tdew <= T),
 *   sh = 622 e / (p - 0.378 e), H2OC = 1000 e / p, rho from p and the virtual
 *   temperature, Tpot = T * (1000 / p)^0.286;
 * - wind: speed from a persistent gusty process (stronger when pressure is low), gusts
 *   above it, direction a random walk around the prevailing south-west.
 *
 * The naive "temperature in 24 h = temperature now" baseline with the book's windowing
 * (lookback 1440, step 6, delay 144) gives a normalised validation MAE of about 0.3, close
 * to the real data's 0.29 (see tests/unit/jena.test.ts and the report in the CLI).
 */
import { gaussian, mulberry32 } from './random';
import type { NumericTable } from './table';

export const JENA_HEADER = [
  'Date Time',
  'p (mbar)',
  'T (degC)',
  'Tpot (K)',
  'Tdew (degC)',
  'rh (%)',
  'VPmax (mbar)',
  'VPact (mbar)',
  'VPdef (mbar)',
  'sh (g/kg)',
  'H2OC (mmol/mol)',
  'rho (g/m**3)',
  'wv (m/s)',
  'max. wv (m/s)',
  'wd (deg)',
] as const;

/** Rows in the real file; `rows: JENA_FULL_ROWS` generates a full-size copy. */
export const JENA_FULL_ROWS = 420_551;
/** One year at one row per 10 minutes: the default size. */
export const JENA_DEFAULT_ROWS = 52_560;
/** Default seed: gives a one-year naive validation MAE of about 0.30 (normalised), 2.4 degC. */
export const JENA_DEFAULT_SEED = 42;
/** Epoch ms of the first row, 01.01.2009 00:10:00 (read as UTC). */
export const JENA_START_MS = Date.UTC(2009, 0, 1, 0, 10, 0);
export const JENA_STEP_MS = 10 * 60 * 1000;
/** Index of T (degC) among the 14 numeric columns (the book's target). */
export const JENA_TARGET_COLUMN = 1;

export interface JenaOptions {
  /** Rows to generate (default one year, 52,560). */
  rows?: number;
  seed?: number;
  /** How many wind-speed readings to replace with the -9999 sensor error of the real file (default 0). */
  sensorErrors?: number;
}

export interface JenaData {
  /** The 14 numeric columns (no date), values rounded to the file's two decimals. */
  table: NumericTable;
  /** Epoch ms (UTC) per row. */
  timestamps: Float64Array;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

/** Saturation vapour pressure over water (Magnus formula), mbar (= hPa), T in degC. */
export function magnus(tC: number): number {
  return 6.1094 * Math.exp((17.625 * tC) / (tC + 243.04));
}

/** Generates the synthetic table directly (fast: no text). Deterministic for (rows, seed). */
export function generateJena(opts: JenaOptions = {}): JenaData {
  const rows = Math.max(1, Math.floor(opts.rows ?? JENA_DEFAULT_ROWS));
  const rand = mulberry32(opts.seed ?? JENA_DEFAULT_SEED);
  const g = gaussian(rand);
  const columns = JENA_HEADER.slice(1) as string[];
  const C = columns.length;
  const data = new Float32Array(rows * C);
  const timestamps = new Float64Array(rows);

  // Per-step AR(1) coefficients at 10-minute resolution.
  const perDay = 144;
  const phiSlow = Math.exp(-1 / (4.0 * perDay)); // fronts: ~4 days
  const phiFast = Math.exp(-1 / (0.5 * perDay)); // ~12 hours
  const phiP = Math.exp(-1 / (2.5 * perDay));
  const phiH = Math.exp(-1 / (1.5 * perDay));
  const phiCloud = Math.exp(-1 / (1.0 * perDay));
  const phiWind = Math.exp(-1 / (0.4 * perDay));
  const innov = (phi: number): number => Math.sqrt(1 - phi * phi);
  // Start the processes in their stationary state.
  let slow = g();
  let fast = g();
  let pA = g();
  let hA = g();
  let cloud = g();
  let wind = g();
  let dir = 220 + 40 * g();
  const errorsAt = new Set<number>();
  for (let k = 0; k < (opts.sensorErrors ?? 0); k++) errorsAt.add(Math.floor(rand() * rows));

  for (let r = 0; r < rows; r++) {
    const t = JENA_START_MS + r * JENA_STEP_MS;
    timestamps[r] = t;
    const dayOfYear = (t - Date.UTC(2009, 0, 1)) / 86_400_000; // continuous
    const hour = ((t / 3_600_000) % 24 + 24) % 24;
    slow = phiSlow * slow + innov(phiSlow) * g();
    fast = phiFast * fast + innov(phiFast) * g();
    pA = phiP * pA + innov(phiP) * g();
    hA = phiH * hA + innov(phiH) * g();
    cloud = phiCloud * cloud + innov(phiCloud) * g();
    wind = phiWind * wind + innov(phiWind) * g();

    const season = -Math.cos(((dayOfYear - 15) / 365.25) * 2 * Math.PI); // -1 mid-Jan, +1 mid-Jul
    const sunny = 1 / (1 + Math.exp(1.5 * cloud)); // 0 overcast .. 1 clear
    const dailyAmp = (1.5 + 2.0 * (season + 1)) * (0.6 + 0.6 * sunny);
    const daily = Math.cos(((hour - 15) / 24) * 2 * Math.PI);
    const anomaly = 3.6 * slow + 1.0 * fast;
    const T = 9.4 + 10.0 * season + dailyAmp * daily + anomaly + 0.1 * g();

    const p = 989.2 + 7.0 * pA - 1.6 * slow + 0.4 * Math.cos(((hour - 10) / 12) * 2 * Math.PI) + 0.05 * g();
    let rh = 76 + 9 * -season * 0.6 - 14 * daily * (0.4 + 0.8 * sunny) + 9 * hA - 8 * sunny + 1.0 * g();
    rh = Math.min(100, Math.max(12, rh));

    const Tr = r2(T);
    const pr = r2(p);
    const rhr = r2(rh);
    const VPmax = r2(magnus(Tr));
    const VPact = r2((rhr / 100) * VPmax);
    const VPdef = r2(VPmax - VPact);
    const lnE = Math.log(Math.max(VPact, 0.01) / 6.1094);
    const Tdew = r2(Math.min(Tr, (243.04 * lnE) / (17.625 - lnE)));
    const sh = r2((622 * VPact) / (pr - 0.378 * VPact));
    const H2OC = r2((1000 * VPact) / pr);
    const Tk = Tr + 273.15;
    const Tv = Tk / (1 - (0.378 * VPact) / pr);
    const rho = r2((pr * 100 * 1000) / (287.05 * Tv));
    const Tpot = r2(Tk * (1000 / pr) ** 0.286);
    const gust = Math.exp(0.55 * wind - 0.12 * pA);
    const wvRaw = 1.7 * gust * (0.7 + 0.3 * rand());
    const wv = errorsAt.has(r) ? -9999 : r2(Math.min(25, wvRaw));
    const maxWv = r2(Math.min(35, wvRaw * (1.35 + 0.5 * rand()) + 0.2));
    dir += 12 * g() + 0.01 * (225 - dir);
    const wd = r2(((dir % 360) + 360) % 360);

    const o = r * C;
    data[o] = pr;
    data[o + 1] = Tr;
    data[o + 2] = Tpot;
    data[o + 3] = Tdew;
    data[o + 4] = rhr;
    data[o + 5] = VPmax;
    data[o + 6] = VPact;
    data[o + 7] = VPdef;
    data[o + 8] = sh;
    data[o + 9] = H2OC;
    data[o + 10] = rho;
    data[o + 11] = wv;
    data[o + 12] = maxWv;
    data[o + 13] = wd;
  }
  return { table: { columns, rows, data }, timestamps };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `dd.mm.yyyy HH:MM:SS` for an epoch-ms time (UTC), as the Jena file writes it. */
export function formatJenaTime(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())}.${pad2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** The header line exactly as in the real file (quoted names, no trailing newline). */
export function jenaHeaderLine(): string {
  return JENA_HEADER.map((h) => `"${h}"`).join(',');
}

/**
 * The CSV text in pieces of `rowsPerChunk` rows (header first), for streaming to disk
 * without holding 42 MB of text. Lines end with LF, as in the real file.
 */
export function* jenaCsvChunks(data: JenaData, rowsPerChunk = 4096): Generator<string> {
  const { table, timestamps } = data;
  const C = table.columns.length;
  yield `${jenaHeaderLine()}\n`;
  for (let start = 0; start < table.rows; start += rowsPerChunk) {
    const end = Math.min(table.rows, start + rowsPerChunk);
    const lines: string[] = [];
    for (let r = start; r < end; r++) {
      let line = formatJenaTime(timestamps[r]!);
      for (let c = 0; c < C; c++) line += `,${table.data[r * C + c]!.toFixed(2)}`;
      lines.push(line);
    }
    yield `${lines.join('\n')}\n`;
  }
}

/** The whole CSV as one string (small sizes and tests; use jenaCsvChunks for big ones). */
export function jenaCsv(data: JenaData): string {
  let out = '';
  for (const chunk of jenaCsvChunks(data)) out += chunk;
  return out;
}
