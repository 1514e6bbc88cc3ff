import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Playwright specs live in tests/e2e and must never be collected by Vitest.
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    // Builds dist/main and dist/renderer first when missing or older than the sources, so the
    // suites that run the built engine, host and installer never skip (tests/setup/build-engine.ts).
    globalSetup: ['tests/setup/build-engine.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
