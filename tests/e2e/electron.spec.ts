import { _electron as electron, expect, test } from '@playwright/test';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// Runs the real desktop app where the Electron binary exists; elsewhere it is reported
// as skipped with the reason (never counted as passed).
const { electronBinary } = createRequire(import.meta.url)('../../scripts/electron-path.cjs') as { electronBinary: () => string | null };
const bin = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

test.describe('Electron desktop app', () => {
  test.skip(!bin, 'skipped: no Electron binary (it could not be downloaded on this machine)');
  test.skip(noDisplay, 'skipped: no display for an Electron window (run under xvfb-run)');

  test('opens the window with the security settings, switches language and trains', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'seqlab-electron-'));
    const app = await electron.launch({
      executablePath: bin!,
      args: [path.resolve('.'), `--user-data-dir=${userData}`, '--no-sandbox'],
    });
    const page = await app.firstWindow();
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    // nodeIntegration off and contextIsolation on, as the page itself sees it.
    const seen = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      ipcRenderer: typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer,
      bridge: Object.keys((window as unknown as { seqlabBridge?: object }).seqlabBridge ?? {}).sort(),
      origin: window.location.origin,
    }));
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', ipcRenderer: 'undefined', bridge: ['invoke', 'onEvent'], origin: 'app://seqlab' });
    await expect(page.getByTestId('app-mode')).toContainText('برنامهٔ رومیزی');
    await page.getByTestId('language-switch').click();
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByTestId('result')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
    await app.close();
  });
});
