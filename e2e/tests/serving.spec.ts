// What the server sends with the release build: compression, caching, security headers.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';

test('index.html is not cached and carries the CSP with frame-ancestors', async ({ request }) => {
  const response = await request.get('/');
  expect(response.status()).toBe(200);
  const headers = response.headers();
  expect(headers['cache-control']).toContain('no-cache');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBeTruthy();
  const csp = headers['content-security-policy'];
  expect(csp).toContain("frame-ancestors 'self'");
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(csp).toMatch(/'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp).not.toContain('unsafe-inline');
});

test('style-src allows the site\'s own style sheets and exactly the pages\' inline <style> elements', async ({ request }) => {
  const csp = (await request.get('/')).headers()['content-security-policy'];
  const styleSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('style-src '))!.split(/\s+/).slice(1);
  // The hash a browser computes: of the element's text after newline normalisation.
  const hashes = new Set<string>();
  for (const path of ['/', '/dev/', '/admin/']) {
    const html = await (await request.get(path)).text();
    for (const [, body] of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style/gi)) {
      hashes.add(`'sha256-${createHash('sha256').update(body.replace(/\r\n?/g, '\n')).digest('base64')}'`);
    }
  }
  expect(hashes.size, 'the framed widget inlines its skeleton\'s styles').toBeGreaterThan(0);
  expect(styleSrc.sort()).toEqual(["'self'", ...hashes].sort());
});

test('the hashed wasm is immutable and sent brotli-compressed', async ({ request }) => {
  const index = await (await request.get('/')).text();
  const wasm = index.match(/\/[\w.-]+_bg\.wasm/)?.[0];
  expect(wasm, 'index.html names the wasm').toBeTruthy();
  const response = await request.get(wasm!, { headers: { 'accept-encoding': 'br' } });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-encoding']).toBe('br');
  expect(response.headers()['cache-control']).toContain('immutable');
  expect(response.headers()['content-type']).toBe('application/wasm');
});

test('the API refuses a request without a token with a problem body', async ({ request }) => {
  const response = await request.get('/api/conversations');
  expect(response.status()).toBe(401);
  expect(response.headers()['content-type']).toContain('application/problem+json');
  const problem = await response.json();
  expect(problem.status).toBe(401);
  expect(problem.title).toBeTruthy();
});

test('the framed widget, opened as a page, points to the dev page; the dev page loads', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  const link = page.getByRole('link', { name: 'Open the standalone dev page' });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/\/dev\/$/);
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  expect(errors).toEqual([]);
});
