// What `npm run bench` says without running a benchmark: `--list` names the suites, an unknown
// suite is refused with the list and exit 2, and BENCHMARKS.md is not touched by either.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const runBench = (...args: string[]): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/run.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('bench/run.ts', () => {
  it('--list names every suite and runs none', () => {
    const before = readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8');
    const out = runBench('--list');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('usage: npm run bench [-- all | <suite>]');
    expect(out.stdout).toMatch(/suites: call-table-memory, events, rpc, sim, task-queue, transport/);
    expect(readFileSync(path.join(root, 'BENCHMARKS.md'), 'utf8')).toBe(before);
  });

  it('refuses an unknown suite, naming it and the known ones, exit 2', () => {
    const out = runBench('nosuch', '--no-write');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('bench: unknown suite "nosuch" (known: call-table-memory, events, rpc, sim, task-queue, transport, or all)');
  });
});
