/** The histogram of prediction errors: the window's chart and the exported plot count the same bins. */

export interface ErrorBins {
  /** Left edge of the first bin. */
  lo: number;
  /** Width of every bin. */
  width: number;
  /** How many errors fall into each bin (the last bin holds its right edge). */
  counts: number[];
}

/** Counts of prediction - truth in `bins` equal bins (the range always holds 0). */
export function errorBins(f: { truth: ArrayLike<number>; prediction: ArrayLike<number> }, bins = 24): ErrorBins {
  const errs = Array.from(f.prediction, (p, i) => p - f.truth[i]!);
  let lo = 0;
  let hi = 0;
  for (const e of errs) {
    if (e < lo) lo = e;
    if (e > hi) hi = e;
  }
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const e of errs) counts[Math.min(bins - 1, Math.floor((e - lo) / width))]!++;
  return { lo, width, counts };
}

/** The middle of bin `i` (its label on the chart). */
export function binCentre(b: ErrorBins, i: number): number {
  return b.lo + (i + 0.5) * b.width;
}
