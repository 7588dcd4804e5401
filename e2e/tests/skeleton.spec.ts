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

test('the skeleton paints while main.css downloads, and the widget mounts only once main.css applies', async ({ page, context }) => {
  // In the widget's frame: whether main.css applied (its `body { margin: 0 }`) at the
  // moment the widget mounted, checked before anything else can run.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('main')) return;
      (window as any).__mountedWithMainCss = getComputedStyle(document.body).marginTop === '0px';
      observer.disconnect();
    }).observe(document, { subtree: true, childList: true });
  });
  // main.css is held back until the wasm has arrived: the widget could start meanwhile.
  let releaseCss!: () => void;
  const held = new Promise<void>((done) => { releaseCss = done; });
  let cssRequested = false;
  await page.route(/\/main-[0-9a-f]+\.css$/, async (route) => {
    cssRequested = true;
    await held;
    await route.continue();
  });
  let wasmArrived = false;
  page.on('requestfinished', (request) => { if (request.url().endsWith('_bg.wasm')) wasmArrived = true; });
  const ws = new WorkspacePage(page);
  await ws.open(workspaceUrl);

  const skeleton = ws.widget.locator('#skeleton');
  await expect.poll(() => cssRequested, { message: 'the frame asked for main.css' }).toBe(true);
  await expect.poll(() => wasmArrived, { message: 'the wasm arrived while main.css was held' }).toBe(true);
  await expect(ws.widget.locator('main'), 'no widget without its styles').toHaveCount(0);
  // Painted without main.css: the frame has its first paint, and it is the skeleton's
  // own styled boxes (the inline <style>, allowed by the CSP's hash).
  await expect
    .poll(() => ws.frame().evaluate(() => performance.getEntriesByType('paint').some((e) => e.name === 'first-paint')),
      { message: 'the frame painted while main.css was held back' })
    .toBe(true);
  await expect(skeleton).toBeVisible();
  expect(await skeleton.evaluate((e) => getComputedStyle(e).display)).toBe('flex');
  expect(await skeleton.evaluate(() => getComputedStyle(document.body).marginTop), 'main.css is not applied yet').not.toBe('0px');

  releaseCss();
  await expect(ws.conversation()).toBeVisible();
  await expect(skeleton).toHaveCount(0);
  expect(await ws.frame().evaluate(() => (window as any).__mountedWithMainCss), 'main.css applied when the widget mounted').toBe(true);
  expect(ws.problems).toEqual([]);
});

test('the CSP lets the skeleton\'s own <style> apply and blocks any other inline style', async ({ page, context }) => {
  // Every CSP violation in the widget's frame, from its first moment.
  await context.addInitScript(() => {
    const seen: string[] = ((window as any).__violations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.sample}`));
  });
  let releaseWasm!: () => void;
  const held = new Promise<void>((done) => { releaseWasm = done; });
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  const ws = new WorkspacePage(page);
  await ws.open(workspaceUrl);
  const skeleton = ws.widget.locator('#skeleton');
  await expect(skeleton).toBeVisible();
  expect(await skeleton.evaluate((e) => getComputedStyle(e).display), 'the page\'s <style> applied').toBe('flex');
  expect(await skeleton.evaluate(() => (window as any).__violations), 'no violation by the page itself').toEqual([]);

  // A <style> and a style attribute the page did not ship: both refused.
  const injected = await skeleton.evaluate((e) => {
    const style = document.createElement('style');
    style.textContent = '#skeleton { display: grid }';
    document.head.append(style);
    e.setAttribute('style', 'visibility: hidden');
    return new Promise<string[]>((done) => requestAnimationFrame(() => done([
      getComputedStyle(e).display, getComputedStyle(e).visibility,
    ])));
  });
  expect(injected).toEqual(['flex', 'visible']);
  await expect.poll(() => skeleton.evaluate(() => (window as any).__violations.length)).toBe(2);
  expect(await skeleton.evaluate(() => (window as any).__violations.every((v: string) => v.startsWith('style-src')))).toBe(true);
  releaseWasm();
  await expect(ws.conversation()).toBeVisible();
  expect(ws.problems.filter((p) => !p.includes('Content Security Policy'))).toEqual([]);
});
