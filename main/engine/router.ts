/**
 * The receiving side of the contract, shared by both transports: validate the request
 * (the renderer is untrusted), answer app-level channels locally, forward the rest to
 * the engine host, and wrap everything in an Envelope. Never throws.
 */
import { toErrorData } from '../../shared/errors';
import { channels, MAX_REQUEST_BYTES, type AppInfo, type Envelope } from '../../shared/ipc/contract';
import { validateRequest } from '../../shared/ipc/validate';
import { AppError } from '../../shared/errors';
import type { EngineHost } from './host';

export interface RouterContext {
  host: EngineHost;
  appInfo: () => AppInfo;
}

export function createRouter(ctx: RouterContext) {
  return async function route(channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
    try {
      const size = JSON.stringify(payload ?? null)?.length ?? 0;
      if (size > MAX_REQUEST_BYTES) throw new AppError('E_VALIDATION', { path: '', issue: 'too_big' });
      const v = validateRequest(channel, payload);
      let result: unknown;
      if (v.channel === 'app.info') result = ctx.appInfo();
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
