/**
 * Files sent by the window as bytes in chunks (project files, trained models). The
 * renderer never names a path: each upload gets an id made here and a folder
 * `<dataDir>/uploads/<id>/`; file names are reduced to safe base names (a model.json finds
 * its shards by name, so the names are kept where they are safe). Chunks must come in
 * order and sizes must match what was announced.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';

const MAX_OPEN = 4;
const IDLE_MS = 15 * 60 * 1000;

interface FileState {
  name: string;
  size: number;
  received: number;
  seq: number;
  handle: fs.FileHandle;
  path: string;
}

interface Upload {
  id: string;
  dir: string;
  files: FileState[];
  lastAt: number;
}

export interface UploadedFile {
  name: string;
  path: string;
  size: number;
}

/** A safe base name: letters, digits, '.', '_' and '-' only, not starting with a dot. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return clean || 'file';
}

export class ChunkedUploads {
  private readonly open = new Map<string, Upload>();

  constructor(private readonly root: string) {}

  private async dropStale(): Promise<void> {
    const now = Date.now();
    for (const u of [...this.open.values()]) if (now - u.lastAt > IDLE_MS) await this.discard(u.id);
  }

  async begin(files: { name: string; size: number }[]): Promise<string> {
    await this.dropStale();
    if (this.open.size >= MAX_OPEN) throw new AppError('E_ENGINE_BUSY', { what: 'uploads', open: this.open.size });
    const names = files.map((f) => safeFileName(f.name));
    if (new Set(names).size !== names.length) throw new AppError('E_VALIDATION', { path: 'files', issue: 'duplicate_name' });
    const id = `u-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const dir = path.join(this.root, id);
    await fs.mkdir(dir, { recursive: true });
    const states: FileState[] = [];
    try {
      for (let i = 0; i < files.length; i++) {
        const p = path.join(dir, names[i]!);
        states.push({ name: names[i]!, size: files[i]!.size, received: 0, seq: 0, handle: await fs.open(p, 'wx'), path: p });
      }
    } catch (e) {
      for (const s of states) await s.handle.close().catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
      throw e;
    }
    this.open.set(id, { id, dir, files: states, lastAt: Date.now() });
    return id;
  }

  private get(id: string): Upload {
    const u = this.open.get(id);
    if (!u) throw new AppError('E_NOT_FOUND', { what: 'upload', id });
    return u;
  }

  async chunk(id: string, file: number, seq: number, dataBase64: string): Promise<number> {
    const u = this.get(id);
    const f = u.files[file];
    if (!f) throw new AppError('E_VALIDATION', { path: 'file', issue: 'out_of_range' });
    if (seq !== f.seq) throw new AppError('E_VALIDATION', { path: 'seq', issue: 'out_of_order', expected: f.seq, got: seq });
    const bytes = Buffer.from(dataBase64, 'base64');
    if (f.received + bytes.length > f.size) {
      await this.discard(id);
      throw new AppError('E_VALIDATION', { path: 'dataBase64', issue: 'too_big', size: f.size });
    }
    const offset = f.received;
    f.seq++;
    f.received += bytes.length;
    u.lastAt = Date.now();
    await f.handle.write(bytes, 0, bytes.length, offset);
    return f.received;
  }

  /** Closes a complete upload and hands its files over; call discard(id) when done with them. */
  async end(id: string): Promise<{ dir: string; files: UploadedFile[] }> {
    const u = this.get(id);
    const short = u.files.find((f) => f.received !== f.size);
    if (short) throw new AppError('E_VALIDATION', { path: 'uploadId', issue: 'incomplete', received: short.received, size: short.size });
    this.open.delete(id);
    for (const f of u.files) await f.handle.close();
    return { dir: u.dir, files: u.files.map((f) => ({ name: f.name, path: f.path, size: f.size })) };
  }

  async discard(id: string): Promise<void> {
    const u = this.open.get(id);
    this.open.delete(id);
    if (u) for (const f of u.files) await f.handle.close().catch(() => undefined);
    if (/^u-[a-z0-9-]+$/.test(id)) await fs.rm(path.join(this.root, id), { recursive: true, force: true }).catch(() => undefined);
  }
}
