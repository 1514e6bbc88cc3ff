import { expect, test, type Page } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;
test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

async function openLessons(page: Page, lang: 'fa' | 'en'): Promise<void> {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== lang) await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await page.getByRole('button', { name: lang === 'fa' ? 'درس‌ها' : 'Lessons', exact: true }).click();
}

for (const lang of ['fa', 'en'] as const) {
  test(`every lesson renders in ${lang}: direction, formulas, diagram, preset button`, async ({ page }) => {
    await openLessons(page, lang);
    const items = page.locator('.lessons-nav-list .lessons-nav-item');
    await expect(items).toHaveCount(9);
    // One number per lesson, the badge: the items have no list marker (in Persian the global
    // `html[lang="fa"] ol` style used to add one, clipped at the right edge), and every badge
    // lies inside the page's scrolling area, so nothing is cut off in either direction.
    const lis = page.locator('.lessons-nav-list > li');
    expect(await lis.evaluateAll((els) => els.map((e) => getComputedStyle(e).listStyleType))).toEqual(Array(9).fill('none'));
    const outside = await page.locator('.lessons-nav-number').evaluateAll((badges) => {
      const area = badges[0]!.closest('.content')?.getBoundingClientRect() ?? document.documentElement.getBoundingClientRect();
      return badges.map((b) => b.getBoundingClientRect()).filter((r) => r.left < area.left || r.right > area.right).length;
    });
    expect(outside).toBe(0);
    for (let i = 0; i < 9; i++) {
      await items.nth(i).click();
      const view = page.locator('.lesson-view');
      await expect(view).toBeVisible();
      await expect(page.locator('.lessons-page')).toHaveAttribute('dir', lang === 'fa' ? 'rtl' : 'ltr');
      await expect(view.locator('svg').first()).toBeVisible();
      await expect(view.locator('.lesson-open').first()).toBeVisible();
      const text = await view.innerText();
      expect(text).not.toContain('$$');
      if ((await view.locator('.katex').count()) > 0) {
        await expect(view.locator('.katex-error')).toHaveCount(0);
      }
      if (lang === 'fa') expect(text).toMatch(/[\u0600-\u06FF]{3}/);
    }
    // Lesson 1 typesets the GRU equations with KaTeX.
    await items.nth(0).click();
    expect(await page.locator('.lesson-view .katex').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: `test-results/lesson1-${lang}.png` });
    await items.nth(4).click();
    await page.screenshot({ path: `test-results/lesson5-${lang}.png` });
  });
}

test('a lesson opens its preset in the builder', async ({ page }) => {
  await openLessons(page, 'en');
  await page.locator('.lessons-nav-list .lessons-nav-item').nth(4).click();
  await page.locator('.lesson-view .lesson-open[data-preset="conv1d-gru-6.49"]').first().click();
  await expect(page.getByRole('list', { name: 'Model layers' })).toBeVisible();
  await expect(page.getByTestId('total-params')).toHaveText('13,697');
  await expect(page.getByLabel('Preset')).toHaveValue('conv1d-gru-6.49');
});

test('the GRU gate explorer steps through time', async ({ page }) => {
  await openLessons(page, 'en');
  // The page reopens the lesson seen last (the test before went through all nine): go to lesson 1.
  await page.locator('.lessons-nav-item').first().click();
  const explorer = page.locator('section.gate-explorer');
  await expect(explorer).toBeVisible();
  const slider = explorer.locator('input[type="range"]');
  const cellsAt = () => explorer.locator('rect[aria-label]').evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label')).join('|'));
  const before = await slider.inputValue();
  const cellsBefore = await cellsAt();
  await explorer.locator('button').nth(3).click(); // next step
  await expect(slider).not.toHaveValue(before);
  expect(await cellsAt()).not.toEqual(cellsBefore);
});

test('after training, the gate explorer uses the trained GRU and a real window', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  await page.locator('.lessons-nav-list .lessons-nav-item').nth(0).click();
  const explorer = page.locator('section.gate-explorer');
  await expect(explorer).toContainText('GRU weights from the model (8 units, 3 features, 24 steps)');
});
