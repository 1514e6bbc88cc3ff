/**
 * State of the captioning experiment tab: the size choice, the training job (progress and
 * per-epoch loss from the engine's captioning.* events), the trained model's summary and
 * scores, the held-out thumbnails, the "place shapes" editor, and the caption of the image
 * in view (greedy steps revealed one by one, then the beam's candidates).
 */
import { create } from 'zustand';
import type { z } from 'zod';
import type {
  CaptionModel, CaptionProgressSchema, CaptionSampleSchema, CaptionSize, PlacedShapeSchema, captioningChannels,
} from '../../../../../shared/ipc/captioning';
import { api } from '../../../api';
import { onJob } from '../../../engine-events';
import { toUiError, useApp, type UiError } from '../../../store';

export type CaptionProgress = z.infer<typeof CaptionProgressSchema>;
export type CaptionSample = z.infer<typeof CaptionSampleSchema>;
export type PlacedShape = z.infer<typeof PlacedShapeSchema>;
export type CaptionResult = z.infer<(typeof captioningChannels)['captioning.caption']['response']>;
export type CaptionSource = { kind: 'test'; index: number } | { kind: 'scene' };

export interface CaptioningState {
  size: CaptionSize;
  status: 'idle' | 'starting' | 'running' | 'stopping';
  runId: string | null;
  progress: CaptionProgress | null;
  /** Mean training loss per epoch of the run in progress. */
  losses: number[];
  model: CaptionModel | null;
  ended: 'stopped' | 'failed' | null;
  samples: CaptionSample[];
  /** The "place shapes" editor: up to two shapes in a 3x3 grid. */
  scene: PlacedShape[];
  source: CaptionSource | null;
  result: CaptionResult | null;
  /** How many greedy steps are shown so far (the word-by-word animation). */
  shown: number;
  captioning: boolean;
  error: UiError | null;
}

export const useCaptioning = create<CaptioningState>(() => ({
  size: 'default',
  status: 'idle',
  runId: null,
  progress: null,
  losses: [],
  model: null,
  ended: null,
  samples: [],
  scene: [
    { shape: 'circle', colour: 'red', col: 0, row: 1 },
    { shape: 'square', colour: 'blue', col: 2, row: 1 },
  ],
  source: null,
  result: null,
  shown: 0,
  captioning: false,
  error: null,
}));
const set = useCaptioning.setState;
const get = useCaptioning.getState;

/** Milliseconds between two words of the greedy animation. */
export const STEP_MS = 450;
let timer: ReturnType<typeof setInterval> | null = null;

function animate(): void {
  if (timer) clearInterval(timer);
  set({ shown: 0 });
  timer = setInterval(() => {
    const { result, shown } = get();
    if (!result || shown >= result.greedy.length) {
      if (timer) clearInterval(timer);
      timer = null;
      return;
    }
    set({ shown: shown + 1 });
  }, STEP_MS);
}

function fail(e: unknown): void {
  const err = toUiError(e);
  set({ error: err });
  useApp.setState({ error: err });
}

export function setCaptionSize(size: CaptionSize): void {
  set({ size });
}

async function loadSamples(): Promise<void> {
  try {
    const { samples } = await api.invoke('captioning.samples', { count: 24 });
    set({ samples });
  } catch (e) {
    fail(e);
  }
}

let wired = false;
/** Follows the engine's captioning events (once per window) and picks up a model trained earlier. */
export function wireCaptioning(): void {
  if (wired) return;
  wired = true;
  onJob('captioning', {
    progress: (p) => {
      if (p.runId === get().runId) set({ progress: p });
    },
    epoch: (e) => {
      const s = get();
      if (e.runId === s.runId) set({ losses: [...s.losses, e.loss] });
    },
    end: (d) => {
      const s = get();
      if (d.runId !== s.runId) return;
      const error = d.error ? { code: d.error.code, params: d.error.params ?? {} } : null;
      set({ status: 'idle', progress: null, model: d.model ?? s.model, ended: d.status === 'completed' ? null : d.status, error });
      if (error) useApp.setState({ error });
      if (d.model) {
        set({ result: null, source: null });
        void loadSamples().then(() => {
          if (get().samples.length > 0) void captionImage({ kind: 'test', index: 0 });
        });
      }
    },
    // No report: the engine crashed during the job.
    failed: (f, jobId) => {
      if (f.done || jobId !== get().runId) return;
      const error = { code: f.error.code, params: f.error.params ?? {} };
      set({ status: 'idle', progress: null, ended: 'failed', error });
      useApp.setState({ error });
    },
  });
  void api
    .invoke('captioning.state', {})
    .then(({ model, running }) => {
      if (model && !get().model) {
        set({ model });
        void loadSamples();
      }
      if (running && get().status === 'idle') set({ status: 'running', runId: running });
    })
    .catch(() => undefined);
}

export async function startCaptionTraining(): Promise<void> {
  if (get().status !== 'idle') return;
  set({ status: 'starting', progress: null, losses: [], ended: null, error: null });
  try {
    const { runId } = await api.invoke('captioning.train', { size: get().size });
    set({ status: 'running', runId });
  } catch (e) {
    set({ status: 'idle' });
    fail(e);
  }
}

export async function stopCaptionTraining(): Promise<void> {
  const { runId, status } = get();
  if (!runId || status !== 'running') return;
  set({ status: 'stopping' });
  try {
    await api.invoke('train.stop', { runId });
  } catch (e) {
    fail(e);
  }
}

/** Captions a held-out image or the editor's scene, in the given language (default: the UI's). */
export async function captionImage(source: CaptionSource, language?: 'fa' | 'en'): Promise<void> {
  const lang = language ?? (useApp.getState().language as 'fa' | 'en');
  set({ captioning: true, source });
  try {
    const request = source.kind === 'test' ? { kind: 'test' as const, index: source.index } : { kind: 'scene' as const, shapes: get().scene };
    const result = await api.invoke('captioning.caption', { source: request, language: lang });
    set({ result, captioning: false });
    animate();
  } catch (e) {
    set({ captioning: false });
    fail(e);
  }
}

export function setSceneShape(i: number, patch: Partial<PlacedShape>): void {
  const scene = get().scene.map((s, k) => (k === i ? { ...s, ...patch } : s));
  set({ scene });
}

/** Puts the selected shape of the editor into a grid cell (the other one moves away if it was there). */
export function placeShape(i: number, col: number, row: number): void {
  const scene = get().scene.map((s) => ({ ...s }));
  const other = scene[1 - i];
  if (other && other.col === col && other.row === row) {
    other.col = scene[i]!.col;
    other.row = scene[i]!.row;
  }
  scene[i] = { ...scene[i]!, col, row };
  set({ scene });
}

/** Shows the whole greedy caption at once (skips the animation). */
export function showAllSteps(): void {
  if (timer) clearInterval(timer);
  timer = null;
  set({ shown: get().result?.greedy.length ?? 0 });
}
