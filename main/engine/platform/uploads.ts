/**
 * Files sent by the window as bytes in chunks (CSV imports, project files, trained models).
 * The renderer never names a path: each upload gets an id made here and a folder
 * `<dataDir>/uploads/<kind>/<id>/`; file names are reduced to safe base names (a model.json
 * finds its shards by name, so the names are kept where they are safe). Chunks must come in
 * order and sizes must match what was announced.
 *
 * Each kind has its own pool (UploadPools), so abandoned CSV uploads cannot block opening a
 * project. An upload idle for UPLOAD_IDLE_MS is dropped; the window can cancel one
 * (`upload.cancel`); folders left by an engine that ended mid-upload are removed at start.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';

/** The window sends a chunk every few milliseconds; two minutes of silence is an abandoned upload. */
export const UPLOAD_IDLE_MS = 2 * 60 * 1000;

export const UPLOAD_KINDS = ['data', 'project', 'model'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** Uploads open at once, per kind. */
const MAX_OPEN: Record<UploadKind, number> = { data: 4, project: 2, model: 2 };

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

export interface UploadPoolOptions {
  maxOpen: number;
  idleMs: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/** A safe base name: letters, digits, '.', '_' and '-' only, not starting with a dot. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return clean || 'file';
}

const ID_RE = /^u-[a-z]+-[a-z0-9]+-[0-9a-f]{12}$/;

/** One kind's uploads. */
export class ChunkedUploads {
  private readonly open = new Map<string, Upload>();
  private readonly now: () => number;
  private swept: Promise<void> | null = null;

  constructor(
    private readonly root: string,
    readonly kind: string,
    private readonly opts: UploadPoolOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  has(id: string): boolean {
    return this.open.has(id);
  }

  /** Removes what a previous engine left here (it cannot be resumed: its state died with it). Runs once. */
  sweep(): Promise<void> {
    this.swept ??= (async () => {
      const entries = await fs.readdir(this.root).catch(() => [] as string[]);
      for (const name of entries) if (!this.open.has(name)) await fs.rm(path.join(this.root, name), { recursive: true, force: true }).catch(() => undefined);
    })();
    return this.swept;
  }

  private async dropStale(): Promise<void> {
    const now = this.now();
    for (const u of [...this.open.values()]) if (now - u.lastAt > this.opts.idleMs) await this.discard(u.id);
  }

  async begin(files: { name: string; size: number }[]): Promise<string> {
    await this.sweep();
    await this.dropStale();
    if (this.open.size >= this.opts.maxOpen) throw new AppError('E_ENGINE_BUSY', { what: 'uploads', open: this.open.size });
    const names = files.map((f) => safeFileName(f.name));
    if (new Set(names).size !== names.length) throw new AppError('E_VALIDATION', { path: 'files', issue: 'duplicate_name' });
    const id = `u-${this.kind}-${this.now().toString(36)}-${randomBytes(6).toString('hex')}`;
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
    this.open.set(id, { id, dir, files: states, lastAt: this.now() });
    return id;
  }

  private get(id: string): Upload {
    const u = this.open.get(id);
    if (!u) throw new AppError('E_NOT_FOUND', { what: 'upload', id });
    return u;
  }

  /** Writes the next chunk of one file; returns that file's bytes received so far. */
  async chunk(id: string, file: number, seq: number, dataBase64: string): Promise<{ received: number; size: number }> {
    const u = this.get(id);
    const f = u.files[file];
    if (!f) throw new AppError('E_VALIDATION', { path: 'file', issue: 'out_of_range' });
    if (seq !== f.seq) throw new AppError('E_VALIDATION', { path: 'seq', issue: 'out_of_order', expected: f.seq, got: seq });
    const bytes = Buffer.from(dataBase64, 'base64');
    if (f.received + bytes.length > f.size) {
      await this.discard(id);
      throw new AppError('E_VALIDATION', { path: 'dataBase64', issue: 'too_big', size: f.size });
    }
    // Claimed before the first await, so a concurrent chunk sees the next number and offset.
    const offset = f.received;
    f.seq++;
    f.received += bytes.length;
    u.lastAt = this.now();
    await f.handle.write(bytes, 0, bytes.length, offset);
    return { received: f.received, size: f.size };
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

  /** Forgets an upload and deletes its folder (open or already ended). */
  async discard(id: string): Promise<void> {
    const u = this.open.get(id);
    this.open.delete(id);
    if (u) for (const f of u.files) await f.handle.close().catch(() => undefined);
    if (ID_RE.test(id)) await fs.rm(path.join(this.root, id), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The pools of every kind under `<dataDir>/uploads`, and the one cancel for all of them. */
export class UploadPools {
  private readonly pools: Record<UploadKind, ChunkedUploads>;
  private legacySwept: Promise<void> | null = null;

  constructor(
    private readonly dataDir: string,
    opts: { idleMs?: number; now?: () => number } = {},
  ) {
    const root = path.join(dataDir, 'uploads');
    const make = (kind: UploadKind): ChunkedUploads =>
      new ChunkedUploads(path.join(root, kind), kind, { maxOpen: MAX_OPEN[kind], idleMs: opts.idleMs ?? UPLOAD_IDLE_MS, ...(opts.now ? { now: opts.now } : {}) });
    this.pools = { data: make('data'), project: make('project'), model: make('model') };
  }

  pool(kind: UploadKind): ChunkedUploads {
    return this.pools[kind];
  }

  /** At the engine's start: what an engine that ended mid-upload left behind goes. */
  async sweep(): Promise<void> {
    await this.sweepLegacy();
    for (const p of Object.values(this.pools)) await p.sweep();
  }

  /** Cancels an open upload of any kind; false when there is none by that id. */
  async cancel(id: string): Promise<boolean> {
    for (const p of Object.values(this.pools)) {
      if (p.has(id)) {
        await p.discard(id);
        return true;
      }
    }
    return false;
  }

  /** Earlier versions kept uploads as `uploads/u-*` and `imports/.u-*.part`: removed once. */
  private sweepLegacy(): Promise<void> {
    this.legacySwept ??= (async () => {
      const uploads = path.join(this.dataDir, 'uploads');
      for (const name of await fs.readdir(uploads).catch(() => [] as string[])) {
        if (/^u-[a-z0-9-]+$/.test(name)) await fs.rm(path.join(uploads, name), { recursive: true, force: true }).catch(() => undefined);
      }
      const imports = path.join(this.dataDir, 'imports');
      for (const name of await fs.readdir(imports).catch(() => [] as string[])) {
        if (/^\.u-[a-z0-9-]+\.part$/.test(name)) await fs.rm(path.join(imports, name), { force: true }).catch(() => undefined);
      }
    })();
    return this.legacySwept;
  }
}
