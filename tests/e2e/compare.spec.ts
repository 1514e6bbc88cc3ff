/**
 * The book's comparison end to end, in both languages: from the start page's course map
 * (lesson 5) to Experiments → The book's comparison, run it at its smallest size against the
 * real engine, see every row filled (the baseline and five models), the convnet alone worse
 * than the baseline on the bundled data with its conclusion beside it, and open a row's run on
 * the Runs page. Screenshots at 1366x768 for review.
 */
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { COMPARE_MODELS } from '../../shared/compare';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

async function runSmallest(page: Page, lang: 'en' | 'fa'): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== lang) await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  // The course map offers the comparison with lesson 5 (CNN + RNN) and the recurrent lessons.
  const lessons = page.getByTestId('course-map').locator('li');
  for (const id of ['gru', 'bidirectional', 'stacked', 'cnn-rnn']) {
    await expect(page.getByTestId('course-map').locator(`li[data-lesson="${id}"] button[data-experiment="compare"]`)).toBeVisible();
  }
  await lessons.and(page.locator('li[data-lesson="cnn-rnn"]')).locator('button[data-experiment="compare"]').click();
  await expect(page.getByTestId('experiments-tab-compare')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('compare-panel')).toBeVisible();

  await page.getByTestId('compare-size').selectOption('smallest');
  await page.getByTestId('compare-train').click();
  const table = page.getByTestId('compare-table');
  await expect(table).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });
}

async function expectEveryRowFilled(page: Page): Promise<void> {
  const base = Number(await page.getByTestId('compare-val-baseline').getAttribute('data-value'));
  expect(base).toBeGreaterThan(0);
  for (const m of COMPARE_MODELS) {
    await expect(page.getByTestId(`compare-row-${m}`)).toHaveAttribute('data-status', 'completed');
    for (const col of ['val', 'test', 'params', 'spe']) {
      expect(Number(await page.getByTestId(`compare-${col}-${m}`).getAttribute('data-value')), `${col} ${m}`).toBeGreaterThan(0);
    }
    await expect(page.getByTestId(`compare-open-${m}`)).toBeVisible();
  }
  // The convnet alone has no recurrent layer; 6.49's GRU reads its convolved window.
  await expect(page.getByTestId('compare-steps-conv1d-6.47')).toHaveAttribute('data-value', '');
  await expect(page.getByTestId('compare-steps-conv1d-gru-6.49')).toHaveAttribute('data-value', '48');
  // The lesson's point, on the bundled data: the convnet alone is worse than the baseline, and it says so.
  const conv = Number(await page.getByTestId('compare-val-conv1d-6.47').getAttribute('data-value'));
  expect(conv).toBeGreaterThan(base);
  await expect(page.getByTestId('compare-conclusion-conv1d-6.47').locator('[data-conclusion="conv-worse-than-baseline"]')).toBeVisible();
}

test('the comparison at its smallest size fills every row (English)', async ({ page }) => {
  test.setTimeout(400_000);
  await runSmallest(page, 'en');
  await expectEveryRowFilled(page);
  await expect(page.getByTestId('compare-conclusion-conv1d-6.47')).toContainText('worse than the baseline');
  await expect(page.getByTestId('compare-params-conv1d-6.47')).toHaveText('12,609');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/compare-en.png' });

  // A row is a normal run: "open run" shows it on the Runs page.
  await page.getByTestId('compare-open-conv1d-gru-6.49').click();
  await expect(page.locator('#focus-title')).toContainText('compare-conv1d-gru-6.49');
  await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('forecast-chart')).toBeVisible({ timeout: 60_000 });
});

test('the comparison at its smallest size fills every row (Persian)', async ({ page }) => {
  test.setTimeout(400_000);
  await runSmallest(page, 'fa');
  await expectEveryRowFilled(page);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByTestId('compare-params-conv1d-6.47')).toHaveText('۱۲٬۶۰۹');
  await expect(page.getByTestId('compare-val-conv1d-6.47')).toHaveText(/^[۰-۹]+٫[۰-۹]{3}$/);
  await expect(page.getByTestId('compare-conclusion-conv1d-6.47')).toContainText('از خط پایه هم بدتر است');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/compare-fa.png' });
});

test('a forecasting lesson opens the comparison from its suggested experiment', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  // Lesson 5 (CNN + RNN): its experiment offers the builder preset and the comparison.
  await page.locator('.lessons-nav-list .lessons-nav-item').nth(4).click();
  const section = page.locator('.lesson-experiment');
  await expect(section.locator('button[data-preset="conv1d-gru-6.49"]')).toBeVisible();
  await section.locator('button[data-experiment="compare"]').click();
  await expect(page.getByTestId('experiments-tab-compare')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('compare-panel')).toBeVisible();
});
