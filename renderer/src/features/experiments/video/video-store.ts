/**
 * State of the video experiment tab: the size chosen, the job in progress (the latest
 * progress of each model and the models finished so far, from the engine's video.* events),
 * the last finished comparison, and the clip player. Actions are plain functions; the
 * panel only renders.
 */
import { create } from 'zustand';
import type { VideoClip, VideoDone, VideoModelId, VideoModelResult, VideoProgress, VideoSizeName } from '../../../../../shared/ipc/video';
import { api } from '../../../api';
import { onJob } from '../../../engine-events';
import { toUiError, type UiError } from '../../../store';

export interface VideoState {
  size: VideoSizeName;
  status: 'idle' | 'starting' | 'running' | 'stopping';
  runId: string | null;
  /** Latest progress per model of the job in progress. */
  progress: Partial<Record<VideoModelId, VideoProgress>>;
  /** Models of the job in progress that have finished. */
  finished: VideoModelResult[];
  /** The last finished job. */
  done: VideoDone | null;
  error: UiError | null;
  player: { index: number; frame: number; playing: boolean; clip: VideoClip | null };
}

export const useVideo = create<VideoState>(() => ({
  size: 'default',
  status: 'idle',
  runId: null,
  progress: {},
  finished: [],
  done: null,
  error: null,
  player: { index: 0, frame: 0, playing: false, clip: null },
}));
const set = useVideo.setState;
const get = useVideo.getState;

export function setVideoSize(size: VideoSizeName): void {
  set({ size });
}

let wired = false;
/** Follows the engine's video events (once per window) and restores the last result. */
export function wireVideo(): void {
  if (wired) return;
  wired = true;
  onJob('video', {
    progress: (p) => {
      const s = get();
      if (s.runId === null || p.runId !== s.runId) return;
      set({ progress: { ...s.progress, [p.model]: p }, status: s.status === 'starting' ? 'running' : s.status });
    },
    result: (r) => {
      const s = get();
      if (r.runId !== s.runId) return;
      const { runId: _runId, ...result } = r;
      set({ finished: [...s.finished.filter((x) => x.model !== r.model), result] });
    },
    end: (d) => {
      const s = get();
      if (s.runId !== null && d.runId !== s.runId) return;
      set({ done: d, status: 'idle', runId: d.runId, error: d.error ? { code: d.error.code, params: d.error.params ?? {} } : null });
      void loadClip(0);
    },
    // No report: the engine crashed during the job.
    failed: (f, jobId) => {
      if (f.done || jobId !== get().runId) return;
      set({ status: 'idle', error: { code: f.error.code, params: f.error.params ?? {} } });
    },
  });
  void api
    .invoke('video.last', {})
    .then(({ done }) => {
      if (done && !get().done) {
        set({ done });
        void loadClip(get().player.index);
      }
    })
    .catch(() => undefined);
}

export async function startVideo(): Promise<void> {
  if (get().status !== 'idle') return;
  set({ status: 'starting', progress: {}, finished: [], error: null, runId: null });
  try {
    const { runId } = await api.invoke('video.start', { size: get().size });
    // A very fast job may have finished before this reply.
    if (get().done?.runId !== runId) set({ runId, status: get().status === 'starting' ? 'running' : get().status });
  } catch (e) {
    set({ status: 'idle', error: toUiError(e) });
  }
}

export async function stopVideo(): Promise<void> {
  const { runId, status } = get();
  if (!runId || status === 'idle' || status === 'stopping') return;
  set({ status: 'stopping' });
  try {
    await api.invoke('train.stop', { runId });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

/** Loads test clip `index` of the last result's size and seed into the player (first frame, paused). */
export async function loadClip(index: number): Promise<void> {
  const done = get().done;
  if (!done) return;
  const count = Math.max(1, Math.min(done.testClips, ...done.results.map((r) => r.predictions.length).filter((n) => n > 0)));
  const i = ((index % count) + count) % count;
  set({ player: { ...get().player, index: i, frame: 0 } });
  try {
    const clip = await api.invoke('video.clip', { size: done.size, seed: done.seed, index: i });
    if (get().player.index === i) set({ player: { ...get().player, clip, frame: 0 } });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

export function setFrame(frame: number): void {
  const clip = get().player.clip;
  if (!clip) return;
  const n = clip.frames;
  set({ player: { ...get().player, frame: ((frame % n) + n) % n } });
}

export function setPlaying(playing: boolean): void {
  set({ player: { ...get().player, playing } });
}
