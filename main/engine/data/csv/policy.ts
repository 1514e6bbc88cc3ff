/**
 * The missing-value policy of the CSV parser: counts missing, malformed and sentinel cells per
 * column (with the first line of each), and applies the user's choice to a row: `fail` (stop
 * with the line and column), `drop-row`, or `fill-previous` (the previous kept row's value;
 * leading gaps are back-filled from the first value when the parse ends).
 */
import { AppError } from '../../../../shared/errors';
import { emptyProblem, type ExcludedColumn, type MissingPolicy, type Problem } from './types';

export class MissingValues {
  readonly missing: Problem[];
  readonly malformed: Problem[];
  readonly sentinel: (Problem & { value: number | null })[];
  readonly dateBad = emptyProblem();
  /** Rows dropped by 'drop-row'. */
  dropped = 0;
  /** Cells filled by 'fill-previous'. */
  filled = 0;

  constructor(
    private readonly policy: MissingPolicy,
    private readonly sentinels: readonly number[],
    private readonly sentinelsAsMissing: boolean,
    private readonly names: readonly string[],
    private readonly numericFileCols: readonly number[],
  ) {
    this.missing = numericFileCols.map(emptyProblem);
    this.malformed = numericFileCols.map(emptyProblem);
    this.sentinel = numericFileCols.map(() => ({ ...emptyProblem(), value: null }));
  }

  private fail(kind: 'missing' | 'malformed', lineNo: number, fileCol: number): never {
    throw new AppError('E_CSV_BAD_VALUE', { kind, line: lineNo, column: this.names[fileCol]!, columnNumber: fileCol + 1 });
  }

  /**
   * One row's numeric cells `vals` with their parse status `st` (0 number, 1 missing,
   * 2 malformed): counts the problems and fills cells in place from the previous kept row,
   * `data[prevBase ...]` (prevBase -1 before the first). Returns false when the row is to be dropped.
   */
  row(vals: Float64Array, st: Uint8Array, lineNo: number, data: Float32Array, prevBase: number): boolean {
    let keep = true;
    for (let j = 0; j < vals.length; j++) {
      let status = st[j]!;
      if (status === 0 && this.sentinels.length > 0 && this.sentinels.includes(vals[j]!)) {
        const sp = this.sentinel[j]!;
        if (sp.count++ === 0) {
          sp.firstLine = lineNo;
          sp.value = vals[j]!;
        }
        if (this.sentinelsAsMissing) status = 1;
      }
      if (status !== 0) {
        const p = status === 1 ? this.missing[j]! : this.malformed[j]!;
        if (p.count++ === 0) p.firstLine = lineNo;
        if (this.policy === 'fail') this.fail(status === 1 ? 'missing' : 'malformed', lineNo, this.numericFileCols[j]!);
        if (this.policy === 'drop-row') keep = false;
        else {
          // The previous kept row's value (NaN before the first): what was stored is what repeats.
          vals[j] = prevBase >= 0 ? data[prevBase + j]! : NaN;
          this.filled++;
        }
      }
    }
    return keep;
  }

  /** A row's time stamp that could not be read: the policy's replacement, or null to drop the row. */
  badDate(lineNo: number, dateCol: number, prev: number): number | null {
    const p = this.dateBad;
    if (p.count++ === 0) p.firstLine = lineNo;
    if (this.policy === 'fail') this.fail('malformed', lineNo, dateCol);
    return this.policy === 'drop-row' ? null : prev;
  }
}

/**
 * After the parse: back-fills each column's leading gaps (which 'fill-previous' had nothing to
 * fill with) from its first value, in place. Returns the columns that hold a value, and lists
 * those that never do as excluded.
 */
export function backfillLeading(data: Float32Array, rows: number, k: number, names: readonly string[], numericFileCols: readonly number[], excluded: ExcludedColumn[]): number[] {
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
      const c = numericFileCols[j]!;
      excluded.push({ name: names[c]!, columnNumber: c + 1, reason: 'empty', example: null });
      continue;
    }
    keep.push(j);
    const v = data[first * k + j]!;
    for (let r = 0; r < first; r++) data[r * k + j] = v;
  }
  return keep;
}
