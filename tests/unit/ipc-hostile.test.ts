// Every IPC channel against hostile input: wrong types, missing and extra fields, strings
// too big and just under the limit, path traversal and absolute paths in every string
// field, NUL bytes, prototype-pollution keys, unserialisable values. The channel list is
// read from the contract at run time, so a channel added later is covered too. Every
// answer must be a clean envelope with a known error code (or a success, when the payload
// happens to be valid); no file outside the data folder may change; Object.prototype stays
// clean; and afterwards the engine still serves. Then the browser-mode WebSocket transport:
// bad token, foreign Origin, oversize frame, non-JSON.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors';
import { channels, CHANNEL_NAMES, MAX_REQUEST_BYTES, SettingsSchema, type Envelope } from '../../shared/ipc/contract';
import { EngineHost } from '../../main/engine/host';
import { createRouter } from '../../main/engine/router';

const workerPath = path.resolve('dist/main/engine-worker.cjs');
const rendererDir = path.resolve('dist/renderer');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface ZodDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  items?: z.ZodType[];
  valueType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  defaultValue?: unknown;
}
const defOf = (s: z.ZodType): ZodDef => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

/** A plausible sample for a schema (not necessarily valid: regexes and ranges are not solved). */
function sample(s: z.ZodType, depth = 0): Json {
  if (depth > 12) return null;
  const d = defOf(s);
  switch (d.type) {
    case 'object':
      return Object.fromEntries(Object.entries(d.shape ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]));
    case 'string':
      return 'sample';
    case 'number':
    case 'int':
      return 1;
    case 'boolean':
      return true;
    case 'enum':
      return (Object.values(d.entries ?? {})[0] as string) ?? 'x';
    case 'literal':
      return (d.values?.[0] as Json) ?? null;
    case 'array':
      return [sample(d.element!, depth + 1)];
    case 'tuple':
      return (d.items ?? []).map((i) => sample(i, depth + 1));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return sample(d.innerType!, depth + 1);
    case 'union':
      return sample(d.options![0]!, depth + 1);
    case 'record':
      return { key: sample(d.valueType!, depth + 1) };
    case 'pipe':
      return sample(d.in!, depth + 1);
    case 'lazy':
      return sample(d.getter!(), depth + 1);
    default:
      return null;
  }
}

/** Paths to every string leaf of a value. */
function stringLeaves(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === 'string') out.push(at);
  else if (Array.isArray(v)) v.forEach((x, i) => stringLeaves(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stringLeaves(x, [...at, k], out);
  return out;
}

function setAt(v: Json, at: (string | number)[], value: Json): Json {
  const copy = JSON.parse(JSON.stringify(v)) as Json;
  if (at.length === 0) return value;
  let node = copy as Record<string | number, Json>;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  node[at[at.length - 1]!] = value;
  return copy;
}

const KNOWN = new Set<string>(ERROR_CODES);

function expectClean(r: Envelope<unknown>, what: string): void {
  expect(r, what).toBeTypeOf('object');
  if (r.ok) return;
  expect(KNOWN.has(r.error.code), `${what}: code ${r.error.code}`).toBe(true);
  for (const v of Object.values(r.error.params ?? {})) expect(['string', 'number'], what).toContain(typeof v);
}

/** A snapshot of a folder tree: names, sizes and modification times. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      out.push(`${path.relative(dir, p)}|${st.isDirectory() ? 'dir' : st.size}|${st.isDirectory() ? '' : st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('hostile payloads on every IPC channel', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'seqlab-hostile-'));
  const dataDir = path.join(root, 'data');
  const outside = path.join(root, 'outside');
  mkdirSync(dataDir);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'victim.txt'), 'do not touch');
  writeFileSync(path.join(outside, 'victim.csv'), 'a,b\n1,2\n');
  const host = new EngineHost({ dataDir, workerPath, restartDelayMs: 50 });
  const route = createRouter({ host, appInfo: () => ({ version: 'test', mode: 'browser', platform: process.platform }) });
  let before: string[] = [];
  let passwdBefore = '';

  beforeAll(async () => {
    await host.start();
    before = snapshot(outside);
    passwdBefore = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '';
  });
  afterAll(async () => {
    await host.close();
    rmSync(root, { recursive: true, force: true });
  });

  const TRAVERSAL = [
    '../../etc/passwd',
    '../outside/victim.txt',
    '..\\..\\outside\\victim.txt',
    '/etc/passwd',
    path.join(outside, 'victim.txt'),
    path.join(outside, 'new-file'),
    'C:\\Windows\\System32\\drivers\\etc\\hosts',
    '\\\\server\\share\\x',
    'file:///etc/passwd',
    'a\u0000b',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
  ];

  it('answers every channel cleanly, whatever arrives', async () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThan(10);
    let requests = 0;
    let successes = 0;
    for (const channel of CHANNEL_NAMES) {
      const schema = channels[channel].request as unknown as z.ZodType;
      const base = sample(schema);
      const payloads: [string, unknown][] = [
        ['undefined', undefined],
        ['null', null],
        ['number', 42],
        ['string', 'payload'],
        ['array', [1, 2, 3]],
        ['boolean', true],
        ['NaN', Number.NaN],
        ['empty object', {}],
        ['extra key', { ...(base && typeof base === 'object' && !Array.isArray(base) ? base : {}), evil: 'x' }],
        ['proto key', JSON.parse('{"__proto__": {"polluted": 1}}') as unknown],
        ['proto key with sample', { ...(base as object), ...(JSON.parse('{"__proto__": {"polluted": 1}}') as object) }],
        ['constructor.prototype', JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}') as unknown],
        ['too big', { blob: 'x'.repeat(MAX_REQUEST_BYTES + 10) }],
        ['bigint', { n: BigInt(1) }],
        ['deep nesting', JSON.parse('['.repeat(5000) + ']'.repeat(5000)) as unknown],
      ];
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      payloads.push(['cyclic', cyclic]);
      // Each string field: wrong type, traversal and absolute paths, NUL bytes, huge values.
      for (const [leaf, at] of stringLeaves(base).entries()) {
        const where = at.join('.');
        payloads.push([`${where}=number`, setAt(base, at, 12345)]);
        payloads.push([`${where}=object`, setAt(base, at, { toString: 'x' })]);
        for (const t of TRAVERSAL) payloads.push([`${where}=${t}`, setAt(base, at, t)]);
        // Huge values in the first few string fields (each costs a 4 MiB copy and parse).
        if (leaf < 3) {
          payloads.push([`${where}=just under the limit`, setAt(base, at, 'y'.repeat(MAX_REQUEST_BYTES - 4096))]);
          payloads.push([`${where}=over the limit`, setAt(base, at, 'y'.repeat(MAX_REQUEST_BYTES + 1))]);
        }
      }
      for (const [what, payload] of payloads) {
        const r = await route(channel, payload);
        requests++;
        if (r.ok) successes++;
        expectClean(r, `${channel} <- ${what}`);
        // Input never causes an internal error: it is refused (E_VALIDATION and friends) or served.
        if (!r.ok) expect(r.error.code, `${channel} <- ${what}`).not.toBe('E_INTERNAL');
        if (['bigint', 'cyclic', 'deep nesting', 'too big'].includes(what)) expect(r, `${channel} <- ${what}`).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
        expect(({} as Record<string, unknown>).polluted, `${channel} <- ${what}`).toBeUndefined();
      }
    }
    // Channels that do not exist, and channel names that are not strings.
    for (const c of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, undefined, { channel: 'settings.get' }, ['settings.get']]) {
      const r = await route(c, {});
      expect(r.ok, String(c)).toBe(false);
      expectClean(r, `channel ${String(c)}`);
    }
    expect(requests).toBeGreaterThan(CHANNEL_NAMES.length * 15);
    // Most of the barrage is refused; the rest were valid requests that were served.
    expect(successes).toBeLessThan(requests / 2);
  });

  it('left everything outside the data folder alone, and kept Object.prototype clean', () => {
    expect(snapshot(outside)).toEqual(before);
    expect(readdirSync(root).sort()).toEqual(['data', 'outside']);
    if (passwdBefore) expect(readFileSync('/etc/passwd', 'utf8')).toBe(passwdBefore);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it('still serves afterwards', async () => {
    const backends = await route('engine.backends', {});
    expect(backends.ok).toBe(true);
    const settings = await route('settings.get', {});
    expect(settings.ok).toBe(true);
    // Only the schema's own keys survive whatever was sent (no `__proto__`, no extras).
    const keys = Object.keys((settings as { result: object }).result);
    expect(keys).toContain('language');
    expect(keys.filter((k) => !Object.keys(SettingsSchema.shape).includes(k))).toEqual([]);
    const set = await route('settings.set', { language: 'en' });
    expect(set).toMatchObject({ ok: true, result: { language: 'en' } });
  });
});

describe('browser-mode WebSocket transport under attack', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-hostile-ws-'));
  let web: Awaited<ReturnType<typeof import('../../main/web/server').startWebHost>>;

  beforeAll(async () => {
    const { startWebHost } = await import('../../main/web/server');
    web = await startWebHost({ dataDir, rendererDir, workerPath, version: 'test' });
  });
  afterAll(async () => {
    await web?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const wsUrl = (token: string): string => `${web.origin.replace(/^http/, 'ws')}/ipc?token=${encodeURIComponent(token)}`;

  /** Opens a socket; resolves with it when open, rejects with the refusal otherwise. */
  function open(token: string, origin: string | undefined): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(token), origin ? { origin } : {});
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  function ask(ws: WebSocket, raw: string | Buffer): Promise<{ id: unknown; envelope: Envelope<unknown> }> {
    return new Promise((resolve, reject) => {
      const onMsg = (data: WebSocket.RawData): void => {
        const msg = JSON.parse(String(data)) as { id?: unknown; envelope?: Envelope<unknown> };
        if (!msg.envelope) return; // an engine event
        ws.off('message', onMsg);
        resolve(msg as { id: unknown; envelope: Envelope<unknown> });
      };
      ws.on('message', onMsg);
      ws.once('close', () => reject(new Error('closed')));
      ws.send(raw);
    });
  }

  it('refuses a wrong or missing token and a foreign Origin', async () => {
    await expect(open('wrong-token', web.origin)).rejects.toThrow(/401/);
    await expect(open('', web.origin)).rejects.toThrow(/401/);
    await expect(open(web.token + 'x', web.origin)).rejects.toThrow(/401/);
    await expect(open(web.token, 'http://evil.example')).rejects.toThrow(/401/);
    await expect(open(web.token, 'http://127.0.0.1:1')).rejects.toThrow(/401/);
    await expect(open(web.token, undefined)).rejects.toThrow(/401/);
  });

  it('answers non-JSON and malformed messages with a clean error and keeps the socket', async () => {
    const ws = await open(web.token, web.origin);
    try {
      for (const raw of ['not json', '{"id":', '', '[]', 'null', '42', Buffer.from([0xff, 0xfe, 0x00])]) {
        const r = await ask(ws, raw);
        expect(r.envelope.ok, String(raw)).toBe(false);
        expectClean(r.envelope, `raw ${String(raw)}`);
      }
      const polluted = await ask(ws, '{"id":1,"channel":"settings.set","payload":{"__proto__":{"polluted":1}}}');
      expectClean(polluted.envelope, 'proto');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const traversal = await ask(ws, JSON.stringify({ id: 2, channel: 'runs.delete', payload: { runId: '../../etc/passwd' } }));
      expect(traversal.envelope).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
      const ok = await ask(ws, JSON.stringify({ id: 3, channel: 'settings.get', payload: {} }));
      expect(ok).toMatchObject({ id: 3, envelope: { ok: true } });
    } finally {
      ws.close();
    }
  });

  it('closes a socket that sends an oversize frame, and keeps serving new ones', async () => {
    const ws = await open(web.token, web.origin);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ id: 1, channel: 'settings.get', payload: { x: 'z'.repeat(MAX_REQUEST_BYTES + 100) } }));
    expect(await closed).toBe(1009);
    const again = await open(web.token, web.origin);
    try {
      const r = await ask(again, JSON.stringify({ id: 9, channel: 'engine.backends', payload: {} }));
      expect(r.envelope.ok).toBe(true);
    } finally {
      again.close();
    }
  });

  it('serves no file outside the renderer folder over HTTP', async () => {
    for (const p of ['/../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await fetch(`${web.origin}${p}`);
      const body = await res.text();
      expect(body, p).not.toMatch(/root:.*:0:0:/);
      expect(body, p).not.toContain('"devDependencies"');
    }
    const post = await fetch(`${web.origin}/index.html`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });
});
