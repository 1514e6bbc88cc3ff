import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;
const dir = mkdtempSync(path.join(tmpdir(), 'seqlab-data-e2e-'));

/** 40 rows every 10 minutes: p = 1000 + r, T = r + 1 (so every count can be worked out by hand). */
function goodCsv(): string {
  let s = '"Date Time","p (mbar)","T (degC)"\n';
  for (let r = 0; r < 40; r++) {
    const m = 10 + r * 10;
    s += `01.01.2009 ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00,${1000 + r},${r + 1}\n`;
  }
  return s;
}

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 1360, height: 2300 });
  await page.screenshot({ path: `test-results/${name}.png` });
  await page.setViewportSize(size);
}

test('import a CSV, look at it, design the windows; a broken file leaves the previous dataset selected', async ({ page }) => {
  const good = path.join(dir, 'station.csv');
  const bad = path.join(dir, 'broken.csv');
  writeFileSync(good, goodCsv());
  writeFileSync(bad, 'a,b\n1,2\n3,oops\n5,6\n');

  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  // Persian first (the default): the synthetic Jena data, said to be synthetic.
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByRole('button', { name: 'داده', exact: true }).click();
  await expect(page.getByTestId('synthetic-note')).toContainText('ساختگی');
  await expect(page.getByTestId('row-count')).toHaveText('۵۲٬۵۶۰');
  await expect(page.getByTestId('count-train')).not.toBeEmpty();
  await expect(page.getByTestId('series-chart')).toBeVisible();
  await shot(page, 'data-page-fa-jena');

  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');

  // Import through the file dialog's input.
  await page.getByTestId('csv-input').setInputFiles(good);
  await expect(page.getByTestId('row-count')).toHaveText('40');
  await expect(page.getByRole('heading', { name: 'station.csv' })).toBeVisible();
  const preview = page.getByTestId('preview');
  await expect(preview.locator('thead')).toContainText('p (mbar)');
  await expect(preview.locator('thead')).toContainText('T (degC)');
  await expect(preview.locator('tbody tr').first()).toContainText('1,000');
  await expect(preview.locator('tbody tr')).toHaveCount(20);
  await expect(page.getByTestId('column-stats')).toContainText('degC');

  // Windows: lookback 3, step 2, delay 1, batch 4; split 20 / 10 / rest (10).
  await page.getByTestId('window-lookback').fill('3');
  await page.getByTestId('window-step').fill('2');
  await page.getByTestId('window-delay').fill('1');
  await page.getByTestId('window-batchSize').fill('4');
  await page.getByTestId('split-train').fill('20');
  await page.getByTestId('split-validation').fill('10');
  await expect(page.getByTestId('split-test')).toHaveText('10');
  // A sample ending at row r needs r - 3 >= split start and r + 1 < split end:
  // train r = 3..18 (16), validation r = 23..28 (6), test r = 33..38 (6).
  await expect(page.getByTestId('count-train')).toHaveText('16');
  await expect(page.getByTestId('count-validation')).toHaveText('6');
  await expect(page.getByTestId('count-test')).toHaveText('6');
  await expect(page.getByTestId('timesteps')).toHaveText('2');
  await expect(page.getByTestId('features')).toHaveText('2');
  await expect(page.getByTestId('batch-bytes')).toHaveText('64 bytes');
  await expect(page.getByTestId('sample-picture')).toBeVisible();
  await shot(page, 'data-page-en-csv');

  // A broken file: stop at the first bad value, and name its line and column.
  await page.getByLabel('Missing or malformed values').selectOption('fail');
  await page.getByTestId('csv-input').setInputFiles(bad);
  const err = page.getByTestId('import-error');
  await expect(err).toContainText('Line 3, column 2 ("b"): the value is not a number');
  await expect(page.getByRole('alert').first()).toBeVisible();
  // Nothing was lost: the first file is still selected, with its windows.
  await expect(page.getByTestId('row-count')).toHaveText('40');
  await expect(page.getByRole('radio', { name: 'station.csv' })).toBeChecked();
  await expect(page.getByTestId('count-train')).toHaveText('16');
  await expect(page.getByRole('radio', { name: 'broken.csv' })).toHaveCount(0);

  // The same message in Persian, with Persian digits.
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(err).toContainText('سطر ۳، ستون ۲');
  await expect(page.locator('.banner-error')).toContainText('سطر ۳، ستون ۲');
  await expect(page.getByTestId('count-train')).toHaveText('۱۶');
  await shot(page, 'data-page-fa-error');

  // The order task: windowing does not apply, and the page says so.
  await page.getByRole('radio', { name: /مسئلهٔ ترتیب/ }).click();
  await expect(page.getByTestId('window-not-applicable')).toBeVisible();
  await expect(page.getByRole('radio', { name: /مسئلهٔ ترتیب/ })).toBeChecked();
  await shot(page, 'data-page-fa-task');
});

test('an upload can be cancelled: nothing is imported, nothing is left in the engine, the dataset in use stays', async ({ page }) => {
  const big = path.join(dir, 'big.csv');
  // 64 MiB: 64 chunks, long enough to press Cancel while it uploads.
  writeFileSync(big, Buffer.alloc(64 * 1024 * 1024, 'a,b\n1,2\n'));
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'داده', exact: true }).click();
  const selected = page.locator('input[type="radio"]:checked');
  await expect(selected).toHaveCount(1);
  const before = await selected.evaluate((el) => el.closest('label')?.textContent ?? el.id);
  await page.getByTestId('csv-input').setInputFiles(big);
  const cancel = page.getByTestId('import-cancel');
  await expect(cancel).toHaveText('لغو');
  await cancel.click();
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByRole('radio', { name: 'big.csv' })).toHaveCount(0);
  expect(await selected.evaluate((el) => el.closest('label')?.textContent ?? el.id)).toBe(before);
  // The engine dropped the upload and its file.
  await expect.poll(() => readdirSync(path.join(app.dataDir, 'uploads', 'data'))).toEqual([]);
  // Had the upload gone on, the whole file would be parsed and listed within seconds.
  await page.waitForTimeout(3000);
  const imports = path.join(app.dataDir, 'imports');
  const names = (existsSync(imports) ? readdirSync(imports) : [])
    .filter((f) => f.endsWith('.json'))
    .map((f) => (JSON.parse(readFileSync(path.join(imports, f), 'utf8')) as { name: string }).name);
  expect(names).not.toContain('big.csv');
  await expect(page.getByRole('radio', { name: 'big.csv' })).toHaveCount(0);
});

test('time written as public datasets write it: the time column, its interval and gaps, and window lengths in that unit, in both languages', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'داده', exact: true }).click();
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');

  // 8-digit dates, daily, with three days missing after the 20th row.
  const days = Array.from({ length: 60 }, (_, i) => i).filter((i) => i < 20 || i > 22);
  const ymd = path.join(dir, 'station-daily.csv');
  writeFileSync(ymd, ['DATE,PRCP,TMAX', ...days.map((i) => {
    const t = new Date(Date.UTC(2019, 11, 20) + i * 86_400_000);
    return `${t.getUTCFullYear()}${String(t.getUTCMonth() + 1).padStart(2, '0')}${String(t.getUTCDate()).padStart(2, '0')},${i % 3},${20 + (i % 5)}`;
  })].join('\n') + '\n');
  await page.getByTestId('csv-input').setInputFiles(ymd);
  await expect(page.getByRole('heading', { name: 'station-daily.csv' })).toBeVisible();
  await expect(page.getByTestId('time-index')).toContainText('DATE');
  await expect(page.getByTestId('time-index')).toContainText('8-digit YYYYMMDD');
  await expect(page.getByTestId('sampling-interval')).toContainText('1 day');
  await expect(page.getByTestId('time-gaps')).toHaveText('1 gap (rows missing) before row 21');
  // The date is not a feature: the columns are the two measurements only.
  await expect(page.getByTestId('column-stats').locator('tbody tr')).toHaveCount(2);
  await page.getByTestId('window-lookback').fill('14');
  await page.getByTestId('window-lookback').blur();
  await expect(page.getByTestId('window-lookback-time')).toHaveText('14 steps = 2 weeks');

  // A lone year column: yearly, shown as years.
  const yearly = path.join(dir, 'yearly-flow.csv');
  writeFileSync(yearly, ['year,flow', ...Array.from({ length: 40 }, (_, i) => `${1871 + i},${1100 - i * 3}`)].join('\n') + '\n');
  await page.getByTestId('csv-input').setInputFiles(yearly);
  await expect(page.getByRole('heading', { name: 'yearly-flow.csv' })).toBeVisible();
  await expect(page.getByTestId('time-index')).toContainText('year (year)');
  await expect(page.getByTestId('sampling-interval')).toContainText('1 year');
  await expect(page.getByTestId('time-gaps')).toHaveText('no gaps');
  await expect(page.getByTestId('preview').locator('tbody tr').first()).toContainText('1871');
  await page.getByTestId('window-lookback').fill('10');
  await page.getByTestId('window-lookback').blur();
  await expect(page.getByTestId('window-lookback-time')).toHaveText('10 steps = 10 years');
  await shot(page, 'data-page-en-yearly');

  // The year can be fed as a feature too, when asked.
  await expect(page.getByTestId('column-stats').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('time-as-feature').click();
  await expect(page.getByTestId('time-as-feature')).toBeChecked();
  await expect(page.getByTestId('column-stats').locator('tbody tr')).toHaveCount(2);
  await page.getByTestId('time-as-feature').click();
  await expect(page.getByTestId('time-as-feature')).not.toBeChecked();
  await expect(page.getByTestId('column-stats').locator('tbody tr')).toHaveCount(1);

  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByTestId('sampling-interval')).toContainText('۱ سال');
  await expect(page.getByTestId('window-lookback-time')).toHaveText('۱۰ گام = ۱۰ سال');
  await shot(page, 'data-page-fa-yearly');

  // A wide table (a row per year, a column per month): offered, previewed, then read as one monthly series.
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const wide = path.join(dir, 'monthly-wide.csv');
  writeFileSync(wide, [`Year,${months.join(',')}`, ...Array.from({ length: 6 }, (_, y) => [2001 + y, ...months.map((_, m) => y * 12 + m)].join(','))].join('\n') + '\n');
  await page.getByTestId('csv-input').setInputFiles(wide);
  await expect(page.getByRole('heading', { name: 'monthly-wide.csv' })).toBeVisible();
  await expect(page.getByTestId('wide-offer')).toContainText('۷۲');
  await expect(page.getByTestId('wide-preview').locator('tbody tr')).toHaveCount(8);
  await shot(page, 'data-page-fa-wide');
  await page.getByTestId('wide-apply').click();
  await expect(page.getByTestId('wide-applied')).toBeVisible();
  await expect(page.getByTestId('row-count')).toHaveText('۷۲');
  await expect(page.getByTestId('sampling-interval')).toContainText('۱ ماه');
  await expect(page.getByTestId('column-stats').locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('window-lookback').fill('12');
  await page.getByTestId('window-lookback').blur();
  await expect(page.getByTestId('window-lookback-time')).toHaveText('۱۲ گام = ۱ سال');
});
