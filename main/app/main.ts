/**
 * Electron main process: thin. Creates the window with the security settings, serves
 * the renderer from the app:// scheme, registers the one IPC handler (validated by the
 * shared router) and forwards engine events. The engine runs in a worker thread.
 */
import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EngineHost } from '../engine/host';
import { createRouter } from '../engine/router';
import { pickExportFolder, printReportPdf } from './export-support';
import { openProjectFile, saveProjectFile } from './project-dialogs';
import { APP_ORIGIN, APP_SCHEME, ELECTRON_CSP, isAppUrl } from './security';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const rendererDir = path.join(__dirname, '..', 'renderer');
let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'SeqLab',
    show: false,
    // Spelled out (not spread) so that Electronegativity can see each setting; the test
    // tests/unit/electron-security.test.ts checks they equal WEB_PREFERENCES.
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      preload: path.join(__dirname, 'preload.cjs'),
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, cb) => {
    // Nothing leaves the machine: only the app's own scheme and devtools are allowed.
    const ok = details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith('devtools:') || details.url.startsWith('data:') || details.url.startsWith('blob:');
    cb({ cancel: !ok });
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const rel = path.posix.normalize(decodeURIComponent(url.pathname));
    const file = path.resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + path.sep)) return new Response('forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', ELECTRON_CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });

  const host = new EngineHost({ dataDir: app.getPath('userData') });
  const route = createRouter({
    host,
    appInfo: () => ({ version: app.getVersion(), mode: 'electron', platform: process.platform }),
    // Exports: the picked folder stays here (the router turns it into a grant); the report prints to PDF.
    pickFolder: () => pickExportFolder(mainWindow),
    printPdf: printReportPdf,
    // Project files: native dialogs; the paths stay in this process.
    openProjectFile: () => openProjectFile(mainWindow),
    saveProjectFile: (name, text) => saveProjectFile(mainWindow, name, text),
  });
  ipcMain.handle('seqlab:invoke', (event, channel: unknown, payload: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) {
      return { ok: false, error: { code: 'E_VALIDATION', params: { issue: 'untrusted_sender' } } };
    }
    return route(channel, payload);
  });
  host.onEvent((name, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send('seqlab:event', name, payload);
  });
  void host.start();

  mainWindow = createWindow();
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => {
    // Every web contents, not only the main window: no webviews, no navigation away from
    // the app, no new windows.
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.on('will-navigate', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => {
    void host.close().finally(() => app.quit());
  });
}

void main();
