/**
 * Project files and the current project.
 *
 * Files are read strictly: a corrupt, truncated or newer file is refused with a code
 * (E_PROJECT_CORRUPT / E_PROJECT_NEWER) and left untouched (it is only ever read), never
 * half-loaded. Version 1 files are migrated to version 2 in memory. Writes are atomic
 * (files.ts: temp file, fsync, rename, fsync of the folder).
 *
 * ProjectService keeps the current project (builder state and run history) and autosaves
 * it to `<dataDir>/projects/autosave.seqlab.json` after every change. A project that is
 * replaced (New, Open) is kept as `<dataDir>/projects/<id>.seqlab.json`. After a crash (see
 * session.ts) the autosave is set aside as `projects/recovery.seqlab.json` and offered
 * back; the app starts with a fresh project until the user chooses.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError, type AppErrorData } from '../../../shared/errors';
import {
  emptyProject,
  MAX_PROJECT_RUNS,
  migrateProject,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  ProjectSchema,
  ProjectV1Schema,
  type BuilderState,
  type Project,
} from '../../../shared/project';
import type { ModelSpec } from '../../../shared/experiment';
import type { RunRecord } from '../../../shared/runs';
import { MAX_RECENT_PROJECTS, type RecentProject, type Recovery } from '../../../shared/ipc/project';
import { writeFileAtomic } from '../platform/files';
import { RunStore } from './runs';
import { beginSession } from '../platform/session';

const SUFFIX = '.seqlab.json';
/** A kept project's file name: its id (ProjectIdSchema) and the suffix; autosave and recovery are not ids of this form. */
const ARCHIVED = /^p-[A-Za-z0-9_-]{1,60}\.seqlab\.json$/;

export function newProjectId(): string {
  return `p-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

function corrupt(reason: string, extra: Record<string, string | number> = {}): AppError {
  return new AppError('E_PROJECT_CORRUPT', { reason, ...extra });
}

/** Parses a project file's text (version 2, or version 1 migrated). Throws E_PROJECT_CORRUPT / E_PROJECT_NEWER. */
export function parseProjectText(text: string): Project {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // A file cut short ends inside the JSON; anything else is not JSON at all.
    throw corrupt(text.trimStart().startsWith('{') ? 'truncated' : 'not_json');
  }
  const obj = raw as { format?: unknown; version?: unknown };
  if (!obj || typeof obj !== 'object' || Array.isArray(obj) || obj.format !== PROJECT_FORMAT) throw corrupt('not_a_project');
  if (typeof obj.version === 'number' && obj.version > PROJECT_VERSION) {
    throw new AppError('E_PROJECT_NEWER', { version: obj.version, supported: PROJECT_VERSION });
  }
  const schema = obj.version === 1 ? ProjectV1Schema : ProjectSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw corrupt('schema', { path: i ? i.path.map(String).join('.') : '' });
  }
  const now = new Date().toISOString();
  return obj.version === 1 ? migrateProject(parsed.data as never, newProjectId(), now) : (parsed.data as Project);
}

/** Reads a project file (null when it does not exist). The file is only read, never changed. */
export async function readProjectFile(file: string): Promise<Project | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('E_DISK', { op: 'read', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  }
  return parseProjectText(text);
}

export function projectText(project: Project): string {
  return JSON.stringify(project, null, 1);
}

export async function writeProjectFile(file: string, project: Project): Promise<void> {
  try {
    await writeFileAtomic(file, projectText(project));
  } catch (e) {
    throw new AppError('E_DISK', { op: 'write', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  }
}

/** Whether a project holds anything worth keeping. */
function hasContent(p: Project): boolean {
  return p.builder !== null || p.runs.length > 0;
}

export interface ProjectServiceOptions {
  /** Write the session marker and offer recovery after a crash (the app; not the CLI or tests). */
  sessionMarker?: boolean;
}

export class ProjectService {
  private current: Project | null = null;
  private ready: Promise<void> | null = null;
  /** A problem met while loading the autosave, reported once by load(). */
  private problem: AppErrorData | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly opts: ProjectServiceOptions = {},
  ) {}

  get dir(): string {
    return path.join(this.dataDir, 'projects');
  }
  autosaveFile(): string {
    return path.join(this.dir, 'autosave.seqlab.json');
  }
  recoveryFile(): string {
    return path.join(this.dir, 'recovery.seqlab.json');
  }

  private ensure(): Promise<void> {
    this.ready ??= this.init();
    return this.ready;
  }

  private async init(): Promise<void> {
    const now = new Date().toISOString();
    await this.removeStrayTempFiles();
    if (this.opts.sessionMarker) {
      const { crashed } = await beginSession(this.dataDir).catch(() => ({ crashed: false }));
      if (crashed) {
        // The last session did not end cleanly: set its autosave aside and offer it back.
        try {
          const p = await readProjectFile(this.autosaveFile());
          if (p && hasContent(p)) {
            await writeProjectFile(this.recoveryFile(), p);
            this.current = emptyProject(newProjectId(), '', now);
            return;
          }
        } catch {
          /* an unreadable autosave is handled below */
        }
      }
    }
    const file = this.autosaveFile();
    let text: string | null = null;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.problem = new AppError('E_DISK', { op: 'read', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' }).toData();
    }
    if (text !== null) {
      try {
        const p = parseProjectText(text);
        const wasV1 = (JSON.parse(text) as { version?: unknown }).version === 1;
        this.current = p;
        if (wasV1) await this.adoptLegacyRuns();
        return;
      } catch (e) {
        // A corrupt or newer autosave is never half-loaded and never lost: a copy is kept
        // aside (the user is told its name) before the app starts over.
        const err = e instanceof AppError ? e : new AppError('E_PROJECT_CORRUPT', { reason: 'unknown' });
        const backup = file.replace(/\.seqlab\.json$/, `.unreadable-${Date.now()}.seqlab.json`);
        await fs.copyFile(file, backup).catch(() => undefined);
        this.problem = { code: err.code, params: { ...err.params, backup: path.basename(backup) } };
      }
    }
    this.current = emptyProject(newProjectId(), '', now);
    if (text === null) await this.adoptLegacyRuns();
  }

  /** Temp files of saves that a kill interrupted (the saved files themselves are intact). */
  private async removeStrayTempFiles(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const n of names) {
      const m = /^autosave\.seqlab\.json\.(\d+)\.\d+\.[0-9a-f]+\.tmp$/.exec(n);
      if (m && Number(m[1]) !== process.pid) await fs.rm(path.join(this.dir, n), { force: true }).catch(() => undefined);
    }
  }

  /** Runs recorded before projects held them (one file each under <dataDir>/runs) join the first project. */
  private async adoptLegacyRuns(): Promise<void> {
    const legacy = await new RunStore(path.join(this.dataDir, 'runs')).list();
    if (!legacy.length || !this.current) return;
    const known = new Set(this.current.runs.map((r) => r.id));
    const add = legacy.filter((r) => !known.has(r.id)).reverse();
    this.current = { ...this.current, runs: [...this.current.runs, ...add].slice(-MAX_PROJECT_RUNS) };
  }

  private async recoveryOffer(): Promise<Recovery | null> {
    try {
      const p = await readProjectFile(this.recoveryFile());
      return p ? { savedAt: p.savedAt, name: p.name, runs: p.runs.length } : null;
    } catch {
      return null;
    }
  }

  /** Writes the current project to the autosave (writes are queued, each complete). */
  private persist(): Promise<void> {
    const project = this.current!;
    const p = this.writing.then(() => writeProjectFile(this.autosaveFile(), project));
    this.writing = p.catch(() => undefined);
    return p;
  }

  /** Keeps a project that is being replaced in the projects folder. */
  private async archive(p: Project): Promise<void> {
    if (hasContent(p)) await writeProjectFile(path.join(this.dir, `${p.id}.seqlab.json`), p).catch(() => undefined);
  }

  async project(): Promise<Project> {
    await this.ensure();
    return this.current!;
  }

  async load(): Promise<{ project: Project; recovery: Recovery | null; problem: AppErrorData | null }> {
    await this.ensure();
    const problem = this.problem;
    this.problem = null;
    return { project: this.current!, recovery: await this.recoveryOffer(), problem };
  }

  async saveBuilder(builder: BuilderState, model: ModelSpec | null): Promise<string> {
    await this.ensure();
    const savedAt = new Date().toISOString();
    this.current = { ...this.current!, builder, model, savedAt };
    await this.persist();
    return savedAt;
  }

  async rename(name: string): Promise<Project> {
    await this.ensure();
    this.current = { ...this.current!, name, savedAt: new Date().toISOString() };
    await this.persist();
    return this.current;
  }

  async create(name = ''): Promise<Project> {
    await this.ensure();
    await this.archive(this.current!);
    this.current = emptyProject(newProjectId(), name, new Date().toISOString());
    await this.persist();
    return this.current;
  }

  /** Makes a project read from a file the current one (the old current one is archived). */
  async replace(p: Project): Promise<Project> {
    await this.ensure();
    if (this.current!.id !== p.id) await this.archive(this.current!);
    this.current = p;
    await this.persist();
    return p;
  }

  /**
   * Earlier projects kept in the projects folder, newest first: the start page's recent list.
   * Only `<id>.seqlab.json` files are candidates (not the autosave, the recovery offer or an
   * unreadable copy); the newest files by time are read and an unreadable one is left out.
   */
  async recent(limit = MAX_RECENT_PROJECTS): Promise<RecentProject[]> {
    await this.ensure();
    const names = (await fs.readdir(this.dir).catch(() => [] as string[])).filter((n) => ARCHIVED.test(n) && n.slice(0, -SUFFIX.length) !== this.current!.id);
    const stamped = await Promise.all(names.map(async (n) => ({ n, t: (await fs.stat(path.join(this.dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
    stamped.sort((a, b) => b.t - a.t);
    const out: RecentProject[] = [];
    for (const { n } of stamped.slice(0, limit * 2)) {
      const p = await readProjectFile(path.join(this.dir, n)).catch(() => null);
      if (p && p.id === n.slice(0, -SUFFIX.length)) out.push({ id: p.id, name: p.name, savedAt: p.savedAt, runs: p.runs.length });
      if (out.length === limit) break;
    }
    return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /** Makes a kept project current; the current one is kept in its place. */
  async switchTo(id: string): Promise<Project> {
    await this.ensure();
    if (!ARCHIVED.test(`${id}${SUFFIX}`)) throw new AppError('E_PROJECT_MISSING', { id });
    if (id === this.current!.id) return this.current!;
    const p = await readProjectFile(path.join(this.dir, `${id}${SUFFIX}`));
    if (!p) throw new AppError('E_PROJECT_MISSING', { id });
    return this.replace(p);
  }

  async recover(restore: boolean): Promise<Project> {
    await this.ensure();
    const file = this.recoveryFile();
    const offered = await readProjectFile(file).catch(() => null);
    if (offered) {
      if (restore) {
        await this.replace(offered);
      } else {
        await this.archive(offered);
      }
    }
    await fs.rm(file, { force: true }).catch(() => undefined);
    return this.current!;
  }

  /** The project's runs, as the run store did: newest first. */
  readonly runs = {
    list: async (): Promise<RunRecord[]> => {
      await this.ensure();
      return [...this.current!.runs].reverse();
    },
    save: async (record: RunRecord): Promise<void> => {
      await this.ensure();
      const runs = [...this.current!.runs.filter((r) => r.id !== record.id), record].slice(-MAX_PROJECT_RUNS);
      this.current = { ...this.current!, runs };
      await this.persist();
    },
    delete: async (id: string): Promise<boolean> => {
      await this.ensure();
      const runs = this.current!.runs.filter((r) => r.id !== id);
      if (runs.length === this.current!.runs.length) return false;
      this.current = { ...this.current!, runs };
      await this.persist();
      return true;
    },
  };

  /** Waits for queued autosaves (tests, and before the app quits). */
  flush(): Promise<void> {
    return this.writing;
  }
}
