import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two files at a time even on 2 cores: the server suites mostly wait on PostgreSQL and
    // sockets. Set here, not per project: vitest runs projects with different limits apart.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'server',
          include: ['apps/server/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          globalSetup: ['apps/server/test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.ts'],
        },
      },
      {
        // Real Chromium (Debian's, see apps/web/scripts/install-chromium.sh) against a real server.
        test: {
          name: 'browser',
          include: ['apps/web/e2e/**/*.test.ts'],
          globalSetup: ['apps/server/test/support/global-setup.ts', 'apps/web/e2e/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file drives its own browser and server: one at a time on a small machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
