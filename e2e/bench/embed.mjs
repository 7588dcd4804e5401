// Benchmark of the widget in a workspace (not a test: it prints numbers, never asserts a
// time). Headless Chromium on loopback against real social-servers with the dev
// workspaces; the release build of the widget. Median, p95 and max over RUNS runs of:
//   start-up, for both hosts (the postMessage dev workspace, and the LivePerson one through
//   the SDK stand-in), each run in a fresh browser context (cold cache):
//     - the frame's navigation -> its first paint, and its first contentful paint;
//     - iframe load (the host's `load` listener, where it sends its first messages, once)
//       -> the focused conversation on screen (its article and composer);
//     - where the time goes: medians of the frame's milestones, from its navigation;
//   then, on the postMessage host, in one page:
//     - focus change -> the new conversation's controls on screen (one fetch each);
//     - a consumer message injected on the server -> on screen (the live stream).
// With BASELINE_DIST (another build's dist/, e.g. the landed one), each figure is measured
// for both builds in the same run, runs alternating between them, and printed side by side.
// The LivePerson host hands the widget no session (the agent signs in in the frame): each
// run starts with a session kept in the tab's sessionStorage, as after the agent's first
// sign-in in that tab.
// Usage: [RUNS=50] [BASELINE_DIST=dir] [BASELINE_NAME=label] node e2e/bench/embed.mjs [server binary]
// (scripts/bench-embed builds both and runs it).
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 50);
const root = resolve(import.meta.dirname, '../..');
const binary = process.argv[2] ?? join(root, 'target/server/social-server');
const SESSION_KEY = 'social-widget:session';

const builds = [{ name: 'current', dist: process.env.DIST ?? join(root, 'dist') }];
if (process.env.BASELINE_DIST) {
  builds.push({ name: process.env.BASELINE_NAME ?? 'baseline', dist: process.env.BASELINE_DIST });
}
const hosts = [
  { name: 'postMessage host', path: '/', flags: [] },
  // Retries far apart: a widget that missed the first handshake shows as a failed run.
  {
    name: 'LivePerson host', path: '/liveperson?retry_ms=60000', signedIn: true,
    flags: ['--liveperson-sdk', '/dev-workspace/lp-agent-sdk-standin.js'],
  },
];

async function freePort() {
  const probe = createServer();
  await new Promise((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

/** A social-server in demo mode serving `dist`, with a dev workspace on a second port. */
async function startServer(dist, flags) {
  const widgetPort = await freePort();
  const workspacePort = await freePort();
  const database = join(mkdtempSync(join(tmpdir(), 'social-bench-')), 'bench.db');
  const child = spawn(binary, [
    '--demo', '--port', String(widgetPort), '--dev-workspace-port', String(workspacePort),
    '--database-url', `sqlite://${database}?mode=rwc`, '--static-dir', dist, ...flags,
  ], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
  const widget = `http://127.0.0.1:${widgetPort}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${widget}/healthz`)).ok) break; } catch {}
    if (child.exitCode !== null || i > 300) throw new Error(`social-server for ${dist} did not start`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return { widgetPort, widget, workspace: `http://127.0.0.1:${workspacePort}`, stop: () => child.kill('SIGTERM') };
}

/** A demo agent's token, for a host that hands the widget none. */
async function demoToken(server) {
  const answer = await fetch(`${server.widget}/api/demo/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: 'demo', role: 'agent' }),
  });
  if (!answer.ok) throw new Error(`demo session: ${answer.status}`);
  return (await answer.json()).token;
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
const median = (samples) => quantile([...samples].sort((a, b) => a - b), 0.5);

/** "median / p95 / max" of the samples, in ms. */
function figures(samples) {
  if (samples.length === 0) return 'no samples';
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (v) => v.toFixed(0).padStart(5);
  return `${ms(quantile(sorted, 0.5))} /${ms(quantile(sorted, 0.95))} /${ms(sorted.at(-1))}`;
}

// Runs before any page script. In the workspace page: when the widget's iframe fires
// `load` (capture, before the host's own listener). In the widget's frame: when the app
// mounted (its <main>) and when the article of a conversation and its composer first
// showed (keyed by the article's name, and by awaited texts), on the epoch clock shared
// by both documents (timeOrigin + now); and, for a host that hands over no session, the
// kept one.
function probe({ widgetPort, sessionKey, token }) {
  const now = () => performance.timeOrigin + performance.now();
  if (location.port !== String(widgetPort)) {
    document.addEventListener('load', (event) => {
      if (event.target.tagName === 'IFRAME' && event.target.src.includes(`:${widgetPort}/`)) window.__iframeLoad = now();
    }, true);
    return;
  }
  if (token) sessionStorage.setItem(sessionKey, token);
  window.__seen = {};
  const look = () => {
    if (!window.__mounted && document.querySelector('main')) window.__mounted = now();
    const article = document.querySelector('article.conversation');
    if (!article || !document.querySelector('form.composer')) return;
    const name = article.getAttribute('aria-label');
    if (!(name in window.__seen)) {
      window.__seen[name] = now();
      // A cold load's end, told to the benchmark without it evaluating in the frame.
      window.__benchShown?.();
    }
    for (const text of window.__waitingFor ?? []) {
      if (!(text in window.__seen) && article.textContent.includes(text)) window.__seen[text] = now();
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

/** The widget's frame in `page`, once it navigated to the widget. */
async function widgetFrame(page, server) {
  for (let waited = 0; waited < 15_000; waited += 5) {
    const frame = page.frames().find((f) => f.url().startsWith(`${server.widget}/`));
    if (frame) return frame;
    await page.waitForTimeout(5);
  }
  throw new Error('the widget frame did not load');
}

const waitFor = async (frame, key) => {
  await frame.waitForFunction((k) => window.__seen && k in window.__seen, key, { polling: 'raf', timeout: 15_000 });
  return frame.evaluate((k) => window.__seen[k], key);
};

/** One cold load: a fresh context, the host page, until the conversation shows. */
async function coldLoad(server, host, token) {
  const context = await browser.newContext();
  try {
    // The frame reports the conversation on screen through a binding: evaluating in the
    // frame earlier (waitForFunction) would compile Playwright's injected script on its
    // main thread before its first paint (10-20 ms in a trace), which no agent has.
    let shown;
    const onScreen = new Promise((done) => { shown = done; });
    await context.exposeBinding('__benchShown', () => shown());
    await context.addInitScript(probe, { widgetPort: server.widgetPort, sessionKey: SESSION_KEY, token });
    const page = await context.newPage();
    await page.goto(`${server.workspace}${host.path}`);
    const frame = await widgetFrame(page, server);
    let timer;
    await Promise.race([onScreen, new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error('no conversation on screen within 15 s')), 15_000);
    })]).finally(() => clearTimeout(timer));
    const iframeLoad = await page.evaluate(() => window.__iframeLoad);
    // Milestones in ms from the frame's navigation (its timeOrigin).
    const timeline = await frame.evaluate(() => {
      const at = (epoch) => epoch - performance.timeOrigin;
      const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
      const resources = performance.getEntriesByType('resource').map((e) => ({ name: e.name, end: e.responseEnd }));
      const navigation = performance.getEntriesByType('navigation')[0];
      return {
        documentReceived: navigation.responseEnd,
        domContentLoaded: navigation.domContentLoadedEventStart,
        firstPaint: paint['first-paint'],
        firstContentfulPaint: paint['first-contentful-paint'],
        mounted: at(window.__mounted),
        shown: at(Math.min(...Object.values(window.__seen))),
        resources,
      };
    });
    timeline.iframeLoad = iframeLoad - (await frame.evaluate(() => performance.timeOrigin));
    return timeline;
  } finally {
    await context.close();
  }
}

// What each resource is, in the breakdown: its kind for the bundle's files, else the API
// path with ids as {id}.
function resourceLabel(url) {
  const { pathname } = new URL(url);
  if (pathname.endsWith('.wasm')) return 'wasm received';
  if (/\/social-widget-[0-9a-f]+\.js$/.test(pathname)) return 'wasm glue (js) received';
  if (pathname.endsWith('.css')) return `${pathname.replace(/-[0-9a-f]{12,16}/, '')} received`;
  if (pathname.startsWith('/api/')) {
    const id = (part) => /^\d+$/.test(part) || (/\d/.test(part) && part.length > 8);
    return `${pathname.split('/').map((part) => (id(part) ? '{id}' : part)).join('/')} answered`;
  }
  return `${pathname} received`;
}

/** Focus changes and injected messages on the postMessage host, in one warm page. */
async function steadyState(server) {
  const context = await browser.newContext();
  await context.addInitScript(probe, { widgetPort: server.widgetPort, sessionKey: SESSION_KEY });
  const page = await context.newPage();
  await page.goto(`${server.workspace}/`);
  const frame = await widgetFrame(page, server);
  await frame.waitForFunction(() => window.__seen && Object.keys(window.__seen).length > 0, null, { polling: 'raf', timeout: 15_000 });
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
  const id = rows.find((r) => open.includes(r.consumer_name));
  const token = await frame.evaluate((key) => sessionStorage.getItem(key), SESSION_KEY);
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
  return { focusChange, injected };
}

// Columns: a label, then one column per build.
const LABEL = 56;
const COLUMN = 24;
/** One line: a label, then each build's median / p95 / max. */
const row = (label, perBuild) => console.log(`  ${label.padEnd(LABEL)}${perBuild.map((s) => figures(s).padEnd(COLUMN)).join('')}`);
const header = (title) => console.log(`\n${title.padEnd(LABEL + 2)}${builds.map((b) => b.name.padEnd(COLUMN)).join('')}`);

const servers = [];
try {
  // One server per build and host: the LivePerson one loads the SDK stand-in in the page.
  for (const host of hosts) {
    for (const build of builds) {
      const server = await startServer(build.dist, host.flags);
      servers.push(server);
      build[host.name] = { server, token: host.signedIn ? await demoToken(server) : undefined, runs: [], failed: [] };
    }
  }

  console.log(`Start-up: ${RUNS} cold loads per host and build (fresh browser context each: empty cache),`);
  console.log(`runs alternating between the builds; headless Chromium, loopback, ${cpus().length} cores.`);
  console.log('Figures: median / p95 / max, in ms.');
  for (const host of hosts) {
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? builds : [...builds].reverse();
      for (const build of order) {
        const { server, token, runs, failed } = build[host.name];
        try {
          runs.push(await coldLoad(server, host, token));
        } catch (error) {
          failed.push(error.message.split('\n')[0]);
        }
      }
    }
    const samples = (pick) => builds.map((b) => b[host.name].runs.map(pick).filter((v) => Number.isFinite(v)));
    header(host.name);
    row('navigation -> first paint', samples((t) => t.firstPaint));
    row('navigation -> first contentful paint', samples((t) => t.firstContentfulPaint));
    row('iframe load -> focused conversation on screen', samples((t) => t.shown - t.iframeLoad));
    row('navigation -> focused conversation on screen', samples((t) => t.shown));
    for (const build of builds) {
      const { runs, failed } = build[host.name];
      const missing = (key) => runs.filter((t) => !Number.isFinite(t[key])).length;
      const beforeMount = runs.filter((t) => t.firstPaint < t.mounted).length;
      const notes = [
        `first paint before the widget mounted in ${beforeMount} of ${runs.length} runs`,
        failed.length && `${failed.length} failed run(s) (${[...new Set(failed)].join('; ')})`,
        missing('firstPaint') && `${missing('firstPaint')} run(s) without a first paint entry`,
        missing('firstContentfulPaint') && `${missing('firstContentfulPaint')} without a first contentful paint entry`,
      ].filter(Boolean);
      if (notes.length) console.log(`  ${build.name}: ${notes.join(', ')}`);
    }
    // Where the time goes: each milestone's median, in ms from the frame's navigation.
    console.log('  where the time goes (medians, ms from the frame\'s navigation):');
    const labels = new Map();
    for (const build of builds) {
      for (const t of build[host.name].runs) {
        const milestones = {
          'the frame\'s document received': t.documentReceived,
          'its DOM parsed (DOMContentLoaded)': t.domContentLoaded,
          'first paint': t.firstPaint,
          'first contentful paint': t.firstContentfulPaint,
          'iframe load (host sends its first messages)': t.iframeLoad,
          'widget mounted (wasm compiled and started)': t.mounted,
          'focused conversation on screen': t.shown,
        };
        // The first answer of each resource in the run (the live stream's has no end).
        for (const r of t.resources) {
          const label = resourceLabel(r.name);
          if (!(label in milestones) && r.end > 0) milestones[label] = r.end;
        }
        for (const [label, value] of Object.entries(milestones)) {
          if (!Number.isFinite(value)) continue;
          if (!labels.has(label)) labels.set(label, builds.map(() => []));
          labels.get(label)[builds.indexOf(build)].push(value);
        }
      }
    }
    const ordered = [...labels].sort(([, a], [, b]) => median(a[0].length ? a[0] : a[1]) - median(b[0].length ? b[0] : b[1]));
    for (const [label, perBuild] of ordered) {
      console.log(`    ${label.padEnd(LABEL - 2)}${perBuild.map((s) => (s.length ? median(s).toFixed(0) : '-').padStart(5).padEnd(COLUMN)).join('')}`);
    }
  }

  header('On the postMessage host, one warm page');
  const steady = [];
  for (const build of builds) steady.push(await steadyState(build[hosts[0].name].server));
  row('focus change -> correct controls (a fetch)', steady.map((s) => s.focusChange));
  row('injected consumer message -> on screen', steady.map((s) => s.injected));
} finally {
  await browser.close();
  for (const server of servers) server.stop();
}
