import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

test('export dialog: train briefly, export plots (SVG, PNG 1x) and the report, see the files, download the SVG, open the report', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();

  // A short run of the builder's model on the default data.
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const match = page.getByRole('button', { name: 'Match the model input to the data' });
  if (await match.isVisible()) await match.click();
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Steps per epoch', { exact: true }).fill('4');
  await page.getByLabel('Validation steps', { exact: true }).fill('2');
  await page.getByTestId('train-model').click();
  await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'completed', { timeout: 200_000 });

  // The dialog: model files are offered (this is the last run), the report is a printable page here.
  await page.getByTestId('export-run').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Export this run' })).toBeVisible();
  await expect(dialog).toContainText('One-page report (printable page)');
  await expect(page.getByTestId('export-tfjs')).toBeEnabled();
  // PyTorch and ONNX are offered but off by default (not every model has those forms)
  await expect(dialog).toContainText('ONNX model (model.onnx, opens in Netron and any ONNX runtime)');
  for (const c of ['pytorch', 'onnx']) {
    await expect(page.getByTestId(`export-${c}`)).toBeEnabled();
    await expect(page.getByTestId(`export-${c}`)).not.toBeChecked();
  }
  // Only plots and the report this time.
  for (const c of ['tfjs', 'h5', 'python', 'history']) await page.getByTestId(`export-${c}`).uncheck();
  await page.getByTestId('export-plotsSvg').check();
  await page.getByTestId('export-plotsPng').check();
  await page.getByTestId('export-scale').selectOption('1');
  await page.getByTestId('export-report').check();
  await page.getByTestId('export-go').click();
  await expect(page.getByTestId('export-result')).toContainText('files written to', { timeout: 120_000 });

  const listed = (await page.getByTestId('export-files').locator('li').allInnerTexts()).map((s) => s.trim()).sort();
  expect(listed).toEqual(expect.arrayContaining(['plots/loss.svg', 'plots/loss.png', 'plots/forecast.svg', 'plots/errors.png', 'report.html']));
  expect(listed.some((f) => f.startsWith('tfjs/') || f === 'model.h5' || f === 'train.py')).toBe(false);

  // Download the loss chart as SVG: the file is the chart, with its font inside.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-files').getByRole('link', { name: 'Download plots/loss.svg', exact: true }).click()]);
  expect(download.suggestedFilename()).toBe('loss.svg');
  const svg = readFileSync((await download.path())!, 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('@font-face');
  expect(svg).toContain('>Loss per epoch</text>');

  // The printable report opens in a new tab (no script may run in it).
  const [report] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('open-report').click()]);
  await report.waitForLoadState();
  await expect(report.locator('h1')).toContainText('Run report');
  await expect(report.locator('figure[data-plot="loss"] svg')).toBeVisible();
  await report.close();

  // Only the files the export listed are served: never another file of the data folder
  // (settings.json sits two levels above the export), however the path is spelled.
  const href = await page.getByTestId('export-files').getByRole('link', { name: 'Download plots/loss.svg', exact: true }).getAttribute('href');
  const prefix = new URL(href!, app.origin).pathname.replace(/plots\/loss\.svg$/, '');
  for (const bad of ['..%2F..%2Fsettings.json', 'plots%2F..%2F..%2F..%2Fsettings.json', 'nope.svg', 'plots/loss.svg%00']) {
    const res = await page.request.get(`${app.origin}${prefix}${bad}`);
    expect(res.status(), bad).toBe(404);
  }
  // A literal (or %2E-spelled) '../' is resolved by the URL itself, leaving the export route: the app page, not the file.
  for (const dots of ['../../settings.json', '%2E%2E/%2E%2E/settings.json']) {
    const res = await page.request.get(`${app.origin}${prefix}${dots}`);
    expect(await res.text(), dots).not.toContain('"language"');
  }
  await page.screenshot({ path: 'test-results/export-en.png', fullPage: true });
});
