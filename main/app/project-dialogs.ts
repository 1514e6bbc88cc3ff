/**
 * Native dialogs for project files (desktop only). The paths stay in this process: the
 * window asks for "open" or "save as" and gets the project or the file's name back; the
 * bytes travel to the engine through the same chunked channels the browser uses.
 */
import { dialog, type BrowserWindow } from 'electron';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../shared/errors';
import { MAX_PROJECT_BYTES } from '../../shared/ipc/project';
import { writeFileAtomic } from '../engine/platform/files';

const FILTERS = [{ name: 'SeqLab project', extensions: ['json'] }];

async function show<T extends Electron.OpenDialogOptions | Electron.SaveDialogOptions>(
  parent: BrowserWindow | null,
  options: T,
  fn: (w: BrowserWindow | null, o: T) => Promise<{ canceled: boolean; filePaths?: string[]; filePath?: string }>,
): Promise<{ canceled: boolean; filePaths?: string[]; filePath?: string }> {
  return fn(parent && !parent.isDestroyed() ? parent : null, options);
}

/** Asks for a project file and reads it (refusing huge files before reading); null when cancelled. */
export async function openProjectFile(parent: BrowserWindow | null): Promise<{ name: string; bytes: Uint8Array } | null> {
  const r = await show(parent, { properties: ['openFile'], filters: FILTERS } as Electron.OpenDialogOptions, (w, o) => (w ? dialog.showOpenDialog(w, o) : dialog.showOpenDialog(o)));
  const file = r.canceled ? undefined : r.filePaths?.[0];
  if (!file) return null;
  try {
    const st = await fs.stat(file);
    if (st.size > MAX_PROJECT_BYTES) throw new AppError('E_PROJECT_CORRUPT', { reason: 'too_big' });
    if (st.size === 0) throw new AppError('E_PROJECT_CORRUPT', { reason: 'empty' });
    return { name: path.basename(file).slice(0, 200), bytes: await fs.readFile(file) };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('E_DISK', { op: 'read', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  }
}

/** Asks where to save and writes the project there atomically; the file's name, or null when cancelled. */
export async function saveProjectFile(parent: BrowserWindow | null, suggested: string, text: string): Promise<string | null> {
  const r = await show(parent, { defaultPath: suggested, filters: FILTERS } as Electron.SaveDialogOptions, (w, o) => (w ? dialog.showSaveDialog(w, o) : dialog.showSaveDialog(o)));
  if (r.canceled || !r.filePath) return null;
  try {
    await writeFileAtomic(r.filePath, text);
  } catch (e) {
    throw new AppError('E_DISK', { op: 'write', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  }
  return path.basename(r.filePath);
}
