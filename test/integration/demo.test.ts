// Proves `npm start` (examples/demo.ts) does what it says: calls through a real router to two worker processes, events to and from two event server processes, a simulated sweep (10 seeds here via TOTO_DEMO_SEEDS, 500 in `npm start`) that catches every planted bug and writes a trace viewer file; exit 0 with every process it started gone, and the same when Ctrl-C (SIGINT) comes while its processes run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-process.js';

/** Seeds of the sweep here: enough for seeds 1..10 to catch each planted bug (they are deterministic). */
const SEEDS = 10;
const RUN_DEADLINE_MS = 150_000;
const GONE_DEADLINE_MS = 10_000;

interface Demo {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Every process seen below the demo while it ran, as pid:starttime (a reused pid is another process). */
  seen: Set<string>;
  exit: Promise<number | null>;
}

const running: ChildProcess[] = [];
const outDirs: string[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of outDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** pid -> [ppid, starttime] of every process now, from /proc. */
function processTable(): Map<number, [number, string]> {
  const table = new Map<number, [number, string]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid ... starttime(22nd field)"; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(entry), [Number(fields[1]), fields[19] as string]);
  }
  return table;
}

function descendants(root: number): string[] {
  const table = processTable();
  const found: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const parent = stack.pop() as number;
    for (const [pid, [ppid, start]] of table) {
      if (ppid === parent) {
        found.push(`${pid}:${start}`);
        stack.push(pid);
      }
    }
  }
  return found;
}

function stillRunning(processes: Iterable<string>): string[] {
  const table = processTable();
  return [...processes].filter((key) => {
    const [pid, start] = key.split(':');
    return table.get(Number(pid))?.[1] === start;
  });
}

function startDemo(env: Record<string, string>): Demo {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const demo: Demo = { child, stdout: '', stderr: '', seen: new Set(), exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (d: Buffer) => (demo.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (demo.stderr += d.toString()));
  const watch = setInterval(() => {
    for (const key of descendants(child.pid as number)) demo.seen.add(key);
  }, 100);
  void demo.exit.then(() => clearInterval(watch));
  return demo;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const untilMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > untilMs) throw new Error(`not true within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pidsOn(stdout: string, label: string): number[] {
  const match = new RegExp(`${label}: (\\d+) (\\d+)\\n`).exec(stdout);
  if (!match) throw new Error(`no "${label}: A B" line in:\n${stdout}`);
  return [Number(match[1]), Number(match[2])];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function expectAllGone(demo: Demo, reported: number[]): Promise<void> {
  // The sweep's workers are threads; every process below the demo was one of the four it reported (or tsx's own helpers).
  expect(demo.seen.size, 'processes seen below the demo').toBeGreaterThanOrEqual(4);
  for (const pid of reported) expect([...demo.seen].some((key) => key.startsWith(`${pid}:`)), `reported pid ${pid} was seen running`).toBe(true);
  await waitFor(() => stillRunning(demo.seen).length === 0 && reported.every((pid) => !alive(pid)), `every process the demo started has exited (left: ${stillRunning(demo.seen).join(', ')})`, GONE_DEADLINE_MS);
}

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'toto-demo-test-'));
  outDirs.push(dir);
  return dir;
}

describe('npm start (examples/demo.ts)', () => {
  it(`runs calls and events through real processes, sweeps ${SEEDS} seeds, writes a viewer file, exits 0 and leaves no process`, { timeout: RUN_DEADLINE_MS + 20_000 }, async () => {
    const out = outDir();
    const demo = startDemo({ TOTO_DEMO_SEEDS: String(SEEDS), TOTO_DEMO_OUT: out });
    const timer = setTimeout(() => demo.child.kill('SIGKILL'), RUN_DEADLINE_MS);
    const code = await demo.exit;
    clearTimeout(timer);
    const { stdout, stderr } = demo;
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);

    const workers = pidsOn(stdout, 'worker pids');
    const servers = pidsOn(stdout, 'event server pids');
    expect(stdout).toMatch(/router pid \d+ \(this process\): clients call tcp:\/\/127\.0\.0\.1:\d+, workers connect to tcp:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/greet \{"name":"Ada"\} -> "hello Ada, from worker-\d+-[01]"/);
    expect(stdout).toContain('square of 0..9 -> 0 1 4 9 16 25 36 49 64 81');
    for (const pid of workers) expect(stdout).toMatch(new RegExp(`answered by .*pid ${pid} x\\d+`));
    expect(stdout).toContain('account.withdraw {"amount":500} -> TotoError 4001');
    expect(stdout).toContain('slow {"ms":3000} with timeoutMs 300 -> TotoError -1 (TIMEOUT)');
    expect(stdout).toMatch(/status \(control socket\): 2 workers Listening, 12 calls served/);
    expect(stdout).toContain(`broadcast hello -> heard back from pid ${[...servers].sort().join(' and pid ')}`);
    expect(stdout).toMatch(/6 job events sent one at a time \(round robin\): 3 to pid \d+, 3 to pid \d+/);
    expect(stdout.match(/job \d: event server \d+ called square on worker \d+ -> \d+, sent back as an event/g)).toHaveLength(6);
    expect(stdout).toContain(`processes ${[...servers, ...workers].join(' ')} have exited`);

    // The scenarios toto sim found, as its first line lists them: "toto sim: a.ts (a), b.ts (b), seeds 1..10, ...".
    const scenarios = (new RegExp(`^toto sim: (.*), seeds 1\\.\\.${SEEDS},`, 'm').exec(stdout)?.[1] ?? '').split(', ').filter((s) => s.endsWith(')')).length;
    expect(scenarios, 'scenarios listed on the toto sim line').toBeGreaterThanOrEqual(4);
    expect(stdout).toContain(`runs: ${(scenarios * SEEDS).toLocaleString('en-US')}, failures:`);
    expect(stderr).toContain(`progress: ${scenarios * SEEDS}/${scenarios * SEEDS} runs`);
    for (const bug of ['job-queue-bug', 'ping-pong-bug', 'worker-stall-bug']) expect(stdout).toMatch(new RegExp(`planted bugs caught: .*${bug} \\(\\d+ of ${SEEDS} seeds\\)`));
    expect(stdout).not.toContain('NOT caught');
    expect(stdout).toMatch(/the other \d+ scenarios passed every seed/);
    const viewer = /trace viewer of \S+-bug seed \d+: (\S+\.html)\n/.exec(stdout)?.[1];
    expect(viewer, stdout).toBeDefined();
    expect(viewer!.startsWith(out)).toBe(true);
    expect(readFileSync(viewer!, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(out, 'demo-sweep.json'))).toBe(true);
    expect(stdout).toMatch(/replay: npx tsx scenarios\/\S+-bug\.scenario\.ts --seed \d+/);
    expect(stdout).toMatch(/done in \d+\.\d s\n$/);
    await expectAllGone(demo, [...workers, ...servers]);
  });

  it('Ctrl-C (SIGINT) while its processes run: closes everything, exits 130, no process is left', { timeout: 90_000 }, async () => {
    const demo = startDemo({ TOTO_DEMO_SEEDS: String(SEEDS), TOTO_DEMO_OUT: outDir() });
    await waitFor(() => /event server pids: \d+ \d+\n/.test(demo.stdout) || demo.child.exitCode !== null, 'the event servers are up', 60_000);
    const workers = pidsOn(demo.stdout, 'worker pids');
    const servers = pidsOn(demo.stdout, 'event server pids');
    for (const pid of [...workers, ...servers]) expect(alive(pid), `pid ${pid} runs before the SIGINT`).toBe(true);
    for (const key of descendants(demo.child.pid as number)) demo.seen.add(key);
    process.kill(demo.child.pid as number, 'SIGINT');
    const timer = setTimeout(() => demo.child.kill('SIGKILL'), 30_000);
    const code = await demo.exit;
    clearTimeout(timer);
    expect(code, `stdout:\n${demo.stdout}\nstderr:\n${demo.stderr}`).toBe(130);
    expect(demo.stdout).toContain('SIGINT: closing the router, the worker processes and the event servers');
    expect(demo.stdout).toContain('closed; no process left behind');
    await expectAllGone(demo, [...workers, ...servers]);
  });

  it('a bad TOTO_DEMO_SEEDS is refused with the expected range, before anything starts', async () => {
    const demo = startDemo({ TOTO_DEMO_SEEDS: 'lots' });
    expect(await demo.exit).toBe(2);
    expect(demo.stderr).toContain('TOTO_DEMO_SEEDS: expected an integer in [1, 100000], got "lots"');
    expect(demo.stdout).toBe('');
  });
});
