import { defineConfig } from 'vitest/config';

/**
 * Tiers (README.md, Tests): `unit` needs nothing running; `cluster` and `chat` talk
 * to the real peers of the sandbox, which the global setup starts (or reuses when `.sandbox/env`
 * exists) and stops if it started them.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The companion plugin's component tests (.test.tsx) choose jsdom per file.
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
        },
      },
      {
        test: {
          // The companion plugin's bundle in Debian's Chromium (test/browser/cards.test.ts): no peers.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['test/support/sandbox-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        test: {
          // Restarts the shared Mattermost server in fault tests: run alone (make test runs it
          // after the other tiers), one file at a time.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/sandbox-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'chat',
          include: ['test/chat/**/*.test.ts'],
          globalSetup: ['test/support/sandbox-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
