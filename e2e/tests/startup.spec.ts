// Start-up inside a workspace: the page's inline script reads the session, the workspace's
// conversation id and that conversation while the wasm is still downloading, and the
// widget uses those reads instead of asking again (README, "Start-up").
import { expect, test, type Request } from '@playwright/test';
import { OwnServer } from './own-server';
import { serverWithWorkspace, WorkspacePage } from './workspace-page';

let server: OwnServer;
let workspaceUrl: string;

test.beforeAll(async () => {
  ({ server, workspaceUrl } = await serverWithWorkspace());
});

test.afterAll(async () => {
  await server?.stop();
});

/** The start-up reads: the session, the workspace id's conversation, the conversation. */
const STARTUP_READ = /\/api\/(me|workspaces\/custom\/conversations\/[^/?]+|conversations\/\d+)$/;

test('the first focus is read while the wasm downloads, and each read is made once', async ({ page }) => {
  let releaseWasm!: () => void;
  const wasmHeld = new Promise<void>((done) => (releaseWasm = done));
  await page.route('**/*_bg.wasm', async (route) => {
    await wasmHeld;
    await route.continue();
  });
  const reads: string[] = [];
  page.on('request', (request: Request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'GET' && STARTUP_READ.test(path)) reads.push(path);
  });

  const ws = new WorkspacePage(page);
  await ws.open(workspaceUrl);
  // All three before the widget's code has even arrived.
  await expect
    .poll(() => reads.map((path) => path.replace(/conversations\/[^/]+$/, 'conversations/…')).sort(), { message: 'reads started ahead' })
    .toEqual(['/api/conversations/…', '/api/me', '/api/workspaces/custom/conversations/…']);

  releaseWasm();
  await expect(ws.conversation()).toBeVisible();
  await expect(ws.conversation()).toHaveAccessibleName(/^Conversation with /);
  expect(reads, 'the widget took the reads made ahead instead of asking again').toHaveLength(3);
  expect(ws.problems).toEqual([]);
});
