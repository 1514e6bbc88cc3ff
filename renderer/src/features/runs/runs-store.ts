/**
 * Run history and the live curve of the current run. Runs are recorded by the engine in
 * the current project (project file, shared/project.ts); this store lists that project's
 * runs, picks runs to overlay, and keeps the per-batch loss of the run in progress.
 */
import { create } from 'zustand';
import type { Experiment } from '../../../../shared/experiment';
import type { Forecast, RunRecord } from '../../../../shared/runs';
import { api } from '../../api';
import { startTraining, toUiError, useApp } from '../../store';
import { importedWeightsFit, useBuilder } from '../builder/builder-store';

/** Most points the live batch curve keeps: beyond it, every other point is dropped (the whole run stays visible). */
export const MAX_CURVE_POINTS = 2000;

/** Appends a point, halving the curve's density when it grows past `max` points. */
export function appendDecimated(curve: [number, number][], point: [number, number], max = MAX_CURVE_POINTS): [number, number][] {
  const next = [...curve, point];
  if (next.length <= max) return next;
  const kept: [number, number][] = [];
  for (let i = 0; i < next.length - 1; i += 2) kept.push(next[i]!);
  kept.push(point);
  return kept;
}

interface RunsState {
  runs: RunRecord[];
  overlay: string[];
  /** [global batch, smoothed loss] of the run in progress. */
  batchCurve: [number, number][];
  liveRunId: string | null;
  forecast: Forecast | null;
  forecastStart: number;
  /** Whether the last run started from an imported model's weights ('dropped': the model had changed). */
  weights: 'used' | 'dropped' | null;
  /** The run shown in full (result, exports, predictions); set here so other pages can open a run. */
  focus: string | null;
}

export const useRuns = create<RunsState>(() => ({ runs: [], overlay: [], batchCurve: [], liveRunId: null, forecast: null, forecastStart: 0, weights: null, focus: null }));
const set = useRuns.setState;
const get = useRuns.getState;

export async function refreshRuns(): Promise<void> {
  try {
    const { runs } = await api.invoke('runs.list', {});
    const known = new Set(runs.map((r) => r.id));
    set({ runs, overlay: get().overlay.filter((id) => known.has(id)) });
  } catch (e) {
    useApp.setState({ error: toUiError(e) });
  }
}

/** Shows this run in full on the Runs page. */
export function focusRun(id: string | null): void {
  set({ focus: id });
}

export function toggleOverlay(id: string): void {
  const o = get().overlay;
  set({ overlay: o.includes(id) ? o.filter((x) => x !== id) : [...o, id] });
}

export async function deleteRun(id: string): Promise<void> {
  await api.invoke('runs.delete', { runId: id });
  await refreshRuns();
}

export async function loadForecast(runId: string, start: number, count = 168, stride = 6): Promise<void> {
  try {
    const f = await api.invoke('train.predict', { runId, start, count, stride });
    set({ forecast: f, forecastStart: start });
  } catch (e) {
    set({ forecast: null });
    useApp.setState({ error: toUiError(e) });
  }
}

/**
 * Starts a run. A graph imported from a trained model starts from that model's weights
 * while its topology is unchanged; otherwise the engine builds fresh weights and the page
 * says that the imported ones were not used.
 */
export async function startRun(experiment: Experiment): Promise<void> {
  set({ batchCurve: [], liveRunId: null, forecast: null, weights: null, focus: null });
  const imported = useBuilder.getState().importedModel;
  if (!imported) {
    await startTraining(experiment);
    return;
  }
  if (!importedWeightsFit()) {
    set({ weights: 'dropped' });
    await startTraining(experiment);
    return;
  }
  const reply = await startTraining(experiment, { initialWeights: { importId: imported.importId } });
  set({ weights: reply?.initialWeights ?? null });
}

let wired = false;
/** Follows the app's training events: the live curve, and the history when a run ends. */
export function wireRuns(): void {
  if (wired) return;
  wired = true;
  useApp.subscribe((s, prev) => {
    const p = s.training.progress;
    if (p && p !== prev.training.progress && p.phase === 'training' && p.epoch >= 1) {
      const x = (p.epoch - 1) * p.batches + p.batch;
      const curve = get().liveRunId === p.runId ? get().batchCurve : [];
      set({ liveRunId: p.runId, batchCurve: appendDecimated(curve, [x, p.smoothedLoss]) });
    }
    if (s.training.done && s.training.done !== prev.training.done) {
      void refreshRuns().then(() => {
        const id = s.training.done!.runId;
        if (s.training.done!.status !== 'failed' && !get().overlay.includes(id)) set({ overlay: [...get().overlay, id] });
      });
    }
  });
  void refreshRuns();
}
