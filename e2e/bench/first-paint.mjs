// Where the framed widget's first paint waits (not a test: it prints numbers, never asserts
// a time). Cold loads of the postMessage dev workspace, headless Chromium, loopback, as in
// embed.mjs; for each run the frame's own performance entries, in ms from its navigation:
// its document, each resource (requested, first byte, received, whether it blocked
// rendering), DOM milestones and the first paint. With TRACE=file, one more run is traced
// (Chromium's timeline) and the renderer's main-thread tasks before the frame's first paint
// are listed, longest first.
// Usage: [RUNS=20] [DIST=dir] [TRACE=file.json] [ISOLATE=1] node e2e/bench/first-paint.mjs [server binary]
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 20);
const root = resolve(import.meta.dirname, '../..');
const binary = process.argv[2] ?? join(root, 'target/server/social-server');
const dist = process.env.DIST ?? join(root, 'dist');

async function freePort() {
  const probe = createServer();
  await new Promise((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

async function startServer() {
  const widgetPort = await freePort();
  const workspacePort = await freePort();
  const database = join(mkdtempSync(join(tmpdir(), 'social-paint-')), 'paint.db');
  const child = spawn(binary, [
    '--demo', '--port', String(widgetPort), '--dev-workspace-port', String(workspacePort),
    '--database-url', `sqlite://${database}?mode=rwc`, '--static-dir', dist,
  ], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
  const widget = `http://127.0.0.1:${widgetPort}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${widget}/healthz`)).ok) break; } catch {}
    if (child.exitCode !== null || i > 300) throw new Error('social-server did not start');
    await new Promise((done) => setTimeout(done, 100));
  }
  return { widget, workspace: `http://127.0.0.1:${workspacePort}`, stop: () => child.kill('SIGTERM') };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
function figures(samples) {
  const sorted = samples.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return '-';
  const ms = (v) => v.toFixed(1).padStart(7);
  return `${ms(quantile(sorted, 0.5))} ${ms(quantile(sorted, 0.95))} ${ms(sorted.at(-1))}`;
}

const server = await startServer();
// ISOLATE=1: the widget's frame in a renderer process of its own, as in production, where the
// workspace is another site; here both are on 127.0.0.1, one site, so one process.
const isolate = process.env.ISOLATE ? [`--isolate-origins=${server.widget}`] : [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', ...isolate],
});

async function widgetFrame(page) {
  for (let waited = 0; waited < 15_000; waited += 5) {
    const frame = page.frames().find((f) => f.url().startsWith(`${server.widget}/`));
    if (frame) return frame;
    await page.waitForTimeout(5);
  }
  throw new Error('the widget frame did not load');
}

/** One cold load: the frame's entries once the widget mounted. */
async function coldLoad(trace) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    if (trace) {
      await browser.startTracing(page, {
        path: trace,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'loading',
          'v8', 'v8.wasm', 'toplevel', 'navigation', 'blink.user_timing', 'disabled-by-default-v8.compile'],
      });
    }
    // The frame tells when the widget mounted through a binding: evaluating in it earlier
    // would compile Playwright's injected script on its main thread before its first paint.
    let mounted;
    const mount = new Promise((done) => { mounted = done; });
    await context.exposeBinding('__paintMounted', () => mounted());
    await context.addInitScript((widget) => {
      if (location.origin !== widget) return;
      new MutationObserver((_, observer) => {
        if (!document.querySelector('main')) return;
        observer.disconnect();
        window.__paintMounted();
      }).observe(document, { subtree: true, childList: true });
    }, server.widget);
    await page.goto(`${server.workspace}/`);
    const frame = await widgetFrame(page);
    await mount;
    await frame.waitForFunction(() => performance.getEntriesByType('paint').length > 0, null, { polling: 'raf', timeout: 15_000 });
    const entries = await frame.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
      return {
        timeOrigin: performance.timeOrigin,
        nav: {
          fetchStart: n.fetchStart, requestStart: n.requestStart, responseStart: n.responseStart,
          responseEnd: n.responseEnd, domInteractive: n.domInteractive,
          domContentLoaded: n.domContentLoadedEventStart, load: n.loadEventStart,
        },
        paint,
        resources: performance.getEntriesByType('resource').map((e) => ({
          name: new URL(e.name).pathname.replace(/-[0-9a-f]{12,16}/, ''), start: e.startTime,
          requestStart: e.requestStart, responseStart: e.responseStart, end: e.responseEnd,
          blocking: e.renderBlockingStatus,
        })),
      };
    });
    entries.hostOrigin = await page.evaluate(() => performance.timeOrigin);
    entries.hostPaint = await page.evaluate(() => performance.getEntriesByType('paint').find((e) => e.name === 'first-paint')?.startTime);
    if (trace) await browser.stopTracing();
    return entries;
  } finally {
    await context.close();
  }
}

try {
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await coldLoad(null));
  console.log(`${RUNS} cold loads of the postMessage host, ${dist}${isolate.length ? ", the frame in a process of its own" : ""}; ms from the frame's navigation: median p95 max`);
  const row = (label, pick) => console.log(`  ${label.padEnd(52)}${figures(runs.map(pick))}`);
  row('host navigation -> frame navigation', (r) => r.timeOrigin - r.hostOrigin);
  row('host first paint (from host navigation)', (r) => r.hostPaint);
  row('document: request sent', (r) => r.nav.requestStart);
  row('document: first byte', (r) => r.nav.responseStart);
  row('document: received', (r) => r.nav.responseEnd);
  row('DOM interactive (parsed)', (r) => r.nav.domInteractive);
  row('DOMContentLoaded', (r) => r.nav.domContentLoaded);
  row('first paint', (r) => r.paint['first-paint']);
  row('first contentful paint', (r) => r.paint['first-contentful-paint']);
  const names = [...new Set(runs.flatMap((r) => r.resources.map((e) => e.name)))];
  for (const name of names) {
    const pick = (key) => (r) => r.resources.find((e) => e.name === name)?.[key];
    const blocking = [...new Set(runs.flatMap((r) => r.resources.filter((e) => e.name === name).map((e) => e.blocking)))];
    console.log(`  ${name} (${blocking.join('/')})`);
    row('    started', pick('start'));
    row('    request sent', pick('requestStart'));
    row('    first byte', pick('responseStart'));
    row('    received', pick('end'));
  }

  if (process.env.TRACE) {
    // Traced runs: the frame's milestones on the trace's clock, and the renderer main
    // thread's tasks between the frame's navigation and its first paint, by whose they are
    // (the host page shares the frame's renderer: both are on 127.0.0.1, the same site).
    const TRACES = Number(process.env.TRACES ?? 3);
    console.log(`\n${TRACES} traced run(s), ms from the frame's navigation (trace clock):`);
    for (let run = 0; run < TRACES; run++) {
      await coldLoad(process.env.TRACE);
      console.log(traceSummary(JSON.parse(readFileSync(process.env.TRACE, 'utf8')).traceEvents));
    }
  }
} finally {
  await browser.close();
  server.stop();
}

/** One traced load, summed up: milestones, the widget's requests, the main thread's time. */
function traceSummary(events) {
  const navStart = events.find((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL?.startsWith(server.widget));
  if (!navStart) return '  (no navigation of the frame in the trace)';
  const frame = navStart.args.frame;
  const hostNav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isOutermostMainFrame && e.args?.data?.documentLoaderURL);
  const mark = (name) => events.find((e) => e.name === name && e.args?.frame === frame && e.ts >= navStart.ts);
  const paint = mark('firstPaint');
  const to = paint?.ts ?? Infinity;
  const at = (ts) => ((ts - navStart.ts) / 1000).toFixed(1);
  const lines = [`  first paint ${paint ? at(paint.ts) : '-'}; DOM interactive ${mark('domInteractive') ? at(mark('domInteractive').ts) : '-'}`];
  const requests = new Map();
  for (const e of events) {
    const data = e.args?.data;
    if (!data?.requestId) continue;
    if (e.name === 'ResourceSendRequest') requests.set(data.requestId, { url: data.url, blocking: data.renderBlocking, sent: e.ts });
    const r = requests.get(data.requestId);
    if (r && e.name === 'ResourceReceiveResponse') r.response = e.ts;
    if (r && e.name === 'ResourceFinish') r.finish = e.ts;
  }
  for (const r of requests.values()) {
    if (!r.url?.startsWith(server.widget) || r.sent > to) continue;
    lines.push(`  ${new URL(r.url).pathname.replace(/-[0-9a-f]{12,16}/, '').padEnd(26)} ${(r.blocking ?? '').padEnd(13)} sent ${at(r.sent)}, response ${r.response ? at(r.response) : '-'}, done ${r.finish ? at(r.finish) : '-'}`);
  }
  // Top-level tasks of the frame's renderer main thread, attributed by the frames their
  // nested events name.
  const main = events.filter((e) => e.pid === navStart.pid && e.tid === navStart.tid && e.ph === 'X' && e.dur);
  const tasks = main.filter((e) => e.name === 'RunTask' && e.ts + e.dur > navStart.ts && e.ts < to);
  const frameOf = (e) => e.args?.data?.frame ?? e.args?.beginData?.frame ?? e.args?.frame;
  const sums = { widget: 0, host: 0, other: 0 };
  const cpu = { widget: 0, host: 0, other: 0 };
  const long = [];
  for (const task of tasks) {
    const inner = main.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e !== task);
    const frames = new Set(inner.map(frameOf).filter(Boolean));
    const whose = frames.has(frame) ? 'widget' : frames.size ? 'host' : 'other';
    const wall = (Math.min(task.ts + task.dur, to) - Math.max(task.ts, navStart.ts)) / 1000;
    sums[whose] += wall;
    cpu[whose] += (task.tdur ?? task.dur) / 1000 * (wall / (task.dur / 1000));
    if (wall >= 3) {
      const named = inner.filter((e) => e.dur >= 1000 && !/RunTask|ThreadController|mojo|Receive/.test(e.name)).slice(0, 3)
        .map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)}`).join(', ');
      long.push(`    ${at(task.ts).padStart(7)} +${wall.toFixed(1).padStart(5)} (cpu ${((task.tdur ?? 0) / 1000).toFixed(1)}) ${whose}: ${named}`);
    }
  }
  const span = (to - navStart.ts) / 1000;
  lines.push(`  main thread before the first paint (${span.toFixed(0)} ms): widget's tasks ${sums.widget.toFixed(1)} (cpu ${cpu.widget.toFixed(1)}), host's ${sums.host.toFixed(1)} (cpu ${cpu.host.toFixed(1)}), unattributed ${sums.other.toFixed(1)}, idle ${(span - sums.widget - sums.host - sums.other).toFixed(1)}`);
  if (hostNav) lines.push(`  (the host page navigated ${((navStart.ts - hostNav.ts) / 1000).toFixed(0)} ms before the frame)`);
  lines.push('  tasks of 3 ms or more:', ...long);
  return lines.join('\n');
}
