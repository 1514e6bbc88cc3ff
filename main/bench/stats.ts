/**
 * Figures over repeated bench runs: each figure is reported as the median of the runs with
 * their spread (min–max), so that one disturbed run neither hides nor makes a change.
 */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many runs gave a figure. */
  n: number;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The spread of the finite values; null when there is none. */
export function spread(values: readonly (number | undefined)[]): Spread | null {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (!v.length) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** p-th percentile (nearest rank) of the values. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** A number as the table prints it: no decimals from 100 up, one below. */
export function fmt(v: number | undefined | null): string {
  return v === undefined || v === null || !Number.isFinite(v) ? '–' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** "median (min–max)"; the median alone for a single run. */
export function fmtSpread(s: Spread | null | undefined, f: (v: number) => string = fmt): string {
  if (!s) return '–';
  return s.n > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}
