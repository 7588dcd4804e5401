// What an agent sees and does in the composer and the lists, in the release build against
// the real server: nothing goes out that the agent did not choose and see, failures are
// plain, the lists follow, and the states pass axe with no serious finding.
import { expect } from '@playwright/test';
import { noSeriousFindings } from './a11y';
import { test } from './dev-page';

test.describe.configure({ mode: 'serial' });

test('a private draft stays private when the agent replies to a public tweet', async ({ dev }) => {
  await dev.open();
  await dev.openConversation('Kenji Tanaka');
  const box = dev.widget.getByRole('textbox', { name: 'Private message' });
  await box.fill('your order 77031 replacement ships to 1-2-3 Shibuya');
  const tweet = dev.conversation().getByRole('listitem').filter({ hasText: 'the PCT!' });
  await tweet.getByRole('button', { name: /^Reply to Kenji Tanaka's tweet/ }).click();
  await expect(box).toBeFocused();
  const mismatch = dev.widget.getByRole('group', { name: 'Reply space mismatch' });
  await expect(mismatch).toContainText('This draft is private, but the message it answers is public.');
  await box.press('Enter');
  await box.press('Control+Enter');
  await expect(dev.widget.getByRole('button', { name: 'Send private message' })).toHaveAttribute('aria-disabled', 'true');
  await expect(dev.conversation().getByRole('listitem').filter({ hasText: '1-2-3 Shibuya' })).toHaveCount(0);
  await noSeriousFindings(dev.page, 'the mismatch');

  await mismatch.getByRole('button', { name: 'Remove the reply target' }).click();
  await expect(mismatch).toHaveCount(0);
  await expect(box).toBeFocused();
  await box.press('Enter');
  const sent = dev.conversation().getByRole('listitem').filter({ hasText: '1-2-3 Shibuya' });
  await expect(sent).toContainText('Private (DM)');
});

test('Link to DM previews what it sends, answering the chosen comment, and asks before a second', async ({ dev, page }) => {
  await dev.open();
  await dev.openConversation('Maria Gonzalez');
  const first = dev.conversation().getByRole('listitem').filter({ hasText: 'fit two adults' });
  await first.getByRole('button', { name: /^Reply to / }).click();
  let posted = 0;
  page.on('request', (r) => { if (r.url().endsWith('/dm-invite')) posted += 1; });
  const link = dev.widget.getByRole('button', { name: 'Link to DM' });
  const invitedBefore = (await dev.widget.locator('.action-bar').textContent())?.includes('Invited at');
  await link.click();
  const preview = dev.widget.getByRole('region', { name: 'Invite Maria Gonzalez to a private conversation' });
  await expect(preview).toContainText('Replying to Maria Gonzalez: Does the TrailLite 2 fit two adults');
  await expect(preview.getByRole('textbox').first()).toHaveValue(/https:\/\/m\.me\/acmeoutdoor/);
  await expect(preview).toContainText('A Facebook private reply to the same comment');
  await noSeriousFindings(page, 'the Link to DM preview');
  expect(posted, 'opening the preview posts nothing').toBe(0);
  await preview.getByRole('textbox').nth(1).fill("Hi Maria, let's sort the tent out here.");
  // When an earlier spec invited Maria, it asks, and says so.
  if (invitedBefore) await expect(preview).toContainText('Maria Gonzalez was invited at');
  await preview.getByRole('button', { name: /^Send (another )?invitation$/ }).click();
  await expect(preview).toHaveCount(0);
  expect(posted).toBe(1);
  const privateReply = dev.conversation().getByRole('listitem').filter({ hasText: "let's sort the tent out here" });
  await expect(privateReply).toContainText('Replying to Maria Gonzalez: Does the TrailLite 2 fit two adults');
  await expect(link).toHaveAccessibleDescription(/^Invited at /);

  await link.click();
  await expect(preview).toContainText('Maria Gonzalez was invited at');
  await expect(preview.getByRole('button', { name: 'Send another invitation' })).toBeVisible();
  await preview.getByRole('button', { name: 'Cancel' }).click();
  expect(posted, 'a second invitation never went out').toBe(1);
});

test('a failed message is marked on its row, explained in plain words, and Retry shows Sending then Sent', async ({ dev }) => {
  await dev.open();
  await expect(dev.row('Lena Fischer')).toContainText('Not delivered');
  await dev.openConversation('Lena Fischer');
  const failed = dev.conversation().getByRole('listitem').filter({ hasText: 'Send them back' });
  await expect(failed).toContainText('The person cannot get messages from the page right now');
  await expect(failed).toContainText('Answer publicly, or wait until they write again.');
  await failed.getByText("The platform's own words").click();
  await expect(failed).toContainText("(#551) This person isn't available right now.");
  const retry = failed.getByRole('button', { name: /^Retry the message of / });
  await retry.click();
  await expect(failed).toContainText('Sent');
  await expect(failed.locator('.msg__delivery')).toBeFocused();
  await expect(dev.row('Lena Fischer')).not.toContainText('Not delivered');
});

test('the lists follow: opening clears unread, a send moves the row up with its text', async ({ dev, page }) => {
  // As the admin, whom no earlier spec signed in: unread is per agent.
  await dev.open();
  await page.getByRole('combobox', { name: 'Role' }).selectOption('admin');
  await dev.showList('All conversations');
  // Mallory's tweets have no answer yet: unread for whoever has not opened them.
  await expect(dev.row('Mallory')).toContainText(/\d+ unread/);
  await dev.openConversation('Mallory');
  await expect(dev.row('Mallory')).not.toContainText('unread');
  await dev.messageBox().fill('A fresh line for the list');
  await dev.messageBox().press('Control+Enter');
  await expect(dev.rows().first()).toContainText('Mallory');
  await expect(dev.rows().first()).toContainText('A fresh line for the list');
});

test('a draft survives a reload of the page', async ({ dev, page }) => {
  await dev.open();
  await dev.openConversation('James Okafor');
  await dev.messageBox().fill('Half an answer for James');
  await page.reload();
  await expect(dev.rows().first()).toBeVisible();
  await dev.openConversation('James Okafor');
  await expect(dev.messageBox()).toHaveValue('Half an answer for James');
});

test('another agent’s conversation says whose it is and why nothing can be done', async ({ dev }) => {
  await dev.open();
  await dev.showList('All conversations');
  await expect(dev.row('Chris Doe')).toContainText('Assigned to Alex Admin');
  await dev.openConversation('Chris Doe');
  await expect(dev.conversation()).toContainText('Assigned to Alex Admin. You can read this conversation; only they or an admin can act in it.');
  await expect(dev.widget.getByRole('button', { name: 'Send private message' })).toHaveAttribute('aria-disabled', 'true');
});

test("Messenger's window shows when it closes, and why private replies are off once it has", async ({ dev }) => {
  await dev.open();
  await dev.openConversation('Lena Fischer');
  await expect(dev.composer()).toContainText("This reply goes with Meta's human-agent tag");
  await dev.openConversation('Tom Becker');
  await expect(dev.composer()).toContainText("Messenger's reply window has closed");
  await expect(dev.widget.getByRole('button', { name: 'Send private message' })).toHaveAttribute('aria-disabled', 'true');
});

test('at 360 px a conversation opens at its newest message with the box at hand; Like stays put', async ({ dev, page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await dev.open();
  // From another conversation, so that Mallory's opens now (earlier specs may have made
  // it the first of the list, open at load).
  await dev.openConversation('Tom Becker');
  await dev.openConversation('Mallory');
  const newest = dev.conversation().getByRole('listitem').last();
  await expect(newest).toBeInViewport();
  await expect(dev.messageBox()).toBeInViewport();
  const like = dev.conversation().getByRole('listitem').first().getByRole('button', { name: /^Like / });
  await like.scrollIntoViewIfNeeded();
  const was = await like.getAttribute('aria-pressed');
  const now = was === 'true' ? 'false' : 'true';
  const before = await like.boundingBox();
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', now);
  const after = await like.boundingBox();
  expect(after?.y, 'Liked by … does not push the button away').toBe(before?.y);
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', was!);
});

