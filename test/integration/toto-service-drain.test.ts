// Proves TotoService's SIGTERM drain with real processes in the foreground: SIGTERM to the master stops its processes after the work item in hand finished (every start has its end), finish runs and the exit code is 0; work outliving --drain-timeout is cut at the deadline (the process says so, the master exits 1 naming it, finish still runs), and nothing is left running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-process.js';
import { alive, until } from '../support/process-alive.js';

const FIXTURE = 'test/integration/fixtures/service-ticker.ts';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-service-drain-'));
const started: ChildProcess[] = [];
const pids: number[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function foreground(name: string, args: string[]) {
  const journal = path.join(tmp, `${name}.txt`);
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, `--journal=${journal}`, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n') : []);
  return { child, exited, lines, out: () => ({ stdout, stderr }) };
}

const childPids = (lines: string[]) => lines.filter((l) => l.startsWith('main ')).map((l) => Number(l.split(' ')[2]));

describe('TotoService SIGTERM drain (foreground, real processes)', () => {
  it('SIGTERM: the work item in hand finishes in each process, then finish runs; exit 0', async () => {
    const run = foreground('drain', ['--processes=2', '--work-ms=600']);
    await until(() => run.lines().filter((l) => l.startsWith('start ')).length >= 2 && childPids(run.lines()).length === 2, 'both processes working');
    pids.push(...childPids(run.lines()));
    run.child.kill('SIGTERM');
    expect(await run.exited, run.out().stderr).toBe(0);
    const lines = run.lines();
    const ended = new Set(lines.filter((l) => l.startsWith('end ')).map((l) => l.slice(4)));
    expect(lines.filter((l) => l.startsWith('start ') && !ended.has(l.slice(6)))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('leave ')).sort()).toEqual(['leave 0', 'leave 1']);
    expect(lines.at(-1)).toMatch(/^finish \d+$/);
    expect(run.out().stdout).toBe('Starting 2 Ticker processes.\n');
    expect(childPids(lines).filter(alive)).toEqual([]);
  });

  it('work outliving --drain-timeout is cut at the deadline: the process says so, the master exits 1 naming it, finish runs', async () => {
    const run = foreground('deadline', ['--processes=1', '--work-ms=60000', '--drain-timeout=300ms']);
    await until(() => run.lines().some((l) => l.startsWith('start ')), 'the process started its work');
    pids.push(...childPids(run.lines()));
    const sentMs = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    // Well under the work's 60 s: the deadline cut it.
    expect(Date.now() - sentMs).toBeLessThan(20_000);
    const { stderr } = run.out();
    expect(stderr).toMatch(/Ticker process 0 \(pid \d+\): work still in hand 300 ms after SIGTERM; exiting\n/);
    expect(stderr).toMatch(/Ticker: process 0 \(pid \d+\) exited with code 1\n/);
    const lines = run.lines();
    expect(lines.filter((l) => l.startsWith('end '))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^finish \d+$/);
    expect(childPids(lines).filter(alive)).toEqual([]);
  });
});
