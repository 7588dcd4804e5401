// Signing in inside a workspace that hands over no session, and a session that expires:
// the sign-in comes back, the conversation in focus and the draft stay, nothing reloads.
import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { OwnServer } from './own-server';
import { finalState, serverWithWorkspace, WorkspacePage } from './workspace-page';

test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let workspaceUrl: string;

test.beforeAll(async () => {
  // Sessions end after 4 s without use, so the test can wait one out.
  ({ server, workspaceUrl } = await serverWithWorkspace(['--session-idle', '4s', '--session-max', '1h']));
});

test.afterAll(async () => {
  await server?.stop();
});

test('a wrong password says so; the right one signs in', async ({ page }) => {
  const ws = new WorkspacePage(page);
  await ws.open(`${workspaceUrl}/?auth=none`);
  const form = ws.widget.getByRole('region', { name: /^Sign in to the social widget/ });
  await expect(form).toBeVisible();
  await form.getByLabel('E-mail').fill('dana@acme-outdoor.example');
  await form.getByLabel('Password').fill('not the password');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.getByRole('alert')).toHaveText('The e-mail or password is not right.');
  await form.getByLabel('Password').fill('demo-password');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(ws.conversation()).toBeVisible();
  const stored = await ws.frame().evaluate(() => sessionStorage.getItem('social-widget:session'));
  expect(stored, 'the token is kept in the tab').toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(ws.frame().url(), 'never in a URL').not.toContain(stored!);
  expect(ws.problems.filter((p) => !p.includes('401'))).toEqual([]);
});

test('an expired session brings the sign-in back with the draft and the conversation intact', async ({ page }) => {
  const ws = new WorkspacePage(page);
  ws.expectFailedRequests(/401/);
  await ws.open(`${workspaceUrl}/?auth=none`);
  await ws.signInAsDemoAgent('Dana');
  await ws.openConversation('James Okafor');
  const notReloaded = await ws.markWidget();
  await ws.messageBox().fill('Your replacement ships tomorrow morning');

  // Idle past the session's expiry, then act.
  await page.waitForTimeout(5_000);
  await ws.composer().getByRole('button', { name: /^Send / }).click();
  const form = ws.widget.getByRole('region', { name: /^Sign in to the social widget/ });
  await expect(form).toBeVisible();
  await expect(form).toContainText('Your session ended.');

  await ws.signInAsDemoAgent('Dana');
  await expect(ws.conversation()).toHaveAccessibleName(/^Conversation with James Okafor/);
  await expect(ws.messageBox()).toHaveValue('Your replacement ships tomorrow morning');
  await notReloaded();
  await finalState(page, 'session-expired');
  expect(ws.problems).toEqual([]);
});

test('what the agent types into the sign-in form stays while the workspace changes focus', async ({ page }) => {
  const ws = new WorkspacePage(page);
  await ws.open(`${workspaceUrl}/?auth=none`);
  const form = ws.widget.getByRole('region', { name: /^Sign in to the social widget/ });
  await form.getByLabel('E-mail').fill('dana@acme-outdoor.example');
  await form.getByLabel('Password').fill('demo-password');
  // Past the bridge's wait for a session, then two focus changes.
  await page.waitForTimeout(1_200);
  await ws.rows().nth(1).click();
  await ws.rows().nth(0).click();
  await expect(form.getByLabel('E-mail')).toHaveValue('dana@acme-outdoor.example');
  await expect(form.getByLabel('Password')).toHaveValue('demo-password');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(ws.conversation()).toBeVisible();
  expect(ws.problems).toEqual([]);
});

test('a workspace that hands over a session never shows the sign-in form, not even for a moment', async ({ page }) => {
  // Records, in the widget's frame, whether the sign-in form was ever there before the test looks.
  await page.addInitScript((widgetOrigin) => {
    if (location.origin !== widgetOrigin) return;
    const seen = ((window as any).__seen = { signIn: false });
    new MutationObserver(() => {
      if (document.querySelector('section.sign-in')) seen.signIn = true;
    }).observe(document, { subtree: true, childList: true });
  }, server.url);
  const ws = new WorkspacePage(page);
  await ws.open(`${workspaceUrl}/`);
  await expect(ws.widget.getByText(/^Signed in as /)).toBeVisible();
  const seen = await ws.frame().evaluate(() => (window as any).__seen);
  expect(seen.signIn, 'the sign-in form was never on screen').toBe(false);
  expect(ws.problems).toEqual([]);
});

test('a framing page that never speaks gets the sign-in form after a moment of waiting', async ({ page }) => {
  const silent = createServer((_, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>silent workspace</title><iframe title="Social widget" src="${own.url}/"></iframe>`);
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const own = await OwnServer.start(['--frame-ancestors', origin]);
  try {
    await page.goto(`${origin}/`);
    const widget = page.frameLocator('iframe[title="Social widget"]');
    await expect(widget.getByRole('status')).toHaveText('Waiting for the workspace…');
    await expect(widget.getByRole('region', { name: /^Sign in to the social widget/ })).toBeVisible();
    await expect(widget.getByText('Waiting for the workspace…')).toHaveCount(0);
  } finally {
    silent.close();
    await own.stop();
  }
});
