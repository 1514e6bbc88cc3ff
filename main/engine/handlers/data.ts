/**
 * The Data page's channels (`data.*`), answered by the data service (data/service.ts):
 * builtin list, safe file import in chunks, description, downsampled series and windowing
 * figures.
 */
import type { Channel, Req, Res } from '../../../shared/ipc/contract';
import { BUILTINS } from '../data/builtin';
import { JENA_FULL_ROWS } from '../data/jena';
import { DataService, type DataEmit } from '../data/service';
import type { UploadPools } from '../platform/uploads';

type DataChannel = Extract<Channel, `data.${string}`>;
export type DataHandlers = { [C in DataChannel]: (req: Req<C>) => Promise<Res<C>> };

/** The channel handlers, for the Engine's table (the service is made on first use). */
export function dataHandlers(ctx: () => { dataDir: string; emit: DataEmit; uploads: UploadPools }): DataHandlers {
  let svc: DataService | null = null;
  const s = (): DataService => {
    if (!svc) {
      const c = ctx();
      svc = new DataService(c.dataDir, c.emit, c.uploads.pool('data'));
    }
    return svc;
  };
  return {
    'data.builtins': async () => ({ builtins: BUILTINS.map((b) => ({ id: b.id, kind: b.kind, options: { ...b.options } })), jenaFullRows: JENA_FULL_ROWS }),
    'data.imports': async () => ({ files: await s().imports() }),
    'data.uploadBegin': async ({ name, size }) => s().uploadBegin(name, size),
    'data.uploadChunk': async ({ uploadId, seq, dataBase64 }) => s().uploadChunk(uploadId, seq, dataBase64),
    'data.uploadEnd': async ({ uploadId, missing }) => s().uploadEnd(uploadId, missing),
    'data.describe': async ({ dataset }) => s().describe(dataset),
    'data.series': async (req) => s().series(req),
    'data.windowInfo': async ({ dataset, windowing }) => s().windowInfo(dataset, windowing),
  };
}
