// Lint: typescript-eslint's recommended rules everywhere, plus the purity rules of
// DESIGN.md: src/core may not touch Node, time, chance or the other worlds, and
// src/sim and src/adapters may not import each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const banInCoreGlobals = [
  ['Date', 'take time from the injected LoopPort (loop.now())'],
  ['setTimeout', 'use loop.callLater(delayMs, fn)'],
  ['setInterval', 'use PeriodicCallback or loop.callLater'],
  ['setImmediate', 'use loop.addCallback(fn)'],
  ['clearTimeout', 'use loop.cancel(handle)'],
  ['clearInterval', 'use PeriodicCallback.stop()'],
  ['clearImmediate', 'use loop.cancel(handle)'],
  ['performance', 'take time from the injected LoopPort (loop.now())'],
  ['process', 'take configuration through options; no process access in the core'],
  ['queueMicrotask', 'use loop.addCallback(fn)'],
  ['require', 'use an ESM import of a pure module'],
  ['Buffer', 'use Uint8Array'],
].map(([name, message]) => ({ name, message: `${name} is banned in src/core: ${message}` }));

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...banInCoreGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Math.random is banned in src/core: use the injected RandomPort' },
        { object: 'globalThis', property: 'setTimeout', message: 'banned in src/core: use loop.callLater' },
        { object: 'globalThis', property: 'process', message: 'banned in src/core' },
        { object: 'globalThis', property: 'Date', message: 'banned in src/core: use loop.now()' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'src/core is pure: no node: imports (take I/O from a port)' },
            { group: ['zeromq', 'zeromq/*', 'undici', 'undici/*'], message: 'src/core is pure: transports live in src/adapters' },
            { group: ['**/sim', '**/sim/**', '**/adapters', '**/adapters/**'], message: 'src/core never imports a world (src/sim or src/adapters)' },
            { group: ['fs', 'path', 'os', 'child_process', 'http', 'net', 'timers', 'crypto', 'zlib', 'worker_threads'], message: 'src/core is pure: no Node built-ins' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/adapters', '**/adapters/**'], message: 'src/sim and src/adapters never import each other' }] }],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sim', '**/sim/**'], message: 'src/sim and src/adapters never import each other' }] }],
    },
  },
);
