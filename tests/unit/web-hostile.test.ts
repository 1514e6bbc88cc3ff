// The browser-mode server and the engine behind it under hostile input that once ended the
// whole process or blocked it (issue #19): a WebSocket upgrade or HTTP request whose target
// is not a URL, a foreign Host header (DNS rebinding), bad percent-escapes, too many sockets,
// floods of requests, a 200 MB CSV that is one line, abandoned uploads. After each, a valid
// request must still be answered; memory must stay bounded.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Envelope } from '../../shared/ipc/contract';
import { UPLOAD_CHUNK_BYTES } from '../../shared/ipc/data';
import { MAX_CLIENTS, MAX_IN_FLIGHT, startWebHost, type WebHost } from '../../main/web/server';

const workerPath = path.resolve('dist/main/engine-worker.cjs');
const rendererDir = path.resolve('dist/renderer');

/** Sends raw bytes on a fresh TCP connection; resolves with everything the server answered before closing (or after `waitMs`). */
function raw(port: number, request: string, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(got);
    }, waitMs);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      if (got) resolve(got);
      else reject(e);
    });
    s.write(request);
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

describe('browser-mode server under hostile requests', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-web-hostile-'));
  let web: WebHost;
  let port = 0;

  beforeAll(async () => {
    web = await startWebHost({ dataDir, rendererDir, workerPath, version: 'test' });
    port = Number(new URL(web.origin).port);
  });
  afterAll(async () => {
    await web?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function open(opts: { token?: string; origin?: string; host?: string } = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = opts.host ? { Host: opts.host } : {};
      const ws = new WebSocket(`${web.origin.replace(/^http/, 'ws')}/ipc?token=${encodeURIComponent(opts.token ?? web.token)}`, { origin: opts.origin ?? web.origin, headers });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  let nextId = 1;
  /** One request on a socket; resolves with its envelope (engine events are skipped). */
  function ask(ws: WebSocket, channel: string, payload: unknown): Promise<Envelope<unknown>> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onMsg = (data: WebSocket.RawData): void => {
        const msg = JSON.parse(String(data)) as { id?: unknown; envelope?: Envelope<unknown> };
        if (!msg.envelope || msg.id !== id) return;
        ws.off('message', onMsg);
        resolve(msg.envelope);
      };
      ws.on('message', onMsg);
      ws.once('close', () => reject(new Error('closed')));
      ws.send(JSON.stringify({ id, channel, payload }));
    });
  }

  const closed = (ws: WebSocket): Promise<void> =>
    new Promise((r) => {
      if (ws.readyState === ws.CLOSED) return r();
      ws.once('close', () => r());
      ws.close();
    });

  async function stillServes(): Promise<void> {
    const ws = await open();
    try {
      expect(await ask(ws, 'settings.get', {})).toMatchObject({ ok: true });
    } finally {
      ws.close();
    }
  }

  it('answers an upgrade whose target is not a URL with 400, and keeps serving', async () => {
    const upgrade = (target: string): string =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${web.origin}\r\n\r\n`;
    for (const target of ['//[', '//[::1', 'http://[', '//%zz']) {
      const res = await raw(port, upgrade(target));
      expect([400, 401], target).toContain(statusOf(res));
    }
    expect(statusOf(await raw(port, upgrade('//[')))).toBe(400);
    await stillServes();
  });

  it('answers an HTTP request whose target is not a URL, or has a bad escape, with 400', async () => {
    const get = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
    expect(statusOf(await raw(port, get('//[')))).toBe(400);
    for (const p of ['/%E0%A4%A', '/%zz', '/assets/%', '/a%00b']) {
      const res = await fetch(`${web.origin}${p}`);
      expect(res.status, p).toBe(400);
    }
    expect((await fetch(`${web.origin}/`)).status).toBe(200);
    await stillServes();
  });

  it('refuses a foreign or missing Host header on HTTP and on the upgrade (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1:${port}.evil.example`]) {
      const res = await raw(port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(res), `Host ${host}`).toBe(403);
    }
    // No Host at all: Node's parser refuses it before the handler (HTTP/1.1 requires one).
    expect(statusOf(await raw(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'))).toBe(400);
    await expect(open({ host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).rejects.toThrow(/403/);
    // The server's own names both work, each with its own origin.
    const local = await open({ host: `localhost:${port}`, origin: `http://localhost:${port}` });
    local.close();
    await expect(open({ host: `localhost:${port}`, origin: web.origin })).rejects.toThrow(/401/);
    expect(statusOf(await raw(port, `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`))).toBe(200);
  });

  it(`accepts at most ${MAX_CLIENTS} sockets at once, and a new one once a place is free`, async () => {
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < MAX_CLIENTS; i++) sockets.push(await open());
      await expect(open()).rejects.toThrow(/503/);
      await closed(sockets.shift()!);
      // The server sees the close a moment later.
      await new Promise((r) => setTimeout(r, 100));
      sockets.push(await open());
      expect(await ask(sockets[0]!, 'settings.get', {})).toMatchObject({ ok: true });
    } finally {
      await Promise.all(sockets.map((s) => closed(s)));
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it(`answers a flood on one socket: at most ${MAX_IN_FLIGHT} at once, the rest refused as busy, all answered`, async () => {
    const ws = await open();
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, () => ask(ws, 'settings.get', {})));
      const busy = answers.filter((a) => !a.ok && a.error.code === 'E_ENGINE_BUSY');
      const ok = answers.filter((a) => a.ok);
      expect(ok.length + busy.length).toBe(200);
      expect(busy.length).toBeGreaterThan(0);
      expect(ok.length).toBeGreaterThanOrEqual(MAX_IN_FLIGHT);
      expect(busy[0]).toMatchObject({ ok: false, error: { params: { what: 'requests' } } });
      // Once the flood is answered, the socket serves as before.
      expect(await ask(ws, 'settings.get', {})).toMatchObject({ ok: true });
    } finally {
      ws.close();
    }
  });

  it('refuses a 200 MB CSV that is one line with a message naming the line; memory stays bounded and nothing is kept', async () => {
    const ws = await open();
    try {
      const size = 200 * 1024 * 1024;
      const begin = (await ask(ws, 'data.uploadBegin', { name: 'one-line.csv', size })) as { ok: true; result: { uploadId: string } };
      expect(begin.ok).toBe(true);
      const { uploadId } = begin.result;
      const chunk = Buffer.alloc(UPLOAD_CHUNK_BYTES, '1,').toString('base64');
      for (let seq = 0; seq * UPLOAD_CHUNK_BYTES < size; seq++) {
        const r = await ask(ws, 'data.uploadChunk', { uploadId, seq, dataBase64: chunk });
        expect(r.ok, `chunk ${seq}`).toBe(true);
      }
      const end = await ask(ws, 'data.uploadEnd', { uploadId });
      expect(end).toMatchObject({ ok: false, error: { code: 'E_CSV_LINE_TOO_LONG', params: { line: 1, limitKiB: 1024 } } });
      // The server and its engine (a thread of this process) together stay far below 1 GB.
      expect(process.memoryUsage().rss).toBeLessThan(1024 * 1024 * 1024);
      expect(readdirSync(path.join(dataDir, 'imports')).filter((f) => f.endsWith('.csv'))).toEqual([]);
      expect(readdirSync(path.join(dataDir, 'uploads', 'data'))).toEqual([]);
      expect(await ask(ws, 'data.imports', {})).toMatchObject({ ok: true, result: { files: [] } });
    } finally {
      ws.close();
    }
  }, 120_000);

  it('refuses a header of 100 000 columns by its count', async () => {
    const ws = await open();
    try {
      const text = Buffer.from(`${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n1,2\n`);
      const { result } = (await ask(ws, 'data.uploadBegin', { name: 'wide.csv', size: text.length })) as { result: { uploadId: string } };
      for (let seq = 0, off = 0; off < text.length; seq++, off += UPLOAD_CHUNK_BYTES) {
        await ask(ws, 'data.uploadChunk', { uploadId: result.uploadId, seq, dataBase64: text.subarray(off, off + UPLOAD_CHUNK_BYTES).toString('base64') });
      }
      expect(await ask(ws, 'data.uploadEnd', { uploadId: result.uploadId })).toMatchObject({
        ok: false,
        error: { code: 'E_CSV_TOO_MANY_COLUMNS', params: { line: 1, columns: 100_000, max: 4096 } },
      });
    } finally {
      ws.close();
    }
  });

  it('abandoned uploads fill only their own pool, and cancel frees a place', async () => {
    const ws = await open();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const r = (await ask(ws, 'data.uploadBegin', { name: `a${i}.csv`, size: 10 })) as { ok: true; result: { uploadId: string } };
        expect(r.ok).toBe(true);
        ids.push(r.result.uploadId);
      }
      expect(await ask(ws, 'data.uploadBegin', { name: 'more.csv', size: 10 })).toMatchObject({ ok: false, error: { code: 'E_ENGINE_BUSY', params: { what: 'uploads' } } });
      // A project still opens and a model still imports: their pools are their own.
      const project = await ask(ws, 'project.openBegin', { name: 'p.seqlab.json', size: 10 });
      expect(project).toMatchObject({ ok: true });
      expect(await ask(ws, 'model.importBegin', { files: [{ name: 'model.json', size: 10 }] })).toMatchObject({ ok: true });
      // Cancel: the upload's file is gone and its place is free.
      expect(readdirSync(path.join(dataDir, 'uploads', 'data'))).toContain(ids[0]);
      expect(await ask(ws, 'upload.cancel', { uploadId: ids[0] })).toEqual({ ok: true, result: { cancelled: true } });
      expect(readdirSync(path.join(dataDir, 'uploads', 'data'))).not.toContain(ids[0]);
      expect(await ask(ws, 'upload.cancel', { uploadId: ids[0] })).toEqual({ ok: true, result: { cancelled: false } });
      expect(await ask(ws, 'data.uploadChunk', { uploadId: ids[0], seq: 0, dataBase64: 'AA==' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
      expect(await ask(ws, 'data.uploadBegin', { name: 'again.csv', size: 10 })).toMatchObject({ ok: true });
      for (const id of ids.slice(1)) await ask(ws, 'upload.cancel', { uploadId: id });
    } finally {
      ws.close();
    }
  });

  it('E_INTERNAL from the engine carries a reference, never the runtime text', async () => {
    const { toErrorData } = await import('../../shared/errors');
    const err = toErrorData(new TypeError("Cannot read properties of undefined (reading 'shape') at /home/user/secret/path.js:1:2"));
    expect(err.code).toBe('E_INTERNAL');
    expect(err.params).toEqual({ detail: expect.stringMatching(/^#[0-9a-f]{6}$/) });
  });
});

describe('upload pools', () => {
  it('drop an upload idle past the timeout, and clean what an earlier engine left at start', async () => {
    const { UploadPools } = await import('../../main/engine/platform/uploads');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-pools-'));
    try {
      // Left by an engine that ended mid-upload, in the current layout and in the earlier one.
      mkdirSync(path.join(dataDir, 'uploads', 'data', 'u-data-x-000000000000'), { recursive: true });
      writeFileSync(path.join(dataDir, 'uploads', 'data', 'u-data-x-000000000000', 'upload.csv'), 'a,b\n');
      mkdirSync(path.join(dataDir, 'uploads', 'u-old-1'), { recursive: true });
      mkdirSync(path.join(dataDir, 'imports'), { recursive: true });
      writeFileSync(path.join(dataDir, 'imports', '.u-old-2.part'), 'x');
      writeFileSync(path.join(dataDir, 'imports', 'f-keep.csv'), 'a\n1\n');
      let now = 1_000_000;
      const pools = new UploadPools(dataDir, { idleMs: 60_000, now: () => now });
      await pools.sweep();
      expect(readdirSync(path.join(dataDir, 'uploads', 'data'))).toEqual([]);
      expect(existsSync(path.join(dataDir, 'uploads', 'u-old-1'))).toBe(false);
      expect(readdirSync(path.join(dataDir, 'imports'))).toEqual(['f-keep.csv']);

      const data = pools.pool('data');
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await data.begin([{ name: 'upload.csv', size: 4 }]));
      await expect(data.begin([{ name: 'upload.csv', size: 4 }])).rejects.toMatchObject({ code: 'E_ENGINE_BUSY' });
      now += 30_000;
      await data.chunk(ids[0]!, 0, 0, Buffer.from('a,').toString('base64'));
      now += 40_000;
      // 70 s after they began: the three silent uploads are dropped, the one that sent a chunk 40 s ago stays.
      await data.begin([{ name: 'upload.csv', size: 4 }]);
      expect(data.has(ids[0]!)).toBe(true);
      for (const id of ids.slice(1)) expect(data.has(id)).toBe(false);
      expect(readdirSync(path.join(dataDir, 'uploads', 'data')).sort()).toHaveLength(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
