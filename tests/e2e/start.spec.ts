import { expect, test } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

test('the start page maps the course: nine lessons in order, marks for those opened, continue where you left off, in both languages', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  // A first visit: a welcome, no lesson opened yet.
  await expect(page.getByTestId('first-visit')).toBeVisible();
  const lessons = page.getByTestId('course-map').locator('li');
  await expect(lessons).toHaveCount(9);
  await expect(lessons.first().locator('.course-number')).toHaveText('۱');
  await expect(lessons.nth(8).locator('.course-number')).toHaveText('۹');
  await expect(page.locator('li[data-opened="true"]')).toHaveCount(0);
  await expect(page.getByTestId('start-backend')).toContainText('وب‌اسمبلی');
  // Each lesson has its models and, for the later ones, its experiment.
  await expect(lessons.nth(4).locator('button[data-preset="conv1d-gru-6.49"]')).toBeVisible();
  await expect(lessons.nth(5).locator('button[data-experiment="captioning"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/start-fa.png' });

  // Open lesson 3 from the map: it is shown, then marked, and "continue" leads back to it after a reload.
  await lessons.nth(2).locator('.course-open').click();
  await expect(page.locator('.lesson-title').first()).toContainText('پشته‌ای');
  await page.getByRole('button', { name: 'شروع', exact: true }).click();
  await expect(page.locator('li[data-lesson="stacked"]')).toHaveAttribute('data-opened', 'true');
  await page.reload();
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('continue')).toContainText('۳');
  await expect(page.locator('li[data-opened="true"]')).toHaveCount(1);
  await page.getByTestId('continue-lesson').click();
  await expect(page.locator('.lessons-nav-item[aria-current="page"]')).toContainText('۳');

  // The lesson's experiment opens on its own tab.
  await page.getByRole('button', { name: 'شروع', exact: true }).click();
  await lessons.nth(6).locator('button[data-experiment="video"]').click();
  await expect(page.getByTestId('experiments-tab-video')).toHaveAttribute('aria-selected', 'true');

  await page.getByRole('button', { name: 'شروع', exact: true }).click();
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.getByTestId('continue')).toContainText('Lesson 3');
  await expect(lessons.first().locator('.course-number')).toHaveText('1');
  await page.screenshot({ path: 'test-results/start-en.png' });
  await page.getByTestId('language-switch').click();
});

test('from the start page to a trained GRU beside its baseline in one click', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'آموزش', exact: true }).click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('final-val-loss')).not.toBeEmpty();
  await expect(page.getByTestId('baseline')).not.toBeEmpty();
  // The starter is the GRU lesson's model: the lesson is marked trained (not yet exported).
  const gru = page.locator('li[data-lesson="gru"]');
  await expect(gru).toHaveAttribute('data-trained', 'true');
  await expect(gru).toHaveAttribute('data-exported', 'false');
  await expect(gru).toContainText('آموزش دیده');

  // Exporting that run marks the lesson exported; both marks survive a reload.
  await page.getByRole('button', { name: 'اجراها', exact: true }).click();
  await page.getByTestId('export-run').click();
  for (const c of ['tfjs', 'h5', 'python']) await page.getByTestId(`export-${c}`).uncheck();
  await page.getByTestId('export-history').check();
  await page.getByTestId('export-go').click();
  await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
  await page.reload();
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await expect(gru).toHaveAttribute('data-trained', 'true');
  await expect(gru).toHaveAttribute('data-exported', 'true');
  await expect(gru).toContainText('خروجی گرفته');
  await expect(page.locator('li[data-trained="true"]')).toHaveCount(1);
});

test('earlier projects are listed on the start page and open in one click, the current one kept', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  const recent = page.getByTestId('recent-projects');
  // The project so far holds the starter's run; give it a name, then start a new one.
  await page.getByTestId('project-name').fill('کار آغازین');
  await page.getByTestId('project-name').press('Enter');
  await page.getByTestId('project-new').click();
  await expect(page.getByTestId('project-name')).toHaveValue('');
  const item = recent.locator('li', { hasText: 'کار آغازین' });
  await expect(item).toBeVisible();
  await expect(item).toContainText('۱ اجرا');
  await item.getByRole('button').click();
  await expect(page.getByTestId('project-name')).toHaveValue('کار آغازین');
  await expect(page.getByTestId('project-runs')).toContainText('۱');
  await expect(recent.locator('li', { hasText: 'کار آغازین' })).toHaveCount(0);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.screenshot({ path: 'test-results/start-fa-marks.png' });
});
