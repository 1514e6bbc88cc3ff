// The installed app needs no network: every page (start, builder, data, lessons with each
// lesson opened, runs, experiments with each tab) in both languages, with every request the
// page makes recorded. Nothing may leave the app's own origin (its files and its loopback
// WebSocket), and the fonts (Vazirmatn, KaTeX) come from the app itself.
import { expect, test, type Page } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;
test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

interface Seen {
  requests: { url: string; type: string }[];
  sockets: string[];
}

function record(page: Page): Seen {
  const seen: Seen = { requests: [], sockets: [] };
  page.on('request', (r) => seen.requests.push({ url: r.url(), type: r.resourceType() }));
  page.on('websocket', (ws) => seen.sockets.push(ws.url()));
  return seen;
}

function outside(seen: Seen, origin: string): string[] {
  const ws = origin.replace(/^http/, 'ws');
  return [
    ...seen.requests.map((r) => r.url).filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:')),
    ...seen.sockets.filter((u) => !u.startsWith(`${ws}/ipc?`)),
  ];
}

for (const lang of ['fa', 'en'] as const) {
  test(`no request leaves the app, on any page, in ${lang}`, async ({ page }) => {
    test.setTimeout(180_000);
    const seen = record(page);
    await page.goto(app.url);
    await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
    if ((await page.locator('html').getAttribute('lang')) !== lang) await page.getByTestId('language-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', lang);

    const nav = page.locator('nav.tabs button');
    const pages = await nav.count();
    expect(pages).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < pages; i++) {
      await nav.nth(i).click();
      await expect(nav.nth(i)).toHaveAttribute('aria-current', 'page');
      // Lessons: open every lesson (formulas, diagrams, KaTeX fonts).
      const lessons = page.locator('.lessons-nav-list .lessons-nav-item');
      if ((await lessons.count()) > 0) {
        const n = await lessons.count();
        for (let k = 0; k < n; k++) {
          await lessons.nth(k).click();
          await expect(page.locator('.lesson-view')).toBeVisible();
        }
      }
      // Experiments: every tab.
      const tabs = page.locator('[data-testid^="experiments-tab-"]');
      const nTabs = await tabs.count();
      for (let k = 0; k < nTabs; k++) {
        await tabs.nth(k).click();
        await expect(tabs.nth(k)).toHaveAttribute('aria-selected', 'true');
      }
      await page.waitForLoadState('networkidle');
    }

    // The fonts are the app's own and are in use.
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    expect(await page.evaluate(() => document.fonts.check('16px Vazirmatn'))).toBe(true);
    const fonts = seen.requests.filter((r) => r.type === 'font').map((r) => r.url);
    expect(fonts.some((u) => /Vazirmatn/.test(u))).toBe(true);
    expect(fonts.some((u) => /KaTeX_/.test(u))).toBe(true);
    for (const u of fonts) expect(u.startsWith(`${app.origin}/`), u).toBe(true);

    expect(seen.requests.length).toBeGreaterThan(3);
    expect(seen.sockets.length).toBeGreaterThanOrEqual(1);
    expect(outside(seen, app.origin)).toEqual([]);
  });
}

test('the page cannot reach another origin even if it tries (CSP)', async ({ page }) => {
  const seen = record(page);
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  const results = await page.evaluate(async () => {
    const out: string[] = [];
    for (const url of ['http://127.0.0.1:9/x', 'https://example.com/']) {
      try {
        await fetch(url, { mode: 'no-cors' });
        out.push(`fetched ${url}`);
      } catch {
        out.push('blocked');
      }
    }
    return out;
  });
  expect(results).toEqual(['blocked', 'blocked']);
  // Blocked by the policy before any request was made.
  expect(seen.requests.map((r) => r.url).filter((u) => u.includes('example.com') || u.startsWith('http://127.0.0.1:9/'))).toEqual([]);
});

test('the runs page shows the memory a run needs before it starts', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Model builder', exact: true }).click();
  await page.getByLabel('Preset').selectOption('gru');
  await expect(page.getByTestId('error-count')).toHaveAttribute('data-value', '0');
  await page.getByTestId('builder-train').click();
  const est = page.getByTestId('memory-estimate');
  await expect(est).toBeVisible();
  await expect(est).toHaveAttribute('data-fits', 'true');
  await expect(est).toContainText(/needs about [\d,]+ MiB; [\d,]+ MiB can be used/);
  await page.getByTestId('language-switch').click();
  await expect(est).toContainText('مبی‌بایت');
});
