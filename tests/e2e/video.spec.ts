import { mkdirSync } from 'node:fs';
/**
 * The video experiment end to end: Experiments -> Video, train the three models at the
 * small size against the real engine, read the comparison table from the page (three rows,
 * accuracy above chance, parameter counts equal to what tfjs counts for the same models),
 * step through a test clip in the player, and see Persian digits in Persian mode.
 */
import { expect, test } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import { VIDEO_MODELS, VIDEO_SIZES } from '../../shared/ipc/video';
import { videoModelSpec } from '../../main/engine/experiments/video-train';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

/** What tfjs counts for each model at the small size (the engine's countParams). */
async function expectedParams(): Promise<Record<string, number>> {
  await tf.setBackend('cpu');
  const out: Record<string, number> = {};
  for (const m of VIDEO_MODELS) {
    const model = await tf.models.modelFromJSON(videoModelSpec(m, VIDEO_SIZES.small.frames, VIDEO_SIZES.small.side) as never);
    out[m] = model.countParams();
    model.dispose();
  }
  return out;
}

test('the video comparison at its smallest size fills the table and the clip player', async ({ page }) => {
  test.setTimeout(900_000);
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'Experiments', exact: true }).click();
  await page.getByTestId('experiments-tab-video').click();
  const panel = page.getByTestId('video-panel');
  await expect(panel).toBeVisible();

  await page.getByTestId('video-size').selectOption('small');
  await page.getByTestId('video-train').click();
  await expect(page.getByTestId('video-stop')).toBeEnabled();
  await expect(page.getByTestId('video-progress-video-cnn-lstm')).toBeVisible();

  const table = page.getByTestId('video-table');
  await expect(table).toHaveAttribute('data-status', 'completed', { timeout: 840_000 });
  await expect(table.locator('tbody tr')).toHaveCount(3);

  const chance = Number(await page.getByTestId('video-chance').getAttribute('data-value'));
  expect(chance).toBeCloseTo(1 / 6, 5);
  const params = await expectedParams();
  for (const m of VIDEO_MODELS) {
    await expect(page.getByTestId(`video-row-${m}`)).toHaveAttribute('data-status', 'completed');
    const acc = Number(await page.getByTestId(`video-acc-${m}`).getAttribute('data-value'));
    expect(acc, m).toBeGreaterThanOrEqual(2 * chance);
    expect(acc, m).toBeLessThanOrEqual(1);
    // The text shows the same number as a percentage.
    await expect(page.getByTestId(`video-acc-${m}`)).toHaveText(`${(acc * 100).toFixed(1)}%`);
    expect(Number(await page.getByTestId(`video-params-${m}`).getAttribute('data-value')), m).toBe(params[m]);
    await expect(page.getByTestId(`video-params-${m}`)).toHaveText(params[m]!.toLocaleString('en-US'));
    expect(Number(await page.getByTestId(`video-spe-${m}`).getAttribute('data-value'))).toBeGreaterThan(0);
  }

  // The clip player: a test clip with its true class and each model's guess; stepping moves the frame.
  const player = page.getByTestId('video-player');
  await expect(player).toBeVisible();
  await expect(page.getByTestId('video-true')).toHaveAttribute('data-value', /^[0-5]$/);
  for (const m of VIDEO_MODELS) await expect(page.getByTestId(`video-pred-${m}`)).toHaveAttribute('data-value', /^[0-5]$/);
  await expect(page.getByTestId('video-strip').locator('canvas')).toHaveCount(VIDEO_SIZES.small.frames);
  await expect(page.getByTestId('video-frame-index')).toHaveAttribute('data-value', '0');
  await page.getByTestId('video-step-forward').click();
  await expect(page.getByTestId('video-frame-index')).toHaveAttribute('data-value', '1');
  await page.getByTestId('video-step-back').click();
  await page.getByTestId('video-step-back').click();
  await expect(page.getByTestId('video-frame-index')).toHaveAttribute('data-value', String(VIDEO_SIZES.small.frames - 1));
  await page.getByTestId('video-clip-next').click();
  await expect(page.getByTestId('video-clip-index')).toContainText('Clip 2 of');

  // Persian: Persian digits in the table, frames still left to right.
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
  await expect(page.getByTestId('video-params-video-conv3d')).toHaveText(/^[۰-۹٬]+$/);
  await expect(page.getByTestId('video-strip')).toHaveCSS('direction', 'ltr');
  // For review: the video comparison in Persian.
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/video-fa.png', fullPage: true });
});
