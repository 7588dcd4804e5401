// The widget in a LivePerson-like workspace on another origin: the page loads the SDK
// (here the stand-in for LivePerson's CDN script, which this network cannot reach) and the
// widget's inline script runs init() before the wasm, so the host's first handshake is
// caught; focus follows the workspace's rtSessionId; "Write in the workspace" writes there.
import { expect, test } from '@playwright/test';
import { OwnServer } from './own-server';
import { finalState, serverWithWorkspace, WorkspacePage } from './workspace-page';

test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let workspaceUrl: string;

test.beforeAll(async () => {
  ({ server, workspaceUrl } = await serverWithWorkspace(['--liveperson-sdk', '/dev-workspace/lp-agent-sdk-standin.js']));
});

test.afterAll(async () => {
  await server?.stop();
});

test('the first handshake is caught, and the widget follows the focused conversation', async ({ page }) => {
  const ws = new WorkspacePage(page);
  // Retries far apart: a widget that missed the first handshake would sit waiting.
  await ws.open(`${workspaceUrl}/liveperson?retry_ms=60000`);
  // LivePerson hands over no session: the widget's own sign-in.
  await ws.signInAsDemoAgent('Dana');
  await expect(ws.conversation()).toBeVisible();
  const connection = await page.evaluate(() => (window as any).devWorkspace.connection());
  expect(connection).toEqual({ attempts: 1, connected: true });

  await ws.openConversation('Kenji Tanaka');
  await expect(ws.conversation().locator('.channel__source')).toHaveText('X');
  await ws.showList('All conversations');
  await ws.openConversation('Chris Doe');
  await ws.showList('My conversations');
  await ws.openConversation('Priya Sharma');
  await expect(ws.toggle()).toBeVisible();
  await expect(ws.composer().getByRole('button', { name: 'Mention', exact: true })).toBeVisible();
  expect(ws.problems).toEqual([]);
});

test('Mention and Link to DM also write into the workspace reply box', async ({ page }) => {
  const ws = new WorkspacePage(page);
  await ws.open(`${workspaceUrl}/liveperson`);
  await ws.signInAsDemoAgent('Dana');
  await ws.openConversation('Maria Gonzalez');
  await ws.composer().getByRole('button', { name: 'Mention in the workspace' }).click();
  await expect(ws.reply).toHaveValue(/Maria Gonzalez/);
  const received = await page.evaluate(() => (window as any).devWorkspace.received);
  expect(received.at(-1)).toMatchObject({ cmdName: 'Write ChatLine' });
  await expect(ws.messageBox(), "the widget's own draft is untouched").toHaveValue('');

  await ws.composer().getByRole('button', { name: 'Link to DM' }).click();
  const preview = ws.widget.getByRole('region', { name: 'Invite Maria Gonzalez to a private conversation' });
  await preview.getByRole('button', { name: 'Write in the workspace' }).click();
  await expect(preview).toHaveCount(0);
  await expect(ws.reply).toHaveValue(/m\.me\/acmeoutdoor/);
  await finalState(page, 'liveperson-write');
  expect(ws.problems).toEqual([]);
});

test('a conversation that is not on Facebook or X says so', async ({ page }) => {
  const ws = new WorkspacePage(page);
  await ws.open(`${workspaceUrl}/liveperson`);
  await ws.signInAsDemoAgent('Dana');
  ws.expectFailedRequests(/404/);
  await page.evaluate(() => (window as any).devWorkspace.focus('web-chat-5f2c9a'));
  await expect(ws.widget.getByText('This conversation is not a Facebook or X conversation')).toBeVisible();
  await ws.openConversation('James Okafor');
  await finalState(page, 'liveperson-not-social');
  expect(ws.problems).toEqual([]);
});
