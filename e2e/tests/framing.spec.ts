// Only the origins in --frame-ancestors may frame the widget: a page of any other origin
// gets no widget at all (the browser refuses to render it), so it cannot drive it.
import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { OwnServer } from './own-server';

test('a page whose origin is not in --frame-ancestors cannot frame the widget', async ({ page }) => {
  const server = await OwnServer.start(['--frame-ancestors', 'https://workspace.example']);
  const framer = createServer((_, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>not a workspace</title><iframe title="Social widget" src="${server.url}/"></iframe>`);
  });
  await new Promise<void>((done) => framer.listen(0, '127.0.0.1', done));
  try {
    const blocked: string[] = [];
    page.on('console', (m) => { if (/frame-ancestors|Refused to frame/i.test(m.text())) blocked.push(m.text()); });
    const answered = page.waitForResponse((r) => r.url() === `${server.url}/`);
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
    const response = await answered;
    expect(response.headers()['content-security-policy']).toContain('frame-ancestors https://workspace.example');
    await expect.poll(() => blocked.length, { message: 'Chromium refused to frame it' }).toBeGreaterThan(0);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame, 'the iframe element exists').toBeTruthy();
    // Nothing of the widget rendered in it: no heading, no script ran.
    expect(await frame!.evaluate(() => document.querySelector('main')).catch(() => null)).toBeNull();
    await page.screenshot({ path: test.info().outputPath('not-framed.png') });
  } finally {
    framer.close();
    await server.stop();
  }
});
