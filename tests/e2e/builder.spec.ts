import { expect, test, type Page } from '@playwright/test';
import { startBrowserMode, type BrowserModeApp } from './helpers';

let app: BrowserModeApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});
test.afterAll(async () => {
  await app?.stop();
});

async function openBuilderInEnglish(page: Page): Promise<void> {
  await page.goto(app.url);
  await expect(page.locator('.shell')).toHaveAttribute('data-ready', 'true');
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await page.getByRole('button', { name: 'Model builder', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Model layers' })).toBeVisible();
}

async function addByKeyboard(page: Page, block: string): Promise<void> {
  const button = page.getByRole('navigation', { name: 'Blocks' }).getByRole('button', { name: block, exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
}

const layer = (page: Page, name: string) => page.locator(`.layer-list li[data-layer="${name}"]`);

test('build listing 6.49 by keyboard, read shapes and parameters, break it, fix it, save and reload', async ({ page }) => {
  await openBuilderInEnglish(page);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByRole('list', { name: 'Model layers' }).locator('li')).toHaveCount(0);

  await addByKeyboard(page, 'Sequence input');
  await addByKeyboard(page, 'Conv1D');
  await expect(page.getByLabel('Filters', { exact: true })).toHaveValue('32');
  await page.getByLabel('Kernel size', { exact: true }).fill('5');
  await page.getByLabel('Activation', { exact: true }).selectOption('relu');
  await addByKeyboard(page, 'MaxPooling1D');
  await page.getByLabel('Pool size', { exact: true }).fill('3');
  await addByKeyboard(page, 'Conv1D');
  await addByKeyboard(page, 'GRU');
  await page.getByLabel('Units', { exact: true }).fill('32');
  await page.getByLabel('Input dropout', { exact: true }).fill('0.1');
  await page.getByLabel('Recurrent dropout', { exact: true }).fill('0.5');
  await addByKeyboard(page, 'Dense');
  await page.getByLabel('Units', { exact: true }).fill('1');

  // Shapes as Keras prints them, and parameter counts, read from the page.
  await expect(page.getByTestId('shape-input_1')).toHaveText('(None, 240, 14)');
  await expect(page.getByTestId('shape-conv1d')).toHaveText('(None, 236, 32)');
  await expect(page.getByTestId('shape-max_pooling1d')).toHaveText('(None, 78, 32)');
  await expect(page.getByTestId('shape-conv1d_1')).toHaveText('(None, 74, 32)');
  await expect(page.getByTestId('shape-gru')).toHaveText('(None, 32)');
  await expect(page.getByTestId('shape-dense')).toHaveText('(None, 1)');
  await expect(page.getByTestId('params-gru')).toHaveText('6,240 parameters');
  await expect(page.getByTestId('total-params')).toHaveText('13,697');
  await expect(page.getByTestId('model-ok')).toBeVisible();
  // The time axis is marked while the tensor is a sequence, and gone after the GRU.
  await expect(page.getByTestId('shape-conv1d_1').locator('.time-axis')).toHaveText('74');
  await expect(page.getByTestId('shape-gru').locator('.time-axis')).toHaveCount(0);

  // Break it: the last GRU returns its whole sequence, so Dense gives one value per step.
  await layer(page, 'gru').locator('.layer-select').click();
  await page.getByLabel('Return the whole sequence', { exact: true }).check();
  await expect(page.getByTestId('shape-gru')).toHaveText('(None, 74, 32)');
  await expect(page.getByTestId('error-count')).not.toHaveAttribute('data-value', '0');
  const issue = page.locator('.issue[data-code="dense_after_sequence_for_scalar_target"]');
  await expect(issue).toBeVisible();
  await expect(issue.locator('.fix')).not.toBeEmpty();
  await expect(layer(page, 'dense')).toHaveAttribute('aria-invalid', 'true');

  // Fix it.
  await page.getByLabel('Return the whole sequence', { exact: true }).uncheck();
  await expect(page.getByTestId('error-count')).toHaveAttribute('data-value', '0');

  // reset_after=True is a valid form with a second bias row: 3 x 32 more parameters, no issue.
  await page.getByLabel('Apply reset gate after the matrix product', { exact: true }).check();
  await expect(page.getByTestId('params-gru')).toHaveText('6,336 parameters');
  await expect(page.getByTestId('total-params')).toHaveText('13,793');
  await expect(page.getByTestId('error-count')).toHaveAttribute('data-value', '0');
  await page.getByLabel('Apply reset gate after the matrix product', { exact: true }).uncheck();
  await expect(page.getByTestId('params-gru')).toHaveText('6,240 parameters');

  // Show code: Keras code for exactly this model.
  await page.getByRole('tab', { name: 'Show code' }).click();
  await expect(page.getByTestId('python-code')).toContainText('layers.GRU(');
  await expect(page.getByTestId('python-code')).toContainText('reset_after=False');

  // Save, reload, find it unchanged.
  await page.getByTestId('save-project').click();
  await expect(page.getByText(/Saved at/)).toBeVisible();
  const snapshot = () =>
    page.evaluate(() => ({
      layers: [...document.querySelectorAll('.layer-list li')].map((li) =>
        [...li.querySelectorAll('.layer-select, .layer-shape, .layer-params')].map((e) => e.textContent).join(' | '),
      ),
      positions: [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => `${n.dataset.id}:${n.style.transform}`).sort(),
    }));
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  const before = await snapshot();
  await page.reload();
  await page.getByRole('button', { name: 'Model builder', exact: true }).click();
  await expect(page.getByTestId('total-params')).toHaveText('13,697');
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  expect(await snapshot()).toEqual(before);
  await page.screenshot({ path: 'test-results/builder-en.png' });
});

test('drag a block onto the canvas, undo and redo, Persian labels', async ({ page }) => {
  await openBuilderInEnglish(page);
  await page.getByLabel('Preset').selectOption('gru');
  await expect(page.getByTestId('total-params')).toHaveText('4,545');
  const count = await page.locator('.react-flow__node').count();
  await page
    .getByRole('navigation', { name: 'Blocks' })
    .getByRole('button', { name: 'Dropout', exact: true })
    .dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 120, y: 120 } });
  await expect(page.locator('.react-flow__node')).toHaveCount(count + 1);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.react-flow__node')).toHaveCount(count);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(page.locator('.react-flow__node')).toHaveCount(count + 1);

  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('list', { name: 'لایه‌های مدل' })).toBeVisible();
  await expect(page.getByTestId('total-params')).toHaveText('۴٬۵۴۵');
  await page.screenshot({ path: 'test-results/builder-fa.png' });
});
