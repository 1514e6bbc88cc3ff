import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;
const dir = mkdtempSync(path.join(tmpdir(), 'seqlab-forecast-e2e-'));

/** 1,200 hourly rows of a daily temperature cycle with slow weather and noise, plus pressure. */
function climateCsv(): string {
  let s = '"Date Time","p (mbar)","T (degC)"\n';
  let seed = 3;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  let weather = 0;
  for (let r = 0; r < 1200; r++) {
    const t0 = Date.UTC(2009, 0, 1, 1) + r * 3_600_000;
    const d = new Date(t0);
    const stamp = `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()} ${String(d.getUTCHours()).padStart(2, '0')}:00:00`;
    weather = 0.97 * weather + 0.4 * rand();
    const temp = 8 + 6 * Math.sin(((r % 24) - 9) / 24 * 2 * Math.PI) + 3 * weather + 0.2 * rand();
    s += `${stamp},${(1000 - 4 * weather).toFixed(2)},${temp.toFixed(2)}\n`;
  }
  return s;
}

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

test('import a CSV, set the window, train two epochs and see the baseline beside the model MAE', async ({ page }) => {
  const file = path.join(dir, 'hourly.csv');
  writeFileSync(file, climateCsv());
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  await page.getByTestId('csv-input').setInputFiles(file);
  await expect(page.getByTestId('row-count')).toHaveText('1,200');
  await expect(page.getByTestId('preview').locator('thead')).toContainText('T (degC)');
  await page.getByTestId('window-lookback').fill('24');
  await page.getByTestId('window-step').fill('1');
  await page.getByTestId('window-delay').fill('6');
  await page.getByTestId('window-batchSize').fill('32');
  await expect(page.getByTestId('timesteps')).toHaveText('24');

  await page.getByRole('button', { name: 'Model builder', exact: true }).click();
  await page.getByLabel('Preset').selectOption('gru');
  await expect(page.getByTestId('error-count')).toHaveAttribute('data-value', '0');
  await page.getByTestId('builder-train').click();

  // The preset reads (240, 14); the data gives 24 steps of 2 features: one click matches them.
  await page.getByTestId('shape-mismatch').getByRole('button').click();
  await expect(page.getByTestId('shape-mismatch')).toHaveCount(0);
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Steps per epoch', { exact: true }).fill('15');
  await page.getByLabel('Validation steps', { exact: true }).fill('5');
  await page.getByLabel('Learning rate', { exact: true }).fill('0.005');
  await page.getByTestId('train-model').click();
  await expect(page.getByTestId('live-progress')).toBeVisible();
  const result = page.getByTestId('run-result');
  await expect(result).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  const mae = Number((await page.getByTestId('best-val').innerText()).split(' ')[0]);
  const baseline = Number((await page.getByTestId('baseline-val').innerText()).split(' ')[0]);
  expect(mae).toBeGreaterThan(0);
  expect(baseline).toBeGreaterThan(0);
  // In physical units too (degrees C), beside the normalised value.
  await expect(page.getByTestId('baseline-val')).toContainText('degC');
  await expect(page.getByTestId('runs-table').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('forecast-chart')).toBeVisible();
  // Export the trained model, code and history.
  await page.getByTestId('export-run').click();
  await page.getByTestId('export-go').click();
  await expect(page.getByTestId('export-result')).toContainText('files written to', { timeout: 60_000 });
  const folder = (await page.getByTestId('export-result').locator('bdi').innerText()).trim();
  const { existsSync } = await import('node:fs');
  for (const f of ['tfjs/model.json', 'model.h5', 'train.py', 'history.csv']) expect(existsSync(path.join(folder, f)), f).toBe(true);
  await page.screenshot({ path: 'test-results/forecast-en.png', fullPage: true });
});
