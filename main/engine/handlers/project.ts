/**
 * Handlers of the project and model-import channels (shared/ipc/project.ts), spread into
 * the engine's table (engine.ts). Plain Node, inside the engine.
 *
 * - project.*: the current project (ProjectService, project.ts): load, autosave of the
 *   builder, new, rename, open a file sent in chunks, the file's text for a download, and
 *   the choice after a crash. The desktop dialogs (project.openDialog / saveDialog) are
 *   answered by the Electron main process; here they are refused.
 * - model.import*: the files of a trained model (model.json + shards, or a Keras .h5) sent
 *   in chunks, handed to ModelImports (export/model-imports.ts), which keeps them so a run
 *   can start from their weights.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AppChannel, Channel, Req, Res } from '../../../shared/ipc/contract';
import { projectFileName } from '../../../shared/project';
import type { ModelImports } from '../export/model-imports';
import { parseProjectText, projectText, type ProjectService } from '../projects/project';
import { ChunkedUploads } from '../platform/uploads';

/** The desktop dialogs (project.openDialog / saveDialog) are app channels: the router answers them. */
type ProjectChannel = Exclude<Extract<Channel, `project.${string}` | `model.${string}`>, AppChannel>;
export type ProjectHandlers = { [C in ProjectChannel]: (req: Req<C>) => Promise<Res<C>> };

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
