// The test run `npm run coverage` measures (scripts/coverage.mjs runs it under c8). Node itself
// records coverage (NODE_V8_COVERAGE, set by c8) in every process and worker thread: the test
// processes, the worker, router and event server processes they start, and `toto sim`'s
// threads. So that one source-map path (tsx's, which Node caches while NODE_V8_COVERAGE is set)
// maps all of them back to src/*.ts, test files load through Node's own loader with tsx
// (viteModuleRunner off) rather than Vite's in-memory transform, which Node cannot see.

import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.ts';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      execArgv: ['--import', 'tsx'],
      experimental: { viteModuleRunner: false, nodeLoader: false },
      // Vitest stops its test processes with SIGTERM, which would end them before Node writes their coverage.
      setupFiles: [fileURLToPath(new URL('./coverage-flush-on-sigterm.ts', import.meta.url))],
      coverage: { enabled: false },
    },
  }),
);
