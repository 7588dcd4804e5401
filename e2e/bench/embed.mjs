// Benchmark of the widget in a workspace (not a test: it prints numbers, never asserts a
// time). Headless Chromium on loopback against a real social-server with the dev
// workspace; the release build of the widget. Median and p95 over RUNS runs of:
//   1. iframe load -> focused conversation on screen, the host sending its first
//      messages once, on the iframe's load (a fresh browser context each run: cold cache);
//   2. focus change -> the new conversation's controls on screen (one fetch each);
//   3. a consumer message injected on the server -> on screen (the live stream).
// Usage: node e2e/bench/embed.mjs [server binary] (scripts/bench-embed builds and runs it).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 50);
const root = resolve(import.meta.dirname, '../..');
const binary = process.argv[2] ?? join(root, 'target/server/social-server');

async function freePort() {
  const probe = createServer();
  await new Promise((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)} (n=${sorted.length})`;
}

// In the widget's frame only: when the article of the expected conversation (and its
// composer) first shows, on the shared epoch clock (timeOrigin + now).
const probe = (widgetPort) => `
  if (location.port === '${widgetPort}') {
    window.__seen = {};
    const look = () => {
      const article = document.querySelector('article.conversation');
      if (!article || !document.querySelector('form.composer')) return;
      const name = article.getAttribute('aria-label');
      if (!(name in window.__seen)) window.__seen[name] = performance.timeOrigin + performance.now();
      for (const text of window.__waitingFor ?? []) {
        if (!(text in window.__seen) && article.textContent.includes(text)) {
          window.__seen[text] = performance.timeOrigin + performance.now();
        }
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  }
`;

const widgetPort = await freePort();
const workspacePort = await freePort();
const database = join(mkdtempSync(join(tmpdir(), 'social-bench-')), 'bench.db');
const server = spawn(binary, [
  '--demo', '--port', String(widgetPort), '--dev-workspace-port', String(workspacePort),
  '--database-url', `sqlite://${database}?mode=rwc`, '--static-dir', join(root, 'dist'),
], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
const workspace = `http://127.0.0.1:${workspacePort}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`http://127.0.0.1:${widgetPort}/healthz`)).ok) break; } catch {}
  if (i > 300) throw new Error('social-server did not start');
  await new Promise((done) => setTimeout(done, 100));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const widgetFrame = (page) => page.frames().find((f) => f.url().startsWith(`http://127.0.0.1:${widgetPort}/`));
const waitFor = async (frame, key) => {
  await frame.waitForFunction((k) => window.__seen && k in window.__seen, key, { polling: 'raf', timeout: 15_000 });
  return frame.evaluate((k) => window.__seen[k], key);
};

try {
  // 1. iframe load -> focused conversation on screen (cold context each run).
  const load = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    await context.addInitScript(probe(widgetPort));
    const page = await context.newPage();
    await page.goto(`${workspace}/`);
    await page.waitForSelector('iframe[title="Social widget"]');
    let frame;
    while (!(frame = widgetFrame(page))) await page.waitForTimeout(5);
    await frame.waitForFunction(() => window.__seen && Object.keys(window.__seen).length > 0, null, { polling: 'raf', timeout: 15_000 });
    const [shown, loaded] = await frame.evaluate(() => [
      Math.min(...Object.values(window.__seen)) - performance.timeOrigin,
      performance.getEntriesByType('navigation')[0].loadEventStart,
    ]);
    load.push(shown - loaded);
    await context.close();
  }

  // 2. focus change -> the other conversation's controls, and 3. injected message -> shown.
  const context = await browser.newContext();
  await context.addInitScript(probe(widgetPort));
  const page = await context.newPage();
  await page.goto(`${workspace}/`);
  await page.waitForSelector('iframe[title="Social widget"]');
  let frame;
  while (!(frame = widgetFrame(page))) await page.waitForTimeout(5);
  const rows = await page.evaluate(() => fetch('/workspace-api/conversations?view=mine').then((r) => r.json()));
  const [a, b] = [rows[0], rows[1]];
  const focusChange = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const target = run % 2 === 0 ? b : a;
    const name = `Conversation with ${target.consumer_name} on ${target.source === 'x' ? 'X' : 'Facebook'}`;
    await frame.evaluate(() => { window.__seen = {}; });
    const sent = await page.evaluate((id) => {
      const at = performance.timeOrigin + performance.now();
      window.devWorkspace.send({ protocol: 'social-widget', version: 1, type: 'focus', conversation: id });
      return at;
    }, target.custom_id);
    const shown = await waitFor(frame, name);
    // The first switch also resolves the workspace id; the rest are one fetch each.
    if (run > 0) focusChange.push(shown - sent);
  }

  const injected = [];
  const open = await frame.evaluate(() => document.querySelector('article.conversation').getAttribute('aria-label'));
  const id = (await page.evaluate(() => fetch('/workspace-api/conversations?view=mine').then((r) => r.json())))
    .find((r) => open.includes(r.consumer_name));
  const token = await frame.evaluate(() => sessionStorage.getItem('social-widget:session'));
  const resolved = await frame.evaluate(async ([customId, token]) => {
    const r = await fetch(`/api/workspaces/custom/conversations/${customId}`, { headers: { authorization: `Bearer ${token}` } });
    return (await r.json()).id;
  }, [id.custom_id, token]);
  for (let run = 0; run < RUNS; run++) {
    const text = `bench message ${run} ${Math.random().toString(36).slice(2)}`;
    await frame.evaluate((t) => { window.__waitingFor = [t]; }, text);
    const sent = await frame.evaluate(async ([conversation, token, text]) => {
      const at = performance.timeOrigin + performance.now();
      await fetch(`/api/demo/conversations/${conversation}/consumer-messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ text, space: 'private' }),
      });
      return at;
    }, [resolved, token, text]);
    injected.push((await waitFor(frame, text)) - sent);
  }
  await context.close();

  console.log(`iframe load -> focused conversation on screen: ${stats(load)}`);
  console.log(`focus change -> correct controls (with a fetch): ${stats(focusChange)}`);
  console.log(`injected consumer message -> on screen: ${stats(injected)}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
