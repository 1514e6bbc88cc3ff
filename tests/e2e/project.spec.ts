// Projects (issues #5 and #8) in browser mode against the real engine: a project file with
// three finished runs opened through the file input and overlaid, "Save project as" as a
// download, refusal of a broken file in both languages, a trained model imported into the
// builder, and the restore offer after the app was killed.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { startBrowserMode, type BrowserModeApp } from './helpers';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { STARTER_EXPERIMENT } from '../../shared/experiments';

const FIXTURE = path.resolve('tests/fixtures/three-runs.seqlab.json');

/** The browser-mode host; `stop('SIGKILL')` is a crash, `stop()` a clean exit. */
const startHost = (dataDir: string): Promise<BrowserModeApp> => startBrowserMode(dataDir);

async function openInEnglish(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
}

test('a project file with three finished runs: open, overlay three labelled series, save as, refuse a broken file', async ({ page }) => {
  const host = await startHost(mkdtempSync(path.join(tmpdir(), 'seqlab-project-e2e-')));
  try {
    await openInEnglish(page, host.url);
    await page.getByTestId('project-file-input').setInputFiles(FIXTURE);
    await expect(page.getByTestId('project-name')).toHaveValue('Three GRU runs');
    await expect(page.getByTestId('project-runs')).toHaveText('3 runs');
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect(rows).toHaveCount(3);
    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
    const chart = page.getByTestId('overlay-chart');
    await chart.scrollIntoViewIfNeeded();
    // Three labelled series: one legend entry (and one line) per run, named after it.
    for (const name of ['gru-16', 'gru-8', 'gru-16-slow']) {
      await expect(chart.locator('svg text', { hasText: new RegExp(`^${name} · `) })).toHaveCount(1);
    }
    const lines = await chart.locator('svg path[fill="none"]').count();
    expect(lines).toBeGreaterThanOrEqual(3);

    // Save project as…: a download of the whole project, its runs included.
    const downloading = page.waitForEvent('download');
    await page.getByTestId('project-save-as').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Three-GRU-runs.seqlab.json');
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { id: string; version: number; runs: { id: string }[] };
    expect(saved.version).toBe(2);
    expect(saved.id).toBe('p-fixture-three-runs');
    expect(saved.runs.map((r) => r.id)).toEqual(['run-fixture0', 'run-fixture1', 'run-fixture2']);

    // A truncated file is refused with a clear message in either language; the project stays.
    const broken = path.join(mkdtempSync(path.join(tmpdir(), 'seqlab-broken-')), 'broken.seqlab.json');
    const bytes = readFileSync(FIXTURE).subarray(0, 4000);
    writeFileSync(broken, bytes);
    await page.getByTestId('project-file-input').setInputFiles(broken);
    await expect(page.getByRole('alert')).toContainText('This project file cannot be opened');
    await expect(rows).toHaveCount(3);
    const newer = path.join(path.dirname(broken), 'newer.seqlab.json');
    writeFileSync(newer, JSON.stringify({ ...JSON.parse(readFileSync(FIXTURE, 'utf8')), version: 99 }));
    await page.getByTestId('language-switch').click();
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.getByTestId('project-file-input').setInputFiles(newer);
    await expect(page.getByRole('alert')).toContainText('نسخهٔ تازه‌تری از SeqLab');
    expect(Buffer.compare(readFileSync(broken), bytes)).toBe(0);
    await expect(page.getByTestId('project-name')).toHaveValue('Three GRU runs');

    // New project: empty, with no runs; the old one is kept in the data folder.
    await page.getByTestId('project-new').click();
    await expect(page.getByTestId('project-name')).toHaveValue('');
    await expect(page.getByTestId('runs-table')).toHaveCount(0);
  } finally {
    await host.stop();
  }
});

test('a trained model (model.json + shards) opens in the builder with its graph and parameter count', async ({ page }) => {
  // A trained starter model, exported by the command line (the same exporter as the Export button).
  const dir = mkdtempSync(path.join(tmpdir(), 'seqlab-model-e2e-'));
  const exp = { ...STARTER_EXPERIMENT, training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 5, validationSteps: 2, testSteps: 0 } };
  writeFileSync(path.join(dir, 'exp.json'), JSON.stringify(exp));
  execFileSync(process.execPath, ['dist/main/cli.cjs', 'export', path.join(dir, 'exp.json'), '--out', path.join(dir, 'out'), '--tfjs'], { stdio: 'pipe' });
  const tfjsDir = readdirSync(path.join(dir, 'out'), { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name === 'model.json')!.parentPath;
  const files = readdirSync(tfjsDir).map((n) => path.join(tfjsDir, n));
  expect(files.some((f) => f.endsWith('.bin'))).toBe(true);
  const summary = execFileSync(process.execPath, ['dist/main/cli.cjs', 'summary', path.join(tfjsDir, 'model.json')]).toString();
  const total = Number(/Total params: ([\d,]+)/.exec(summary)![1]!.replace(/,/g, ''));

  const host = await startHost(mkdtempSync(path.join(tmpdir(), 'seqlab-project-e2e-')));
  try {
    await openInEnglish(page, host.url);
    await page.getByRole('button', { name: 'Model builder', exact: true }).click();
    await page.getByTestId('model-file-input').setInputFiles(files);
    await expect(page.getByTestId('import-result')).toContainText(`${total.toLocaleString('en-US')} parameters`);
    await expect(page.getByTestId('total-params')).toHaveAttribute('data-value', String(total));
    // The graph: the starter's input, GRU and Dense blocks on the canvas.
    const exportedLayers = (JSON.parse(readFileSync(path.join(tfjsDir, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: { class_name: string }[] } } }).modelTopology.config.layers;
    await expect(page.locator('.react-flow__node')).toHaveCount(exportedLayers.length + (exportedLayers[0]!.class_name === 'InputLayer' ? 0 : 1));
    await expect(page.getByTestId('error-count')).toHaveAttribute('data-value', '0');
    await page.screenshot({ path: 'test-results/builder-import-en.png' });
  } finally {
    await host.stop();
  }
});

test('after the app was killed, it offers to restore the autosaved project', async ({ page }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-crash-e2e-'));
  const first = await startHost(dataDir);
  await openInEnglish(page, first.url);
  await page.getByTestId('project-file-input').setInputFiles(FIXTURE);
  await expect(page.getByTestId('project-runs')).toHaveText('3 runs');
  await page.getByTestId('project-name').fill('Before the crash');
  await page.getByTestId('project-name').press('Enter');
  await expect.poll(() => JSON.parse(readFileSync(path.join(dataDir, 'projects', 'autosave.seqlab.json'), 'utf8')).name).toBe('Before the crash');
  await first.stop('SIGKILL');

  const second = await startHost(dataDir);
  try {
    await page.goto(second.url);
    await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
    const banner = page.getByTestId('recovery-banner');
    await expect(banner).toContainText('SeqLab did not close properly last time');
    await expect(banner).toContainText('Before the crash');
    await expect(page.getByTestId('project-runs')).toHaveText('0 runs');
    await page.getByTestId('language-switch').click();
    await expect(banner).toContainText('SeqLab دفعهٔ پیش درست بسته نشد');
    await page.screenshot({ path: 'test-results/recovery-fa.png' });
    await page.getByTestId('recovery-restore').click();
    await expect(banner).toHaveCount(0);
    await expect(page.getByTestId('project-name')).toHaveValue('Before the crash');
    await expect(page.getByTestId('project-runs')).toHaveText('۳ اجرا');
  } finally {
    await second.stop();
  }
  // A clean exit: no offer at the next start.
  const third = await startHost(dataDir);
  try {
    await page.goto(third.url);
    await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('project-name')).toHaveValue('Before the crash');
    await expect(page.getByTestId('recovery-banner')).toHaveCount(0);
  } finally {
    await third.stop();
  }
});
