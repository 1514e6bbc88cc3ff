/** The Data page's engine side: chunked upload, describe, series and windowing figures, and its safety. */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { DatasetRef } from '../../shared/experiment';
import { channels } from '../../shared/ipc/contract';
import { MAX_UPLOAD_BYTES } from '../../shared/ipc/data';
import { validateRequest } from '../../shared/ipc/validate';
import { DataService, importCsvFromPath } from '../../main/engine/data/service';
import { importedCsvPath } from '../../main/engine/data/datasets';

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

/** 20 rows, one every 10 minutes: p = 1000 + r, T = r + 1, and a text column that is left out. */
function smallCsv(): string {
  let s = 'Date Time,p (mbar),T (degC),note\n';
  for (let r = 0; r < 20; r++) {
    const mm = String(10 + r * 10 - Math.floor((10 + r * 10) / 60) * 60).padStart(2, '0');
    const hh = String(Math.floor((10 + r * 10) / 60)).padStart(2, '0');
    s += `01.01.2009 ${hh}:${mm}:00,${1000 + r},${r + 1},n${r}\n`;
  }
  return s;
}

/** Uploads text in chunks of `size` bytes, the way the renderer does. */
async function upload(svc: DataService, name: string, text: string, size: number, missing?: 'fail' | 'fill-previous' | 'drop-row') {
  const bytes = Buffer.from(text, 'utf8');
  const { uploadId } = await svc.uploadBegin(name, bytes.length);
  let seq = 0;
  for (let i = 0; i < bytes.length; i += size) await svc.uploadChunk(uploadId, seq++, bytes.subarray(i, i + size).toString('base64'));
  return svc.uploadEnd(uploadId, missing);
}

describe('data handlers', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-data-'));
  const svc = new DataService(dataDir);
  let first: DatasetRef;

  it('uploads in chunks, parses, describes and windows a small CSV (counts by hand)', async () => {
    const res = await upload(svc, 'small.csv', smallCsv(), 37);
    expect(res.rows).toBe(20);
    expect(res.columns).toEqual(['p (mbar)', 'T (degC)']);
    expect(res.dataset.kind).toBe('file');
    first = res.dataset;
    const fileId = (res.dataset as { fileId: string }).fileId;
    expect(existsSync(path.join(dataDir, 'imports', `${fileId}.csv`))).toBe(true);
    // The response satisfies the contract.
    expect(channels['data.uploadEnd'].response.safeParse(res).success).toBe(true);

    const d = await svc.describe(first);
    expect(channels['data.describe'].response.safeParse(d).success).toBe(true);
    expect(d.rows).toBe(20);
    expect(d.columns.map((c) => [c.name, c.unit, c.columnNumber])).toEqual([
      ['p (mbar)', 'mbar', 2],
      ['T (degC)', 'degC', 3],
    ]);
    expect(d.excluded).toEqual([{ name: 'note', columnNumber: 4, reason: 'text', example: 'n0' }]);
    expect(d.columns[1]).toMatchObject({ min: 1, max: 20, mean: 10.5 });
    expect(d.defaultTargetColumn).toBe(1);
    expect(d.timeRange).toEqual({ start: Date.UTC(2009, 0, 1, 0, 10), end: Date.UTC(2009, 0, 1, 3, 20) });
    expect(d.time?.interval).toMatchObject({ unit: 'minute', count: 10, gaps: 0 });
    expect(d.preview.rows[0]).toEqual([1000, 1]);
    expect(d.preview.rows).toHaveLength(20);
    // The Jena fractions: round(20 * 200000/420551) = 10 train, round(20 * 100000/420551) = 5 validation.
    expect(d.defaultSplits).toEqual({ train: 10, validation: 5, test: 5 });

    // lookback 3, step 2 -> timesteps ceil(3/2) = 2; delay 1; splits [0,10) [10,15) [15,20).
    // A sample ending at row r needs r - 3 >= start and r + 1 <= end - 1:
    //   train r in 3..8 -> 6; validation r in 13..13 -> 1; test r in 18..18 -> 1.
    const w = await svc.windowInfo(first, { lookback: 3, step: 2, delay: 1, batchSize: 4, targetColumn: 1, splits: { train: 10, validation: 5 } });
    expect(channels['data.windowInfo'].response.safeParse(w).success).toBe(true);
    expect(w.counts).toEqual({ train: 6, validation: 1, test: 1 });
    expect(w.timesteps).toBe(2);
    expect(w.features).toBe(2);
    expect(w.batchBytes).toBe(4 * 2 * 2 * 4);
    // Normalisation from the training rows 0..9 only: T = 1..10.
    expect(w.mean[1]).toBeCloseTo(5.5, 5);
    expect(w.std[1]).toBeCloseTo(Math.sqrt(99 / 12), 5);
    // The example is training sample 3 (of 6): it ends at row 6, inputs rows 3 and 5, target row 7 (T = row + 1).
    expect(w.example).toMatchObject({ index: 3, inputRows: [3, 5], input: [4, 6], targetRow: 7, target: 8 });
    expect(w.example!.inputTime).toEqual([Date.UTC(2009, 0, 1, 0, 40), Date.UTC(2009, 0, 1, 1, 0)]);

    // One input column only: features 1, so a batch is half the size.
    const w1 = await svc.windowInfo(first, { lookback: 3, step: 2, delay: 1, batchSize: 4, targetColumn: 1, inputColumns: [1], splits: { train: 10, validation: 5 } });
    expect(w1.batchBytes).toBe(4 * 2 * 1 * 4);

    // A downsampled series keeps the spikes: min and max per bucket.
    const s = await svc.series({ dataset: first, column: 1, start: 0, count: 20, maxPoints: 5 });
    expect(s.bucket).toBe(4);
    expect(s.row).toEqual([0, 4, 8, 12, 16]);
    expect(s.min).toEqual([1, 5, 9, 13, 17]);
    expect(s.max).toEqual([4, 8, 12, 16, 20]);
    expect(channels['data.series'].response.safeParse(s).success).toBe(true);

    expect((await svc.imports()).map((f) => f.name)).toEqual(['small.csv']);
  });

  it('refuses paths: a file id can never leave the imports folder', async () => {
    for (const fileId of ['../../etc/passwd', '..', 'a/b', 'A', '', 'x'.repeat(65), 'f.csv', '%2e%2e']) {
      const e = await errorOf(() => validateRequest('data.describe', { dataset: { kind: 'file', fileId } }));
      expect(e.code).toBe('E_VALIDATION');
      expect((await errorOf(() => importedCsvPath(dataDir, fileId))).code).toBe('E_VALIDATION');
    }
    // A path is not a field of the file reference over IPC.
    expect((await errorOf(() => validateRequest('data.describe', { dataset: { kind: 'file', path: '/etc/passwd' } }))).code).toBe('E_VALIDATION');
    expect((await errorOf(() => validateRequest('train.start', { experiment: { dataset: { kind: 'file', path: '/etc/passwd' } } }))).code).toBe('E_VALIDATION');
    // A well-formed id that does not exist is simply not found.
    expect((await errorOf(svc.describe({ kind: 'file', fileId: 'nope' }))).code).toBe('E_NOT_FOUND');
    // Bounded uploads.
    expect((await errorOf(() => validateRequest('data.uploadBegin', { name: 'big.csv', size: MAX_UPLOAD_BYTES + 1 }))).code).toBe('E_VALIDATION');
    expect((await errorOf(() => validateRequest('data.uploadChunk', { uploadId: 'u-1', seq: 0, dataBase64: 'not base64!' }))).code).toBe('E_VALIDATION');
    expect((await errorOf(() => validateRequest('data.uploadChunk', { uploadId: '../x', seq: 0, dataBase64: '' }))).code).toBe('E_VALIDATION');
  });

  it('rejects unknown uploads, out-of-order chunks and more bytes than announced', async () => {
    expect((await errorOf(svc.uploadChunk('u-unknown', 0, ''))).code).toBe('E_NOT_FOUND');
    expect((await errorOf(svc.uploadEnd('u-unknown'))).code).toBe('E_NOT_FOUND');
    const { uploadId } = await svc.uploadBegin('x.csv', 8);
    const e = await errorOf(svc.uploadChunk(uploadId, 1, Buffer.from('a,b\n').toString('base64')));
    expect(e.code).toBe('E_VALIDATION');
    expect(e.params).toMatchObject({ issue: 'out_of_order', expected: 0, got: 1 });
    await svc.uploadChunk(uploadId, 0, Buffer.from('a,b\n').toString('base64'));
    // Ending before every byte came is refused.
    expect((await errorOf(svc.uploadEnd(uploadId))).params).toMatchObject({ issue: 'incomplete' });
    const big = await errorOf(svc.uploadChunk(uploadId, 1, Buffer.from('1,2\n3,4\n').toString('base64')));
    expect(big.params).toMatchObject({ issue: 'too_big' });
    // The upload was dropped with its partial file.
    expect((await errorOf(svc.uploadChunk(uploadId, 2, ''))).code).toBe('E_NOT_FOUND');
    expect(readdirSync(path.join(dataDir, 'imports')).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('a malformed CSV gives E_CSV_* with line and column, and the previous dataset still works', async () => {
    const bad = 'a,b\n1,2\n3,oops\n5,6\n';
    const before = readdirSync(path.join(dataDir, 'imports')).sort();
    const e = await errorOf(upload(svc, 'bad.csv', bad, 5, 'fail'));
    expect(e.code).toBe('E_CSV_BAD_VALUE');
    expect(e.params).toMatchObject({ line: 3, column: 'b', columnNumber: 2, kind: 'malformed' });
    const ragged = 'a,b\n' + '1\n'.repeat(12);
    expect((await errorOf(upload(svc, 'ragged.csv', ragged, 4))).code).toMatch(/^E_CSV_/);
    // Nothing of the bad files was kept, and the first file still describes and windows.
    expect(readdirSync(path.join(dataDir, 'imports')).sort()).toEqual(before);
    expect((await svc.describe(first)).rows).toBe(20);
    const fresh = new DataService(dataDir); // no cache: read from disk again
    expect((await fresh.windowInfo(first, { lookback: 3, step: 2, delay: 1, batchSize: 4, targetColumn: 1, splits: { train: 10, validation: 5 } })).counts.train).toBe(6);
  });

  it('describes builtins (tables and tasks) and the command line can register a path', async () => {
    const d = await svc.describe({ kind: 'builtin', id: 'starter-series', options: { rows: 300 } });
    expect(d.kind).toBe('table');
    expect(d.rows).toBe(300);
    expect(d.defaultSplits).toEqual({ train: 210, validation: 90, test: 0 });
    const t = await svc.describe({ kind: 'builtin', id: 'order-task', options: { samples: 200 } });
    expect(t.kind).toBe('task');
    expect(t.task).toEqual({ length: 16, features: 2, targetSize: 1 });
    expect(t.preview.rows).toHaveLength(16);
    expect((await errorOf(svc.windowInfo({ kind: 'builtin', id: 'order-task' }, { lookback: 1, step: 1, delay: 0, batchSize: 1, targetColumn: 0 }))).params).toMatchObject({ issue: 'not_a_table' });

    const src = path.join(dataDir, 'elsewhere.csv');
    await import('node:fs/promises').then((fs) => fs.writeFile(src, smallCsv()));
    const ref = await importCsvFromPath(dataDir, src);
    expect(ref.name).toBe('elsewhere.csv');
    expect((await svc.describe(ref)).rows).toBe(20);
  });
});
