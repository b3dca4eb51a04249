// Proves the ProcessGroup the worker service (and TotoService) runs its processes with, on real child processes: each child gets its service id and arguments and reports ready; stop() SIGKILLs a child that ignores SIGTERM; a child that fails, exits or stays silent fails the start with its reason and nothing is left running; a child that dies is restarted with its service id up to restartsMax, after a growing delay, and a restart that fails to start is tried again; and when the parent is SIGKILLed its children leave too (no orphans).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessGroup, type ChildExit } from '../../src/adapters/process-group.js';
import { serviceIdFromEnv } from '../../src/adapters/process-group-child.js';
import { repoRoot } from '../support/run-process.js';

const CHILD = fileURLToPath(new URL('./fixtures/worker-group-child.ts', import.meta.url));
const PARENT = fileURLToPath(new URL('./fixtures/worker-group-parent.ts', import.meta.url));

const groups: ProcessGroup[] = [];
const pids: number[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const group of groups.splice(0)) await group.stop(1000);
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const untilMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > untilMs) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function group(mode: string | ((serviceId: number) => string), options: Partial<Parameters<typeof ProcessGroup.start>[0]> = {}): Promise<ProcessGroup> {
  const started = await ProcessGroup.start({
    entry: CHILD,
    count: 2,
    output: 'ignore',
    env: (serviceId) => ({ GROUP_CHILD_MODE: typeof mode === 'function' ? mode(serviceId) : mode }),
    ...options,
  });
  groups.push(started);
  pids.push(...started.pids);
  return started;
}

describe('ProcessGroup', () => {
  it('starts N children, each with its service id and arguments; stop() SIGTERMs them and SIGKILLs one that ignores it', async () => {
    const g = await group((id) => (id === 2 ? 'stubborn' : 'ready'), { count: 3, args: (id) => [`--shard=${id}`], stopTimeoutMs: 500 });
    const children = g.children.sort((a, b) => a.serviceId - b.serviceId);
    expect(children.map((c) => [c.serviceId, c.info])).toEqual(children.map((c) => [c.serviceId, { pid: c.pid, serviceId: c.serviceId, argv: [`--shard=${c.serviceId}`] }]));
    const exits: ChildExit[] = [];
    g.onExit((exit) => exits.push(exit));
    const before = g.pids;
    await g.stop();
    expect(before.filter(alive)).toEqual([]);
    expect(g.pids).toEqual([]);
    expect(exits.map((e) => [e.serviceId, e.code, e.signal, e.restarting]).sort()).toEqual([
      [0, 0, null, false],
      [1, 0, null, false],
      [2, null, 'SIGKILL', false],
    ]);
  });

  it('a child that fails, exits or stays silent fails the start with its reason, and the others are stopped', async () => {
    const seen: number[] = [];
    const failing = ProcessGroup.start({ entry: CHILD, count: 2, output: 'ignore', env: (id) => ({ GROUP_CHILD_MODE: id === 1 ? 'fail' : 'ready' }) });
    await expect(failing).rejects.toThrow(/child 1 \(pid \d+, .*worker-group-child\.ts\) failed to start: no configuration for service 1/);
    const exiting = ProcessGroup.start({ entry: CHILD, count: 1, output: 'ignore', env: { GROUP_CHILD_MODE: 'exit' } });
    await expect(exiting).rejects.toThrow(/child 0 .* exited \(code 3\) before it was ready\n--- its stderr ---\nchild 0: giving up/);
    const silent = ProcessGroup.start({ entry: CHILD, count: 1, output: 'ignore', env: { GROUP_CHILD_MODE: 'silent' }, readyTimeoutMs: 1000 });
    await expect(silent).rejects.toThrow(/child 0 .* did not report ready within 1000 ms/);
    // Nothing of those groups is left: every child of this test process is gone.
    seen.push(...childPidsOf(process.pid));
    expect(seen).toEqual([]);
  });

  it('a child that dies is restarted with its service id, up to restartsMax; then it stays down', async () => {
    const g = await group('ready', { restart: true, restartsMax: 1 });
    const exits: ChildExit[] = [];
    g.onExit((exit) => exits.push(exit));
    const victim = g.children.find((c) => c.serviceId === 1)!;
    process.kill(victim.pid, 'SIGKILL');
    await until(() => g.children.length === 2 && !g.pids.includes(victim.pid), 'child 1 restarted');
    pids.push(...g.pids);
    expect(exits).toEqual([{ serviceId: 1, pid: victim.pid, code: null, signal: 'SIGKILL', restarting: true }]);
    const again = g.children.find((c) => c.serviceId === 1)!;
    expect(again.restarts).toBe(1);
    process.kill(again.pid, 'SIGKILL');
    await until(() => g.pids.length === 1, 'child 1 is down');
    expect(exits[1]).toEqual({ serviceId: 1, pid: again.pid, code: null, signal: 'SIGKILL', restarting: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(g.children.map((c) => c.serviceId)).toEqual([0]);
  });

  it('a restart that fails to start is tried again after a growing delay, within restartsMax: a worker blocked for a while comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toto-group-'));
    const block = join(dir, 'block');
    dirs.push(dir);
    const g = await group('blocked', { count: 1, restart: true, restartsMax: 5, restartDelayMs: 50, env: { GROUP_CHILD_MODE: 'blocked', GROUP_CHILD_BLOCK: block } });
    const exits: ChildExit[] = [];
    g.onExit((exit) => exits.push(exit));
    const [first] = g.pids;
    writeFileSync(block, '');
    process.kill(first!, 'SIGKILL');
    // Restarts at about 50 and 150 ms fail while the file is there; the third, at about 350 ms, finds it gone.
    await until(() => exits.length >= 2, 'a restart failed');
    rmSync(block);
    await until(() => g.children.length === 1 && g.children[0]!.info !== undefined && g.children[0]!.pid !== first, 'the child is back', 20_000);
    pids.push(...g.pids);
    expect(exits.every((exit) => exit.restarting)).toBe(true);
    expect(g.children[0]!.restarts).toBe(exits.length);
  });

  it('when the parent is SIGKILLed, its children leave too', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    pids.push(parent.pid!);
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await until(() => out.includes('\n'), 'the parent printed its children', 30_000);
    const children = (JSON.parse(out) as { pids: number[] }).pids;
    pids.push(...children);
    expect(children).toHaveLength(2);
    expect(children.every(alive)).toBe(true);
    process.kill(parent.pid!, 'SIGKILL');
    await until(() => !children.some(alive), 'every child exited after its parent was killed');
  });

  it('names bad options', async () => {
    await expect(ProcessGroup.start({ entry: '', count: 1 })).rejects.toThrow(new RangeError('entry: expected a non-empty string, got ""'));
    await expect(ProcessGroup.start({ entry: CHILD, count: -1 })).rejects.toThrow(new RangeError('count: expected an integer in [0, 1024], got -1'));
    await expect(ProcessGroup.start({ entry: CHILD, count: 1, readyTimeoutMs: 0 })).rejects.toThrow(new RangeError('readyTimeoutMs: expected a finite number > 0, got 0'));
    await expect(ProcessGroup.start({ entry: CHILD, count: 1, restartDelayMs: -1 })).rejects.toThrow(new RangeError('restartDelayMs: expected a finite number >= 0, got -1'));
    await expect(ProcessGroup.start({ entry: CHILD, count: 1, output: 'pipe' } as never)).rejects.toThrow(new RangeError('output: expected "inherit" or "ignore", got "pipe"'));
    await expect(ProcessGroup.start({ entry: CHILD, count: 1, args: 'x' } as never)).rejects.toThrow(/args: expected an array of strings or a function of the service id/);
    expect(() => serviceIdFromEnv({})).toThrow(/TOTO_SERVICE_ID: expected an integer >= 0 \(this module runs as a child of a ProcessGroup\), got undefined/);
    expect(serviceIdFromEnv({ TOTO_SERVICE_ID: '4' })).toBe(4);
  });
});

/** Pids whose parent is `ppid`, from /proc (Linux). */
function childPidsOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (after the command in parentheses) is the parent pid; a zombie (state Z) is already gone.
      const [, state, parent] = /\) (\S) (\d+)/.exec(stat) ?? [];
      // tsx's esbuild service is a child of a test process that loads .ts through tsx (npm run coverage).
      const esbuild = /\/esbuild\0--service/.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
      if (Number(parent) === ppid && state !== 'Z' && !esbuild) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}
