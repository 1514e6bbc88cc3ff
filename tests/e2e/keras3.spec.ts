// Keras 3 in browser mode against the real engine: a trained run exported by the command line
// with --keras, its model.keras dropped on the builder window, the graph and parameter count
// shown; a truncated .keras dropped next is refused with the message in English and in Persian,
// and the builder keeps the model it had.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { startBrowserMode } from './helpers';

/** Drops one file on the window as a file manager would (dragover, then drop). */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.evaluate(([fileName, b64]) => {
    const bin = Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bin], fileName!));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, bytes.toString('base64')]);
}

test('a model.keras dropped on the builder opens with its graph; a truncated one is refused in both languages', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seqlab-keras3-e2e-'));
  // the starter's GRU as it is: its hard_sigmoid gates go to Keras 3 rescaled
  const exp = { ...STARTER_EXPERIMENT, training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 5, validationSteps: 2, testSteps: 0 } };
  writeFileSync(path.join(dir, 'exp.json'), JSON.stringify(exp));
  execFileSync(process.execPath, ['dist/main/cli.cjs', 'export', path.join(dir, 'exp.json'), '--out', path.join(dir, 'out'), '--keras'], { stdio: 'pipe' });
  const file = readdirSync(path.join(dir, 'out'), { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name === 'model.keras')!;
  const keras = path.join(file.parentPath, file.name);
  const said = execFileSync(process.execPath, ['dist/main/cli.cjs', 'import', keras]).toString();
  const total = Number(/Keras 3 \(\.keras\) model, (\d+) parameters/.exec(said)![1]);
  const bytes = readFileSync(keras);

  const host = await startBrowserMode(mkdtempSync(path.join(tmpdir(), 'seqlab-keras3-host-')));
  try {
    await page.goto(host.url);
    await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
    if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.getByRole('button', { name: 'Model builder', exact: true }).click();
    await dropFile(page, 'model.keras', bytes);
    await expect(page.getByTestId('import-result')).toContainText(`${total.toLocaleString('en-US')} parameters`);
    await expect(page.getByTestId('total-params')).toHaveAttribute('data-value', String(total));
    await expect(page.getByTestId('error-count')).toHaveAttribute('data-value', '0');

    await dropFile(page, 'cut.keras', bytes.subarray(0, bytes.length >> 1));
    await expect(page.getByRole('alert')).toContainText('is not a complete zip archive');
    await page.getByTestId('language-switch').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
    await expect(page.getByRole('alert')).toContainText('بایگانی zip کامل نیست');
    // the model opened before is still there
    await expect(page.getByTestId('total-params')).toHaveAttribute('data-value', String(total));
  } finally {
    await host.stop();
  }
});
