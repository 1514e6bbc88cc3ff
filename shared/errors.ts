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
  // Model files (main/engine/model/formats): a damaged or hostile file (`what`: zip_truncated,
  // zip_entry_name, zip_too_large, zip_corrupt, zip_missing, config_json, h5_truncated,
  // weight_missing, weight_shape, weight_dtype), a model over the bounds
  // (`what`: params, param), a layer class SeqLab lacks, a form Keras 3 reads differently.
  'E_MODEL_FILE',
  'E_MODEL_TOO_LARGE',
  'E_MODEL_UNSUPPORTED',
  'E_MODEL_KERAS3',
  // Data import (main/engine/data/csv.ts). Params name the 1-based `line` and, where one
  // is at fault, the `column` (name) and `columnNumber` (1-based).
  'E_CSV_EMPTY',
  'E_CSV_HEADER_ONLY',
  'E_CSV_NO_NUMERIC_COLUMN',
  'E_CSV_RAGGED',
  'E_CSV_BAD_VALUE',
  'E_CSV_NO_VALID_ROWS',
  'E_CSV_READ',
  'E_CSV_LINE_TOO_LONG',
  'E_CSV_TOO_MANY_COLUMNS',
  // Project files.
  'E_PROJECT_CORRUPT',
  'E_PROJECT_NEWER',
  'E_PROJECT_MISSING',
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

/**
 * An unexpected error as E_INTERNAL. The runtime's own text (a V8 message, a stack, a path)
 * never crosses the contract: it goes to the log under a short reference, and the answer
 * carries only that reference, so the user can match a report to the log.
 */
export function internalError(e: unknown, where = ''): AppError {
  const ref = Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  console.error(`[SeqLab E_INTERNAL #${ref}]${where ? ` ${where}:` : ''} ${text}`);
  return new AppError('E_INTERNAL', { detail: `#${ref}` });
}

/** Turns anything thrown into error data that can cross the contract. */
export function toErrorData(e: unknown): AppErrorData {
  if (e instanceof AppError) return e.toData();
  if (isAppErrorData(e)) return { code: e.code, params: e.params ?? {} };
  return internalError(e).toData();
}
