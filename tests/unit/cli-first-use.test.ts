// `npx seqlab ...` right after `npm ci` (issue #17): bin/seqlab.cjs builds the command line's
// bundle when it is missing (scripts/ensure-cli-built.cjs). Driven here with a temporary
// bundle path and tiny stand-in build scripts, so the shared dist/ is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const HELPER = path.resolve(__dirname, '..', '..', 'scripts', 'ensure-cli-built.cjs');
const { ensureCliBuilt } = require(HELPER) as {
  ensureCliBuilt: (cliPath: string, buildScript: string, options?: { cwd?: string; log?: (line: string) => void }) => boolean;
};

describe('the command line builds itself on first use', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seqlab-cli-first-use-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A build script that counts its runs and writes dist/main/cli.cjs under its cwd (like build-main.mjs). */
  function builder(name: string, body: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    return file;
  }
  const writing = builder(
    'build-ok.cjs',
    "const fs = require('node:fs');\n" +
      "fs.appendFileSync('runs.txt', 'x');\n" +
      "fs.mkdirSync('dist/main', { recursive: true });\n" +
      "fs.writeFileSync('dist/main/cli.cjs', 'module.exports = 42;\\n');\n" +
      "console.log('built dist/main');\n",
  );

  it('builds a missing bundle once, in the given folder, and logs one line', () => {
    const root = mkdtempSync(path.join(dir, 'repo-'));
    const cli = path.join(root, 'dist', 'main', 'cli.cjs');
    const lines: string[] = [];
    expect(existsSync(cli)).toBe(false);
    expect(ensureCliBuilt(cli, writing, { cwd: root, log: (l) => lines.push(l) })).toBe(true);
    expect(readFileSync(cli, 'utf8')).toBe('module.exports = 42;\n');
    expect(lines).toEqual(["Building SeqLab's command line (first use)…"]);
    // Built already: nothing runs again.
    expect(ensureCliBuilt(cli, writing, { cwd: root, log: (l) => lines.push(l) })).toBe(false);
    expect(readFileSync(path.join(root, 'runs.txt'), 'utf8')).toBe('x');
    expect(lines).toHaveLength(1);
  });

  it('says clearly when the build fails, with its exit status', () => {
    const root = mkdtempSync(path.join(dir, 'repo-'));
    const cli = path.join(root, 'dist', 'main', 'cli.cjs');
    const failing = builder('build-fail.cjs', "console.error('esbuild: syntax error'); process.exit(3);\n");
    expect(() => ensureCliBuilt(cli, failing, { cwd: root, log: () => {} })).toThrow(
      /^Building SeqLab's command line failed \(exit status 3; .*npm run build:main/,
    );
    const silent = builder('build-nothing.cjs', '// exits 0 and writes nothing\n');
    expect(() => ensureCliBuilt(cli, silent, { cwd: root, log: () => {} })).toThrow(/exit status 0\) but did not write .*cli\.cjs/);
    expect(() => ensureCliBuilt(cli, path.join(dir, 'no-such-build.mjs'), { cwd: root, log: () => {} })).toThrow(/build script .*no-such-build\.mjs is missing/);
    expect(existsSync(cli)).toBe(false);
  });

  it("keeps stdout clean: the progress line and the build's output go to stderr", () => {
    const root = mkdtempSync(path.join(dir, 'repo-'));
    const cli = path.join(root, 'dist', 'main', 'cli.cjs');
    // A stand-in for bin/seqlab.cjs: ensure built, then require the bundle and print JSON.
    const code =
      `const { ensureCliBuilt } = require(${JSON.stringify(HELPER)});\n` +
      `ensureCliBuilt(${JSON.stringify(cli)}, ${JSON.stringify(writing)}, { cwd: ${JSON.stringify(root)} });\n` +
      `process.stdout.write(JSON.stringify({ answer: require(${JSON.stringify(cli)}) }));\n`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: 42 });
    expect(r.stderr).toContain("Building SeqLab's command line (first use)…");
    expect(r.stderr).toContain('built dist/main');
  });

  it('bin/seqlab.cjs uses it with the real build script, which builds the CLI bundle', () => {
    const bin = readFileSync(path.resolve(__dirname, '..', '..', 'bin', 'seqlab.cjs'), 'utf8');
    expect(bin).toContain("require('../scripts/ensure-cli-built.cjs')");
    expect(bin).toMatch(/ensureCliBuilt\(cli, path\.join\(root, 'scripts', 'build-main\.mjs'\)/);
    const buildMain = readFileSync(path.resolve(__dirname, '..', '..', 'scripts', 'build-main.mjs'), 'utf8');
    expect(buildMain).toContain("cli: 'main/cli/index.ts'");
  });
});
