import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `toto-ts`, `toto-ts/sim`... resolve to src/ in this checkout, as tsconfig.json's paths say (and tsx reads).
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'src/core/**': { lines: 95 } },
    },
  },
});
