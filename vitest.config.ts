import { defineConfig } from 'vitest/config';
import { EXPECT_POLL_MS, SETUP_MS, TEARDOWN_MS, TEST_MS } from './test/support/timeouts.ts';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    // Named and generous (test/support/timeouts.ts): the suite must pass on a busy machine.
    testTimeout: TEST_MS,
    hookTimeout: SETUP_MS,
    teardownTimeout: TEARDOWN_MS,
    expect: { poll: { timeout: EXPECT_POLL_MS } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
