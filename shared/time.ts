/**
 * The sampling interval of a time index, in calendar units (a month is a month, whatever
 * its days), and its gaps; shared by the engine (which finds it, data/service.ts) and the
 * window (which says "24 steps = 4 hours").
 */
export const TIME_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export interface SamplingInterval {
  /** One step is `count` of `unit` (10 minutes, 1 month...). */
  unit: TimeUnit;
  count: number;
  /** Steps longer than one interval (rows missing), and the first row after such a gap (0-based). */
  gaps: number;
  firstGapRow: number | null;
  /** Steps shorter than one interval, or going back in time (0 for a regular index). */
  irregular: number;
}

const FIXED_MS: [TimeUnit, number][] = [
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const monthIndex = (t: number): number => {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const startOfMonth = (t: number): boolean => {
  const d = new Date(t);
  return d.getUTCDate() === 1 && t % 86_400_000 === 0;
};

/** The usual step of timestamps (the median), in the largest unit that divides it, and the steps that differ; null under 2 rows. */
export function samplingInterval(ts: ArrayLike<number>): SamplingInterval | null {
  const n = ts.length;
  if (n < 2) return null;
  // Calendar months (monthly, quarterly, yearly data): every row on the first of a month.
  let monthly = true;
  for (let i = 0; i < n && monthly; i++) monthly = startOfMonth(ts[i]!);
  const steps: number[] = [];
  for (let i = 1; i < n; i++) steps.push(monthly ? monthIndex(ts[i]!) - monthIndex(ts[i - 1]!) : ts[i]! - ts[i - 1]!);
  const sorted = [...steps].sort((a, b) => a - b);
  const step = sorted[Math.floor(sorted.length / 2)]!;
  if (!(step > 0)) return null;
  let gaps = 0;
  let firstGapRow: number | null = null;
  let irregular = 0;
  steps.forEach((s, i) => {
    if (s > step) {
      gaps++;
      firstGapRow ??= i + 1;
    } else if (s < step) irregular++;
  });
  let unit: TimeUnit;
  let count: number;
  if (monthly) {
    [unit, count] = step % 12 === 0 ? ['year', step / 12] : step % 3 === 0 ? ['quarter', step / 3] : ['month', step];
  } else {
    const fit = FIXED_MS.find(([, ms]) => step % ms === 0) ?? ['second', 1000];
    [unit, count] = [fit[0], step / fit[1]];
  }
  return { unit, count, gaps, firstGapRow, irregular };
}

/** A number of steps as the largest whole unit it makes ("144 steps of 10 minutes" = 1 day), for the window's labels. */
export function stepsAsDuration(steps: number, iv: Pick<SamplingInterval, 'unit' | 'count'>): { n: number; unit: TimeUnit } {
  const total = steps * iv.count;
  const inSeconds: Partial<Record<TimeUnit, number>> = { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800 };
  const base = inSeconds[iv.unit];
  if (base !== undefined) {
    const secs = total * base;
    for (const u of ['week', 'day', 'hour', 'minute'] as const) if (secs % inSeconds[u]! === 0 && secs >= inSeconds[u]!) return { n: secs / inSeconds[u]!, unit: u };
    return { n: secs, unit: 'second' };
  }
  const months = total * (iv.unit === 'year' ? 12 : iv.unit === 'quarter' ? 3 : 1);
  if (months % 12 === 0) return { n: months / 12, unit: 'year' };
  if (months % 3 === 0 && iv.unit !== 'month') return { n: months / 3, unit: 'quarter' };
  return { n: months, unit: 'month' };
}
