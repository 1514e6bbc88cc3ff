/**
 * The data service behind the Data page's channels (handlers/data.ts): builtin list, safe
 * file import in chunks, description, downsampled series and windowing figures.
 *
 * Import is safe by construction: the renderer sends bytes, never a path. An upload is
 * written by the data pool of platform/uploads.ts in strict sequence, then renamed to
 * `<dataDir>/imports/<fileId>.csv` (the id is generated here) and parsed; a file that
 * cannot be used is deleted again and the error (E_CSV_* with line and column) returned,
 * so whatever the user had open stays as it was.
 *
 * Large datasets never travel in a message: previews (first rows), statistics and
 * series downsampled to min/max per bucket (so spikes still show).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import { samplingInterval } from '../../../shared/time';
import type { DatasetRef, Windowing } from '../../../shared/experiment';
import type { Req, Res } from '../../../shared/ipc/contract';
import { ImportedFileSchema, MAX_SERIES_POINTS, PREVIEW_ROWS, type DataProgress, type DescribeResponse, type ImportedFile, type WindowInfo } from '../../../shared/ipc/data';
import { loadBuiltin, type LoadedDataset, type TableDataset } from './builtin';
import { csvFileSize, type CsvResult, type MissingPolicy } from './csv';
import { columnStats, unitOf } from './table';
import { sampleRows, statistics, timesteps, type WindowSpec } from './window';
import { importedCsvPath, loadImportedCsv, readOptions, splitRanges } from './datasets';
import { toLongMonths } from './csv/wide';
import { UploadPools, type ChunkedUploads } from '../platform/uploads';

export type DataEmit = (name: 'data.progress', payload: DataProgress) => void;

/** Loaded datasets kept in memory (the full Jena record is about 24 MB). */
const LOADED_CACHE = 3;

interface Loaded {
  dataset: LoadedDataset;
  /** The parser's report, for imported files. */
  csv: CsvResult | null;
  /** Month columns of a wide table that could be read as one monthly series (csv/wide.ts). */
  wideMonths: number[] | null;
}

const round7 = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(7)) : null);
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function importsDir(dataDir: string): string {
  return path.join(dataDir, 'imports');
}

function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

async function writeMeta(dataDir: string, meta: ImportedFile): Promise<void> {
  await fs.writeFile(path.join(importsDir(dataDir), `${meta.fileId}.json`), JSON.stringify(meta, null, 2));
}

/**
 * Copies a CSV file from a path into the imports folder and registers it (the command
 * line's way in; the window uploads bytes instead). Returns the dataset reference.
 */
export async function importCsvFromPath(dataDir: string, source: string, missing?: MissingPolicy): Promise<DatasetRef & { kind: 'file' }> {
  const size = await csvFileSize(source);
  await fs.mkdir(importsDir(dataDir), { recursive: true });
  const fileId = newId('f');
  await fs.copyFile(source, importedCsvPath(dataDir, fileId));
  const name = path.basename(source).slice(0, 200);
  await writeMeta(dataDir, { fileId, name, bytes: size, importedAt: new Date().toISOString() });
  return { kind: 'file', fileId, name, ...(missing ? { missing } : {}) };
}

function cacheKey(ref: DatasetRef): string {
  if (ref.kind === 'file') return `file|${ref.fileId}|${JSON.stringify(readOptions(ref))}`;
  const opts = Object.entries(ref.options ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `builtin|${ref.id}|${JSON.stringify(opts)}`;
}

function tableOf(d: LoadedDataset): TableDataset {
  if (d.kind !== 'table') throw new AppError('E_VALIDATION', { path: 'dataset', issue: 'not_a_table' });
  return d;
}

function checkColumns(cols: number, w: Pick<Windowing, 'targetColumn' | 'inputColumns'>): void {
  if (w.targetColumn >= cols) throw new AppError('E_VALIDATION', { path: 'windowing.targetColumn', issue: 'out_of_range', columns: cols });
  const bad = w.inputColumns?.find((c) => c >= cols);
  if (bad !== undefined) throw new AppError('E_VALIDATION', { path: 'windowing.inputColumns', issue: 'out_of_range', column: bad, columns: cols });
}

export class DataService {
  private readonly loaded = new Map<string, Promise<Loaded>>();
  /** The name the user's file had, per open upload (shown in the imports list). */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly dataDir: string,
    private readonly emit: DataEmit = () => undefined,
    /** The CSV uploads' pool (platform/uploads.ts). */
    private readonly uploads: ChunkedUploads = new UploadPools(dataDir).pool('data'),
  ) {}

  /** Loads (or reuses) a dataset; concurrent requests for one dataset share one load. */
  load(ref: DatasetRef): Promise<Loaded> {
    const key = cacheKey(ref);
    const hit = this.loaded.get(key);
    if (hit) {
      this.loaded.delete(key);
      this.loaded.set(key, hit);
      return hit;
    }
    const p: Promise<Loaded> =
      ref.kind === 'builtin'
        ? Promise.resolve().then(() => ({ dataset: loadBuiltin(ref), csv: null, wideMonths: null }))
        : loadImportedCsv(this.dataDir, ref.fileId, readOptions(ref));
    this.loaded.set(key, p);
    p.catch(() => {
      if (this.loaded.get(key) === p) this.loaded.delete(key);
    });
    while (this.loaded.size > LOADED_CACHE) this.loaded.delete(this.loaded.keys().next().value!);
    return p;
  }

  // ------------------------------------------------------------ upload

  async uploadBegin(name: string, size: number): Promise<{ uploadId: string }> {
    const uploadId = await this.uploads.begin([{ name: 'upload.csv', size }]);
    this.names.set(uploadId, name);
    return { uploadId };
  }

  async uploadChunk(uploadId: string, seq: number, dataBase64: string): Promise<{ received: number }> {
    const { received, size } = await this.uploads.chunk(uploadId, 0, seq, dataBase64);
    this.emit('data.progress', { uploadId, phase: 'upload', bytes: received, totalBytes: size, rows: 0 });
    return { received };
  }

  async uploadEnd(uploadId: string, missing?: MissingPolicy): Promise<Res<'data.uploadEnd'>> {
    const { files } = await this.uploads.end(uploadId);
    const upload = files[0]!;
    const u = { name: this.names.get(uploadId) ?? 'data.csv', size: upload.size };
    this.names.delete(uploadId);
    const fileId = newId('f');
    const file = importedCsvPath(this.dataDir, fileId);
    let loaded: Loaded;
    try {
      await fs.mkdir(importsDir(this.dataDir), { recursive: true });
      await fs.rename(upload.path, file);
      const r = await loadImportedCsv(this.dataDir, fileId, missing ? { missing } : {}, (p) =>
        this.emit('data.progress', { uploadId, phase: 'parse', bytes: p.bytes, totalBytes: p.totalBytes ?? u.size, rows: p.rows }),
      );
      loaded = r;
    } catch (e) {
      // A file that cannot be used is not kept.
      await fs.rm(file, { force: true }).catch(() => undefined);
      throw e;
    } finally {
      await this.uploads.discard(uploadId);
    }
    const meta: ImportedFile = { fileId, name: u.name, bytes: u.size, importedAt: new Date().toISOString() };
    await writeMeta(this.dataDir, meta);
    const dataset: DatasetRef = { kind: 'file', fileId, name: u.name, ...(missing ? { missing } : {}) };
    this.loaded.set(cacheKey(dataset), Promise.resolve(loaded));
    const csv = loaded.csv!;
    const problems = csv.columns.reduce((s, c) => s + c.missing.count + c.malformed.count + c.sentinel.count, 0);
    return { dataset, file: meta, rows: csv.rows, columns: csv.table.columns, problems };
  }

  async imports(): Promise<ImportedFile[]> {
    const dir = importsDir(this.dataDir);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const out: ImportedFile[] = [];
    for (const n of names) {
      if (!/^[a-z0-9-]{1,64}\.json$/.test(n)) continue;
      try {
        const meta = ImportedFileSchema.parse(JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')));
        await fs.access(importedCsvPath(this.dataDir, meta.fileId));
        out.push(meta);
      } catch {
        // An unreadable entry is left out.
      }
    }
    return out.sort((a, b) => (a.importedAt < b.importedAt ? 1 : -1));
  }

  // ------------------------------------------------------------ views

  async describe(ref: DatasetRef): Promise<DescribeResponse> {
    const { dataset, csv, wideMonths } = await this.load(ref);
    if (dataset.kind === 'task') return describeTask(dataset);
    return { ...describeTable(dataset, csv), wide: csv && wideMonths ? wideOffer(csv, wideMonths) : null, reshaped: ref.kind === 'file' && ref.reshape === 'wide-months' };
  }

  async series(req: Req<'data.series'>): Promise<Res<'data.series'>> {
    const d = tableOf((await this.load(req.dataset)).dataset);
    const { table, timestamps } = d;
    const cols = table.columns.length;
    if (req.column >= cols) throw new AppError('E_VALIDATION', { path: 'column', issue: 'out_of_range', columns: cols });
    const start = Math.min(req.start, Math.max(0, table.rows - 1));
    const count = Math.max(0, Math.min(req.count, table.rows - start));
    const maxPoints = Math.min(req.maxPoints, MAX_SERIES_POINTS);
    const bucket = Math.max(1, Math.ceil(count / maxPoints));
    const row: number[] = [];
    const min: (number | null)[] = [];
    const max: (number | null)[] = [];
    const time: number[] | null = timestamps ? [] : null;
    for (let b = start; b < start + count; b += bucket) {
      let lo = Infinity;
      let hi = -Infinity;
      const end = Math.min(start + count, b + bucket);
      for (let r = b; r < end; r++) {
        const v = table.data[r * cols + req.column]!;
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      row.push(b);
      min.push(round7(lo));
      max.push(round7(hi));
      if (time && timestamps) time.push(timestamps[b]!);
    }
    return { column: req.column, start, count, bucket, row, time, min, max };
  }

  async windowInfo(ref: DatasetRef, w: Windowing): Promise<WindowInfo> {
    const d = tableOf((await this.load(ref)).dataset);
    const { table } = d;
    const cols = table.columns.length;
    checkColumns(cols, w);
    const splits = splitRanges(table.rows, d.splits, w.splits);
    const spec: WindowSpec = { lookback: w.lookback, step: w.step, delay: w.delay, targetColumn: w.targetColumn, ...(w.inputColumns ? { inputColumns: w.inputColumns } : {}) };
    const rowsOf = { train: sampleRows(spec, splits.train), validation: sampleRows(spec, splits.validation), test: sampleRows(spec, splits.test) };
    const t = timesteps(spec);
    const inputColumns = w.inputColumns ?? table.columns.map((_, i) => i);
    const features = inputColumns.length;
    const stats = statistics(table, splits.train);
    const unit = (w.targetColumn === d.defaultTargetColumn ? d.targetUnit : undefined) ?? unitOf(table.columns[w.targetColumn]!) ?? null;
    let example: WindowInfo['example'] = null;
    const tr = rowsOf.train;
    if (tr.count > 0) {
      const index = Math.floor(tr.count / 2);
      const end = tr.first + index;
      // At most MAX_SERIES_POINTS input steps, spread evenly over the window.
      const shown = Math.min(t, MAX_SERIES_POINTS);
      const inputRows: number[] = [];
      for (let j = 0; j < shown; j++) {
        const k = shown === t ? j : Math.round((j * (t - 1)) / (shown - 1));
        inputRows.push(end - w.lookback + k * w.step);
      }
      const value = (r: number): number | null => round7(table.data[r * cols + w.targetColumn]!);
      const targetRow = end + w.delay;
      const ts = d.timestamps;
      example = {
        split: 'train',
        index,
        inputRows,
        input: inputRows.map(value),
        targetRow,
        target: value(targetRow),
        inputTime: ts ? inputRows.map((r) => ts[r]!) : null,
        targetTime: ts ? finite(ts[targetRow]!) : null,
      };
    }
    return {
      counts: { train: rowsOf.train.count, validation: rowsOf.validation.count, test: rowsOf.test.count },
      splits,
      timesteps: t,
      features,
      batchSize: w.batchSize,
      batchBytes: w.batchSize * t * features * 4,
      mean: Array.from(stats.mean, (v) => round7(v) ?? 0),
      std: Array.from(stats.std, (v) => round7(v) ?? 1),
      inputColumns,
      targetColumn: w.targetColumn,
      unit,
      example,
    };
  }
}

function emptyProblem(): { count: number; firstLine: number } {
  return { count: 0, firstLine: 0 };
}

/** What reading a wide table as one monthly series would give: its size and first months. */
function wideOffer(csv: CsvResult, months: number[]): NonNullable<DescribeResponse['wide']> {
  const long = toLongMonths(csv, months);
  const n = Math.min(8, long.rows);
  return {
    yearColumn: csv.dateColumn!.name,
    monthColumns: months.map((c) => csv.table.columns[c]!),
    rows: long.rows,
    preview: Array.from({ length: n }, (_, i) => ({ time: long.timestamps![i]!, value: finite(long.table.data[i]!) })),
  };
}

function describeTable(d: TableDataset, csv: CsvResult | null): Omit<DescribeResponse, 'wide' | 'reshaped'> {
  const { table, timestamps } = d;
  const cols = table.columns.length;
  const stats = csv ? csv.columns.map((c) => c.stats) : columnStats(table);
  const columns = table.columns.map((name, index) => {
    const c = csv?.columns[index];
    const s = stats[index]!;
    return {
      index,
      name,
      unit: (index === d.defaultTargetColumn ? d.targetUnit : undefined) ?? unitOf(name),
      columnNumber: c ? c.columnNumber : null,
      min: round7(s.min),
      max: round7(s.max),
      mean: round7(s.mean),
      std: round7(s.std),
      nonFinite: s.nonFinite,
      missing: c ? { ...c.missing } : emptyProblem(),
      malformed: c ? { ...c.malformed } : emptyProblem(),
      sentinel: c ? { count: c.sentinel.count, firstLine: c.sentinel.firstLine, value: c.sentinel.value } : { ...emptyProblem(), value: null },
    };
  });
  let first: DescribeResponse['problems']['first'] = null;
  let sentinelValue: number | null = null;
  for (const c of columns) {
    for (const kind of ['missing', 'malformed', 'sentinel'] as const) {
      const p = c[kind];
      if (p.count > 0 && (!first || p.firstLine < first.line)) first = { kind, line: p.firstLine, column: c.name, columnNumber: c.columnNumber ?? c.index + 1 };
    }
    if (c.sentinel.count > 0 && sentinelValue === null) sentinelValue = c.sentinel.value;
  }
  const sum = (k: 'missing' | 'malformed' | 'sentinel'): number => columns.reduce((s, c) => s + c[k].count, 0);
  // The step between rows is time.interval (calendar units, with gaps), not a figure here.
  const timeRange: DescribeResponse['timeRange'] = timestamps && timestamps.length > 0 ? { start: timestamps[0]!, end: timestamps[timestamps.length - 1]! } : null;
  const time: DescribeResponse['time'] = timestamps
    ? { column: csv?.dateColumn?.name ?? 'Date Time', format: csv?.dateColumn?.format ?? 'dd.mm.yyyy', interval: samplingInterval(timestamps) }
    : null;
  const n = Math.min(PREVIEW_ROWS, table.rows);
  const rows: (number | null)[][] = [];
  for (let r = 0; r < n; r++) rows.push(Array.from(table.data.subarray(r * cols, (r + 1) * cols), round7));
  const sp = splitRanges(table.rows, d.splits);
  return {
    kind: 'table',
    rows: table.rows,
    columns,
    excluded: csv ? csv.excluded.map((e) => ({ ...e })) : [],
    timeRange,
    time,
    problems: {
      missing: sum('missing'),
      malformed: sum('malformed'),
      sentinel: sum('sentinel'),
      sentinelValue,
      first,
      ragged: csv ? { count: csv.ragged.count, firstLine: csv.ragged.firstLine } : emptyProblem(),
      truncatedLine: csv?.truncatedLastLine?.line ?? null,
      droppedRows: csv?.droppedRows ?? 0,
      filledCells: csv?.filledCells ?? 0,
      badDates: csv?.dateColumn ? { ...csv.dateColumn.bad } : emptyProblem(),
      headerShort: csv?.headerShort ?? null,
    },
    preview: { timestamps: timestamps ? Array.from(timestamps.subarray(0, n), finite) : null, rows },
    defaultTargetColumn: Math.min(d.defaultTargetColumn ?? 0, cols - 1),
    defaultSplits: { train: sp.train.end, validation: sp.validation.end - sp.validation.start, test: sp.test.end - sp.test.start },
    unit: d.targetUnit ?? null,
    task: null,
  };
}

function describeTask(d: Extract<LoadedDataset, { kind: 'task' }>): DescribeResponse {
  const t = d.task;
  const F = t.features;
  const cols = t.featureNames.length === F ? t.featureNames : Array.from({ length: F }, (_, i) => `x${i + 1}`);
  // Statistics per feature over every step of every sample.
  const stats = columnStats({ columns: cols, rows: t.samples * t.length, data: t.x });
  const rows: (number | null)[][] = [];
  for (let s = 0; s < t.length; s++) rows.push(Array.from(t.x.subarray(s * F, (s + 1) * F), round7));
  const sp = splitRanges(t.samples, d.splits);
  return {
    kind: 'task',
    rows: t.samples,
    columns: cols.map((name, index) => ({
      index,
      name,
      unit: null,
      columnNumber: null,
      min: round7(stats[index]!.min),
      max: round7(stats[index]!.max),
      mean: round7(stats[index]!.mean),
      std: round7(stats[index]!.std),
      nonFinite: stats[index]!.nonFinite,
      missing: emptyProblem(),
      malformed: emptyProblem(),
      sentinel: { ...emptyProblem(), value: null },
    })),
    excluded: [],
    timeRange: null,
    time: null,
    wide: null,
    reshaped: false,
    problems: { missing: 0, malformed: 0, sentinel: 0, sentinelValue: null, first: null, ragged: emptyProblem(), truncatedLine: null, droppedRows: 0, filledCells: 0, badDates: emptyProblem(), headerShort: null },
    preview: { timestamps: null, rows, target: Array.from(t.y.subarray(0, t.targetSize)) },
    defaultTargetColumn: 0,
    defaultSplits: { train: sp.train.end, validation: sp.validation.end - sp.validation.start, test: sp.test.end - sp.test.start },
    unit: null,
    task: { length: t.length, features: F, targetSize: t.targetSize },
  };
}
