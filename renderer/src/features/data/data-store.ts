/**
 * The data side of an experiment: which dataset, and how it is cut into samples
 * (windowing). The builder's Train button and the training panel read `dataset` and
 * `windowing` from here; the Data page reads and changes everything else.
 *
 * A dataset becomes the selected one only after the engine has described it, so a file
 * that cannot be used never replaces what the user had open.
 */
import { create } from 'zustand';
import type { DatasetRef, Windowing } from '../../../../shared/experiment';
import type { DataProgress, DescribeResponse, ImportedFile, WindowInfo } from '../../../../shared/ipc/data';
import { MAX_UPLOAD_BYTES, UPLOAD_CHUNK_BYTES } from '../../../../shared/ipc/data';
import { api } from '../../api';
import { toUiError, useApp, type UiError } from '../../store';

export type MissingPolicy = 'drop-row' | 'fill-previous' | 'fail';

export interface BuiltinEntry {
  id: string;
  kind: 'table' | 'task';
  options: Record<string, { default: number; min: number; max: number }>;
}

export interface ImportProgress {
  uploadId: string | null;
  name: string;
  phase: 'upload' | 'parse';
  bytes: number;
  total: number;
  rows: number;
}

export interface DataState {
  dataset: DatasetRef;
  windowing: Windowing;
  builtins: BuiltinEntry[];
  jenaFullRows: number;
  imports: ImportedFile[];
  /** The engine's description of `dataset` (null until it arrives). */
  description: DescribeResponse | null;
  /** A dataset being loaded and described (it is not selected yet). */
  pending: DatasetRef | null;
  windowInfo: WindowInfo | null;
  windowError: UiError | null;
  missing: MissingPolicy;
  importing: ImportProgress | null;
  importError: UiError | null;
}

/** The book's setup (lookback 10 days, one point per hour, 24 h ahead) on the synthetic Jena data. */
export const useData = create<DataState>(() => ({
  dataset: { kind: 'builtin', id: 'synthetic-jena', options: { rows: 52_560, seed: 42 } },
  windowing: { lookback: 1440, step: 6, delay: 144, batchSize: 128, targetColumn: 1 },
  builtins: [],
  jenaFullRows: 420_551,
  imports: [],
  description: null,
  pending: null,
  windowInfo: null,
  windowError: null,
  missing: 'fill-previous',
  importing: null,
  importError: null,
}));

const set = useData.setState;
const get = useData.getState;

export function setWindowing(patch: Partial<Windowing>): void {
  set({ windowing: { ...get().windowing, ...patch } });
  scheduleWindowInfo();
}

/** Removes optional windowing fields (back to the dataset's defaults). */
export function clearWindowing(keys: ('inputColumns' | 'splits')[]): void {
  const w = { ...get().windowing };
  for (const k of keys) delete w[k];
  set({ windowing: w });
  scheduleWindowInfo();
}

export function setMissingPolicy(missing: MissingPolicy): void {
  set({ missing });
}

export function clearImportError(): void {
  set({ importError: null });
}

/** Stable identity of a dataset choice (the display name does not count). */
export function datasetKey(ref: DatasetRef): string {
  if (ref.kind === 'file') return `file:${ref.fileId}:${ref.missing ?? ''}`;
  const o = Object.entries(ref.options ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `builtin:${ref.id}:${JSON.stringify(o)}`;
}

function report(e: unknown): UiError {
  const err = toUiError(e);
  useApp.setState({ error: err });
  return err;
}

/** The builtin list and the files imported before. */
export async function loadCatalog(): Promise<void> {
  try {
    const [b, f] = await Promise.all([api.invoke('data.builtins', {}), api.invoke('data.imports', {})]);
    set({ builtins: b.builtins, jenaFullRows: b.jenaFullRows, imports: f.files });
  } catch (e) {
    report(e);
  }
}

let describeToken = 0;

/**
 * Describes a dataset and, once that worked, selects it. A new table dataset gets its
 * default target column and split; lookback, step, delay and batch size are kept.
 */
export async function selectDataset(ref: DatasetRef): Promise<boolean> {
  const token = ++describeToken;
  set({ pending: ref });
  try {
    const description = await api.invoke('data.describe', { dataset: ref });
    if (token !== describeToken) return false;
    const changed = datasetKey(ref) !== datasetKey(get().dataset);
    const patch: Partial<DataState> = { dataset: ref, description, pending: null };
    // A dataset that loaded replaces an old import error (the file it was about is not kept).
    if (changed) patch.importError = null;
    if (changed) {
      const w: Windowing = { ...get().windowing, targetColumn: description.defaultTargetColumn };
      delete w.inputColumns;
      delete w.splits;
      patch.windowing = w;
      patch.windowInfo = null;
    }
    set(patch);
    scheduleWindowInfo(0);
    return true;
  } catch (e) {
    if (token === describeToken) set({ pending: null });
    report(e);
    return false;
  }
}

let windowTimer: ReturnType<typeof setTimeout> | null = null;
let windowToken = 0;

/** Asks the engine what the current windowing gives (debounced while the user types). */
export function scheduleWindowInfo(delayMs = 200): void {
  if (windowTimer) clearTimeout(windowTimer);
  windowTimer = setTimeout(() => void refreshWindowInfo(), delayMs);
}

async function refreshWindowInfo(): Promise<void> {
  const { dataset, windowing, description } = get();
  if (!description || description.kind !== 'table') {
    set({ windowInfo: null, windowError: null });
    return;
  }
  const token = ++windowToken;
  try {
    const info = await api.invoke('data.windowInfo', { dataset, windowing });
    if (token === windowToken) set({ windowInfo: info, windowError: null });
  } catch (e) {
    if (token === windowToken) set({ windowInfo: null, windowError: toUiError(e) });
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Progress of the engine's parse, from the `data.progress` event. */
export function onDataProgress(p: DataProgress): void {
  const cur = get().importing;
  if (!cur || cur.uploadId !== p.uploadId || p.phase !== 'parse') return;
  set({ importing: { ...cur, phase: 'parse', bytes: p.bytes, total: p.totalBytes, rows: p.rows } });
}

/**
 * Uploads a file the user chose (file dialog or drop) in 1 MiB chunks, has the engine
 * parse it, and selects it. On any failure the previous dataset stays selected.
 */
export async function importFile(file: File): Promise<boolean> {
  if (get().importing) return false;
  set({ importError: null });
  if (file.size > MAX_UPLOAD_BYTES) {
    set({ importError: { code: 'E_UPLOAD_TOO_BIG', params: { size: file.size, max: MAX_UPLOAD_BYTES } } });
    return false;
  }
  if (file.size === 0) {
    const err: UiError = { code: 'E_CSV_EMPTY', params: {} };
    useApp.setState({ error: err });
    set({ importError: err });
    return false;
  }
  const name = file.name.slice(0, 200) || 'data.csv';
  set({ importing: { uploadId: null, name, phase: 'upload', bytes: 0, total: file.size, rows: 0 } });
  cancelRequested = false;
  let open: string | null = null;
  try {
    const { uploadId } = await api.invoke('data.uploadBegin', { name, size: file.size });
    open = uploadId;
    set({ importing: { uploadId, name, phase: 'upload', bytes: 0, total: file.size, rows: 0 } });
    let seq = 0;
    for (let offset = 0; offset < file.size; offset += UPLOAD_CHUNK_BYTES) {
      if (cancelRequested) {
        set({ importing: null });
        return false;
      }
      const bytes = new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer());
      const { received } = await api.invoke('data.uploadChunk', { uploadId, seq: seq++, dataBase64: toBase64(bytes) });
      set({ importing: { uploadId, name, phase: 'upload', bytes: received, total: file.size, rows: 0 } });
    }
    set({ importing: { uploadId, name, phase: 'parse', bytes: 0, total: file.size, rows: 0 } });
    open = null;
    const res = await api.invoke('data.uploadEnd', { uploadId, missing: get().missing });
    set({ imports: [res.file, ...get().imports.filter((f) => f.fileId !== res.file.fileId)] });
    set({ importing: null });
    return await selectDataset(res.dataset);
  } catch (e) {
    set({ importing: null, importError: report(e) });
    return false;
  } finally {
    // An upload that did not reach its end is cancelled, so it holds no place in the engine's pool.
    if (open) void api.invoke('upload.cancel', { uploadId: open }).catch(() => undefined);
  }
}

let cancelRequested = false;

/** Stops the running upload before its next chunk; the previous dataset stays selected. */
export function cancelImport(): void {
  if (get().importing?.phase === 'upload') cancelRequested = true;
}
