import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files share one redis-server but isolate themselves by key prefix; two at a time (the default
    // leaves one core idle on a two-core machine).
    fileParallelism: true,
    maxWorkers: 2,
  },
});
