import type { AppErrorData } from '../../shared/errors';
import type { EventName } from '../../shared/ipc/contract';

import type { TrustedExtras } from './handlers/runs';

export type { TrustedExtras };

/** Messages between the engine host and its worker thread. */
export type ToWorker =
  | { type: 'request'; id: number; channel: string; payload: unknown; trusted?: TrustedExtras }
  | { type: 'crash' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: AppErrorData }
  | { type: 'event'; name: EventName; payload: unknown };
