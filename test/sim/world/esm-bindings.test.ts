// Proves ESM named imports of node:timers, node:timers/promises and node:crypto are virtualized in plain Node too (a child process under tsx, not vitest's module runner): the live bindings read the virtual functions during a run and the real ones after it, and the run replays per seed.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/esm-named-imports.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  children.clear();
});

/** Runs the fixture with `seed` and returns its JSON line (30 s deadline). */
function runFixture(seed: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, String(seed)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const deadline = setTimeout(() => reject(new Error(`fixture timed out; stderr: ${err}`)), 30_000);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (code !== 0) return reject(new Error(`fixture exited ${code}; stderr: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>);
    });
  });
}

describe('ESM named imports of builtins in plain Node', () => {
  it('read the virtual timers and crypto during a run, the real ones after, and replay per seed', async () => {
    const [one, again, other] = [await runFixture(1), await runFixture(1), await runFixture(2)];
    expect(one).toMatchObject({
      boundDuringRun: true,
      afterSleepMs: 10,
      afterCallbackMs: 15,
      date: '2024-01-01T00:00:00.015Z',
      restoredAfterRun: true,
      realMsBelow5000: true,
    });
    expect(one.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(again).toEqual(one);
    expect(other.uuid).not.toBe(one.uuid);
  });
});
