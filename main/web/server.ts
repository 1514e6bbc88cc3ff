/**
 * Browser mode: serves the built renderer on 127.0.0.1 (a free port) and carries the
 * IPC contract over a WebSocket to the same router and engine the Electron app uses.
 * A per-launch token, handed to the page in the printed address, is required to open
 * the WebSocket, and the Origin must be this server's own: another local page cannot
 * drive the engine.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_REQUEST_BYTES, type AppInfo } from '../../shared/ipc/contract';
import { EngineHost } from '../engine/host';
import { createRouter } from '../engine/router';

export interface WebHostOptions {
  port?: number;
  dataDir: string;
  rendererDir: string;
  workerPath?: string;
  version: string;
  browserModeReason?: string;
}

export interface WebHost {
  url: string;
  origin: string;
  token: string;
  host: EngineHost;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
};

export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Where browser mode serves export files: `/export-files/<key>/<file as listed>`. */
export const EXPORT_ROUTE = '/export-files/';

const EXPORT_MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
};

/** A published export's file: attachment by default; `?view=1` shows a report or plot in the tab, under a policy that runs nothing. */
async function serveExport(url: URL, head: boolean, res: http.ServerResponse, published: Map<string, { folder: string; files: Set<string> }>): Promise<void> {
  const rest = url.pathname.slice(EXPORT_ROUTE.length);
  const slash = rest.indexOf('/');
  const entry = slash > 0 ? published.get(rest.slice(0, slash)) : undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(rest.slice(slash + 1));
  } catch {
    rel = '';
  }
  if (!entry || !entry.files.has(rel)) {
    res.writeHead(404).end();
    return;
  }
  const file = path.resolve(entry.folder, rel);
  if (!file.startsWith(entry.folder + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  let body: Buffer;
  try {
    if (!(await fs.lstat(file)).isFile()) throw new Error('not a file');
    body = await fs.readFile(file);
  } catch {
    res.writeHead(404).end();
    return;
  }
  const ext = path.extname(file).toLowerCase();
  const view = url.searchParams.get('view') === '1' && ['.html', '.svg', '.png', '.pdf'].includes(ext);
  const name = path.basename(file);
  res.writeHead(200, {
    'Content-Type': EXPORT_MIME[ext] ?? 'application/octet-stream',
    'Content-Disposition': `${view ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : body);
}

/** WebSocket clients at once (the window uses one; a reload briefly two). */
export const MAX_CLIENTS = 16;
/** Requests one connection may have unanswered at once. */
export const MAX_IN_FLIGHT = 32;
/** Requests per connection: a bucket of this many, refilled at RATE_PER_S (chunked uploads send about 50 a second). */
export const RATE_BURST = 400;
export const RATE_PER_S = 200;

/** The request's target as a URL on this server, or null when it is not one (`//[`, a bad escape...). */
function parseTarget(raw: string | undefined, base: string): URL | null {
  try {
    return new URL(raw ?? '/', base);
  } catch {
    return null;
  }
}

/** Only this server's own names: a page on another name (DNS rebinding) never reaches the engine. */
function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** A plain HTTP answer on a raw socket (upgrade path), then the socket is closed. */
function refuseSocket(socket: { write(s: string): unknown; destroy(): unknown }, status: string): void {
  try {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  } catch {
    // already closed
  }
  socket.destroy();
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(opts.rendererDir);
  const host = new EngineHost({ dataDir: opts.dataDir, workerPath: opts.workerPath });
  let origin = '';
  const appInfo = (): AppInfo => ({
    version: opts.version,
    mode: 'browser',
    platform: process.platform,
    ...(opts.browserModeReason ? { browserModeReason: opts.browserModeReason } : {}),
  });
  // Finished exports offered for download: each under its own random key, and only the files
  // the export listed (an exact match, so no path from the address is ever resolved).
  const exportsRoot = path.resolve(opts.dataDir, 'exports');
  const published = new Map<string, { folder: string; files: Set<string> }>();
  const publishExport = (folder: string, files: string[]): string | undefined => {
    const dir = path.resolve(folder);
    if (!dir.startsWith(exportsRoot + path.sep)) return undefined;
    const key = randomBytes(24).toString('base64url');
    published.set(key, { folder: dir, files: new Set(files) });
    if (published.size > 64) published.delete(published.keys().next().value!);
    return `${EXPORT_ROUTE}${key}/`;
  };
  const route = createRouter({ host, appInfo, publishExport });

  let hosts = new Set<string>();
  const server = http.createServer((req, res) => {
    void (async () => {
      if (!hosts.has(req.headers.host ?? '')) {
        res.writeHead(403, { Connection: 'close' }).end();
        return;
      }
      const url = parseTarget(req.url, origin);
      if (!url) {
        res.writeHead(400, { Connection: 'close' }).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (url.pathname.startsWith(EXPORT_ROUTE)) {
        await serveExport(url, req.method === 'HEAD', res, published);
        return;
      }
      let rel: string;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (rel.includes('\0')) {
        res.writeHead(400).end();
        return;
      }
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(rendererDir, '.' + path.posix.normalize(rel));
      if (!file.startsWith(rendererDir + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      let body: Buffer;
      let target = file;
      try {
        body = await fs.readFile(file);
      } catch {
        target = path.join(rendererDir, 'index.html');
        body = await fs.readFile(target);
      }
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(target)] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const clients = new Set<WebSocket>();
  // Every path of the upgrade answers; nothing here may throw (an exception would end the process).
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const hostHeader = req.headers.host ?? '';
    if (!hosts.has(hostHeader)) return refuseSocket(socket, '403 Forbidden');
    const url = parseTarget(req.url, origin);
    if (!url) return refuseSocket(socket, '400 Bad Request');
    const given = url.searchParams.get('token') ?? '';
    // The page's own origin, under whichever of this server's names it was opened.
    const okOrigin = req.headers.origin === `http://${hostHeader}`;
    if (url.pathname !== '/ipc' || !okOrigin || !sameToken(given, token)) return refuseSocket(socket, '401 Unauthorized');
    if (clients.size >= MAX_CLIENTS) return refuseSocket(socket, '503 Service Unavailable');
    try {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch {
      refuseSocket(socket, '400 Bad Request');
    }
  });

  host.onEvent((name, payload) => {
    const msg = JSON.stringify({ event: name, payload });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  });

  wss.on('connection', (ws) => {
    clients.add(ws);
    let inFlight = 0;
    let tokens = RATE_BURST;
    let refilledAt = Date.now();
    // A frame over the size limit (or any protocol error) closes this socket only; without
    // a listener the 'error' event would be thrown and take the whole host down.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      let id: unknown = null;
      void (async () => {
        let msg: { id?: unknown; channel?: unknown; payload?: unknown };
        try {
          msg = JSON.parse(String(data)) as typeof msg;
        } catch {
          ws.send(JSON.stringify({ id: null, envelope: { ok: false, error: { code: 'E_VALIDATION', params: { issue: 'not_json' } } } }));
          return;
        }
        id = typeof msg?.id === 'number' ? msg.id : null;
        const now = Date.now();
        tokens = Math.min(RATE_BURST, tokens + ((now - refilledAt) / 1000) * RATE_PER_S);
        refilledAt = now;
        if (inFlight >= MAX_IN_FLIGHT || tokens < 1) {
          ws.send(JSON.stringify({ id, envelope: { ok: false, error: { code: 'E_ENGINE_BUSY', params: { what: 'requests', limit: inFlight >= MAX_IN_FLIGHT ? MAX_IN_FLIGHT : RATE_PER_S } } } }));
          return;
        }
        tokens -= 1;
        inFlight++;
        try {
          const envelope = await route(msg?.channel, msg?.payload);
          ws.send(JSON.stringify({ id, envelope }));
        } finally {
          inFlight--;
        }
      })().catch(() => ws.terminate());
    });
  });

  await host.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  hosts = allowedHosts(port);
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    host,
    async close() {
      for (const c of clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      await host.close();
    },
  };
}
