/**
 * One store for the app (zustand). Actions are plain functions that talk to the engine
 * through the typed API; components only render and call actions.
 */
import { create } from 'zustand';
import type { AppInfo, BackendReport, EpochLog, Language, Req, Res, TrainDone, TrainProgress } from '../../shared/ipc/contract';
import type { Experiment } from '../../shared/experiment';
import { api, ApiError } from './api';
import { on, onJob } from './engine-events';
import i18n, { applyDirection } from './i18n';
import { lessonOfExperiment, lessonsOfTab } from './features/home/course';
import { EXPERIMENT_TABS } from './features/experiments/tabs';

export interface UiError {
  code: string;
  params?: Record<string, string | number>;
}

export type Page = 'home' | 'builder' | 'data' | 'lessons' | 'runs' | 'experiments';

export interface TrainingState {
  runId: string | null;
  status: 'idle' | 'starting' | 'running' | 'stopping';
  progress: TrainProgress | null;
  epochs: EpochLog[];
  done: TrainDone | null;
}

interface AppState {
  page: Page;
  language: Language;
  info: AppInfo | null;
  backend: BackendReport | null;
  engineNotice: 'crashed' | 'restarted' | null;
  error: UiError | null;
  starter: Experiment | null;
  training: TrainingState;
  /** Settings loaded: the language shown is the saved one. */
  ready: boolean;
  /** Lessons opened and the last one (kept in the engine's settings), and the lesson shown on the Lessons page. */
  course: Course;
  lessonId: string | null;
}

export interface Course {
  opened: string[];
  /** Lessons with a finished run of their model or experiment, and with an export of one. */
  trained?: string[];
  exported?: string[];
  last: string | null;
}

export type CourseMark = 'trained' | 'exported';

export const useApp = create<AppState>(() => ({
  page: 'home',
  language: 'fa',
  info: null,
  backend: null,
  engineNotice: null,
  error: null,
  starter: null,
  training: { runId: null, status: 'idle', progress: null, epochs: [], done: null },
  ready: false,
  course: { opened: [], last: null },
  lessonId: null,
}));

/** Shows a lesson and remembers it: marked as opened, and the one "continue" goes back to. */
export async function openLesson(id: string): Promise<void> {
  const prev = get().course;
  const course: Course = { ...prev, opened: prev.opened.includes(id) ? prev.opened : [...prev.opened, id].slice(-64), last: id };
  set({ lessonId: id, course });
  if (prev.last === id && prev.opened.includes(id)) return;
  try {
    await api.invoke('settings.set', { course });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

/** Marks lessons as trained or exported (kept in settings); null (work of no lesson) marks nothing. */
export async function markCourse(mark: CourseMark, ...lessonIds: (string | null)[]): Promise<void> {
  const prev = get().course;
  const list = prev[mark] ?? [];
  const add = lessonIds.filter((id): id is string => id !== null && !list.includes(id));
  if (add.length === 0) return;
  const course: Course = { ...prev, [mark]: [...list, ...add].slice(-64) };
  set({ course });
  try {
    await api.invoke('settings.set', { course });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

/** The start page's way into a lesson. */
export function goToLesson(id: string): void {
  void openLesson(id);
  setPage('lessons');
}

const set = useApp.setState;
const get = useApp.getState;

export function toUiError(e: unknown): UiError {
  if (e instanceof ApiError) return { code: e.code, params: e.params };
  return { code: 'E_INTERNAL', params: { detail: e instanceof Error ? e.message : String(e) } };
}

export function setPage(page: Page): void {
  set({ page });
}

export function clearError(): void {
  set({ error: null });
}

export async function setLanguage(language: Language): Promise<void> {
  applyDirection(language);
  await i18n.changeLanguage(language);
  set({ language });
  try {
    await api.invoke('settings.set', { language });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

function patchTraining(patch: Partial<TrainingState>): void {
  set({ training: { ...get().training, ...patch } });
}

export async function startTraining(experiment: Experiment, extra: Omit<Req<'train.start'>, 'experiment'> = {}): Promise<Res<'train.start'> | null> {
  if (get().training.status !== 'idle') return null;
  patchTraining({ status: 'starting', progress: null, epochs: [], done: null, runId: null });
  trainingLesson = lessonOfExperiment(experiment.name);
  try {
    const reply = await api.invoke('train.start', { experiment, ...extra });
    const { runId } = reply;
    // A fast run may already have finished (train.done arrived before this reply).
    if (get().training.done?.runId !== runId) patchTraining({ runId, status: 'running' });
    return reply;
  } catch (e) {
    patchTraining({ status: 'idle' });
    set({ error: toUiError(e) });
    return null;
  }
}

/** Continues a run that a crash or power cut interrupted, from its checkpoint (runs.resume). */
export async function resumeTraining(runId: string): Promise<Res<'runs.resume'> | null> {
  if (get().training.status !== 'idle') return null;
  patchTraining({ status: 'starting', progress: null, epochs: [], done: null, runId: null });
  try {
    const reply = await api.invoke('runs.resume', { runId });
    if (get().training.done?.runId !== reply.runId) patchTraining({ runId: reply.runId, status: 'running' });
    return reply;
  } catch (e) {
    patchTraining({ status: 'idle' });
    set({ error: toUiError(e) });
    return null;
  }
}

export async function stopTraining(): Promise<void> {
  const { runId, status } = get().training;
  if (!runId || status !== 'running') return;
  patchTraining({ status: 'stopping' });
  try {
    await api.invoke('train.stop', { runId });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}

let started = false;
/** The lesson of the run started from this window (for its mark when it completes). */
let trainingLesson: string | null = null;

/** The report of a run that ended without one (the engine crashed). */
function failedRun(runId: string, error: { code: string; params?: Record<string, string | number> | undefined }): TrainDone {
  return { runId, status: 'failed', history: [], finalLoss: null, finalValLoss: null, baselineValLoss: null, bestEpoch: null, wallSeconds: 0, error: { code: error.code, ...(error.params ? { params: error.params } : {}) } };
}

/** Wires engine events into the store and loads what the shell shows. */
export async function boot(): Promise<void> {
  if (started) return;
  started = true;
  onJob('train', {
    progress: (p) => {
      const t = get().training;
      if (t.runId === null || t.runId === p.runId) patchTraining({ progress: p, runId: p.runId, status: t.status === 'starting' ? 'running' : t.status });
    },
    epoch: (e) => patchTraining({ epochs: [...get().training.epochs, e.log] }),
    end: (d) => {
      patchTraining({ done: d, status: 'idle', runId: d.runId });
      if (d.status === 'completed') void markCourse('trained', trainingLesson);
      if (d.error) set({ error: { code: d.error.code, params: d.error.params ?? {} } });
    },
    // No report: the engine crashed during the run (the host restarts it).
    failed: (f, runId) => {
      if (f.done) return;
      patchTraining({ done: failedRun(runId, f.error), status: 'idle', runId });
      set({ error: { code: f.error.code, params: f.error.params ?? {} } });
    },
  });
  for (const tab of EXPERIMENT_TABS) {
    onJob(tab, { end: (d) => void (d.status === 'completed' && markCourse('trained', ...lessonsOfTab(tab))) });
  }
  on('engine.status', (s) => {
    if (s.state === 'crashed' || s.state === 'restarted') set({ engineNotice: s.state });
    if (s.state === 'restarted') void loadBackend();
  });
  try {
    const settings = await api.invoke('settings.get', {});
    if (settings.language !== get().language) {
      applyDirection(settings.language);
      await i18n.changeLanguage(settings.language);
      set({ language: settings.language });
    }
    if (settings.course) set({ course: settings.course, lessonId: settings.course.last });
    set({ ready: true });
    set({ info: await api.invoke('app.info', {}) });
    set({ starter: (await api.invoke('experiments.starter', {})).experiment });
  } catch (e) {
    set({ error: toUiError(e) });
  }
  await loadBackend();
}

async function loadBackend(): Promise<void> {
  try {
    set({ backend: await api.invoke('engine.backends', {}) });
  } catch (e) {
    set({ error: toUiError(e) });
  }
}
