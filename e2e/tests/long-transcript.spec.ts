// A conversation of 2,000 messages in the release build: it opens at its newest page, with
// "Show older messages", and the time from the click on its row to its newest message on
// screen is printed (median and max of several openings: a benchmark figure; the test
// asserts only what the agent sees).
import { expect } from '@playwright/test';
import { test } from './dev-page';
import { OwnServer } from './own-server';

test.describe.configure({ mode: 'serial' });

const MESSAGES = 2000;
let server: OwnServer;

test.beforeAll(async () => {
  server = await OwnServer.start();
});

test.afterAll(async () => {
  await server?.stop();
});

test('a conversation of 2,000 messages opens at its newest page, and older ones load on demand', async ({ page, dev }) => {
  test.setTimeout(180_000);
  const token = await server.session('demo', 'admin');
  const id = await server.conversationWith(token, 'Maria Gonzalez');
  // Twenty writers at a time: what a busy consumer and a webhook burst look like.
  for (let start = 0; start < MESSAGES; start += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      server.playConsumer(token, id, `Long thread message ${start + i}`, 'private')));
  }

  await page.goto(`${server.url}/dev/`);
  await page.getByRole('combobox', { name: 'Role' }).selectOption('admin');
  await dev.showList('All conversations');
  const newest = dev.widget.getByText(`Long thread message ${MESSAGES - 1}`, { exact: true });
  const times: number[] = [];
  for (let run = 0; run < 7; run += 1) {
    // Away to another conversation, then back: each opening reads the conversation anew.
    await dev.openConversation('Kenji');
    await page.evaluate((text) => {
      const w = window as any;
      w.__opened = undefined;
      document.addEventListener('click', () => { w.__clicked = performance.now(); }, { capture: true, once: true });
      new MutationObserver((_, observer) => {
        const shown = [...document.querySelectorAll('.msg__text')].some((e) => e.textContent === text);
        if (shown) { w.__opened = performance.now() - w.__clicked; observer.disconnect(); }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    }, `Long thread message ${MESSAGES - 1}`);
    await dev.row('Maria Gonzalez').first().click();
    await expect(newest).toBeVisible();
    times.push(await page.evaluate(() => (window as any).__opened));
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`long transcript (${MESSAGES} messages): click → newest message on screen, ` +
    `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms ` +
    `over ${sorted.length} openings`);

  // The newest page only, and the way to the older ones.
  const shown = dev.conversation().locator('.msg__text');
  const first = await shown.count();
  expect(first).toBeLessThan(MESSAGES);
  const older = dev.widget.getByRole('button', { name: 'Show older messages' });
  await expect(older).toBeVisible();
  await older.click();
  await expect.poll(() => shown.count()).toBeGreaterThan(first);
});
