/**
 * `seqlab data ...`: dataset tools for lecturers and scripts.
 *   seqlab data generate-jena [--rows N] [--seed S] [--sensor-errors K] --out file.csv
 *       writes the SYNTHETIC Jena-format climate CSV (default one year, 52,560 rows;
 *       --rows 420551 for a full-size copy)
 *   seqlab data inspect file.csv [--missing drop-row|fill-previous|fail]
 *       columns, statistics and problems found (missing, malformed, sentinels, ragged rows)
 */
import { createWriteStream } from 'node:fs';
import { AppError } from '../../shared/errors';
import { parseCsvFile, type MissingPolicy } from '../engine/data/csv';
import { generateJena, JENA_DEFAULT_ROWS, JENA_DEFAULT_SEED, jenaCsvChunks } from '../engine/data/jena';

const DATA_USAGE = `Usage:
  seqlab data generate-jena [--rows N] [--seed S] [--sensor-errors K] --out file.csv
  seqlab data inspect file.csv [--missing drop-row|fill-previous|fail]
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function intOption(args: string[], name: string, fallback: number): number {
  const v = option(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a whole number, got "${v}"`);
  return n;
}

async function generate(args: string[]): Promise<number> {
  const out = option(args, '--out');
  if (!out) {
    console.error(DATA_USAGE);
    return 2;
  }
  const rows = intOption(args, '--rows', JENA_DEFAULT_ROWS);
  if (rows < 1) throw new Error('--rows must be at least 1');
  const started = performance.now();
  const data = generateJena({ rows, seed: intOption(args, '--seed', JENA_DEFAULT_SEED), sensorErrors: intOption(args, '--sensor-errors', 0) });
  const ws = createWriteStream(out);
  const failed = new Promise<never>((_, reject) => ws.once('error', reject));
  for (const chunk of jenaCsvChunks(data)) {
    if (!ws.write(chunk)) await Promise.race([new Promise<void>((r) => ws.once('drain', () => r())), failed]);
  }
  await Promise.race([new Promise<void>((r) => ws.end(() => r())), failed]);
  console.log(`wrote ${rows} rows of synthetic Jena-format data to ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

const fmt = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e5 ? v.toExponential(3) : v.toFixed(3)) : String(v));

async function inspect(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1]!.startsWith('--')));
  if (!file) {
    console.error(DATA_USAGE);
    return 2;
  }
  const missing = (option(args, '--missing') ?? 'fill-previous') as MissingPolicy;
  if (!['drop-row', 'fill-previous', 'fail'].includes(missing)) throw new Error(`unknown --missing "${missing}"`);
  const started = performance.now();
  let r;
  try {
    r = await parseCsvFile(file, undefined, { missing });
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`cannot use ${file}: ${e.code} ${JSON.stringify(e.params)}`);
      return 1;
    }
    throw e;
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`${file}: ${r.rows} rows, ${r.table.columns.length} numeric columns, ${(r.bytes / 1e6).toFixed(1)} MB parsed in ${secs.toFixed(2)} s`);
  console.log(`delimiter ${JSON.stringify(r.delimiter)}, line endings ${r.lineEnding}${r.bom ? ', UTF-8 BOM' : ''}`);
  if (r.dateColumn && r.timestamps && r.rows > 0) {
    const first = new Date(r.timestamps[0]!).toISOString();
    const last = new Date(r.timestamps[r.rows - 1]!).toISOString();
    console.log(`date column "${r.dateColumn.name}" (${r.dateColumn.format}): ${first} .. ${last}${r.dateColumn.bad.count ? `; ${r.dateColumn.bad.count} bad dates, first at line ${r.dateColumn.bad.firstLine}` : ''}`);
  }
  console.log('');
  console.log(`${'#'.padStart(3)}  ${'column'.padEnd(18)}${'min'.padStart(12)}${'max'.padStart(12)}${'mean'.padStart(12)}${'std'.padStart(12)}  problems`);
  r.columns.forEach((c, i) => {
    const problems: string[] = [];
    if (c.missing.count) problems.push(`${c.missing.count} missing (first line ${c.missing.firstLine})`);
    if (c.malformed.count) problems.push(`${c.malformed.count} malformed (first line ${c.malformed.firstLine})`);
    if (c.sentinel.count) problems.push(`${c.sentinel.count} x ${c.sentinel.value} sensor error (first line ${c.sentinel.firstLine})`);
    console.log(`${String(i).padStart(3)}  ${c.name.padEnd(18)}${fmt(c.stats.min).padStart(12)}${fmt(c.stats.max).padStart(12)}${fmt(c.stats.mean).padStart(12)}${fmt(c.stats.std).padStart(12)}  ${problems.join('; ') || '-'}`);
  });
  for (const x of r.excluded) console.log(`excluded: column ${x.columnNumber} "${x.name}" (${x.reason}${x.example ? `, e.g. ${JSON.stringify(x.example)}` : ''})`);
  if (r.ragged.count) console.log(`ragged rows dropped: ${r.ragged.count}, first at line ${r.ragged.firstLine} (${r.ragged.found} cells, expected ${r.ragged.expected})`);
  if (r.truncatedLastLine) console.log(`truncated last line ${r.truncatedLastLine.line} dropped (${r.truncatedLastLine.cells} cells)`);
  if (r.droppedRows) console.log(`rows dropped (missing values): ${r.droppedRows}`);
  if (r.filledCells) console.log(`cells filled from the previous row: ${r.filledCells}`);
  return 0;
}

/** Entry for `seqlab data <subcommand>`. */
export async function data(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'generate-jena') return generate(rest);
  if (sub === 'inspect') return inspect(rest);
  console.log(DATA_USAGE);
  return sub === undefined || sub === '--help' ? 0 : 2;
}
