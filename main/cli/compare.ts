/**
 * `seqlab compare [--size smallest|lecture|book] [--lang fa|en] [--out table.csv|table.md] [--backend NAME]`:
 * the book's comparison (issue #17.2) through the engine's own compare job, in-process, with
 * a row printed as each finishes and the whole table (with its conclusions) at the end.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMPARE_SIZE_NAMES, type CompareModelId, type CompareSizeName } from '../../shared/compare';
import { compareConclusions } from '../../shared/compare-conclusions';
import type { CompareDone, CompareRow } from '../../shared/ipc/compare';
import { BACKEND_NAMES, LANGUAGES, type BackendName, type Language } from '../../shared/ipc/contract';
import { formatNum } from '../../shared/views/format';
import { Engine } from '../engine/engine';
import { writeFileAtomic } from '../engine/platform/files';

/** The table's words (the window's are in its locale files; these are the command line's). */
const WORDS: Record<Language, { head: string[]; baseline: string; dash: string; models: Record<CompareModelId, string> }> = {
  en: {
    head: ['model', 'val MAE', 'val MAE degC', 'test MAE', 'test MAE degC', 'params', 's/epoch', 'recurrent steps', 'run', 'conclusion'],
    baseline: 'naive baseline (last temperature)',
    dash: '-',
    models: { gru: 'GRU', 'conv1d-6.47': 'Conv1D alone (6.47)', 'conv1d-gru-6.49': 'Conv1D + GRU (6.49)', 'bidirectional-gru': 'Bidirectional GRU', 'stacked-gru': 'Stacked GRUs' },
  },
  fa: {
    head: ['مدل', 'MAE اعتبارسنجی', 'MAE اعتبارسنجی (°C)', 'MAE آزمون', 'MAE آزمون (°C)', 'پارامترها', 'ثانیه/دوره', 'گام‌های لایهٔ بازگشتی', 'اجرا', 'نتیجه'],
    baseline: 'خط پایهٔ ساده (آخرین دما)',
    dash: '–',
    models: { gru: 'GRU', 'conv1d-6.47': 'کانولوشن تنها (۶٫۴۷)', 'conv1d-gru-6.49': 'کانولوشن + GRU (۶٫۴۹)', 'bidirectional-gru': 'GRU دوسویه', 'stacked-gru': 'GRUهای روی هم' },
  },
};

/** The table as rows of cells (header first): what is printed and written. */
export function compareCells(done: Pick<CompareDone, 'baseline' | 'rows'>, lang: Language): string[][] {
  const w = WORDS[lang];
  const v = (x: number | null | undefined, digits = 3): string => (x == null ? w.dash : formatNum(x, lang, digits, digits));
  const conclusions = compareConclusions(done);
  const out: string[][] = [w.head];
  const b = done.baseline;
  if (b) out.push([w.baseline, v(b.valMae), v(b.valMaeC, 2), v(b.testMae), v(b.testMaeC, 2), formatNum(0, lang), w.dash, w.dash, w.dash, '']);
  for (const r of done.rows) out.push(rowCells(r, lang, conclusions.filter((c) => c.model === r.model).map((c) => `${c.text[lang]} [${c.evidence[lang]}]`)));
  return out;

  function rowCells(r: CompareRow, l: Language, said: string[]): string[] {
    const name = `${w.models[r.model]}${r.status === 'completed' ? '' : ` [${r.status}${r.error ? ` ${r.error.code}` : ''}]`}`;
    return [name, v(r.valMae), v(r.valMaeC, 2), v(r.testMae), v(r.testMaeC, 2), r.params === null ? w.dash : formatNum(r.params, l), v(r.secondsPerEpoch, 1), r.recurrentSteps === null ? w.dash : formatNum(r.recurrentSteps, l), r.runRecordId ?? w.dash, said.join(' ')];
  }
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export const toCsv = (cells: string[][]): string => cells.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
export const toMarkdown = (cells: string[][]): string =>
  [cells[0]!, cells[0]!.map(() => '---'), ...cells.slice(1)].map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n') + '\n';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function compareCommand(args: string[]): Promise<number> {
  const size = (option(args, '--size') ?? 'lecture') as CompareSizeName;
  const lang = (option(args, '--lang') ?? 'en') as Language;
  const backend = option(args, '--backend') as BackendName | undefined;
  const out = option(args, '--out');
  if (!COMPARE_SIZE_NAMES.includes(size)) return fail(`unknown size "${size}"; choose one of ${COMPARE_SIZE_NAMES.join(', ')}`);
  if (!LANGUAGES.includes(lang)) return fail(`unknown language "${lang}"; choose fa or en`);
  if (backend !== undefined && !BACKEND_NAMES.includes(backend)) return fail(`unknown backend "${backend}"; choose one of ${BACKEND_NAMES.join(', ')}`);
  if (out && !/\.(csv|md)$/i.test(out)) return fail('--out must name a .csv or .md file');

  // The rows are runs of a project; the command line's project lives in a folder of its own.
  const dataDir = option(args, '--data-dir') ?? (await fs.mkdtemp(path.join(tmpdir(), 'seqlab-compare-')));
  let finish!: (d: CompareDone) => void;
  const ended = new Promise<CompareDone>((r) => (finish = r));
  const tty = process.stderr.isTTY;
  const engine = new Engine({ dataDir, ...(backend ? { backend: { prefer: backend } } : {}) }, (name, payload) => {
    const p = payload as { kind?: string };
    if (p.kind !== 'compare') return;
    if (name === 'job.progress') {
      const { progress: g } = payload as { progress: { row: string; rowIndex: number; rows: number; phase: string; epoch: number; epochs: number; batch: number; batches: number; loss: number } };
      const line = `[${g.rowIndex + 1}/${g.rows}] ${g.row} ${g.phase} epoch ${g.epoch}/${g.epochs} batch ${g.batch}/${g.batches} loss ${g.loss.toFixed(4)}`;
      if (tty) process.stderr.write(`\r${line}    `);
    } else if (name === 'job.result') {
      const { result } = payload as { result: { part: string; row?: CompareRow } };
      if (tty) process.stderr.write('\n');
      if (result.row) console.error(`${result.row.model}: ${result.row.status}, val MAE ${result.row.valMae?.toFixed(4) ?? '-'}, ${result.row.secondsPerEpoch?.toFixed(1) ?? '-'} s/epoch`);
      else console.error('naive baseline measured');
    } else if (name === 'job.done' || name === 'job.stopped' || name === 'job.failed') {
      const d = (payload as { done?: CompareDone }).done;
      finish(d ?? { runId: '', status: 'failed', size, baseline: null, rows: [], wallSeconds: 0, error: (payload as { error: { code: string } }).error });
    }
  });
  const { runId } = (await engine.handle('compare.start', { size })) as { runId: string };
  process.once('SIGINT', () => {
    console.error('\nStopping after this batch...');
    void engine.handle('train.stop', { runId });
  });
  const done = await ended;
  await engine.projects.flush();
  const cells = compareCells(done, lang);
  console.log(toMarkdown(cells));
  console.log(`${done.status}; ${done.wallSeconds.toFixed(1)} s; size ${size}; project with the rows' runs: ${dataDir}`);
  if (out) {
    await writeFileAtomic(out, /\.csv$/i.test(out) ? toCsv(cells) : toMarkdown(cells));
    console.log(`table written to ${out}`);
  }
  return done.status === 'failed' ? 1 : 0;
}

function fail(message: string): number {
  console.error(message);
  return 2;
}
