/**
 * Handlers of the project and model-import channels (shared/ipc/project.ts), spread into
 * the engine's table (engine.ts). Plain Node, inside the engine.
 *
 * - project.*: the current project (ProjectService, project.ts): load, autosave of the
 *   builder, new, rename, open a file sent in chunks, the file's text for a download, and
 *   the choice after a crash. The desktop dialogs (project.openDialog / saveDialog) are
 *   answered by the Electron main process; here they are refused.
 * - model.import*: the files of a trained model (model.json + shards, or a Keras .h5) sent
 *   in chunks, loaded with importModel; the model is kept (in memory and under
 *   `<dataDir>/models/<importId>/`) so a run can start from its weights.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import { ModelSpecSchema } from '../../../shared/experiment';
import type { AppChannel, Channel, Req, Res } from '../../../shared/ipc/contract';
import type { ImportedModelInfo } from '../../../shared/ipc/project';
import { projectFileName } from '../../../shared/project';
import type { tf } from '../platform/backend';
import { importModel } from '../export';
import { parseProjectText, projectText, type ProjectService } from '../projects/project';
import { ChunkedUploads, type UploadedFile } from '../platform/uploads';

/** The desktop dialogs (project.openDialog / saveDialog) are app channels: the router answers them. */
type ProjectChannel = Exclude<Extract<Channel, `project.${string}` | `model.${string}`>, AppChannel>;
export type ProjectHandlers = { [C in ProjectChannel]: (req: Req<C>) => Promise<Res<C>> };

/** Imported models kept in memory at once (older ones are reloaded from disk when needed). */
const KEEP_IN_MEMORY = 3;

interface ImportMeta {
  importId: string;
  name: string;
  format: 'tfjs' | 'keras-h5';
  /** The file importModel opens, inside the import's folder. */
  main: string;
}

/** Trained models imported by the user, by engine-made id. */
export class ModelImports {
  private readonly loaded = new Map<string, Promise<{ model: tf.LayersModel; meta: ImportMeta }>>();

  constructor(private readonly dataDir: string) {}

  private dir(importId: string): string {
    if (!/^[a-z0-9-]{1,64}$/.test(importId)) throw new AppError('E_VALIDATION', { path: 'importId', issue: 'bad_id' });
    return path.join(this.dataDir, 'models', importId);
  }

  private remember(importId: string, p: Promise<{ model: tf.LayersModel; meta: ImportMeta }>): void {
    this.loaded.set(importId, p);
    p.catch(() => this.loaded.delete(importId));
    while (this.loaded.size > KEEP_IN_MEMORY) {
      const [oldest, q] = this.loaded.entries().next().value!;
      this.loaded.delete(oldest);
      void q.then((m) => m.model.dispose(), () => undefined);
    }
  }

  /** Loads an upload's files as a model and keeps them. The upload folder is moved, or removed on failure. */
  async add(uploadDir: string, files: UploadedFile[]): Promise<ImportedModelInfo> {
    // A Keras HDF5 file (by signature, whatever its name) or a model.json with its shards.
    let main: UploadedFile | undefined;
    for (const f of files) {
      const h = await fs.open(f.path, 'r');
      const sig = Buffer.alloc(8);
      await h.read(sig, 0, 8, 0);
      await h.close();
      if (sig.equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))) main = f;
    }
    main ??= files.find((f) => f.name.toLowerCase().endsWith('.json'));
    if (!main) throw new AppError('E_MODEL_INVALID', { detail: 'model.json or .h5' });
    const imported = await importModel(main.path);
    const topology = ModelSpecSchema.safeParse(imported.topology);
    if (!topology.success) {
      imported.model.dispose();
      throw new AppError('E_MODEL_INVALID', { detail: 'topology' });
    }
    const importId = `m-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
    const meta: ImportMeta = { importId, name: main.name, format: imported.format, main: main.name };
    const dest = this.dir(importId);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rename(uploadDir, dest);
    await fs.writeFile(path.join(dest, 'import.json'), JSON.stringify(meta));
    this.remember(importId, Promise.resolve({ model: imported.model, meta }));
    return { importId, name: meta.name, format: meta.format, topology: topology.data, params: imported.model.countParams() };
  }

  /** The imported model (reloaded from its files if it left memory). E_NOT_FOUND for an unknown id. */
  async get(importId: string): Promise<tf.LayersModel> {
    let p = this.loaded.get(importId);
    if (!p) {
      const dir = this.dir(importId);
      p = (async () => {
        let meta: ImportMeta;
        try {
          meta = JSON.parse(await fs.readFile(path.join(dir, 'import.json'), 'utf8')) as ImportMeta;
        } catch {
          throw new AppError('E_NOT_FOUND', { what: 'model', id: importId });
        }
        const { model } = await importModel(path.join(dir, path.basename(meta.main)));
        return { model, meta };
      })();
      this.remember(importId, p);
    }
    return (await p).model;
  }
}

/** The weights of `source` when `target` has exactly the same weight shapes (in order), else null. */
export function matchingWeights(target: tf.LayersModel, source: tf.LayersModel): tf.Tensor[] | null {
  const a = target.weights.map((w) => w.shape.join('x'));
  const b = source.weights.map((w) => w.shape.join('x'));
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) return null;
  return source.getWeights();
}

export interface ProjectHandlerContext {
  dataDir: string;
  projects: ProjectService;
  imports: ModelImports;
}

/** The channel handlers, for the Engine's table (the context is read on first use). */
export function projectHandlers(context: () => ProjectHandlerContext): ProjectHandlers {
  let made: (ProjectHandlerContext & { uploads: ChunkedUploads }) | null = null;
  const ctx = (): ProjectHandlerContext & { uploads: ChunkedUploads } => {
    if (!made) {
      const c = context();
      made = { ...c, uploads: new ChunkedUploads(path.join(c.dataDir, 'uploads')) };
    }
    return made;
  };
  const projects = {
    load: () => ctx().projects.load(),
    saveBuilder: (...a: Parameters<ProjectService['saveBuilder']>) => ctx().projects.saveBuilder(...a),
    create: (name: string) => ctx().projects.create(name),
    rename: (name: string) => ctx().projects.rename(name),
    replace: (...a: Parameters<ProjectService['replace']>) => ctx().projects.replace(...a),
    project: () => ctx().projects.project(),
    recover: (restore: boolean) => ctx().projects.recover(restore),
  };
  const uploads = {
    begin: (files: { name: string; size: number }[]) => ctx().uploads.begin(files),
    chunk: (id: string, file: number, seq: number, data: string) => ctx().uploads.chunk(id, file, seq, data),
    end: (id: string) => ctx().uploads.end(id),
    discard: (id: string) => ctx().uploads.discard(id),
  };
  return {
    'project.load': async () => {
      const { project, recovery, problem } = await projects.load();
      return { project, recovery, ...(problem ? { problem } : {}) };
    },
    'project.save': async ({ builder, model }) => ({ savedAt: await projects.saveBuilder(builder, model) }),
    'project.new': async ({ name }) => ({ project: await projects.create(name ?? '') }),
    'project.rename': async ({ name }) => ({ project: await projects.rename(name) }),
    'project.openBegin': async ({ name, size }) => ({ uploadId: await uploads.begin([{ name, size }]) }),
    'project.openChunk': async ({ uploadId, seq, dataBase64 }) => ({ received: await uploads.chunk(uploadId, 0, seq, dataBase64) }),
    'project.openEnd': async ({ uploadId }) => {
      try {
        const { files } = await uploads.end(uploadId);
        const text = await fs.readFile(files[0]!.path, 'utf8');
        return { project: await projects.replace(parseProjectText(text)) };
      } finally {
        await uploads.discard(uploadId);
      }
    },
    'project.export': async () => {
      const p = await projects.project();
      return { fileName: projectFileName(p.name), text: projectText(p) };
    },
    'project.recover': async ({ restore }) => ({ project: await projects.recover(restore) }),
    'model.importBegin': async ({ files }) => ({ uploadId: await uploads.begin(files) }),
    'model.importChunk': async ({ uploadId, file, seq, dataBase64 }) => ({ received: await uploads.chunk(uploadId, file, seq, dataBase64) }),
    'model.importEnd': async ({ uploadId }) => {
      try {
        const { dir, files } = await uploads.end(uploadId);
        return await ctx().imports.add(dir, files);
      } finally {
        await uploads.discard(uploadId);
      }
    },
  };
}
