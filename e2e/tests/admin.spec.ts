// The admin settings page against the real server: only an admin gets the settings, the
// page passes axe, and a Page's public space switched off there stops a signed public
// comment from starting a conversation until it is switched on again.
import { expect, type Page } from '@playwright/test';
import { noSeriousFindings } from './a11y';
import { test } from './dev-page';
import { OwnServer } from './own-server';

test.describe.configure({ mode: 'serial' });

const APP_SECRET = 'e2e-admin-facebook-app-secret';
/** The demo's Facebook Page (Acme Outdoor). */
const PAGE_ID = '104857600012345';
const POST_ID = `${PAGE_ID}_771234567811111`;

let server: OwnServer;

test.beforeAll(async () => {
  server = await OwnServer.start([
    '--facebook-app-secret', APP_SECRET,
    '--facebook-verify-token', 'e2e-admin-verify-token',
  ]);
});

test.afterAll(async () => {
  await server?.stop();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${server.url}/admin/`);
  const form = page.getByRole('region', { name: /^Sign in/ });
  await form.getByLabel('E-mail').fill(email);
  await form.getByLabel('Password').fill('demo-password');
  await form.getByRole('button', { name: 'Sign in' }).click();
}

/** A signed comment by someone new on the demo Page's post. */
async function comment(psid: string, id: string, name: string, text: string) {
  const now = Math.floor(Date.now() / 1000);
  await server.deliverToFacebook(APP_SECRET, {
    id: PAGE_ID,
    time: now,
    changes: [{
      field: 'feed',
      value: {
        item: 'comment', verb: 'add',
        comment_id: `771234567811111_${id}`,
        post_id: POST_ID, parent_id: POST_ID,
        from: { id: psid, name },
        message: text,
        created_time: now,
      },
    }],
  });
}

/** Whom the account's conversations are with, as the API lists them. */
async function consumerNames(token: string): Promise<string[]> {
  const answer = await fetch(`${server.url}/api/conversations?view=all`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return (await answer.json()).map((row: { consumer_name: string }) => row.consumer_name);
}

test('an agent reads why there are no settings', async ({ page }) => {
  await signIn(page, 'dana@acme-outdoor.example');
  await expect(page.getByRole('alert')).toHaveText('Only admins can change data sources and routing.');
  await expect(page.getByRole('heading', { name: 'Data sources' })).toHaveCount(0);
});

test('the settings page has no serious accessibility finding', async ({ page }) => {
  await signIn(page, 'alex@acme-outdoor.example');
  await expect(page.getByRole('heading', { name: 'Data sources' })).toBeVisible();
  await expect(page.getByRole('article', { name: /Acme Outdoor/ }).first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await noSeriousFindings(page, 'the admin settings page');
  await page.screenshot({ path: test.info().outputPath('admin.png'), fullPage: true });
});

test('with the public space off a comment starts nothing; on again, the next one is listed', async ({ page, dev }) => {
  await signIn(page, 'alex@acme-outdoor.example');
  const facebookPage = page.getByRole('article', { name: /Acme Outdoor/ })
    .filter({ hasText: PAGE_ID });
  const publicSwitch = facebookPage.getByRole('button', { name: 'Public space' });
  await expect(publicSwitch).toHaveAttribute('aria-pressed', 'true');
  await publicSwitch.click();
  await expect(publicSwitch).toHaveAttribute('aria-pressed', 'false');

  const token = await server.session('demo', 'admin');
  const before = (await consumerNames(token)).length;
  await comment('6234567890100001', '9001', 'Quentin Off', 'Do you ship to Norway?');
  // A Messenger message sent after the comment is applied after it: once it is listed,
  // the comment has been taken too.
  await server.deliverToFacebook(APP_SECRET, {
    id: PAGE_ID,
    time: Date.now(),
    messaging: [{ sender: { id: '6234567890100002' }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: 'm_e2e_admin_1', text: 'A private question' } }],
  });
  // One new conversation: the private one.
  await expect.poll(async () => (await consumerNames(token)).length).toBe(before + 1);
  expect(await consumerNames(token)).not.toContain('Quentin Off');

  await publicSwitch.click();
  await expect(publicSwitch).toHaveAttribute('aria-pressed', 'true');
  await comment('6234567890100003', '9002', 'Rhea On', 'And to Denmark?');
  await expect.poll(() => consumerNames(token)).toContain('Rhea On');
  expect(await consumerNames(token)).not.toContain('Quentin Off');

  // The audit log says who did it.
  const audit = page.getByRole('region', { name: 'Audit log' });
  await expect(audit).toContainText('Source changed');
  await expect(audit).toContainText('Alex Admin');

  await page.goto(`${server.url}/dev/`);
  await page.getByRole('combobox', { name: 'Role' }).selectOption('admin');
  await dev.showList('All conversations');
  await expect(dev.row('Rhea On')).toBeVisible();
  await expect(dev.row('Quentin Off')).toHaveCount(0);
});
