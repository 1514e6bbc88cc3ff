import type { AppErrorData } from '../../shared/errors';
import type { EventName } from '../../shared/ipc/contract';

/**
 * Values only the main process decides, sent beside a validated request (never part of what the
 * renderer sends): the folder a 'runs.export' writes into (resolved from a folder grant) and the
 * report printed to PDF by the desktop app.
 */
export interface TrustedExtras {
  exportDir?: string;
  reportPdf?: Uint8Array;
}

/** Messages between the engine host and its worker thread. */
export type ToWorker =
  | { type: 'request'; id: number; channel: string; payload: unknown; trusted?: TrustedExtras }
  | { type: 'crash' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: AppErrorData }
  | { type: 'event'; name: EventName; payload: unknown };
