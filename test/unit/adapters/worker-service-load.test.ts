// Proves the worker service tells TypeScript methods and hooks from JavaScript ones (so a service run from dist gives its workers tsx's loader only when needed), and that a worker's config names a bad log level.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readWorkerProcessConfig, typeScriptFileIn } from '../../../src/adapters/worker-service-load.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'toto-load-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

it('finds a TypeScript module in a directory tree or as the module itself; declaration files and .js do not count', () => {
  const js = tree({ 'a.js': '', 'b/c.mjs': '', 'types.d.ts': '', 'b/more.d.mts': '' });
  expect(typeScriptFileIn(js)).toBeUndefined();
  const ts = tree({ 'a.js': '', 'deep/er/b.mts': '' });
  expect(typeScriptFileIn(ts)).toBe(join(ts, 'deep/er/b.mts'));
  expect(typeScriptFileIn(join(ts, 'deep/er/b.mts'))).toBe(join(ts, 'deep/er/b.mts'));
  expect(typeScriptFileIn(join(js, 'a.js'))).toBeUndefined();
  // Unreadable: the worker itself says what is wrong when it loads the path.
  expect(typeScriptFileIn(join(js, 'missing'))).toBeUndefined();
});

it('a worker config with a bad log level names it', () => {
  const config = { methods: 'm', socketAddress: 'ipc:///x', socketMode: 'connect', controlAddress: '', shutdownDeadlineMs: 1, namePrefix: 'w' };
  expect(readWorkerProcessConfig(JSON.stringify({ ...config, logLevel: 'info' })).logLevel).toBe('info');
  expect(() => readWorkerProcessConfig(JSON.stringify({ ...config, logLevel: 'chatty' }))).toThrow(
    new RangeError('logLevel: expected one of trace, debug, info, warn, error, fatal, silent, got "chatty"'),
  );
});
