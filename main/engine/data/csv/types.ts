/** The CSV parser's options and report (what the Data page shows about an imported file). */
import type { ColumnStats, NumericTable } from '../table';

export type MissingPolicy = 'drop-row' | 'fill-previous' | 'fail';
export type Delimiter = ',' | ';' | '\t';
/** How the file writes time: a date column (`dd.mm.yyyy`, ISO, 8-digit `yyyymmdd`) or numeric columns (time-index.ts). */
export type TimeFormat = 'dd.mm.yyyy' | 'iso' | 'yyyymmdd' | 'year' | 'year-month' | 'year-quarter';

export interface CsvProgress {
  /** Bytes pushed so far. */
  bytes: number;
  /** Data rows kept so far. */
  rows: number;
  /** The file's size when known (parseCsvFile knows it), else null. */
  totalBytes: number | null;
  done: boolean;
}

export interface CsvOptions {
  /** What to do with a missing or malformed numeric cell (default 'fill-previous'). */
  missing?: MissingPolicy;
  /** Force the delimiter instead of detecting it from the header. */
  delimiter?: Delimiter;
  /** Rows with the wrong number of cells that are dropped before the import fails (default 10). */
  maxRaggedRows?: number;
  /** Values that mean "sensor error" (default [-9999]); counted per column. */
  sentinels?: number[];
  /** Treat sentinel values as missing (then the missing policy applies). Default false. */
  sentinelsAsMissing?: boolean;
  onProgress?: (p: CsvProgress) => void;
  /** Minimum milliseconds between progress calls (default 100). The final call always comes. */
  progressIntervalMs?: number;
  /** Total size, for progress (parseCsvFile fills it in); also sizes the table up front. */
  totalBytes?: number;
  /**
   * false: every line takes the general path (tests compare the two; the result is the same).
   * Default true: lines of the common shape take the fast path.
   */
  fastPath?: boolean;
  /** Longest line accepted, in bytes (default MAX_LINE_BYTES); a longer one fails with E_CSV_LINE_TOO_LONG. */
  maxLineBytes?: number;
  /** Keep numeric time columns (year, month, quarter) as features too; by default they only index time. */
  timeAsFeature?: boolean;
  /** Most columns accepted in the header (default MAX_COLUMNS); more fail with E_CSV_TOO_MANY_COLUMNS. */
  maxColumns?: number;
}

/**
 * Bounds that hold before any large allocation, so a hostile or broken file (one 500 MiB line,
 * a million columns) is refused with its line number instead of exhausting memory. A Jena
 * line is about 120 bytes; these leave room for any table a lesson could use.
 */
export const MAX_LINE_BYTES = 1 << 20;
export const MAX_COLUMNS = 4096;

/** How often a kind of problem occurred in a column, and the first line where it did. */
export interface Problem {
  count: number;
  /** 1-based line of the first occurrence (0 when count is 0). */
  firstLine: number;
}

export interface CsvColumn {
  name: string;
  /** 1-based position of the column in the file. */
  columnNumber: number;
  missing: Problem;
  malformed: Problem;
  /** Sentinel values (e.g. -9999) found; kept as values unless sentinelsAsMissing. */
  sentinel: Problem & { value: number | null };
  /** Over the rows kept (after the missing policy). */
  stats: ColumnStats;
}

export interface ExcludedColumn {
  name: string;
  columnNumber: number;
  /** 'date': a second date column; 'text': not numbers; 'empty': no value in any row; 'time': the time index (year, month...), shown, not a feature. */
  reason: 'date' | 'text' | 'empty' | 'time';
  /** First non-empty cell seen in the sample (at most 40 characters), for the UI. */
  example: string | null;
}

export interface CsvResult {
  /** Numeric columns only, in file order. */
  table: NumericTable;
  /** Metadata for each table column (same order as table.columns). */
  columns: CsvColumn[];
  excluded: ExcludedColumn[];
  /** The date column's values as epoch milliseconds (UTC), one per kept row; null without a date column. */
  timestamps: Float64Array | null;
  /** The time index: a date column, or numeric columns read as time (time-index.ts); `name` joins their names. */
  dateColumn: { name: string; columnNumber: number; format: TimeFormat; bad: Problem } | null;
  delimiter: Delimiter;
  bom: boolean;
  lineEnding: 'lf' | 'crlf' | 'mixed' | 'none';
  /** Set when the file ended without a newline in the middle of a row (the row is dropped). */
  truncatedLastLine: { line: number; cells: number } | null;
  ragged: Problem & { expected: number; found: number };
  /** The header named fewer columns than every row has; the extra ones were named `column N`. */
  headerShort: { line: number; named: number; found: number } | null;
  /** Rows dropped by the 'drop-row' policy. */
  droppedRows: number;
  /** Cells filled by the 'fill-previous' policy. */
  filledCells: number;
  rows: number;
  bytes: number;
  headerLine: number;
}

export const emptyProblem = (): Problem => ({ count: 0, firstLine: 0 });
