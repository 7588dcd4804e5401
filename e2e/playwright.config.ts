// End-to-end tests run the release build of the widget (dist/) served by a real
// social-server in demo mode on a fresh SQLite file, in Debian's Chromium.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const port = Number(process.env.E2E_PORT ?? 18080);
const root = resolve(__dirname, '..');
const database = join(mkdtempSync(join(tmpdir(), 'social-e2e-')), 'e2e.db');
const server = process.env.E2E_SERVER_BIN ?? join(root, 'target/debug/social-server');

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: [
      server,
      '--demo',
      `--port ${port}`,
      `--database-url "sqlite://${database}?mode=rwc"`,
      `--static-dir "${join(root, 'dist')}"`,
    ].join(' '),
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
