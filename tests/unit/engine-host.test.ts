import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { perKind, type KindEvent } from './job-events';
import { EngineHost } from '../../main/engine/host';
import { createRouter } from '../../main/engine/router';

// The host runs the built worker bundle, exactly as the app does (tests/setup/build-engine.ts
// builds it before the run when it is missing or older than the sources).
const workerPath = path.resolve('dist/main/engine-worker.cjs');

describe('engine host (worker thread)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-host-'));
  const host = new EngineHost({ dataDir, workerPath, restartDelayMs: 50 });
  const route = createRouter({ host, appInfo: () => ({ version: 'test', mode: 'browser', platform: process.platform }) });
  const events: KindEvent[] = [];

  beforeAll(async () => {
    host.onEvent((name, payload) => events.push(perKind(name, payload)));
    await host.start();
  });
  afterAll(async () => {
    await host.close();
  });

  it('answers requests through the router and persists settings atomically', async () => {
    const backends = await route('engine.backends', {});
    expect(backends.ok).toBe(true);
    const set = await route('settings.set', { language: 'en' });
    expect(set).toEqual({ ok: true, result: { language: 'en' } });
    expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toEqual({ language: 'en' });
    expect(await route('settings.get', {})).toEqual({ ok: true, result: { language: 'en' } });
  });

  it('returns clean errors for hostile input and keeps serving', async () => {
    const hostile: [unknown, unknown][] = [
      ['nope', {}],
      ['settings.set', { language: 'x'.repeat(5_000_000) }],
      ['settings.set', JSON.parse('{"__proto__":{"admin":true}}')],
      ['train.stop', { runId: '../../etc/passwd' }],
      ['train.start', { experiment: { version: 1 } }],
      [undefined, undefined],
    ];
    for (const [c, p] of hostile) {
      const r = await route(c, p);
      expect(r.ok).toBe(false);
    }
    expect((await route('settings.get', {})).ok).toBe(true);
  });

  it('streams training progress and completes a run off the caller thread', async () => {
    events.length = 0;
    const exp = { ...STARTER_EXPERIMENT, training: { ...STARTER_EXPERIMENT.training, epochs: 2, stepsPerEpoch: 8, validationSteps: 3 } };
    const r = await route('train.start', { experiment: exp });
    expect(r.ok).toBe(true);
    const runId = (r as { result: { runId: string } }).result.runId;
    // While it trains, this thread stays free: a timer fires promptly.
    const lag = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      setTimeout(() => resolve(Date.now() - t0 - 20), 20);
    });
    expect(lag).toBeLessThan(200);
    const busy = await route('train.start', { experiment: exp });
    expect(busy).toMatchObject({ ok: false, error: { code: 'E_ENGINE_BUSY' } });
    await waitFor(() => events.some((e) => e.name === 'train.done'));
    const done = events.find((e) => e.name === 'train.done')!.payload as { runId: string; status: string; history: unknown[] };
    expect(done.runId).toBe(runId);
    expect(done.status).toBe('completed');
    expect(done.history).toHaveLength(2);
    expect(events.filter((e) => e.name === 'train.progress').length).toBeGreaterThan(0);
  });

  it('reports an engine crash, restarts it, and serves again', async () => {
    events.length = 0;
    host.crashForTest();
    await waitFor(() => events.some((e) => e.name === 'engine.status' && (e.payload as { state: string }).state === 'restarted'));
    expect(events.map((e) => (e.payload as { state?: string }).state)).toContain('crashed');
    expect(host.restarts).toBeGreaterThanOrEqual(1);
    expect(await route('settings.get', {})).toEqual({ ok: true, result: { language: 'en' } });
  });

  it('a crash during a job ends that job as failed (E_ENGINE_CRASHED), whatever its kind, and a new job starts', async () => {
    events.length = 0;
    const r = await route('pretrain.start', { labels: 100, seeds: 1, size: 'small' });
    expect(r.ok).toBe(true);
    const runId = (r as { result: { runId: string } }).result.runId;
    await waitFor(() => events.some((e) => e.name === 'pretrain.progress'));
    host.crashForTest();
    await waitFor(() => events.some((e) => e.name === 'pretrain.failed'));
    const failed = events.find((e) => e.name === 'pretrain.failed')!.payload as { jobId: string; error: { code: string } };
    expect(failed.jobId).toBe(runId);
    expect(failed.error.code).toBe('E_ENGINE_CRASHED');
    await waitFor(() => events.some((e) => e.name === 'engine.status' && (e.payload as { state: string }).state === 'restarted'));
    const exp = { ...STARTER_EXPERIMENT, training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 4, validationSteps: 2 } };
    const again = await route('train.start', { experiment: exp });
    expect(again.ok).toBe(true);
    await waitFor(() => events.some((e) => e.name === 'train.done'));
    expect(events.find((e) => e.name === 'train.done')!.payload).toMatchObject({ status: 'completed' });
  });
});

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
