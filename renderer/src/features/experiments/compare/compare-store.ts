/**
 * State of the book's comparison tab: the size chosen, the job in progress (its latest
 * progress, the baseline and the rows finished so far, from the engine's job events), and the
 * last finished comparison. Actions are plain functions; the panel only renders.
 */
import { create } from 'zustand';
import type { CompareSizeName } from '../../../../../shared/compare';
import type { CompareBaseline, CompareDone, CompareProgress, CompareRow } from '../../../../../shared/ipc/compare';
import { api } from '../../../api';
import { onJob } from '../../../engine-events';
import { setPage, toUiError, type UiError } from '../../../store';
import { focusRun, refreshRuns } from '../../runs/runs-store';

export interface CompareState {
  size: CompareSizeName;
  status: 'idle' | 'starting' | 'running' | 'stopping';
  runId: string | null;
  progress: CompareProgress | null;
  baseline: CompareBaseline | null;
  rows: CompareRow[];
  done: CompareDone | null;
  error: UiError | null;
}

export const useCompare = create<CompareState>(() => ({ size: 'lecture', status: 'idle', runId: null, progress: null, baseline: null, rows: [], done: null, error: null }));
const set = useCompare.setState;
const get = useCompare.getState;

export function setCompareSize(size: CompareSizeName): void {
  set({ size });
}

let wired = false;
/** Follows the engine's compare events (once per window) and restores the last result. */
export function wireCompare(): void {
  if (wired) return;
  wired = true;
  onJob('compare', {
    progress: (p) => {
      const s = get();
      if (s.runId === null || p.runId !== s.runId) return;
      set({ progress: p, status: s.status === 'starting' ? 'running' : s.status });
    },
    result: (r) => {
      const s = get();
      if (r.runId !== s.runId) return;
      if (r.part === 'baseline') set({ baseline: r.baseline });
      else set({ rows: [...s.rows.filter((x) => x.model !== r.row.model), r.row] });
    },
    end: (d) => {
      const s = get();
      if (s.runId !== null && d.runId !== s.runId) return;
      set({ done: d, status: 'idle', runId: d.runId, baseline: d.baseline, rows: d.rows, progress: null, error: d.error ? { code: d.error.code, params: d.error.params ?? {} } : null });
      void refreshRuns();
    },
    // No report: the engine crashed during the job.
    failed: (f, jobId) => {
      if (f.done || jobId !== get().runId) return;
      set({ status: 'idle', progress: null, error: { code: f.error.code, params: f.error.params ?? {} } });
    },
  });
  void api
    .invoke('compare.last', {})
    .then(({ done }) => {
      if (done && !get().done && get().status === 'idle') set({ done, baseline: done.baseline, rows: done.rows });
    })
    .catch(() => undefined);
}

export async function startCompare(): Promise<void> {
  if (get().status !== 'idle') return;
  set({ status: 'starting', progress: null, baseline: null, rows: [], error: null, runId: null });
  try {
    const { runId } = await api.invoke('compare.start', { size: get().size });
    // A very fast job may have finished before this reply.
    if (get().done?.runId !== runId) set({ runId, status: get().status === 'starting' ? 'running' : get().status });
  } catch (e) {
    set({ status: 'idle', error: toUiError(e) });
  }
}

export async function stopCompare(): Promise<void> {
  const { runId, status } = get();
  if (!runId || status === 'idle' || status === 'stopping') return;
  set({ status: 'stopping' });
  try {
    await api.invoke('train.stop', { runId });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

/** A row's "open run": the Runs page with that run shown (curves, predictions, exports). */
export async function openCompareRun(runRecordId: string): Promise<void> {
  await refreshRuns();
  focusRun(runRecordId);
  setPage('runs');
}
