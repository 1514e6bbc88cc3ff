// Vitest global setup: the suites that run the built app (the engine worker bundle, the
// browser-mode host, the packaged installer) find dist/ built and up to date, so they never
// skip. Once per `vitest run`, before any test file:
//
//   dist/main      rebuilt with `node scripts/build-main.mjs` when a bundle is missing or older
//                  than main/, shared/, assembly/ or the build scripts (about 2 s);
//   dist/renderer  rebuilt with `vite build` when index.html is missing or older than renderer/,
//                  shared/, vite.config.ts or package-lock.json (about 7 s on 2 cores).
//
// "Older" compares modification times of every file and folder (a deleted file changes its
// folder's time) with the oldest output. Nothing is built when dist/ is fresh (`npm test` builds
// before the unit tests): the check itself takes a few milliseconds. A failed build stops the
// run with the command to run by hand; no suite is left to skip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN_OUTPUTS = ['app', 'preload', 'engine-worker', 'web', 'cli', 'bench'].map((n) => `dist/main/${n}.cjs`);
const RENDERER_OUTPUTS = ['dist/renderer/index.html'];

interface Target {
  name: string;
  inputs: string[];
  outputs: string[];
  /** The command, as a user would type it (for the messages). */
  command: string;
  argv: string[];
}

const TARGETS: Target[] = [
  {
    name: 'dist/main (engine worker, browser-mode host, CLI, Electron main)',
    inputs: ['main', 'shared', 'assembly', 'scripts/build-main.mjs', 'scripts/build-wasm.mjs'],
    outputs: MAIN_OUTPUTS,
    command: 'npm run build:main',
    argv: [path.join(ROOT, 'scripts/build-main.mjs')],
  },
  {
    name: 'dist/renderer (the built page)',
    inputs: ['renderer', 'shared', 'vite.config.ts', 'package-lock.json'],
    outputs: RENDERER_OUTPUTS,
    command: 'npm run build:renderer',
    argv: [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  },
];

/** The newest modification time (ms) of a file or folder tree, and the path that has it. */
function newest(rel: string): { ms: number; file: string } {
  let best = { ms: 0, file: rel };
  const visit = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return; // an input that does not exist (e.g. no package-lock.json) counts for nothing
    }
    if (st.mtimeMs > best.ms) best = { ms: st.mtimeMs, file: path.relative(ROOT, p) };
    if (st.isDirectory()) for (const e of readdirSync(p)) if (e !== 'node_modules') visit(path.join(p, e));
  };
  visit(path.join(ROOT, rel));
  return best;
}

/** Why the target must be built, or null when its outputs exist and are newer than every input. */
function staleReason(t: Target): string | null {
  let oldestOut = Infinity;
  for (const o of t.outputs) {
    const abs = path.join(ROOT, o);
    if (!existsSync(abs)) return `${o} is missing`;
    oldestOut = Math.min(oldestOut, statSync(abs).mtimeMs);
  }
  for (const i of t.inputs) {
    const n = newest(i);
    if (n.ms > oldestOut) return `${n.file} changed after the last build`;
  }
  return null;
}

/** One build at a time across concurrent `vitest` runs in this tree (a folder as the lock). */
function withLock<T>(fn: () => T): T {
  const lock = path.join(ROOT, 'node_modules/.cache/seqlab/test-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than 5 minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`[seqlab test setup] waited 3 minutes for another test run's build (${lock}); remove that folder if no build is running`);
      spawnSync('sleep', ['0.5']);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export default function setup(): void {
  const started = Date.now();
  const built: string[] = [];
  for (const t of TARGETS) {
    if (staleReason(t) === null) continue;
    withLock(() => {
      const reason = staleReason(t); // again: a concurrent run may have just built it
      if (reason === null) return;
      const t0 = Date.now();
      console.log(`[seqlab test setup] building ${t.name}: ${reason} (${t.command})`);
      const r = spawnSync(process.execPath, t.argv, { cwd: ROOT, stdio: 'inherit', env: process.env });
      // Only that the outputs exist now: a source edited during the build makes them stale again at once.
      if (r.status !== 0 || !t.outputs.every((o) => existsSync(path.join(ROOT, o)))) {
        throw new Error(
          `[seqlab test setup] ${t.name} is needed by the engine, export, packaging and IPC suites, and building it failed ` +
          `(${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}; output above). Fix the build and run \`${t.command}\` ` +
          '(or `npm run build`) until it succeeds, then run the tests again.',
        );
      }
      built.push(`${t.command} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
  }
  if (built.length) console.log(`[seqlab test setup] built: ${built.join(', ')} (setup ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
