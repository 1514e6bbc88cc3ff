import { defineConfig } from '@playwright/test';

// End-to-end tests drive the real built renderer against the real engine in browser
// mode, with Debian's Chromium (no browser download). The Electron spec runs where an
// Electron binary exists and is reported as skipped where it does not.
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.SEQLAB_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1360, height: 860 },
    screenshot: 'only-on-failure',
  },
  outputDir: 'test-results',
});
