// The desktop's "Open project file…" and "Save project as…" (issue #5): the main process
// shows the dialogs and keeps the paths; the router sends the file's bytes to the engine in
// chunks and writes the saved text. Driven here through the real router and engine worker
// with the dialogs replaced by stubs (no Electron needed); browser mode refuses both.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../main/engine/host';
import { createRouter } from '../../main/engine/router';

const workerPath = path.resolve('dist/main/engine-worker.cjs');
const FIXTURE = path.resolve('tests/fixtures/three-runs.seqlab.json');

describe('project dialogs through the router', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-dialogs-'));
  const host = new EngineHost({ dataDir, workerPath });
  const appInfo = () => ({ version: 'test', mode: 'electron' as const, platform: process.platform });
  let opened: Uint8Array | null = null;
  const saved: { name: string; text: string }[] = [];
  const route = createRouter({
    host,
    appInfo,
    openProjectFile: async () => (opened ? { name: 'three-runs.seqlab.json', bytes: opened } : null),
    saveProjectFile: async (name, text) => {
      saved.push({ name, text });
      return name;
    },
  });
  afterAll(async () => {
    await host.close();
  });

  it('opens a chosen file as the current project, and saves it back whole', async () => {
    expect(await route('project.openDialog', {})).toEqual({ ok: true, result: { project: null } });
    opened = readFileSync(FIXTURE);
    const r = (await route('project.openDialog', {})) as { ok: true; result: { project: { id: string; runs: unknown[] } } };
    expect(r.ok).toBe(true);
    expect(r.result.project.id).toBe('p-fixture-three-runs');
    expect(r.result.project.runs).toHaveLength(3);
    const list = (await route('runs.list', {})) as { ok: true; result: { runs: { id: string }[] } };
    expect(list.result.runs.map((x) => x.id)).toEqual(['run-fixture2', 'run-fixture1', 'run-fixture0']);

    expect(await route('project.saveDialog', {})).toEqual({ ok: true, result: { fileName: 'Three-GRU-runs.seqlab.json' } });
    const back = JSON.parse(saved[0]!.text) as { id: string; runs: unknown[] };
    expect(back.id).toBe('p-fixture-three-runs');
    expect(back.runs).toEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')).runs);
  });

  it('refuses a broken file with its code and keeps the current project', async () => {
    opened = readFileSync(FIXTURE).subarray(0, 500);
    expect(await route('project.openDialog', {})).toMatchObject({ ok: false, error: { code: 'E_PROJECT_CORRUPT' } });
    const list = (await route('runs.list', {})) as { ok: true; result: { runs: unknown[] } };
    expect(list.result.runs).toHaveLength(3);
  });

  it('in browser mode (no dialogs) the channels are refused', async () => {
    const browser = createRouter({ host, appInfo: () => ({ ...appInfo(), mode: 'browser' as const }) });
    expect(await browser('project.openDialog', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_CHANNEL' } });
    expect(await browser('project.saveDialog', {})).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_CHANNEL' } });
  });
});
