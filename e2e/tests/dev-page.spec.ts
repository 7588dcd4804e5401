// The release build, served by the real server, as an agent uses the dev page.
import { expect } from '@playwright/test';
import { test } from './dev-page';

test('the release build loads and shows the first conversation of my list', async ({ dev }) => {
  await dev.open();
  await expect(dev.tab('My conversations')).toHaveAttribute('aria-pressed', 'true');
  await expect(dev.conversation()).toBeVisible();
  await expect(dev.conversation().getByRole('heading').first()).toBeVisible();
});

// LivePerson known issue 3: the source is not shown for Twitter under "All Conversations".
test('both lists show the source of every row, Facebook and X, as an icon and a label', async ({ dev }) => {
  await dev.open();
  for (const list of ['My conversations', 'All conversations'] as const) {
    await dev.showList(list);
    const rows = dev.rows();
    const count = await rows.count();
    expect(count, `${list} has rows`).toBeGreaterThan(1);
    const labels: string[] = [];
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      const text = (await row.innerText()).trim();
      const source = /\bFacebook\b/.test(text) ? 'Facebook' : /\bX\b/.test(text) ? 'X' : null;
      expect(source, `row ${i} of ${list} names its source: ${text}`).not.toBeNull();
      await expect(row.locator('svg').first(), `row ${i} of ${list} has a source icon`).toBeAttached();
      labels.push(source!);
    }
    expect(new Set(labels), `${list} holds both sources`).toEqual(new Set(['Facebook', 'X']));
  }
});

test('switching conversations leaves nothing of the previous one on screen', async ({ dev }) => {
  await dev.open();
  await dev.showList('All conversations');
  await dev.openConversation('Maria Gonzalez');
  await expect(dev.conversation()).toContainText('Maria Gonzalez');
  await dev.openConversation('Kenji Tanaka');
  await expect(dev.conversation()).toContainText('Kenji Tanaka');
  await expect(dev.widget).not.toContainText('Maria Gonzalez');
  await expect(dev.widget).not.toContainText('rainfly');
});

// LivePerson known issue 1: after All and back to My, the widget lost its controls.
test('going to All conversations and back keeps the widget whole', async ({ dev }) => {
  await dev.open();
  await dev.openConversation('Priya Sharma');
  const before = await dev.conversation().innerText();
  await dev.showList('All conversations');
  await dev.showList('My conversations');
  await dev.openConversation('Priya Sharma');
  await expect(dev.conversation()).toHaveText(before, { useInnerText: true });
});

test('a withheld profile is explained in words, not left blank', async ({ dev }) => {
  await dev.open();
  await dev.showList('All conversations');
  const withheld = dev.rows().filter({ hasText: 'Consumer' });
  expect(await withheld.count()).toBeGreaterThanOrEqual(2);
  await withheld.first().click();
  await expect(dev.conversation()).toContainText(/withholds|no profile available/i);
});

test('hostile content is shown as text and runs nothing', async ({ dev, page }) => {
  await dev.open();
  await dev.openConversation('Mallory');
  const conversation = dev.conversation();
  await expect(conversation).toContainText("<script>alert('name')</script>");
  await expect(conversation).toContainText('<b>bold?</b>');
  expect(await conversation.locator('script, img[src="x"], b, iframe').count()).toBe(0);
  // Give any injected handler a moment to fire; the afterEach hook fails on a dialog.
  await page.waitForTimeout(300);
});

test('switching back and forth quickly ends on the last conversation picked', async ({ dev }) => {
  await dev.open();
  await dev.showList('All conversations');
  for (const name of ['Maria Gonzalez', 'Kenji Tanaka', 'Priya Sharma', 'Chris Doe']) {
    await dev.row(name).first().click();
  }
  await expect(dev.conversation()).toContainText('Chris Doe');
  for (const gone of ['Maria Gonzalez', 'Kenji Tanaka', 'Priya Sharma']) {
    await expect(dev.widget).not.toContainText(gone);
  }
});
