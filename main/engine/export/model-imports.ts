/**
 * Trained models the user imported (model.json + shards, a Keras .h5 or .keras, or a Keras 3
 * config.json), by engine-made id:
 * opened with importModel, kept under `<dataDir>/models/<importId>/` and the newest few in
 * memory, so a run can start from their weights (jobs/train.ts).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import { ModelSpecSchema } from '../../../shared/experiment';
import type { ImportedModelInfo } from '../../../shared/ipc/project';
import type { tf } from '../platform/backend';
import type { UploadedFile } from '../platform/uploads';
import { MODEL_JSON, saveTfjsModel } from '../model/formats/tfjs';
import { importModel, type ImportFormat } from './index';

/** Imported models kept in memory at once (older ones are reloaded from disk when needed). */
const KEEP_IN_MEMORY = 3;

interface ImportMeta {
  importId: string;
  name: string;
  format: ImportFormat;
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
      // a Keras 3 .keras archive (zip)
      if (sig.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) main = f;
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
    if (imported.format === 'keras3-config') {
      // a config.json has no weights: the fresh ones are kept, so a reload gives the same model
      await saveTfjsModel(imported.model, dest);
      meta.main = MODEL_JSON;
    }
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
