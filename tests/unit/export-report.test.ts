// The one-page run report (main/engine/export/report.ts) and what an export leaves behind when
// the disk refuses it: E_DISK with the errno, and never a folder that looks complete.
import { existsSync, promises as realFs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/errors';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { RunRecord } from '../../shared/runs';
import { exportRun, reportHtml, REPORT_CSP, runPlots } from '../../main/engine/export';
import type { TrainedRun } from '../../main/engine/training/train';
import { EngineHost } from '../../main/engine/host';
import { createRouter } from '../../main/engine/router';

// A full disk, on demand: while `failWrites` names an extension, opening such a file for writing
// fails with ENOSPC (the other files of the export are written for real before it).
const disk = vi.hoisted(() => ({ failWrites: null as string | null }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const open = (async (file: Parameters<typeof real.promises.open>[0], flags?: string | number, mode?: number) => {
    if (disk.failWrites && String(file).endsWith(disk.failWrites) && flags === 'wx') {
      throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(file)}'`), { code: 'ENOSPC', errno: -28, syscall: 'open' });
    }
    return real.promises.open(file, flags, mode);
  }) as typeof real.promises.open;
  return { ...real, default: { ...real, promises: { ...real.promises, open } }, promises: { ...real.promises, open } };
});

function record(lang = 'x'): RunRecord {
  const history = [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 0.6 - 0.1 * epoch, valLoss: [0.41, 0.33, 0.2718, 0.29][epoch - 1]!, valLossPhysical: [3.3, 2.6, 2.18, 2.3][epoch - 1]!, seconds: 2 }));
  return {
    id: `run-report-${lang}`,
    createdAt: '2026-11-02T09:30:00.000Z',
    experiment: { ...STARTER_EXPERIMENT, name: 'گزارش <GRU> & co' },
    backend: 'wasm',
    params: 321,
    done: {
      runId: `run-report-${lang}`, status: 'completed', history, finalLoss: 0.2, finalValLoss: 0.29, baselineValLoss: 0.3141, bestEpoch: 3, wallSeconds: 12.5,
      lossName: 'mae', targetUnit: 'degC', bestValLoss: 0.2718, bestValLossPhysical: 2.18, baselineValLossPhysical: 2.52, testLoss: 0.2901, testLossPhysical: 2.33,
      baselineTestLoss: 0.3333, baselineTestLossPhysical: 2.67,
    },
  };
}

/** A run without a model: plots, report and history can still be exported. */
const noModel = (r: RunRecord): TrainedRun => ({ done: r.done, model: null, data: null, dispose: () => undefined });

describe('report.html', () => {
  it('English: the metrics beside the baseline, the model summary, settings, inline charts; nothing from outside', async () => {
    const r = record('en');
    const plots = await runPlots(r, { lang: 'en' });
    const html = await reportHtml(r, { lang: 'en', plots });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en" dir="ltr">/);
    // Figures: best validation 0.2718 (2.18 degC) vs baseline 0.3141 (2.52 degC); test 0.2901 vs 0.3333.
    const best = /<tr data-metric="best-val">(.*?)<\/tr>/.exec(html)![1]!;
    expect(best).toContain('0.2718');
    expect(best).toContain('2.18');
    expect(best).toContain('0.3141');
    expect(best).toContain('2.52');
    const test = /<tr data-metric="test">(.*?)<\/tr>/.exec(html)![1]!;
    expect(test).toContain('0.2901');
    expect(test).toContain('0.3333');
    expect(html).toContain('The model beats the naive baseline.');
    // Model summary from shared/model/summary.ts: the starter's GRU(8) and Dense(1) on 3 features.
    expect(html).toContain('gru (GRU)');
    expect(html).toContain('dense (Dense)');
    expect(html).toMatch(/\(None, 8\)/);
    expect(html).toContain('<td>Total parameters</td><td></td><td>297</td>');
    // Settings, seed, backend, wall time.
    for (const s of ['Lookback (rows)', '<td>24</td>', 'rmsprop', '<td>Seed</td><td>42</td>', 'wasm', '12.5 s']) expect(html).toContain(s);
    // The name is escaped, never markup.
    expect(html).toContain('گزارش &lt;GRU&gt; &amp; co');
    expect(html).not.toContain('<GRU>');
    // Self-contained: the font is inside, the charts are inline SVG, nothing is fetched or run.
    expect(html).toMatch(/@font-face\{font-family:Vazirmatn;[^}]*url\(data:font\/woff2;base64,[A-Za-z0-9+/=]{40000,}\)/);
    expect(plots.map((p) => p.name)).toEqual(['loss', 'metrics']);
    expect(html.match(/<svg\b/g)).toHaveLength(plots.length);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\((?!data:|#)/);
    // Charts never share ids (clip paths) in one page.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).toContain(`content="${REPORT_CSP}"`);
    // A4 print styles.
    expect(html).toContain('@page{size:A4');
    expect(html).toContain('@media print');
    // Each inline chart is well-formed XML.
    const parser = new XMLParser({ ignoreAttributes: false });
    for (const m of html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)) expect(() => parser.parse(m[0], true)).not.toThrow();
  });

  it('Persian: right to left, Persian words and digits, charts left to right', async () => {
    const r = record('fa');
    const html = await reportHtml(r, { lang: 'fa', plots: await runPlots(r, { lang: 'fa' }) });
    expect(html).toMatch(/<html lang="fa" dir="rtl">/);
    expect(html).toContain('گزارش اجرا');
    expect(html).toContain('بهترین خطای اعتبارسنجی');
    expect(html).toContain('۰٫۲۷۱۸'); // 0.2718
    expect(html).toContain('۰٫۳۱۴۱'); // 0.3141
    expect(html).toContain('<td>همهٔ پارامترها</td><td></td><td>۲۹۷</td>');
    expect(html).toContain('مدل از خط پایهٔ ساده بهتر است.');
    // The charts' SVG text carries its own direction-neutral layout: an LTR x axis ('دوره' under it).
    expect(html).toContain('>دوره</text>');
  });

  it('exportRun writes report.html with the plots of a run that has no model in memory', async () => {
    const dir = await realFs.mkdtemp(path.join(tmpdir(), 'seqlab-report-'));
    try {
      const r = record('files');
      const out = await exportRun(noModel(r), r, dir, { report: true, plotsSvg: true, history: true }, { lang: 'en' });
      expect(out.files.sort()).toEqual(['history.csv', 'history.json', 'plots/loss.svg', 'plots/metrics.svg', 'report.html']);
      const html = await realFs.readFile(path.join(out.dir, 'report.html'), 'utf8');
      expect(html).toContain('0.2718');
      // A PDF handed in by the desktop app is written beside it.
      const pdf = new TextEncoder().encode('%PDF-1.4 test');
      const out2 = await exportRun(noModel(r), r, dir, { report: true }, { lang: 'fa', reportPdf: pdf });
      expect(out2.files).toEqual(['report.html', 'report.pdf']);
      expect(await realFs.readFile(path.join(out2.dir, 'report.pdf'), 'latin1')).toBe('%PDF-1.4 test');
      // The model files need the trained model.
      const err = await exportRun(noModel(r), r, dir, { tfjs: true }).catch((e: unknown) => e);
      expect((err as AppError).code).toBe('E_NOT_FOUND');
    } finally {
      await realFs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a disk that refuses the export', () => {
  let root: string;
  beforeAll(async () => {
    root = await realFs.mkdtemp(path.join(tmpdir(), 'seqlab-report-disk-'));
  });
  afterAll(async () => {
    disk.failWrites = null;
    await realFs.chmod(root, 0o700).catch(() => undefined);
    await realFs.rm(root, { recursive: true, force: true });
  });

  // A read-only folder must refuse the export for every user, root included (chmod does not stop
  // root). So the export runs in a child process (exportRun bundled with esbuild from the sources)
  // that, when the tests run as root, drops to the unprivileged uid/gid 65534 (nobody/nogroup)
  // after loading its modules and before it touches the folder. If that cannot be done, the test
  // fails with the reason; it never skips.
  const isRoot = process.getuid?.() === 0;
  const NOBODY = 65534;

  interface ChildOutcome {
    uid: number;
    reachable: boolean;
    writable: boolean;
    isAppError: boolean;
    code?: string;
    params?: Record<string, string | number>;
    message?: string;
    fatal?: string;
  }

  async function exportInChild(dir: string, rec: RunRecord, dropTo: number | null): Promise<ChildOutcome> {
    const { build } = await import('esbuild');
    const entry = `
      import { accessSync, constants } from 'node:fs';
      import { exportRun } from '../../main/engine/export';
      import { AppError } from '../../shared/errors';
      (async () => {
        const { dir, record, dropTo } = JSON.parse(process.env.SEQLAB_CHILD_ARGS ?? '');
        if (dropTo !== null) {
          process.setgroups([]);
          process.setgid(dropTo);
          process.setuid(dropTo);
        }
        const can = (mode: number): boolean => { try { accessSync(dir, mode); return true; } catch { return false; } };
        const run = { done: record.done, model: null, data: null, dispose: () => undefined };
        const err = await exportRun(run, record, dir, { report: true, plotsSvg: true }).then(() => null, (e: unknown) => e);
        const e = err as AppError | null;
        process.stdout.write(JSON.stringify({
          uid: process.getuid?.() ?? -1, reachable: can(constants.R_OK | constants.X_OK), writable: can(constants.W_OK),
          isAppError: err instanceof AppError, code: e?.code, params: e?.params, message: e?.message,
        }));
      })().catch((e: unknown) => { process.stdout.write(JSON.stringify({ fatal: String(e) })); });
    `;
    const bundle = await build({
      stdin: { contents: entry, resolveDir: __dirname, loader: 'ts', sourcefile: 'export-readonly-child.ts' },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'error',
    });
    const root = path.resolve(__dirname, '..', '..');
    const { spawnSync } = await import('node:child_process');
    // Code on stdin resolves its packages from the cwd (the repository's node_modules).
    const r = spawnSync(process.execPath, ['-'], {
      cwd: root, input: bundle.outputFiles[0]!.text, encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, SEQLAB_CHILD_ARGS: JSON.stringify({ dir, record: rec, dropTo }) },
    });
    expect(r.status, `the export child failed: ${r.error?.message ?? ''}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout) as ChildOutcome;
    expect(out.fatal, `the export child could not run${dropTo !== null ? ` as uid ${dropTo} (it needs to start as root and call setuid)` : ''}: ${out.fatal}`).toBeUndefined();
    return out;
  }

  it(`a read-only folder (chmod 0o555) gives E_DISK EACCES and leaves nothing in it${isRoot ? ' (as root: written by a child running as uid 65534)' : ''}`, async () => {
    // The parents must be traversable by the unprivileged child: the only thing it may not do is write into `ro`.
    await realFs.chmod(root, 0o755);
    const ro = path.join(root, 'readonly');
    await realFs.mkdir(ro, { mode: 0o755 });
    await realFs.chmod(ro, 0o555);
    try {
      const r = record('ro');
      const got = await exportInChild(ro, r, isRoot ? NOBODY : null);
      if (isRoot) expect(got.uid, 'the child dropped root').toBe(NOBODY);
      expect(got.reachable, `${ro} must be readable and searchable by uid ${got.uid} (is ${tmpdir()} reachable for it?)`).toBe(true);
      expect(got.writable, `${ro} (0o555) must not be writable by uid ${got.uid}`).toBe(false);
      expect(got.isAppError, `not an AppError: ${got.message}`).toBe(true);
      expect(got.code).toBe('E_DISK');
      expect(got.params).toMatchObject({ op: 'export' });
      expect(['EACCES', 'EPERM']).toContain(got.params?.code);
      expect(got.message).toMatch(/^E_DISK .*"code":"(EACCES|EPERM)"/);
      expect(await realFs.readdir(ro)).toEqual([]);
    } finally {
      await realFs.chmod(ro, 0o755);
      await realFs.chmod(root, 0o700);
    }
  });

  it('a destination under a regular file gives E_DISK ENOTDIR (also as root)', async () => {
    await realFs.writeFile(path.join(root, 'file'), 'x');
    const r = record('nd');
    const err = await exportRun(noModel(r), r, path.join(root, 'file', 'sub'), { report: true }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('E_DISK');
    expect((err as AppError).params.code).toBe('ENOTDIR');
  });

  it('the disk filling up half-way (after the SVGs, at the PNGs) gives E_DISK ENOSPC and removes the partial folder', async () => {
    const out = path.join(root, 'full');
    const r = record('full');
    disk.failWrites = '.png';
    try {
      const err = await exportRun(noModel(r), r, out, { history: true, plotsSvg: true, plotsPng: true, pngScale: 1, report: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('E_DISK');
      expect((err as AppError).params.code).toBe('ENOSPC');
    } finally {
      disk.failWrites = null;
    }
    // Nothing is left: no folder, and no '.partial' one either.
    expect(await realFs.readdir(out)).toEqual([]);
    // The same export on a disk with room succeeds, into a fresh folder.
    const ok = await exportRun(noModel(r), r, out, { history: true, plotsSvg: true, report: true });
    expect(await realFs.readdir(out)).toEqual([path.basename(ok.dir)]);
    expect(ok.files).toContain('report.html');
  });
});

// The app-level side: the renderer names no path. A picked folder becomes an opaque grant in the
// router; the engine (the built worker, as in the app) writes there; the desktop's PDF printer
// gets the report page and its PDF lands beside report.html.
const workerPath = path.resolve('dist/main/engine-worker.cjs');
describe('export through the router: folder grants and the PDF', () => {
  let dataDir: string;
  let picked: string;
  let host: EngineHost;
  const printed: string[] = [];
  const r = record('grant');

  beforeAll(async () => {
    dataDir = await realFs.mkdtemp(path.join(tmpdir(), 'seqlab-grant-data-'));
    picked = await realFs.mkdtemp(path.join(tmpdir(), 'seqlab-grant-picked-'));
    await realFs.mkdir(path.join(dataDir, 'runs'));
    await realFs.writeFile(path.join(dataDir, 'runs', `${r.id}.json`), JSON.stringify(r));
    host = new EngineHost({ dataDir, workerPath });
    await host.start();
  });
  afterAll(async () => {
    await host?.close();
    await realFs.rm(dataDir, { recursive: true, force: true });
    await realFs.rm(picked, { recursive: true, force: true });
  });

  it('pickFolder gives a grant, not a path; exports go there with report.pdf; paths and unknown grants are refused', async () => {
    const route = createRouter({
      host,
      appInfo: () => ({ version: 'test', mode: 'electron', platform: process.platform }),
      pickFolder: async () => picked,
      printPdf: async (html) => {
        printed.push(html);
        return new TextEncoder().encode('%PDF-1.7 printed');
      },
    });
    // A path from the renderer is not even a valid request.
    const withPath = await route('runs.export', { runId: r.id, destination: { path: picked } });
    expect(withPath).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    // A made-up grant names no folder.
    const guessed = await route('runs.export', { runId: r.id, what: { history: true }, destination: { grant: 'A'.repeat(24) } });
    expect(guessed).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND', params: { what: 'folder' } } });

    const g = await route('export.pickFolder', {});
    expect(g.ok).toBe(true);
    const grant = (g as { result: { grant: string } }).result.grant;
    expect(grant).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(JSON.stringify(g)).not.toContain(picked);

    const res = await route('runs.export', { runId: r.id, what: { report: true, history: true }, lang: 'en', destination: { grant } });
    expect(res.ok).toBe(true);
    const out = (res as { result: { folder: string; files: string[]; download?: string } }).result;
    expect(path.dirname(out.folder)).toBe(picked);
    expect(out.files.sort()).toEqual(['history.csv', 'history.json', 'report.html', 'report.pdf']);
    expect(out.download).toBeUndefined();
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('Run report');
    expect(printed[0]).toContain('0.2718');
    expect(await realFs.readFile(path.join(out.folder, 'report.pdf'), 'latin1')).toBe('%PDF-1.7 printed');
    // Nothing went to the app's own exports folder.
    expect(existsSync(path.join(dataDir, 'exports'))).toBe(false);
  });

  it('browser mode: the default destination is the exports folder, published for download', async () => {
    const published: string[][] = [];
    const route = createRouter({
      host,
      appInfo: () => ({ version: 'test', mode: 'browser', platform: process.platform }),
      publishExport: (folder, files) => {
        published.push([folder, ...files]);
        return '/export-files/key/';
      },
    });
    expect(await route('export.pickFolder', {})).toEqual({ ok: true, result: { grant: null } });
    const res = await route('runs.export', { runId: r.id, what: { plotsSvg: true }, lang: 'fa' });
    expect(res.ok).toBe(true);
    const out = (res as { result: { folder: string; files: string[]; download?: string } }).result;
    expect(path.dirname(out.folder)).toBe(path.join(dataDir, 'exports'));
    expect(out.download).toBe('/export-files/key/');
    expect(published).toEqual([[out.folder, ...out.files]]);
    const svg = await realFs.readFile(path.join(out.folder, 'plots', 'loss.svg'), 'utf8');
    expect(svg).toContain('>خطا در هر دوره</text>');
  });
});
