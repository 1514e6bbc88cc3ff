/**
 * Handlers of the project and model-import channels (shared/ipc/project.ts), spread into
 * the engine's table (engine.ts). Plain Node, inside the engine.
 *
 * - project.*: the current project (ProjectService, project.ts): load, autosave of the
 *   builder, new, rename, open a file sent in chunks, the earlier projects kept in the data
 *   folder (recent, switch), the file's text for a download, and the choice after a crash. The desktop dialogs (project.openDialog / saveDialog) are
 *   answered by the Electron main process; here they are refused.
 * - model.import*: the files of a trained model (model.json + shards, or a Keras .h5) sent
 *   in chunks, handed to ModelImports (export/model-imports.ts), which keeps them so a run
 *   can start from their weights.
 */
import { promises as fs } from 'node:fs';
import type { AppChannel, Channel, Req, Res } from '../../../shared/ipc/contract';
import { projectFileName } from '../../../shared/project';
import type { ModelImports } from '../export/model-imports';
import { parseProjectText, projectText, type ProjectService } from '../projects/project';
import type { UploadPools } from '../platform/uploads';

/** The desktop dialogs (project.openDialog / saveDialog) are app channels: the router answers them. */
type ProjectChannel = Exclude<Extract<Channel, `project.${string}` | `model.${string}`>, AppChannel>;
export type ProjectHandlers = { [C in ProjectChannel]: (req: Req<C>) => Promise<Res<C>> };

export interface ProjectHandlerContext {
  dataDir: string;
  projects: ProjectService;
  imports: ModelImports;
  uploads: UploadPools;
}

/** The channel handlers, for the Engine's table (the context is read on first use). */
export function projectHandlers(context: () => ProjectHandlerContext): ProjectHandlers {
  let made: ProjectHandlerContext | null = null;
  const ctx = (): ProjectHandlerContext => (made ??= context());
  const projects = {
    load: () => ctx().projects.load(),
    saveBuilder: (...a: Parameters<ProjectService['saveBuilder']>) => ctx().projects.saveBuilder(...a),
    create: (name: string) => ctx().projects.create(name),
    rename: (name: string) => ctx().projects.rename(name),
    replace: (...a: Parameters<ProjectService['replace']>) => ctx().projects.replace(...a),
    project: () => ctx().projects.project(),
    recover: (restore: boolean) => ctx().projects.recover(restore),
    recent: () => ctx().projects.recent(),
    switchTo: (id: string) => ctx().projects.switchTo(id),
  };
  // Project files and model files: each kind its own pool (platform/uploads.ts).
  const uploads = (kind: 'project' | 'model') => ({
    begin: (files: { name: string; size: number }[]) => ctx().uploads.pool(kind).begin(files),
    chunk: async (id: string, file: number, seq: number, data: string) => (await ctx().uploads.pool(kind).chunk(id, file, seq, data)).received,
    end: (id: string) => ctx().uploads.pool(kind).end(id),
    discard: (id: string) => ctx().uploads.pool(kind).discard(id),
  });
  const projectUploads = uploads('project');
  const modelUploads = uploads('model');
  return {
    'project.load': async () => {
      const { project, recovery, problem } = await projects.load();
      return { project, recovery, ...(problem ? { problem } : {}) };
    },
    'project.save': async ({ builder, model }) => ({ savedAt: await projects.saveBuilder(builder, model) }),
    'project.new': async ({ name }) => ({ project: await projects.create(name ?? '') }),
    'project.rename': async ({ name }) => ({ project: await projects.rename(name) }),
    'project.openBegin': async ({ name, size }) => ({ uploadId: await projectUploads.begin([{ name, size }]) }),
    'project.openChunk': async ({ uploadId, seq, dataBase64 }) => ({ received: await projectUploads.chunk(uploadId, 0, seq, dataBase64) }),
    'project.openEnd': async ({ uploadId }) => {
      try {
        const { files } = await projectUploads.end(uploadId);
        const text = await fs.readFile(files[0]!.path, 'utf8');
        return { project: await projects.replace(parseProjectText(text)) };
      } finally {
        await projectUploads.discard(uploadId);
      }
    },
    'project.recent': async () => ({ projects: await projects.recent() }),
    'project.switch': async ({ id }) => ({ project: await projects.switchTo(id) }),
    'project.export': async () => {
      const p = await projects.project();
      return { fileName: projectFileName(p.name), text: projectText(p) };
    },
    'project.recover': async ({ restore }) => ({ project: await projects.recover(restore) }),
    'model.importBegin': async ({ files }) => ({ uploadId: await modelUploads.begin(files) }),
    'model.importChunk': async ({ uploadId, file, seq, dataBase64 }) => ({ received: await modelUploads.chunk(uploadId, file, seq, dataBase64) }),
    'model.importEnd': async ({ uploadId }) => {
      try {
        const { dir, files } = await modelUploads.end(uploadId);
        return await ctx().imports.add(dir, files);
      } finally {
        await modelUploads.discard(uploadId);
      }
    },
  };
}
