/**
 * The current project in the window: its name, and the actions New, Open project file…,
 * Save project as… and the choice after a crash. The engine keeps the project (builder
 * state and runs) and autosaves it; the window never names a path: in the desktop app
 * the main process shows native dialogs, in browser mode a file input sends the file's
 * bytes in chunks and "save as" is a download.
 */
import { create } from 'zustand';
import { fromKerasSpec, type BuilderGraph } from '../../../../shared/model';
import type { Recovery } from '../../../../shared/ipc/project';
import { PROJECT_CHUNK_BYTES } from '../../../../shared/ipc/project';
import type { Project } from '../../../../shared/project';
import { api, ApiError } from '../../api';
import { toUiError, useApp } from '../../store';
import { applyImportedModel, applyProject, loadProject, onProjectLoaded, saveNow } from '../builder/builder-store';
import { refreshRuns, useRuns } from '../runs/runs-store';

interface ProjectUi {
  id: string | null;
  name: string;
  createdAt: string | null;
  /** A crash left an autosave to restore. */
  recovery: Recovery | null;
  busy: boolean;
  /** Set after "Save project as…": the file's name (no folder). */
  savedAs: string | null;
  /** The last model import, for a message. */
  imported: { name: string; params: number } | null;
}

export const useProject = create<ProjectUi>(() => ({ id: null, name: '', createdAt: null, recovery: null, busy: false, savedAs: null, imported: null }));
const set = useProject.setState;

function show(p: Project): void {
  set({ id: p.id, name: p.name, createdAt: p.createdAt });
}

onProjectLoaded((res) => {
  if (res.project) show(res.project);
  set({ recovery: res.recovery ?? null });
  if (res.problem) useApp.setState({ error: { code: res.problem.code, params: res.problem.params ?? {} } });
});

/** Loads the current project (builder and project bar). */
export async function initProject(): Promise<void> {
  await loadProject();
}

/** Makes a project the one shown: its graph in the builder, its runs in the table. */
async function adopt(project: Project): Promise<void> {
  show(project);
  applyProject(project);
  useRuns.setState({ overlay: [], forecast: null });
  await refreshRuns();
}

async function guarded(fn: () => Promise<void>): Promise<void> {
  if (useProject.getState().busy) return;
  set({ busy: true });
  try {
    await fn();
  } catch (e) {
    useApp.setState({ error: toUiError(e) });
  } finally {
    set({ busy: false });
  }
}

function isDesktop(): boolean {
  return useApp.getState().info?.mode === 'electron';
}

export function newProject(name = ''): Promise<void> {
  return guarded(async () => {
    await saveNow();
    const { project } = await api.invoke('project.new', { name: name.slice(0, 200) });
    set({ savedAs: null });
    await adopt(project);
  });
}

export function renameProject(name: string): Promise<void> {
  return guarded(async () => {
    const { project } = await api.invoke('project.rename', { name: name.slice(0, 200) });
    show(project);
  });
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Sends an upload's chunks; if one fails (a file that changed on disk, a lost connection) the upload is cancelled so it holds no place in the engine's pool. */
async function cancelledOnFailure(uploadId: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (e) {
    void api.invoke('upload.cancel', { uploadId }).catch(() => undefined);
    throw e;
  }
}

/** Opens a project file chosen with a file input (its bytes go to the engine in chunks). */
export function openProjectFile(file: File): Promise<void> {
  return guarded(async () => {
    await saveNow();
    const { uploadId } = await api.invoke('project.openBegin', { name: file.name.slice(0, 200) || 'project.seqlab.json', size: file.size });
    await cancelledOnFailure(uploadId, async () => {
      let seq = 0;
      for (let offset = 0; offset < file.size; offset += PROJECT_CHUNK_BYTES) {
        const bytes = new Uint8Array(await file.slice(offset, offset + PROJECT_CHUNK_BYTES).arrayBuffer());
        await api.invoke('project.openChunk', { uploadId, seq: seq++, dataBase64: toBase64(bytes) });
      }
    });
    const { project } = await api.invoke('project.openEnd', { uploadId });
    set({ savedAs: null });
    await adopt(project);
  });
}

/** Opens an earlier project kept in the data folder (the start page's list); the current one is kept in its place. */
export function switchProject(id: string): Promise<void> {
  return guarded(async () => {
    await saveNow();
    const { project } = await api.invoke('project.switch', { id });
    set({ savedAs: null });
    await adopt(project);
  });
}

/** Desktop: the native open dialog (the main process reads the file). */
export function openProjectDialog(): Promise<void> {
  return guarded(async () => {
    await saveNow();
    const { project } = await api.invoke('project.openDialog', {});
    if (project) await adopt(project);
  });
}

/** Save project as…: a native save dialog on the desktop, a download in browser mode. */
export function saveProjectAs(): Promise<void> {
  return guarded(async () => {
    await saveNow();
    if (isDesktop()) {
      const { fileName } = await api.invoke('project.saveDialog', {});
      if (fileName) set({ savedAs: fileName });
      return;
    }
    const { fileName, text } = await api.invoke('project.export', {});
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    set({ savedAs: fileName });
  });
}

/** After a crash: restore the autosaved project, or set it aside and go on with a fresh one. */
export function recover(restore: boolean): Promise<void> {
  return guarded(async () => {
    const { project } = await api.invoke('project.recover', { restore });
    set({ recovery: null });
    if (restore) await adopt(project);
  });
}

/** Sends a trained model's files (model.json + shards, or one .h5) to the engine and shows its graph. */
export function importModelFiles(files: File[]): Promise<void> {
  return guarded(async () => {
    if (!files.length) return;
    if (files.some((f) => f.size === 0)) throw new ApiError('E_MODEL_INVALID', { detail: 'empty file' });
    const { uploadId } = await api.invoke('model.importBegin', { files: files.map((f) => ({ name: f.name.slice(0, 200) || 'model', size: f.size })) });
    await cancelledOnFailure(uploadId, async () => {
      for (let i = 0; i < files.length; i++) {
        const file = files[i]!;
        let seq = 0;
        for (let offset = 0; offset < file.size; offset += PROJECT_CHUNK_BYTES) {
          const bytes = new Uint8Array(await file.slice(offset, offset + PROJECT_CHUNK_BYTES).arrayBuffer());
          await api.invoke('model.importChunk', { uploadId, file: i, seq: seq++, dataBase64: toBase64(bytes) });
        }
      }
    });
    const info = await api.invoke('model.importEnd', { uploadId });
    let graph: BuilderGraph;
    try {
      graph = fromKerasSpec(info.topology);
    } catch (e) {
      throw new ApiError('E_MODEL_INVALID', { detail: e instanceof Error ? e.message : String(e) });
    }
    applyImportedModel(graph, { importId: info.importId, name: info.name, params: info.params });
    set({ imported: { name: info.name, params: info.params } });
  });
}
