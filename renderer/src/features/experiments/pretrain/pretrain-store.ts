/**
 * State of the pretraining experiment tab: the settings, the run in progress (its progress,
 * finished stages and fine-tuning epochs, from the engine's pretrain.* events) and the last
 * result. Actions are plain functions; the panel only renders.
 */
import { create } from 'zustand';
import type { PretrainConfig, PretrainEpoch, PretrainProgress, PretrainResult, PretrainStage } from '../../../../../shared/ipc/pretrain';
import { api } from '../../../api';
import { onJob } from '../../../engine-events';
import { toUiError, useApp, type UiError } from '../../../store';

export interface PretrainState {
  config: PretrainConfig;
  status: 'idle' | 'starting' | 'running' | 'stopping';
  runId: string | null;
  progress: PretrainProgress | null;
  /** Finished stages of the run in progress (the latest seed's, by stage). */
  stages: PretrainStage[];
  /** Fine-tuning epochs of the run in progress, every seed and both networks. */
  epochs: PretrainEpoch[];
  result: PretrainResult | null;
  /** How the last run ended, when it did not complete. */
  ended: 'stopped' | 'failed' | null;
  error: UiError | null;
}

export const usePretrain = create<PretrainState>(() => ({
  config: { labels: 100, seeds: 3, size: 'default' },
  status: 'idle',
  runId: null,
  progress: null,
  stages: [],
  epochs: [],
  result: null,
  ended: null,
  error: null,
}));
const set = usePretrain.setState;
const get = usePretrain.getState;

export function setPretrainConfig(patch: Partial<PretrainConfig>): void {
  set({ config: { ...get().config, ...patch } });
}

let wired = false;
/** Follows the engine's pretrain events (once per window). */
export function wirePretrain(): void {
  if (wired) return;
  wired = true;
  onJob('pretrain', {
    progress: (p) => {
      if (p.runId === get().runId) set({ progress: p });
    },
    result: (st) => {
      const s = get();
      if (st.runId !== s.runId) return;
      // A new seed starts its stages over.
      const kept = s.stages.filter((x) => x.seedIndex === st.seedIndex && x.stage !== st.stage);
      set({ stages: [...kept, st].sort((a, b) => a.stage - b.stage) });
    },
    epoch: (e) => {
      const s = get();
      if (e.runId === s.runId) set({ epochs: [...s.epochs, e] });
    },
    end: (d) => {
      const s = get();
      if (d.runId !== s.runId) return;
      const error = d.error ? { code: d.error.code, params: d.error.params ?? {} } : null;
      set({ status: 'idle', progress: null, result: d.result ?? s.result, ended: d.status === 'completed' ? null : d.status, error });
      if (error) useApp.setState({ error });
    },
    // No report: the engine crashed during the job.
    failed: (f, jobId) => {
      if (f.done || jobId !== get().runId) return;
      set({ status: 'idle', progress: null, ended: 'failed' });
    },
  });
  // A result from earlier in this engine session (the window was reloaded).
  void api
    .invoke('pretrain.last', {})
    .then(({ result }) => {
      if (result && !get().result) set({ result });
    })
    .catch(() => undefined);
}

export async function startPretrain(): Promise<void> {
  if (get().status !== 'idle') return;
  set({ status: 'starting', stages: [], epochs: [], progress: null, ended: null, error: null });
  try {
    const { runId } = await api.invoke('pretrain.start', get().config);
    set({ status: 'running', runId });
  } catch (e) {
    const err = toUiError(e);
    set({ status: 'idle', error: err });
    useApp.setState({ error: err });
  }
}

export async function stopPretrain(): Promise<void> {
  const { runId, status } = get();
  if (!runId || status !== 'running') return;
  set({ status: 'stopping' });
  try {
    await api.invoke('train.stop', { runId });
  } catch (e) {
    useApp.setState({ error: toUiError(e) });
  }
}

/** Mean over seeds, epoch by epoch, of the live fine-tuning epochs of one network. */
export function liveMeans(epochs: PretrainEpoch[], model: 'pretrained' | 'random'): { epoch: number; valAccuracy: number; valLoss: number; seeds: number }[] {
  const by = new Map<number, { acc: number; loss: number; n: number }>();
  for (const e of epochs) {
    if (e.model !== model) continue;
    const m = by.get(e.epoch) ?? { acc: 0, loss: 0, n: 0 };
    m.acc += e.valAccuracy;
    m.loss += e.valLoss;
    m.n++;
    by.set(e.epoch, m);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, m]) => ({ epoch, valAccuracy: m.acc / m.n, valLoss: m.loss / m.n, seeds: m.n }));
}

/** Mean and sample standard deviation. */
export function meanSpread(values: number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: NaN, sd: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}
