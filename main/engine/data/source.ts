/**
 * SampleSource: what the training loop needs from any dataset, whether forecasting
 * windows cut on the fly from a table (WindowedSource) or generated (x, y) lesson tasks
 * (TaskSource). Every sample is a [timesteps, features] input with `targetSize` target
 * values (1 for one value per sample, `timesteps` for one per step), and a naive
 * prediction of the same shape for the baseline: "no change" for forecasting, the
 * training split's base rate for classification.
 */
import type { NumericTable } from './table';
import type { TaskData } from './tasks';
import { fillBatch, sampleRows, timesteps, type Normalisation, type Split, type WindowSpec } from './window';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];
export type TaskKind = 'regression' | 'classification';

export interface SampleSource {
  readonly kind: TaskKind;
  readonly timesteps: number;
  readonly features: number;
  /** Target values per sample: 1, or timesteps for per-step targets. */
  readonly targetSize: number;
  /** physical = normalised * targetScale + targetOffset (1 and 0 where there are no units). */
  readonly targetScale: number;
  readonly targetOffset: number;
  readonly targetUnit: string | null;
  /** Samples in a split. */
  count(split: SplitName): number;
  /**
   * Fills x (n * timesteps * features) and y (n * targetSize) with the samples at
   * `indices` (0-based within the split), and naive (n * targetSize) when given.
   */
  fill(split: SplitName, indices: ArrayLike<number>, x: Float32Array, y: Float32Array, naive?: Float32Array): void;
  /** Table row of a sample's target (windowed sources), for timestamps and plots. */
  targetRow?(split: SplitName, index: number): number;
}

/** Forecasting windows over a normalised table (see window.ts for the exact rows). */
export class WindowedSource implements SampleSource {
  readonly kind = 'regression' as const;
  readonly timesteps: number;
  readonly features: number;
  readonly targetSize = 1;
  readonly targetScale: number;
  readonly targetOffset: number;
  private readonly rowsOf: Record<SplitName, { first: number; last: number; count: number }>;
  private readonly rowBuf = new Int32Array(4096);

  constructor(
    /** The normalised table. */
    readonly table: NumericTable,
    readonly spec: WindowSpec,
    readonly splits: Record<SplitName, Split>,
    readonly stats: Normalisation,
    readonly targetUnit: string | null,
  ) {
    this.timesteps = timesteps(spec);
    this.features = spec.inputColumns?.length ?? table.columns.length;
    this.targetScale = stats.std[spec.targetColumn]!;
    this.targetOffset = stats.mean[spec.targetColumn]!;
    this.rowsOf = {
      train: sampleRows(spec, splits.train),
      validation: sampleRows(spec, splits.validation),
      test: sampleRows(spec, splits.test),
    };
  }

  count(split: SplitName): number {
    return this.rowsOf[split].count;
  }

  /** The row r at which sample `index` of the split ends (inputs < r, target at r + delay). */
  endRow(split: SplitName, index: number): number {
    return this.rowsOf[split].first + index;
  }

  targetRow(split: SplitName, index: number): number {
    return this.endRow(split, index) + this.spec.delay;
  }

  fill(split: SplitName, indices: ArrayLike<number>, x: Float32Array, y: Float32Array, naive?: Float32Array): void {
    const first = this.rowsOf[split].first;
    const n = indices.length;
    const rows = n <= this.rowBuf.length ? this.rowBuf.subarray(0, n) : new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = first + indices[i]!;
    fillBatch(this.table, this.spec, rows, x, y, naive);
  }
}

/** Generated classification tasks, split by sample: the first samples train, then validation, then test. */
export class TaskSource implements SampleSource {
  readonly kind = 'classification' as const;
  readonly timesteps: number;
  readonly features: number;
  readonly targetSize: number;
  readonly targetScale = 1;
  readonly targetOffset = 0;
  readonly targetUnit = null;
  /** Share of positive targets in the training split: the naive prediction. */
  readonly prior: number;
  private readonly ranges: Record<SplitName, { start: number; count: number }>;

  constructor(
    readonly data: TaskData,
    counts: { train: number; validation: number },
  ) {
    this.timesteps = data.length;
    this.features = data.features;
    this.targetSize = data.targetSize;
    const train = Math.min(counts.train, data.samples);
    const validation = Math.min(counts.validation, data.samples - train);
    this.ranges = {
      train: { start: 0, count: train },
      validation: { start: train, count: validation },
      test: { start: train + validation, count: data.samples - train - validation },
    };
    let pos = 0;
    const n = train * data.targetSize;
    for (let i = 0; i < n; i++) pos += data.y[i]!;
    this.prior = n > 0 ? pos / n : 0.5;
  }

  count(split: SplitName): number {
    return this.ranges[split].count;
  }

  fill(split: SplitName, indices: ArrayLike<number>, x: Float32Array, y: Float32Array, naive?: Float32Array): void {
    const { start } = this.ranges[split];
    const xs = this.data.length * this.data.features;
    const ys = this.data.targetSize;
    for (let i = 0; i < indices.length; i++) {
      const s = start + indices[i]!;
      x.set(this.data.x.subarray(s * xs, (s + 1) * xs), i * xs);
      y.set(this.data.y.subarray(s * ys, (s + 1) * ys), i * ys);
      if (naive) naive.fill(this.prior, i * ys, (i + 1) * ys);
    }
  }
}
