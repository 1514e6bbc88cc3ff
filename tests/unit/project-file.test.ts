// Project files (issues #5 and #8): the version 2 format with its runs, v1 migration, strict
// refusal of corrupt / truncated / newer files (the bytes on disk untouched), the current
// project and its autosave, the session marker and the crash recovery offer.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { PROJECT_VERSION, ProjectSchema, type Project } from '../../shared/project';
import type { RunRecord } from '../../shared/runs';
import { fsyncDir, writeFileAtomic } from '../../main/engine/platform/files';
import { ProjectService, parseProjectText, readProjectFile, writeProjectFile } from '../../main/engine/projects/project';
import { beginSession, endSession, sessionFile } from '../../main/engine/platform/session';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-project-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

const builder = {
  graph: { name: 'gru', nodes: [{ id: 'a', block: 'input_sequence', params: { timesteps: 24, features: 3 } }], edges: [] },
  layout: { a: { x: 0, y: 0 } },
  presetId: 'gru',
};

function run(k: number, epochs = 3): RunRecord {
  const history = Array.from({ length: epochs }, (_, i) => i + 1).map((epoch) => ({ epoch, loss: 0.5 - 0.01 * epoch, valLoss: 0.4 - 0.01 * epoch - 0.001 * k, seconds: 1 }));
  return {
    id: `run-${k}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, k)).toISOString(),
    experiment: { ...STARTER_EXPERIMENT, name: `run ${k}` },
    backend: 'wasm',
    params: 1000 + k,
    done: { runId: `run-${k}`, status: 'completed', history, finalLoss: 0.47, finalValLoss: 0.37, baselineValLoss: 0.45, bestEpoch: 3, wallSeconds: 3 },
  };
}

function project(name: string, runs: number, epochs = 3): Project {
  return {
    format: 'seqlab-project',
    version: PROJECT_VERSION,
    id: 'p-test',
    name,
    createdAt: '2026-01-01T00:00:00.000Z',
    savedAt: '2026-01-01T00:00:00.000Z',
    builder,
    model: null,
    runs: Array.from({ length: runs }, (_, k) => run(k, epochs)),
  };
}

describe('project file format', () => {
  it('round-trips a version 2 project with its runs', async () => {
    const file = path.join(await tempDir(), 'a.seqlab.json');
    const p = project('Jena GRU', 3);
    await writeProjectFile(file, p);
    const back = await readProjectFile(file);
    expect(back).toEqual(p);
    expect(back!.runs.map((r) => r.experiment.name)).toEqual(['run 0', 'run 1', 'run 2']);
    expect(ProjectSchema.safeParse(back).success).toBe(true);
  });

  it('reads a version 1 file as version 2 (new id, no runs, the builder kept)', () => {
    const v1 = { format: 'seqlab-project', version: 1, name: 'model', savedAt: '2025-05-05T00:00:00.000Z', builder, model: null };
    const p = parseProjectText(JSON.stringify(v1));
    expect(p.version).toBe(2);
    expect(p.id).toMatch(/^p-/);
    expect(p.runs).toEqual([]);
    expect(p.builder).toEqual(builder);
    expect(p.savedAt).toBe(v1.savedAt);
  });

  it('refuses truncated, garbage and newer files with a code, and leaves their bytes unchanged', async () => {
    const dir = await tempDir();
    const good = Buffer.from(JSON.stringify(project('x', 2), null, 1));
    const cases: [string, Buffer, string, Record<string, unknown>][] = [
      ['truncated.seqlab.json', good.subarray(0, Math.floor(good.length / 2)), 'E_PROJECT_CORRUPT', { reason: 'truncated' }],
      ['garbage.seqlab.json', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), 'E_PROJECT_CORRUPT', { reason: 'not_json' }],
      ['other.json', Buffer.from('{"hello": "world"}'), 'E_PROJECT_CORRUPT', { reason: 'not_a_project' }],
      ['broken-run.seqlab.json', Buffer.from(JSON.stringify({ ...project('x', 1), runs: [{ id: '../../etc' }] })), 'E_PROJECT_CORRUPT', { reason: 'schema' }],
      ['v99.seqlab.json', Buffer.from(JSON.stringify({ ...project('x', 1), version: 99 })), 'E_PROJECT_NEWER', { version: 99, supported: PROJECT_VERSION }],
    ];
    for (const [name, bytes, code, params] of cases) {
      const file = path.join(dir, name);
      await fs.writeFile(file, bytes);
      const before = await fs.stat(file);
      const err = await readProjectFile(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(AppError);
      expect((err as AppError).code, name).toBe(code);
      expect((err as AppError).params, name).toMatchObject(params);
      expect(Buffer.compare(await fs.readFile(file), bytes), name).toBe(0);
      expect((await fs.stat(file)).mtimeMs, name).toBe(before.mtimeMs);
    }
    // Nothing else appeared beside them (no temp or backup files).
    expect((await fs.readdir(dir)).sort()).toEqual(cases.map((c) => c[0]).sort());
  });

  it('writes atomically: temp file, fsync, rename, fsync of the folder, nothing left behind', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'x.json');
    await writeFileAtomic(file, 'one');
    await Promise.all([writeFileAtomic(file, 'two'), writeFileAtomic(file, 'three')]);
    expect(['two', 'three']).toContain(await fs.readFile(file, 'utf8'));
    expect(await fs.readdir(dir)).toEqual(['x.json']);
    if (process.platform !== 'win32') expect(await fsyncDir(dir)).toBe(true);
  });
});

/** A child process that saves a large project over and over with writeProjectFile (bundled with esbuild). */
async function buildSaver(dir: string): Promise<string> {
  const entry = path.join(dir, 'saver.ts');
  const root = path.resolve('.');
  await fs.writeFile(
    entry,
    `import { writeProjectFile } from ${JSON.stringify(path.join(root, 'main/engine/projects/project'))};
import { readFileSync } from 'node:fs';
const [file, template] = process.argv.slice(2);
const base = JSON.parse(readFileSync(template, 'utf8'));
(async () => {
  for (let k = Number(process.argv[4]); ; k++) {
    await writeProjectFile(file, { ...base, name: 'v' + k });
    process.stdout.write('saved ' + k + '\\n');
  }
})();
`,
  );
  const esbuild = await import('esbuild');
  const out = path.join(dir, 'saver.cjs');
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'silent' });
  return out;
}

describe('a save killed at any moment', () => {
  it('always leaves the previous or the new complete version, never a corrupt file', async () => {
    const dir = await tempDir();
    const saver = await buildSaver(dir);
    const file = path.join(dir, 'big.seqlab.json');
    const template = path.join(dir, 'template.json');
    // 500 runs of 20 epochs (several MB): kills land inside writes, not only between them.
    const big = project('v0', 500, 20);
    await fs.writeFile(template, JSON.stringify(big));
    await writeProjectFile(file, big);
    const size = (await fs.stat(file)).size;
    expect(size).toBeGreaterThan(1_500_000);
    let next = 1;
    let killedMidWrite = 0;
    let saves = 0;
    let tmpSeen = 0;
    const kills = 6;
    for (let i = 0; i < kills; i++) {
      const child = spawn(process.execPath, [saver, file, template, String(next)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      // Let it finish at least one save, then kill it at a random moment of a later one.
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (/saved \d+/.test(out)) {
            clearInterval(check);
            resolve();
          }
        }, 2);
      });
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 400));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const saved = [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
      const last = Math.max(...saved);
      // The file is complete: either the last save the child reported, or one it finished
      // renaming just before the kill but had not reported yet.
      const p = await readProjectFile(file);
      expect(p).not.toBeNull();
      expect(p!.runs).toHaveLength(500);
      expect([`v${last}`, `v${last + 1}`]).toContain(p!.name);
      next = Number(p!.name.slice(1)) + 1;
      // A kill inside a write leaves its temp file, never a damaged project file.
      const tmps = (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')).length;
      if (tmps > tmpSeen) killedMidWrite++;
      tmpSeen = tmps;
      saves += saved.length;
    }
    console.log(`project save killed ${kills} times after ${saves} complete saves (${(size / 1e6).toFixed(1)} MB file), ${killedMidWrite} kills inside a write`);
  }, 60_000);
});

describe('the current project (ProjectService)', () => {
  it('keeps runs in the project and autosaves them; a new project keeps the old one aside', async () => {
    const dataDir = await tempDir();
    const s = new ProjectService(dataDir);
    const first = (await s.load()).project;
    expect(first.runs).toEqual([]);
    await s.saveBuilder(builder, null);
    await s.runs.save(run(1));
    await s.runs.save(run(2));
    expect((await s.runs.list()).map((r) => r.id)).toEqual(['run-2', 'run-1']);
    const disk = await readProjectFile(s.autosaveFile());
    expect(disk!.runs.map((r) => r.id)).toEqual(['run-1', 'run-2']);
    expect(disk!.builder).toEqual(builder);
    expect(await s.runs.delete('run-1')).toBe(true);
    expect((await readProjectFile(s.autosaveFile()))!.runs.map((r) => r.id)).toEqual(['run-2']);

    const fresh = await s.create('second');
    expect(fresh.runs).toEqual([]);
    expect(fresh.id).not.toBe(first.id);
    const archived = await readProjectFile(path.join(dataDir, 'projects', `${first.id}.seqlab.json`));
    expect(archived!.runs.map((r) => r.id)).toEqual(['run-2']);
    // A service started later on the same folder continues with the autosave.
    const again = await new ProjectService(dataDir).load();
    expect(again.project.name).toBe('second');
    expect(again.recovery).toBeNull();
  });

  it('opens runs recorded before projects held them (one file each under runs/) into the first project', async () => {
    const dataDir = await tempDir();
    await fs.mkdir(path.join(dataDir, 'runs'));
    for (const k of [1, 2]) await fs.writeFile(path.join(dataDir, 'runs', `run-${k}.json`), JSON.stringify(run(k)));
    const { project: p } = await new ProjectService(dataDir).load();
    expect(p.runs.map((r) => r.id)).toEqual(['run-1', 'run-2']);
  });

  it('lists earlier projects newest first for the start page and switches to one, keeping the current one in its place', async () => {
    const dataDir = await tempDir();
    const s = new ProjectService(dataDir);
    const a = (await s.load()).project;
    await s.rename('alpha');
    await s.runs.save(run(1));
    const b = await s.create('beta');
    await s.runs.save(run(2));
    await s.runs.save(run(3));
    const c = await s.create('gamma');
    // the current project (gamma) is never listed
    expect((await s.recent()).map((p) => p.id)).not.toContain(c.id);
    await s.saveBuilder(builder, null);
    // Files that are not kept projects are never listed: the autosave, an unreadable copy, garbage named like a project.
    await fs.writeFile(path.join(s.dir, 'p-garbage.seqlab.json'), '{"format":"seqlab-project","vers');
    await fs.writeFile(path.join(s.dir, 'autosave.unreadable-1.seqlab.json'), '{}');
    const listed = await new ProjectService(dataDir).recent();
    expect(listed.map((p) => p.name)).toEqual(['beta', 'alpha']);
    expect(listed.map((p) => p.runs)).toEqual([2, 1]);
    expect(listed.map((p) => p.id)).toEqual([b.id, a.id]);

    const opened = await s.switchTo(a.id);
    expect(opened.name).toBe('alpha');
    expect(opened.runs.map((r) => r.id)).toEqual(['run-1']);
    expect((await readProjectFile(s.autosaveFile()))!.name).toBe('alpha');
    // gamma (now with a builder) took alpha's place in the list; alpha, current, is not listed
    expect((await s.recent()).map((p) => p.name).sort()).toEqual(['beta', 'gamma']);

    await expect(s.switchTo('p-nothing-here')).rejects.toMatchObject({ code: 'E_PROJECT_MISSING' });
    await expect(s.switchTo('../autosave')).rejects.toMatchObject({ code: 'E_PROJECT_MISSING' });
    await expect(s.switchTo('p-garbage')).rejects.toMatchObject({ code: 'E_PROJECT_CORRUPT' });
    expect((await s.project()).name).toBe('alpha');
  });

  it('sets a corrupt autosave aside (kept byte for byte) and says so once', async () => {
    const dataDir = await tempDir();
    const s0 = new ProjectService(dataDir);
    await fs.mkdir(s0.dir, { recursive: true });
    const bytes = Buffer.from('{"format":"seqlab-project","version":2,"id":"p-1","na');
    await fs.writeFile(s0.autosaveFile(), bytes);
    const first = await s0.load();
    expect(first.problem).toMatchObject({ code: 'E_PROJECT_CORRUPT', params: { reason: 'truncated' } });
    const backup = String(first.problem!.params!.backup);
    expect(Buffer.compare(await fs.readFile(path.join(s0.dir, backup)), bytes)).toBe(0);
    expect(first.project.runs).toEqual([]);
    expect((await s0.load()).problem).toBeNull();
  });
});

describe('session marker and crash recovery', () => {
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    return pid;
  }

  it('tells a crashed previous session from a clean one', async () => {
    const dataDir = await tempDir();
    expect((await beginSession(dataDir)).crashed).toBe(false);
    // This process's own marker (an engine restarted in the same app) is not a crash.
    expect((await beginSession(dataDir)).crashed).toBe(false);
    endSession(dataDir);
    expect(existsSync(sessionFile(dataDir))).toBe(false);
    await fs.writeFile(sessionFile(dataDir), JSON.stringify({ pid: await deadPid() }));
    expect((await beginSession(dataDir)).crashed).toBe(true);
    expect(JSON.parse(await fs.readFile(sessionFile(dataDir), 'utf8')).pid).toBe(process.pid);
  });

  it('after a crash offers the autosaved project back; Restore brings it and its runs, Start fresh keeps it aside', async () => {
    for (const restore of [true, false]) {
      const dataDir = await tempDir();
      const before = new ProjectService(dataDir, { sessionMarker: true });
      await before.rename('lesson 3');
      await before.saveBuilder(builder, null);
      await before.runs.save(run(7));
      const crashed = await before.project();
      // The app was killed: its marker stays, with a pid that no longer runs.
      await fs.writeFile(sessionFile(dataDir), JSON.stringify({ pid: await deadPid() }));

      const after = new ProjectService(dataDir, { sessionMarker: true });
      const loaded = await after.load();
      expect(loaded.recovery).toMatchObject({ name: 'lesson 3', runs: 1, savedAt: crashed.savedAt });
      expect(loaded.project.runs).toEqual([]);
      // The fresh project saving over the autosave does not lose the offer.
      await after.saveBuilder(builder, null);
      const p = await after.recover(restore);
      if (restore) {
        expect(p.id).toBe(crashed.id);
        expect(p.runs.map((r) => r.id)).toEqual(['run-7']);
        expect((await readProjectFile(after.autosaveFile()))!.name).toBe('lesson 3');
      } else {
        expect(p.id).not.toBe(crashed.id);
        expect((await readProjectFile(path.join(after.dir, `${crashed.id}.seqlab.json`)))!.runs).toHaveLength(1);
      }
      expect((await after.load()).recovery).toBeNull();
      endSession(dataDir);
    }
  });
});
