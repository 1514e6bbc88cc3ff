/**
 * The receiving side of the contract, shared by both transports: validate the request
 * (the renderer is untrusted), answer app-level channels locally, forward the rest to
 * the engine host, and wrap everything in an Envelope. Never throws.
 */
import { randomBytes } from 'node:crypto';
import { internalError, toErrorData } from '../../shared/errors';
import { channels, MAX_REQUEST_BYTES, type AppInfo, type Envelope, type Req, type Res } from '../../shared/ipc/contract';
import { validateRequest } from '../../shared/ipc/validate';
import { PROJECT_CHUNK_BYTES } from '../../shared/ipc/project';
import { AppError } from '../../shared/errors';
import type { EngineHost } from './host';
import type { TrustedExtras } from './protocol';

export interface RouterContext {
  host: EngineHost;
  appInfo: () => AppInfo;
  /** Desktop: shows the native folder picker; the chosen path, or null when cancelled. */
  pickFolder?: () => Promise<string | null>;
  /** Desktop: prints a report page (self-contained HTML) to PDF. */
  printPdf?: (html: string) => Promise<Uint8Array>;
  /** Browser mode: makes a finished export's listed files downloadable; returns their address prefix. */
  publishExport?: (folder: string, files: string[]) => string | undefined;
  /** Desktop: the native open dialog for a project file, read here; null when cancelled. */
  openProjectFile?: () => Promise<{ name: string; bytes: Uint8Array } | null>;
  /** Desktop: the native save dialog; writes the project's text, returns the file's name or null. */
  saveProjectFile?: (suggestedName: string, text: string) => Promise<string | null>;
}

/** Folder grants: opaque ids for folders the user picked; the paths never leave the main process. */
const MAX_GRANTS = 32;

export function createRouter(ctx: RouterContext) {
  const grants = new Map<string, string>();
  const grant = (dir: string | null): string | null => {
    if (!dir) return null;
    const id = randomBytes(18).toString('base64url');
    grants.set(id, dir);
    if (grants.size > MAX_GRANTS) grants.delete(grants.keys().next().value!);
    return id;
  };

  async function exportRun(req: Req<'runs.export'>): Promise<Res<'runs.export'>> {
    const trusted: TrustedExtras = {};
    const dest = req.destination;
    if (dest && dest !== 'downloads') {
      const dir = grants.get(dest.grant);
      if (!dir) throw new AppError('E_NOT_FOUND', { what: 'folder', id: 'grant' });
      trusted.exportDir = dir;
    }
    if (req.what?.report && ctx.printPdf) {
      const { html } = (await ctx.host.request('runs.report', { runId: req.runId, ...(req.lang ? { lang: req.lang } : {}) })) as Res<'runs.report'>;
      try {
        trusted.reportPdf = await ctx.printPdf(html);
      } catch (e) {
        throw internalError(e, 'pdf');
      }
    }
    const res = (await ctx.host.request('runs.export', req, trusted)) as Res<'runs.export'>;
    const download = !trusted.exportDir && ctx.publishExport ? ctx.publishExport(res.folder, res.files) : undefined;
    return download ? { ...res, download } : res;
  }

  /** Desktop "Open project file…": the bytes go to the engine in chunks, as from the browser. */
  async function openProject(): Promise<Res<'project.openDialog'>> {
    if (!ctx.openProjectFile) throw new AppError('E_UNKNOWN_CHANNEL', { channel: 'project.openDialog' });
    const file = await ctx.openProjectFile();
    if (!file) return { project: null };
    const { uploadId } = (await ctx.host.request('project.openBegin', { name: file.name, size: file.bytes.length })) as Res<'project.openBegin'>;
    for (let off = 0, seq = 0; off < file.bytes.length; off += PROJECT_CHUNK_BYTES, seq++) {
      const dataBase64 = Buffer.from(file.bytes.subarray(off, off + PROJECT_CHUNK_BYTES)).toString('base64');
      await ctx.host.request('project.openChunk', { uploadId, seq, dataBase64 });
    }
    return (await ctx.host.request('project.openEnd', { uploadId })) as Res<'project.openEnd'>;
  }

  async function saveProject(): Promise<Res<'project.saveDialog'>> {
    if (!ctx.saveProjectFile) throw new AppError('E_UNKNOWN_CHANNEL', { channel: 'project.saveDialog' });
    const { fileName, text } = (await ctx.host.request('project.export', {})) as Res<'project.export'>;
    return { fileName: await ctx.saveProjectFile(fileName, text) };
  }

  return async function route(channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
    try {
      let size: number;
      try {
        size = JSON.stringify(payload ?? null)?.length ?? 0;
      } catch {
        // BigInt, cycles or absurd nesting (Electron's structured clone carries all three): refused as input, not an internal error.
        throw new AppError('E_VALIDATION', { path: '', issue: 'not_serialisable' });
      }
      if (size > MAX_REQUEST_BYTES) throw new AppError('E_VALIDATION', { path: '', issue: 'too_big' });
      const v = validateRequest(channel, payload);
      let result: unknown;
      if (v.channel === 'app.info') result = ctx.appInfo();
      else if (v.channel === 'export.pickFolder') result = { grant: ctx.pickFolder ? grant(await ctx.pickFolder()) : null };
      else if (v.channel === 'runs.export') result = await exportRun(v.payload as Req<'runs.export'>);
      else if (v.channel === 'project.openDialog') result = await openProject();
      else if (v.channel === 'project.saveDialog') result = await saveProject();
      else result = await ctx.host.request(v.channel, v.payload);
      // Responses are checked too: a contract drift shows up in tests, not in the UI.
      const checked = channels[v.channel].response.safeParse(result);
      if (!checked.success) throw new AppError('E_INTERNAL', { detail: `response of ${v.channel} broke the contract` });
      return { ok: true, result: checked.data };
    } catch (e) {
      const err = toErrorData(e);
      return { ok: false, error: { code: err.code, params: err.params ?? {} } };
    }
  };
}
