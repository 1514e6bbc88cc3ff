import * as os from 'node:os';
import { expect, test } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

test('shell in Persian by default, switches to English and back, remembers the choice', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
  await expect(page.getByRole('heading', { name: 'آزمایشگاه دنباله', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'آموزش', exact: true })).toBeVisible();
  // The token is taken out of the address bar once read.
  expect(page.url()).not.toContain('token=');
  // The Vazirmatn font is bundled and actually used.
  await page.evaluate(() => document.fonts.ready);
  expect(await page.evaluate(() => document.fonts.check('16px Vazirmatn', 'آزمایش'))).toBe(true);
  // Browser mode says why it is not a desktop window.
  await expect(page.getByTestId('browser-mode-banner')).toContainText('الکترون');

  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  await expect(page.getByTestId('browser-mode-banner')).toContainText('Electron');
  await page.screenshot({ path: 'test-results/shell-en.png' });

  // Remembered across a restart of the page (the engine keeps the setting).
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();

  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('button', { name: 'آموزش', exact: true })).toBeVisible();
});

test('status bar shows the active backend and why better ones are not used', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  const status = page.getByTestId('backend-status');
  await expect(status.locator('[data-backend]')).toHaveAttribute('data-backend', /^(tensorflow-gpu|tensorflow|wasm|cpu)$/);
  const active = await status.locator('[data-backend]').getAttribute('data-backend');
  if (active !== 'tensorflow-gpu') {
    await page.locator('.backend-why summary').click();
    await expect(page.locator('.backend-why li').first()).toBeVisible();
  }
  // On the CPU backends the fused kernels run, and on a machine with several cores they say on how many threads.
  if (active === 'wasm' || active === 'cpu') {
    await expect(page.getByTestId('fused-kernels')).toBeVisible();
    if (os.availableParallelism() > 1 && process.env.SEQLAB_THREADS === undefined) {
      await expect(page.getByTestId('fused-kernels')).toContainText(/(\d|[۰-۹])/);
    }
    // Node 20 (the engine in browser mode) runs the module's relaxed-SIMD form: the convolutions' fused multiply-add
    await expect(page.getByTestId('kernel-fma')).toHaveText('FMA');
  }
});

test('train the starter GRU: progress, final loss beside the baseline; stop a second run mid-way', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('progress-epoch')).toBeVisible();
  await expect(page.getByTestId('progress-loss')).toHaveText(/\d\.\d{4}/);
  await expect(page.getByTestId('progress-speed')).toHaveText(/\d/);
  await expect(page.getByTestId('result')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  const finalLoss = Number(await page.getByTestId('final-val-loss').innerText());
  const baseline = Number(await page.getByTestId('baseline').innerText());
  expect(finalLoss).toBeGreaterThan(0);
  expect(baseline).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/trained-en.png' });

  // A second run, stopped mid-way: Stop takes effect quickly.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('progress-batch')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeEnabled();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-status', 'stopped', { timeout: 10_000 });
  expect(Date.now() - t0).toBeLessThan(3000);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();

  // Back to Persian: digits are Persian where people read them.
  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('result-status')).toHaveText('آموزش متوقف شد.');
  await page.screenshot({ path: 'test-results/stopped-fa.png' });
});

test('the engine refuses a WebSocket without the launch token or from another origin', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  const results = await page.evaluate(async (origin) => {
    const tryOpen = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      });
    const host = origin.replace('http://', 'ws://');
    return { noToken: await tryOpen(`${host}/ipc`), badToken: await tryOpen(`${host}/ipc?token=guess`) };
  }, app.origin);
  expect(results).toEqual({ noToken: 'refused', badToken: 'refused' });
  // Right token but a foreign Origin header (another local page): refused too.
  const { WebSocket } = await import('ws');
  const foreign = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`${app.origin.replace('http', 'ws')}/ipc?token=${app.token}`, { origin: 'http://127.0.0.1:1' });
    ws.on('open', () => resolve('open'));
    ws.on('error', () => resolve('refused'));
  });
  expect(foreign).toBe('refused');
  const own = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`${app.origin.replace('http', 'ws')}/ipc?token=${app.token}`, { origin: app.origin });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('error', () => resolve('refused'));
  });
  expect(own).toBe('open');
});
