// Live updates on the standalone dev page, against a server of the spec's own (behind a
// proxy that can cut the event stream): what the consumer writes appears without a reload
// or a focus change, the toggle follows, and a cut stream loses nothing once restored.
import { expect } from '@playwright/test';
import { test } from './dev-page';
import { CuttableProxy, OwnServer } from './own-server';

test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let proxy: CuttableProxy;

test.beforeAll(async () => {
  server = await OwnServer.start();
  proxy = await CuttableProxy.start(server);
});

test.afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

/** Marks the page, to tell afterwards that it was not reloaded. */
async function markPage(page: import('@playwright/test').Page) {
  await page.evaluate(() => { (window as any).__notReloaded = true; });
  return async () => expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
}

test('a consumer who wrote publicly writes privately: the message and the toggle appear, no reload', async ({ dev, page }) => {
  await page.goto(`${proxy.url}/dev/`);
  await dev.openConversation('Maria Gonzalez');
  const toggle = dev.widget.getByRole('radiogroup', { name: 'Reply space' });
  await expect(toggle).toHaveCount(0);
  const notReloaded = await markPage(page);
  const box = dev.messageBox();
  await box.fill('draft kept while the consumer writes');

  // The dev page's own form plays the consumer.
  const form = page.getByRole('form', { name: 'Play the consumer' });
  await form.getByLabel('What the consumer writes').fill('Sending you my order number in private');
  await form.getByRole('radio', { name: 'Private' }).check();
  await form.getByRole('button', { name: 'Send as the consumer' }).click();

  const dm = dev.conversation().getByRole('listitem').filter({ hasText: 'Sending you my order number in private' });
  await expect(dm).toContainText('Private (DM)');
  await expect(toggle).toBeVisible();
  await expect(box).toHaveValue('draft kept while the consumer writes');
  await notReloaded();
  await page.screenshot({ path: test.info().outputPath('toggle-appeared.png') });
});

test('an event stream cut and restored loses nothing and repeats nothing', async ({ dev, page }) => {
  await page.goto(`${proxy.url}/dev/`);
  await dev.openConversation('James Okafor');
  const notReloaded = await markPage(page);
  const token = await server.session();
  const id = await server.conversationWith(token, 'James Okafor');

  await server.playConsumer(token, id, 'before the cut', 'private');
  await expect(dev.conversation().getByText('before the cut')).toBeVisible();
  const opened = proxy.streamsOpened;

  dev.expectFailedRequests(/\/api\/conversations\/\d+\/events\?/);
  proxy.cut();
  const missed = ['missed one', 'missed two', 'missed three'];
  for (const text of missed) await server.playConsumer(token, id, text, 'private');
  // Long enough for the widget to try again at least once and be refused.
  await page.waitForTimeout(1_500);
  for (const text of missed) await expect(dev.conversation().getByText(text)).toHaveCount(0);
  proxy.restore();

  for (const text of missed) await expect(dev.conversation().getByText(text, { exact: true })).toHaveCount(1);
  await server.playConsumer(token, id, 'after the cut', 'private');
  await expect(dev.conversation().getByText('after the cut', { exact: true })).toHaveCount(1);
  await expect(dev.conversation().getByText('before the cut', { exact: true })).toHaveCount(1);
  const texts = await dev.conversation().locator('.msg__text').allTextContents();
  const order = ['before the cut', ...missed, 'after the cut'].map((t) => texts.indexOf(t));
  expect(order, 'in the order the consumer wrote').toEqual([...order].sort((a, b) => a - b));
  expect(proxy.streamsOpened, 'the widget reconnected').toBeGreaterThan(opened);
  await notReloaded();
  await page.screenshot({ path: test.info().outputPath('after-the-cut.png') });
});
