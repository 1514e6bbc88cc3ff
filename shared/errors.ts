/**
 * Errors cross the contract as a code plus parameters. The renderer translates the
 * code (i18n key `errors.<code>`); the engine never builds a sentence for a person.
 */
export const ERROR_CODES = [
  'E_VALIDATION',
  'E_UNKNOWN_CHANNEL',
  'E_ENGINE_CRASHED',
  'E_ENGINE_BUSY',
  'E_NOT_FOUND',
  'E_MODEL_INVALID',
  'E_TRAIN_DIVERGED',
  'E_BACKEND_KERNEL_MISSING',
  'E_INTERNAL',
  // Data import (main/engine/data/csv.ts). Params name the 1-based `line` and, where one
  // is at fault, the `column` (name) and `columnNumber` (1-based).
  'E_CSV_EMPTY',
  'E_CSV_HEADER_ONLY',
  'E_CSV_NO_NUMERIC_COLUMN',
  'E_CSV_RAGGED',
  'E_CSV_BAD_VALUE',
  'E_CSV_NO_VALID_ROWS',
  'E_CSV_READ',
  // Project files.
  'E_PROJECT_CORRUPT',
  'E_PROJECT_NEWER',
  'E_DISK',
  // Training safety (main/engine/model/memory.ts, main/engine/training/checkpoints.ts): a run that cannot fit
  // in memory is refused with needMiB/haveMiB/batch/suggestedBatch; a run cut off by a crash
  // or power loss keeps its history (epochs) and can resume from its checkpoint.
  'E_MEMORY',
  'E_RUN_INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorData {
  code: ErrorCode;
  /** Values the translated message interpolates (all plain data). */
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: Record<string, string | number>;
  constructor(code: ErrorCode, params: Record<string, string | number> = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.code = code;
    this.params = params;
  }
  toData(): AppErrorData {
    return { code: this.code, params: this.params };
  }
}

export function isAppErrorData(x: unknown): x is AppErrorData {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { code?: unknown }).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((x as { code: string }).code)
  );
}

/** Turns anything thrown into error data that can cross the contract. */
export function toErrorData(e: unknown): AppErrorData {
  if (e instanceof AppError) return e.toData();
  if (isAppErrorData(e)) return { code: e.code, params: e.params ?? {} };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'E_INTERNAL', params: { detail: message.slice(0, 500) } };
}
