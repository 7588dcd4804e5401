// The framed widget's first paint is a skeleton from index.html (the wasm takes a while
// to arrive and start): there before any of the widget's code runs, in the system's
// colours, silent for a screen reader, and gone once the widget mounted.
import { expect, test } from '@playwright/test';
import { noSeriousFindings } from './a11y';
import { type OwnServer } from './own-server';
import { serverWithWorkspace, WorkspacePage } from './workspace-page';

let server: OwnServer;
let workspaceUrl: string;

test.beforeAll(async () => {
  ({ server, workspaceUrl } = await serverWithWorkspace());
});

test.afterAll(async () => {
  await server?.stop();
});

test('the skeleton shows until the widget mounts, then the conversation replaces it', async ({ page }) => {
  // The wasm is held back: whatever the frame shows meanwhile is the page's own.
  let releaseWasm!: () => void;
  const held = new Promise<void>((done) => { releaseWasm = done; });
  let wasmRequested = false;
  await page.route(/_bg\.wasm$/, async (route) => {
    wasmRequested = true;
    await held;
    await route.continue();
  });
  const ws = new WorkspacePage(page);
  await ws.open(workspaceUrl);

  const skeleton = ws.widget.locator('#skeleton');
  await expect(skeleton).toBeVisible();
  await expect.poll(() => wasmRequested, { message: 'the frame asked for the wasm' }).toBe(true);
  await expect(ws.widget.locator('main'), 'no widget code ran yet').toHaveCount(0);
  await expect(skeleton).toHaveAttribute('aria-busy', 'true');
  // Nothing to read out: no text, and no element with a role or a name.
  await expect(skeleton).toHaveText('');
  expect(await skeleton.locator('[role], [aria-label], [aria-labelledby], img, svg').count()).toBe(0);
  await noSeriousFindings(ws.frame(), 'the skeleton');

  // Light and dark follow the system before the widget can know the workspace's theme.
  const block = skeleton.locator('.skeleton__msg').first();
  const colour = () => block.evaluate((e) => getComputedStyle(e).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await colour();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await colour();
  expect(dark, 'the dark skeleton differs from the light one').not.toBe(light);
  await page.emulateMedia({ colorScheme: 'light' });

  releaseWasm();
  await expect(ws.conversation()).toBeVisible();
  await expect(skeleton).toHaveCount(0);
  expect(ws.problems).toEqual([]);
});
