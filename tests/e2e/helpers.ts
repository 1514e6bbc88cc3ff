import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface BrowserModeApp {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
  /** Ends the host: SIGTERM is a clean exit, SIGKILL a crash. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts the real browser-mode host (dist/main/web.cjs) and waits for its address. */
export async function startBrowserMode(dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-e2e-'))): Promise<BrowserModeApp> {
  const child: ChildProcess = spawn(process.execPath, ['dist/main/web.cjs', '--no-open', '--reason', 'no-electron-binary', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /SEQLAB_URL (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}:\n${out}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    dataDir,
    output: () => out,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
