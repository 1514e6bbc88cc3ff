import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

/**
 * Greedy layer-wise pretraining in the real renderer against the real engine (issue #6): run
 * the small size on the bundled MNIST digits, see each stage's reconstructions, both learning
 * curves, the test-accuracy table and the PCA views; switch to Persian (Persian digits);
 * Stop ends a second run.
 */
let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

test('pretrain the small stack, fine-tune with 100 labels, compare with random initialisation, stop a run', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Experiments', exact: true }).click();
  await page.getByTestId('experiments-tab-pretrain').click();
  const panel = page.getByTestId('pretrain-panel');
  await expect(panel).toBeVisible();

  await page.getByTestId('pretrain-size').selectOption('small');
  await page.getByTestId('pretrain-seeds').selectOption('1');
  await page.getByTestId('pretrain-labels').selectOption('100');
  await page.getByTestId('pretrain-start').click();
  await expect(page.getByTestId('pretrain-progress')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('pretrain-stage-1')).toBeVisible({ timeout: 300_000 });
  await expect(panel).toHaveAttribute('data-status', 'idle', { timeout: 400_000 });

  // Three stages, each with a row of reconstructed digits under the originals.
  for (const k of [1, 2, 3]) await expect(page.getByTestId(`pretrain-stage-${k}`).locator('canvas')).toHaveCount(4);
  await expect(page.getByTestId('pretrain-recon').locator('canvas')).toHaveCount(16);
  // Both learning curves and the table of test accuracies.
  await expect(page.getByTestId('pretrain-curve-accuracy').locator('svg')).toBeVisible();
  await expect(page.getByTestId('pretrain-curve-accuracy')).toContainText('Random initialisation');
  const table = page.getByTestId('pretrain-accuracy');
  await expect(table).toContainText('Pretrained, then fine-tuned');
  await expect(table).toContainText('%');
  const mean = Number(await page.getByTestId('pretrain-acc-pretrained').getAttribute('data-mean'));
  expect(mean).toBeGreaterThan(0.1);
  await expect(page.getByTestId('pretrain-pca-before').locator('svg')).toBeVisible();
  await expect(page.getByTestId('pretrain-pca')).toContainText('After pretraining');

  // Persian: the table in Persian digits.
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
  await expect(table).toContainText('پیش‌آموخته');
  await expect(table).toContainText(/[۰-۹]/);
  await expect(table).not.toContainText(/[0-9]/);

  // Stop: a second run (two seeds) ends as stopped.
  await page.getByTestId('pretrain-seeds').selectOption('2');
  await page.getByTestId('pretrain-start').click();
  await expect(page.getByTestId('pretrain-progress')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('pretrain-stop').click();
  await expect(page.getByTestId('pretrain-ended')).toBeVisible({ timeout: 60_000 });
  await expect(panel).toHaveAttribute('data-status', 'idle');
  // The finished run's results stay on screen.
  await expect(table).toBeVisible();
  // For review: the pretraining tab with its results.
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/pretrain.png', fullPage: true });
});
