/**
 * A run's per-epoch history as CSV (one row per epoch, for spreadsheets) and JSON (the run's
 * record: experiment, backend, result with history).
 *
 *   historyCsv(done) -> string   epoch,loss,val_loss,val_loss_physical,val_accuracy,seconds
 *   historyJson(record) -> string
 */
import type { RunRecord } from '../../../shared/runs';
import type { TrainDone } from '../../../shared/training';

export const HISTORY_COLUMNS = ['epoch', 'loss', 'val_loss', 'val_loss_physical', 'val_accuracy', 'seconds'] as const;

const cell = (v: number | null | undefined): string => (v == null || !Number.isFinite(v) ? '' : String(v));

/** CSV with a header line; empty cells where a figure does not apply (e.g. accuracy for regression). */
export function historyCsv(done: Pick<TrainDone, 'history'>): string {
  const lines: string[] = [HISTORY_COLUMNS.join(',')];
  for (const h of done.history) {
    lines.push([h.epoch, h.loss, h.valLoss, h.valLossPhysical, h.valAccuracy, h.seconds].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The run as JSON: id, date, experiment, backend, parameters and the whole result (history included). */
export function historyJson(record: RunRecord): string {
  return `${JSON.stringify({ format: 'seqlab-run', version: 1, ...record }, null, 2)}\n`;
}
