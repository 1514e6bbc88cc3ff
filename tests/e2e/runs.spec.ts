import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

// Three finished runs in the app's run history (as the engine writes them).
function seedRuns(dataDir: string): void {
  const dir = path.join(dataDir, 'runs');
  mkdirSync(dir, { recursive: true });
  const names = ['gru', 'conv1d-6.47', 'conv1d-gru-6.49'];
  names.forEach((name, k) => {
    const history = [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 0.5 - 0.05 * epoch - 0.02 * k, valLoss: 0.45 - 0.03 * epoch - 0.02 * k, seconds: 1 }));
    const record = {
      id: `run-seed${k}`,
      createdAt: new Date(Date.UTC(2026, 10, 1, 10, k)).toISOString(),
      experiment: { ...STARTER_EXPERIMENT, name },
      backend: 'wasm',
      params: 1000 + k,
      done: {
        runId: `run-seed${k}`,
        status: 'completed',
        history,
        finalLoss: history[3]!.loss,
        finalValLoss: history[3]!.valLoss,
        baselineValLoss: 0.45,
        bestEpoch: 4,
        wallSeconds: 4,
      },
    };
    writeFileSync(path.join(dir, `${record.id}.json`), JSON.stringify(record));
  });
}

test.beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-runs-'));
  seedRuns(dataDir);
  app = await startBrowserMode(dataDir);
});
test.afterAll(async () => {
  await app?.stop();
});

test('overlaying three finished runs shows three labelled series; two runs can be diffed', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => {
    pageErrors.push(e.message);
    console.error('[runs.spec] page error:', e.message);
  });
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  const rows = page.getByTestId('runs-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  // The page has finished loading what it shows above the table (data shape, memory) before we tick.
  await expect(page.getByTestId('memory-estimate')).toBeVisible();
  for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
  const chart = page.getByTestId('overlay-chart');
  await expect(chart).toBeVisible();
  await chart.scrollIntoViewIfNeeded();
  for (const name of ['gru', 'conv1d-6.47', 'conv1d-gru-6.49']) {
    const label = new RegExp(`^${name.replace(/[.]/g, '\\.')} · `);
    await expect(chart.locator('svg text', { hasText: label })).toHaveCount(1);
  }
  // Exactly two selected: their settings are diffed.
  await rows.nth(0).getByRole('checkbox').uncheck();
  await expect(page.getByRole('table', { name: /Settings that differ/ })).toContainText('name');
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.screenshot({ path: 'test-results/runs-fa.png', fullPage: true });
  expect(pageErrors).toEqual([]);
});
