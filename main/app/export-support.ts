/**
 * The desktop app's part of exporting (issue #5): the native folder picker and printing the run
 * report to PDF. Both are handed to the router (main/engine/router.ts) as RouterContext
 * callbacks: the picked path becomes an opaque grant there and never reaches the renderer.
 */
import { BrowserWindow, dialog, session } from 'electron';

/** The native "choose a folder" dialog (a new folder can be made in it); null when cancelled. */
export async function pickExportFolder(parent: BrowserWindow | null): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { properties: ['openDirectory', 'createDirectory'] };
  const r = parent && !parent.isDestroyed() ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
}

/** Chromium refuses longer data: URLs (2 MB); the report is a few hundred kB. */
const MAX_DATA_URL = 2 * 1024 * 1024 - 64;
const PDF_PARTITION = 'seqlab-report-pdf';
let pdfSessionReady = false;

/**
 * Prints a self-contained report page (main/engine/export/report.ts) to an A4 PDF in a hidden,
 * never-shown window: no preload, JavaScript off, sandboxed, its own in-memory session in which
 * every request but the data: page itself is cancelled (the page's own CSP allows nothing else
 * either), no permissions, no new windows, no navigation.
 */
export async function printReportPdf(html: string): Promise<Uint8Array> {
  const url = `data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`;
  if (url.length > MAX_DATA_URL) throw new Error('report too large to print');
  const ses = session.fromPartition(PDF_PARTITION);
  if (!pdfSessionReady) {
    ses.webRequest.onBeforeRequest((details, cb) => cb({ cancel: !details.url.startsWith('data:') }));
    ses.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    ses.setPermissionCheckHandler(() => false);
    pdfSessionReady = true;
  }
  const win = new BrowserWindow({
    show: false,
    width: 794,
    height: 1123,
    webPreferences: {
      session: ses,
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  try {
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    await win.loadURL(url);
    const pdf = await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
    return new Uint8Array(pdf);
  } finally {
    win.destroy();
  }
}
