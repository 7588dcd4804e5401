// Webhooks end to end, on a server of the spec's own with Facebook's keys: a signed comment
// from someone new starts a conversation (routed to its skill, on a post known only by its
// id); a signed Messenger message of the same person then joins it in the open widget,
// with the Public/Private toggle, without a reload.
import { expect } from '@playwright/test';
import { test } from './dev-page';
import { OwnServer } from './own-server';

test.describe.configure({ mode: 'serial' });

const APP_SECRET = 'e2e-facebook-app-secret';
/** The demo's Facebook Page (Acme Outdoor). */
const PAGE_ID = '104857600012345';
/** Someone the demo has never heard of. */
const PSID = '6234567890188888';
const POST_ID = `${PAGE_ID}_771234567899999`;

let server: OwnServer;

test.beforeAll(async () => {
  server = await OwnServer.start([
    '--facebook-app-secret', APP_SECRET,
    '--facebook-verify-token', 'e2e-verify-token',
  ]);
});

test.afterAll(async () => {
  await server?.stop();
});

/** POSTs a Page delivery signed with the app's secret. */
async function deliver(entry: object) {
  await server.deliverToFacebook(APP_SECRET, entry);
}

test('a comment, then a Messenger message of the same person: one conversation, both spaces, live', async ({ dev, page }) => {
  const now = Date.now();
  await deliver({
    id: PAGE_ID,
    time: Math.floor(now / 1000),
    changes: [{
      field: 'feed',
      value: {
        item: 'comment',
        verb: 'add',
        comment_id: '771234567899999_5550001',
        post_id: POST_ID,
        parent_id: POST_ID,
        from: { id: PSID, name: 'Rosa Diaz' },
        message: 'Is the TrailLite 2 waterproof?',
        created_time: Math.floor(now / 1000),
      },
    }],
  });
  // Applied after the delivery was acknowledged: the list has it once the applier ran.
  const token = await server.session('demo', 'admin');
  await expect.poll(() => server.conversationWith(token, 'Rosa Diaz').then(() => true, () => false))
    .toBe(true);

  await page.goto(`${server.url}/dev/`);
  // Nobody is assigned a conversation that just arrived: the admin may act in it.
  await page.getByRole('combobox', { name: 'Role' }).selectOption('admin');
  await dev.showList('All conversations');
  await expect(dev.row('Rosa Diaz')).toContainText('social-fb-public');
  await dev.openConversation('Rosa Diaz');
  const conversation = dev.conversation();
  await expect(conversation).toContainText('Skill: social-fb-public');
  await expect(conversation.getByRole('region', { name: 'Original post' }))
    .toContainText("Facebook did not send this post's text.");
  const comment = conversation.getByRole('listitem').filter({ hasText: 'Is the TrailLite 2 waterproof?' });
  await expect(comment).toContainText('Public');
  const toggle = dev.widget.getByRole('radiogroup', { name: 'Reply space' });
  await expect(toggle).toHaveCount(0);
  await page.evaluate(() => { (window as any).__notReloaded = true; });

  await deliver({
    id: PAGE_ID,
    time: Date.now(),
    messaging: [{
      sender: { id: PSID },
      recipient: { id: PAGE_ID },
      timestamp: Date.now(),
      message: { mid: 'm_e2e_rosa_1', text: 'Sending you my order number in private' },
    }],
  });

  const dm = conversation.getByRole('listitem').filter({ hasText: 'Sending you my order number in private' });
  await expect(dm).toContainText('Private (DM)');
  await expect(comment).toBeVisible();
  await expect(toggle).toBeVisible();
  expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('webhook-toggle.png') });
});
