// The Electron security settings, checked two ways: the values in main/app/security.ts,
// and the real main process (main/app/main.ts) run against a stand-in `electron` module,
// so every handler it registers is exercised: navigation, new windows, permissions,
// requests leaving the app, the app:// file handler and the IPC sender check.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, ELECTRON_CSP, isAppUrl, WEB_PREFERENCES } from '../../main/app/security';
import { contentSecurityPolicy } from '../../main/web/server';

const ROOT = path.resolve(__dirname, '..', '..');

const h = vi.hoisted(() => {
  const state = {
    windows: [] as { options: Record<string, unknown>; contentsOn: Map<string, (...a: unknown[]) => void>; openHandler: (() => unknown) | null; loaded: string[] }[],
    appOn: new Map<string, (...a: unknown[]) => void>(),
    permissionRequest: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void, details?: unknown) => void),
    permissionCheck: null as null | ((...a: unknown[]) => boolean),
    beforeRequest: null as null | ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
    protocolHandler: null as null | ((req: { url: string }) => Promise<Response>),
    ipc: new Map<string, (...a: unknown[]) => unknown>(),
    fetched: [] as string[],
    openExternal: [] as string[],
  };
  return state;
});

vi.mock('electron', () => {
  class WebContents {
    on: (ev: string, fn: (...a: unknown[]) => void) => WebContents;
    setWindowOpenHandler: (fn: () => unknown) => void;
    send = vi.fn();
    constructor(private readonly w: (typeof h.windows)[number]) {
      this.on = (ev, fn) => {
        w.contentsOn.set(ev, fn);
        return this;
      };
      this.setWindowOpenHandler = (fn) => {
        w.openHandler = fn;
      };
    }
  }
  class BrowserWindow {
    webContents: WebContents;
    private readonly rec: (typeof h.windows)[number];
    constructor(options: Record<string, unknown>) {
      this.rec = { options, contentsOn: new Map(), openHandler: null, loaded: [] };
      h.windows.push(this.rec);
      this.webContents = new WebContents(this.rec);
    }
    once(): this {
      return this;
    }
    on(): this {
      return this;
    }
    loadURL(url: string): Promise<void> {
      this.rec.loaded.push(url);
      return Promise.resolve();
    }
    show(): void {}
    isDestroyed(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    focus(): void {}
    restore(): void {}
    static getAllWindows(): BrowserWindow[] {
      return [];
    }
    static fromWebContents(): null {
      return null;
    }
  }
  const ses = {
    setPermissionRequestHandler: (fn: typeof h.permissionRequest) => {
      h.permissionRequest = fn;
    },
    setPermissionCheckHandler: (fn: typeof h.permissionCheck) => {
      h.permissionCheck = fn;
    },
    webRequest: {
      onBeforeRequest: (fn: typeof h.beforeRequest) => {
        h.beforeRequest = fn;
      },
      onHeadersReceived: vi.fn(),
    },
    on: vi.fn(),
  };
  const app = {
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on: (ev: string, fn: (...a: unknown[]) => void) => {
      h.appOn.set(ev, fn);
      return app;
    },
    once: vi.fn(),
    quit: vi.fn(),
    getPath: () => '/nonexistent-seqlab-test-userdata',
    getVersion: () => '0.0.0-test',
    getLocale: () => 'fa',
    isPackaged: false,
    setAppUserModelId: vi.fn(),
  };
  return {
    app,
    BrowserWindow,
    ipcMain: { handle: (ch: string, fn: (...a: unknown[]) => unknown) => h.ipc.set(ch, fn), on: vi.fn(), removeHandler: vi.fn() },
    net: {
      fetch: (url: string) => {
        h.fetched.push(url);
        return Promise.resolve(new Response('ok', { status: 200, headers: { 'Content-Type': 'text/html' } }));
      },
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: (_scheme: string, fn: typeof h.protocolHandler) => {
        h.protocolHandler = fn;
      },
    },
    session: { defaultSession: ses },
    shell: {
      openExternal: (url: string) => {
        h.openExternal.push(url);
        return Promise.resolve();
      },
      openPath: vi.fn(),
      showItemInFolder: vi.fn(),
    },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn(), showErrorBox: vi.fn() },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn(() => ({})) },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  };
});

// The engine is not needed to check the window's settings: a host that answers nothing.
vi.mock('../../main/engine/host', () => ({
  EngineHost: class {
    start(): Promise<void> {
      return Promise.resolve();
    }
    request(): Promise<unknown> {
      return Promise.resolve({ language: 'fa' });
    }
    onEvent(): () => void {
      return () => undefined;
    }
    close(): Promise<void> {
      return Promise.resolve();
    }
  },
}));

describe('Electron security settings (values)', () => {
  it('uses the hardened web preferences', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(WEB_PREFERENCES.disableBlinkFeatures).toContain('Auxclick');
  });
  it('lets only the app origin navigate', () => {
    expect(isAppUrl('app://seqlab/index.html')).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('app://seqlab.evil.com/index.html')).toBe(false);
    expect(isAppUrl('app://seqlab@evil.com/')).toBe(false);
    expect(isAppUrl('javascript:alert(1)')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
  it('CSPs allow no remote origin, no eval, no plugins', () => {
    const html = readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta, 'the page carries its own CSP too').toBeTruthy();
    for (const csp of [ELECTRON_CSP, contentSecurityPolicy('ws://127.0.0.1:4567'), meta!]) {
      const d = Object.fromEntries(csp.split(';').map((p) => p.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
      expect(d['default-src']).toEqual(["'self'"]);
      expect(d['script-src']).toEqual(["'self'"]);
      expect(d['object-src']).toEqual(["'none'"]);
      expect(d['base-uri']).toEqual(["'none'"]);
      expect(csp).not.toContain("'unsafe-eval'");
      expect(csp).not.toMatch(/https?:\/\//);
      expect(csp).not.toMatch(/(^|\s)\*(\s|;|$)/);
      // connect-src: the app itself and, in browser mode, only the loopback WebSocket.
      for (const src of d['connect-src'] ?? []) expect(src).toMatch(/^('self'|ws:\/\/127\.0\.0\.1:(\d+|\*))$/);
    }
    expect(ELECTRON_CSP).toContain("connect-src 'self'");
    expect(ELECTRON_CSP).not.toContain('ws:');
  });
  it('nothing in the main process opens external URLs or loads remote content', () => {
    const files = readdirSync(path.join(ROOT, 'main/app')).filter((f) => f.endsWith('.ts'));
    for (const f of files) {
      const src = readFileSync(path.join(ROOT, 'main/app', f), 'utf8');
      expect(src, f).not.toMatch(/openExternal\s*\(/);
      expect(src, f).not.toMatch(/loadURL\(\s*['"`]https?:/);
      expect(src, f).not.toMatch(/@electron\/remote|enableRemoteModule/);
      expect(src, f).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/);
    }
  });
});

describe('Electron main process (run against a stand-in electron module)', () => {
  beforeAll(async () => {
    await import('../../main/app/main');
    for (let i = 0; i < 50 && h.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  });

  it('creates the window with exactly the hardened preferences and loads only the app', () => {
    expect(h.windows.length).toBe(1);
    const prefs = h.windows[0]!.options.webPreferences as Record<string, unknown>;
    const { preload, ...rest } = prefs;
    expect(rest).toEqual({ ...WEB_PREFERENCES });
    expect(String(preload)).toMatch(/preload\.cjs$/);
    expect(h.windows[0]!.loaded).toEqual([`${APP_ORIGIN}/index.html`]);
  });

  it('refuses navigation and redirects away from the app', () => {
    const w = h.windows[0]!;
    for (const ev of ['will-navigate', 'will-redirect']) {
      const handler = w.contentsOn.get(ev);
      expect(handler, ev).toBeTypeOf('function');
      for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://evil/x', 'http://127.0.0.1:8080/']) {
        const e = { preventDefault: vi.fn() };
        handler!(e, url);
        expect(e.preventDefault, `${ev} ${url}`).toHaveBeenCalled();
      }
      const ok = { preventDefault: vi.fn() };
      handler!(ok, `${APP_ORIGIN}/index.html#/runs`);
      expect(ok.preventDefault).not.toHaveBeenCalled();
    }
  });

  it('opens no new windows, attaches no webviews, for any web contents', () => {
    expect(h.windows[0]!.openHandler?.()).toEqual({ action: 'deny' });
    const created = h.appOn.get('web-contents-created');
    expect(created).toBeTypeOf('function');
    const rec = { options: {}, contentsOn: new Map<string, (...a: unknown[]) => void>(), openHandler: null as (() => unknown) | null, loaded: [] };
    const contents = {
      on: (ev: string, fn: (...a: unknown[]) => void) => rec.contentsOn.set(ev, fn),
      setWindowOpenHandler: (fn: () => unknown) => {
        rec.openHandler = fn;
      },
    };
    created!({}, contents);
    const attach = { preventDefault: vi.fn() };
    rec.contentsOn.get('will-attach-webview')?.(attach);
    expect(attach.preventDefault).toHaveBeenCalled();
    const nav = { preventDefault: vi.fn() };
    rec.contentsOn.get('will-navigate')?.(nav, 'https://example.com/');
    expect(nav.preventDefault).toHaveBeenCalled();
    expect(rec.openHandler?.()).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    expect(h.permissionRequest).toBeTypeOf('function');
    for (const perm of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']) {
      const cb = vi.fn();
      h.permissionRequest!({}, perm, cb, {});
      expect(cb, perm).toHaveBeenCalledWith(false);
    }
    expect(h.permissionCheck?.({}, 'media', APP_ORIGIN, {})).toBe(false);
  });

  it('cancels every request that leaves the app', () => {
    const verdict = (url: string): boolean => {
      let cancel: boolean | undefined;
      h.beforeRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel!;
    };
    expect(verdict('https://fonts.googleapis.com/css')).toBe(true);
    expect(verdict('http://127.0.0.1:9/')).toBe(true);
    expect(verdict('file:///etc/passwd')).toBe(true);
    expect(verdict('app://evil/index.html')).toBe(true);
    expect(verdict(`${APP_ORIGIN}/assets/index.js`)).toBe(false);
  });

  it('serves only files inside the renderer folder, with the CSP header', async () => {
    expect(h.protocolHandler).toBeTypeOf('function');
    h.fetched.length = 0;
    const rendererDir = path.join(ROOT, 'main', 'renderer'); // beside the main bundle (main/app/.. when run from sources)
    for (const evil of ['/..%2f..%2f..%2fetc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/../../../../etc/passwd', '/..%5c..%5cwindows%5cwin.ini', '/%00/../../x']) {
      await h.protocolHandler!({ url: `${APP_ORIGIN}${evil}` });
    }
    // Whatever was asked, only files inside the renderer folder were ever read.
    for (const f of h.fetched) expect(fileURLToPath(f).startsWith(rendererDir + path.sep), f).toBe(true);
    const ok = await h.protocolHandler!({ url: `${APP_ORIGIN}/index.html` });
    expect(ok.headers.get('Content-Security-Policy')).toBe(ELECTRON_CSP);
    expect(ok.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('answers IPC only from the app page, and validates what arrives', async () => {
    const handler = h.ipc.get('seqlab:invoke');
    expect(handler).toBeTypeOf('function');
    const foreign = (await handler!({ senderFrame: { url: 'https://evil.example/' } }, 'settings.get', {})) as { ok: boolean; error?: { code: string } };
    expect(foreign).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    const noFrame = (await handler!({ senderFrame: null }, 'settings.get', {})) as { ok: boolean };
    expect(noFrame.ok).toBe(false);
    const bad = (await handler!({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, 'settings.set', { language: 42 })) as { ok: boolean; error?: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    const good = (await handler!({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, 'settings.get', {})) as { ok: boolean };
    expect(good.ok).toBe(true);
  });

  it('never opened anything outside the app', () => {
    expect(h.openExternal).toEqual([]);
  });
});
