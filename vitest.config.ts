import { defineConfig } from 'vitest/config';

// Tests import the workspace packages from their compiled dist (npm test builds first), so NestJS
// decorators carry tsc's metadata and worker threads load real JavaScript.
export default defineConfig({
  test: {
    include: ['libs/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'cli/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
