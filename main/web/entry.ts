/**
 * `npm start` without an Electron binary lands here: browser mode. Prints the address
 * (with the per-launch token), opens it in a browser when one is installed, and says
 * clearly why this is not a desktop window.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { defaultDataDir } from '../engine/platform/paths';
import { startWebHost } from './server';

const REASONS: Record<string, string> = {
  'no-electron-binary': 'the Electron binary is not installed (it could not be downloaded when npm installed the project)',
  'no-display': 'no graphical display was found for a desktop window',
  requested: 'browser mode was asked for (--browser)',
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function openBrowser(url: string): string | null {
  const candidates: [string, string[]][] =
    process.platform === 'win32'
      ? [['cmd', ['/c', 'start', '""', url]]]
      : process.platform === 'darwin'
        ? [['open', [url]]]
        : [
            ['xdg-open', [url]],
            ['chromium', [url]],
            ['google-chrome', [url]],
            ['firefox', [url]],
          ];
  for (const [cmd, args] of candidates) {
    if (process.platform !== 'win32' && spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) continue;
    try {
      const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
      child.on('error', () => undefined);
      child.unref();
      return cmd;
    } catch {
      /* try the next one */
    }
  }
  return null;
}

async function main(): Promise<void> {
  const reason = arg('--reason') ?? 'requested';
  const port = Number(arg('--port') ?? process.env.SEQLAB_PORT ?? 0);
  const dataDir = arg('--data-dir') ?? defaultDataDir();
  const version = (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
  const web = await startWebHost({
    port,
    dataDir,
    rendererDir: path.join(__dirname, '..', 'renderer'),
    version,
    browserModeReason: reason,
  });
  console.log('');
  console.log(`SeqLab is running in BROWSER MODE: ${REASONS[reason] ?? reason}.`);
  console.log('Same app, same engine; the page talks to the engine over a local WebSocket (127.0.0.1 only).');
  console.log(`Data folder: ${dataDir}`);
  console.log(`Open this address (it carries this launch's access token):`);
  console.log(`SEQLAB_URL ${web.url}`);
  if (!process.argv.includes('--no-open') && !process.env.CI) {
    const used = openBrowser(web.url);
    console.log(used ? `Opened it with ${used}.` : 'No browser was found to open it; copy the address into one.');
  }
  console.log('Press Ctrl+C to stop.');
  const stop = (): void => {
    void web.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error('SeqLab could not start browser mode:', e instanceof Error ? e.message : e);
  process.exit(1);
});
