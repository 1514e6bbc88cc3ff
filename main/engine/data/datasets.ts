/**
 * Datasets for training: loading (a builtin, or an imported CSV file found by its id under
 * `<dataDir>/imports/` only) and preparing (splits, normalisation from the training rows only,
 * the SampleSource the loop reads).
 */
import * as nodePath from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Experiment } from '../../../shared/experiment';
import { JENA_SPLITS, loadBuiltin, type LoadedDataset, type TableDataset } from './builtin';
import { parseCsvFile, type CsvProgress, type CsvResult, type MissingPolicy } from './csv';
import { toLongMonths, wideMonthColumns } from './csv/wide';
import { TaskSource, WindowedSource, type SampleSource, type SplitName } from './source';
import { unitOf } from './table';
import { normalise, sampleRows, statistics, type Normalisation, type Split, type WindowSpec } from './window';

let csvCache: { key: string; dataset: TableDataset; csv: CsvResult; wideMonths: number[] | null } | null = null;

const FILE_ID = /^[a-z0-9-]{1,64}$/;

/**
 * The only path an imported file can have: `<dataDir>/imports/<fileId>.csv`. The id is
 * checked again here (the schema checked it already), so no id can leave that folder.
 */
export function importedCsvPath(dataDir: string, fileId: string): string {
  if (!FILE_ID.test(fileId)) throw new AppError('E_VALIDATION', { path: 'dataset.fileId', issue: 'invalid_string' });
  return nodePath.join(dataDir, 'imports', `${fileId}.csv`);
}

/** How an imported file is read (the DatasetRef's options). */
/** The read options a file reference carries. */
export function readOptions(ref: { missing?: MissingPolicy; timeAsFeature?: boolean; reshape?: 'wide-months' }): ReadOptions {
  return { ...(ref.missing ? { missing: ref.missing } : {}), ...(ref.timeAsFeature ? { timeAsFeature: true } : {}), ...(ref.reshape ? { reshape: ref.reshape } : {}) };
}

export interface ReadOptions {
  missing?: MissingPolicy;
  timeAsFeature?: boolean;
  reshape?: 'wide-months';
}

/**
 * Parses an imported CSV file (streamed from disk with progress) and keeps the last one
 * parsed cached by path, size, modification time and read options. Returns the dataset and
 * the parser's full report (columns, problems) for the Data page; `wideMonths` names the
 * month columns when the table could be read as one monthly series (csv/wide.ts).
 */
export async function loadImportedCsv(
  dataDir: string,
  fileId: string,
  read: ReadOptions = {},
  onProgress?: (p: CsvProgress) => void,
): Promise<{ dataset: TableDataset; csv: CsvResult; wideMonths: number[] | null }> {
  const file = importedCsvPath(dataDir, fileId);
  const { promises: fs } = await import('node:fs');
  let key = '';
  try {
    const st = await fs.stat(file);
    key = `${file}|${st.size}|${st.mtimeMs}|${read.missing ?? ''}|${read.timeAsFeature ? 't' : ''}|${read.reshape ?? ''}`;
  } catch {
    throw new AppError('E_NOT_FOUND', { what: 'file', id: fileId });
  }
  if (csvCache?.key === key) return { dataset: csvCache.dataset, csv: csvCache.csv, wideMonths: csvCache.wideMonths };
  let csv = await parseCsvFile(file, onProgress, { ...(read.missing ? { missing: read.missing } : {}), ...(read.timeAsFeature ? { timeAsFeature: true } : {}) });
  const months = wideMonthColumns(csv);
  let wideMonths = months;
  if (read.reshape === 'wide-months') {
    if (!months) throw new AppError('E_VALIDATION', { path: 'dataset.reshape', issue: 'not_a_wide_table' });
    csv = toLongMonths(csv, months);
    wideMonths = null;
  }
  const t = csv.table.columns.findIndex((c) => /^T \(degC\)$/.test(c));
  const dataset: TableDataset = {
    kind: 'table',
    table: csv.table,
    timestamps: csv.timestamps,
    splits: { ...JENA_SPLITS },
    defaultTargetColumn: t >= 0 ? t : 0,
  };
  csvCache = { key, dataset, csv, wideMonths };
  return { dataset, csv, wideMonths };
}

/**
 * Loads the experiment's dataset: a builtin (generated) or an imported CSV file, found by
 * its id under `<dataDir>/imports/` only (see loadImportedCsv; the last one is cached).
 * CSV files use the Jena fractions for their split unless windowing.splits says otherwise.
 */
export async function loadDataset(ref: Experiment['dataset'], onProgress?: (p: CsvProgress) => void, opts: { dataDir?: string } = {}): Promise<LoadedDataset> {
  if (ref.kind === 'builtin') return loadBuiltin(ref);
  if (!opts.dataDir) throw new AppError('E_NOT_FOUND', { what: 'file', id: ref.fileId });
  return (await loadImportedCsv(opts.dataDir, ref.fileId, readOptions(ref), onProgress)).dataset;
}

export interface PreparedData {
  dataset: LoadedDataset;
  /** What the loop trains on. */
  source: SampleSource;
  /** Row (table) or sample (task) ranges of the splits, half-open. */
  splits: Record<SplitName, Split>;
  /** Table datasets only: */
  windowSpec?: WindowSpec;
  /** Normalisation statistics, from the training rows only. */
  stats?: Normalisation;
  /** Normalised table (one copy; windows are still cut lazily). */
  norm?: ReturnType<typeof normalise>;
  /** Kept for older callers: the train and validation ranges. */
  train: Split;
  validation: Split;
}

/** Sizes of the splits for n rows/samples: explicit counts win, else fractions (rounded). */
export function splitRanges(n: number, fractions: { train: number; validation: number }, explicit?: { train: number; validation: number }): Record<SplitName, Split> {
  let train: number;
  let validation: number;
  if (explicit) {
    if (explicit.train + explicit.validation > n) {
      throw new AppError('E_VALIDATION', { path: 'windowing.splits', issue: 'more_rows_than_data', rows: n });
    }
    train = explicit.train;
    validation = explicit.validation;
  } else {
    train = Math.min(n, Math.round(n * fractions.train));
    validation = Math.min(n - train, Math.round(n * fractions.validation));
  }
  return { train: { start: 0, end: train }, validation: { start: train, end: train + validation }, test: { start: train + validation, end: n } };
}

/**
 * Splits, normalises (statistics from the training rows only) and wraps the data in a
 * SampleSource. Pass `dataset` when it was loaded already (CSV files: loadDataset);
 * without it, builtins are generated here.
 */
export function prepareData(exp: Pick<Experiment, 'dataset' | 'windowing'>, dataset: LoadedDataset = loadBuiltin(exp.dataset)): PreparedData {
  const w = exp.windowing;
  if (dataset.kind === 'task') {
    const n = dataset.task.samples;
    const splits = splitRanges(n, dataset.splits, w.splits);
    const source = new TaskSource(dataset.task, { train: splits.train.end, validation: splits.validation.end - splits.validation.start });
    if (source.count('train') < 1 || source.count('validation') < 1) {
      throw new AppError('E_VALIDATION', { path: 'windowing.splits', issue: 'empty_split' });
    }
    return { dataset, source, splits, train: splits.train, validation: splits.validation };
  }
  const table = dataset.table;
  const cols = table.columns.length;
  if (w.targetColumn >= cols) {
    throw new AppError('E_VALIDATION', { path: 'windowing.targetColumn', issue: 'out_of_range', columns: cols });
  }
  const bad = w.inputColumns?.find((c) => c >= cols);
  if (bad !== undefined) throw new AppError('E_VALIDATION', { path: 'windowing.inputColumns', issue: 'out_of_range', column: bad, columns: cols });
  const splits = splitRanges(table.rows, dataset.splits, w.splits);
  const windowSpec: WindowSpec = { lookback: w.lookback, step: w.step, delay: w.delay, targetColumn: w.targetColumn, ...(w.inputColumns ? { inputColumns: w.inputColumns } : {}) };
  if (sampleRows(windowSpec, splits.train).count < 1 || sampleRows(windowSpec, splits.validation).count < 1) {
    throw new AppError('E_VALIDATION', { path: 'windowing', issue: 'window_larger_than_split' });
  }
  const stats = statistics(table, splits.train);
  const norm = normalise(table, stats);
  const unit = (w.targetColumn === dataset.defaultTargetColumn ? dataset.targetUnit : undefined) ?? unitOf(table.columns[w.targetColumn]!) ?? null;
  const source = new WindowedSource(norm, windowSpec, splits, stats, unit);
  return { dataset, source, splits, windowSpec, stats, norm, train: splits.train, validation: splits.validation };
}
