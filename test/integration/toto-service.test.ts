// Proves TotoService's daemon with real processes in a temporary directory, through one daemon's whole life: stale pidfiles (their process gone, or no pid in them) are removed at start, saying so; --start writes the master's and each process's pidfile and the processes run (prepare's result reaches each); a second --start refuses and names the pidfiles; --restart replaces every process; --stop (--daemon=stop) leaves no process and no pidfile, after the work in hand finished and finish ran; --stop with nothing running says so. Also: a --start interrupted before the master was ready leaves nothing behind; a failing prepare is reported from the log. The commands that start nothing run in-process.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killChildren, repoRoot, runProcess, type ProcessResult } from '../support/run-process.js';
import { Ticker, tickerOptions } from './fixtures/service-ticker-class.js';
import { alive, until } from '../support/process-alive.js';

const FIXTURE = 'test/integration/fixtures/service-ticker.ts';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-service-'));
let dirCount = 0;

/** Every pid in a pidfile of `dir`, for teardown. */
function pidsIn(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.pid'))
    .map((name) => Number(readFileSync(path.join(dir, name), 'utf8').trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

const dirs: string[] = [];
afterEach(() => {
  // Whatever a failed test left running is stopped by pid.
  for (const dir of dirs.splice(0)) for (const pid of pidsIn(dir)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

function service(options: { processes?: number; workMs?: number } = {}) {
  const dir = path.join(tmp, `d${dirCount++}`);
  mkdirSync(dir);
  dirs.push(dir);
  const pidfile = path.join(dir, 'ticker.pid');
  const journal = path.join(dir, 'journal.txt');
  const base = [`--pidfile=${pidfile}`, `--journal=${journal}`, `--processes=${options.processes ?? 2}`, `--work-ms=${options.workMs ?? 150}`];
  return {
    dir,
    journal: () => (existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n') : []),
    pidfiles: () => readdirSync(dir).filter((name) => name.endsWith('.pid')).sort(),
    pids: () => pidsIn(dir),
    run: (...args: string[]) => runProcess(process.execPath, ['--import', 'tsx', FIXTURE, ...base, ...args], 60_000),
    /** The same command line in this process: for commands that start nothing (a refused --start, --stop), a tsx boot less each. */
    inProcess: async (...args: string[]): Promise<ProcessResult> => {
      let stdout = '';
      let stderr = '';
      const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
      const code = await new Ticker({ options: tickerOptions(), program: 'service-ticker', argv: [...base, ...args], ...io }).run();
      return { code, stdout, stderr };
    },
  };
}

/** Every `start x` line has its `end x`. */
function unfinished(lines: string[]): string[] {
  const ended = new Set(lines.filter((l) => l.startsWith('end ')).map((l) => l.slice(4)));
  return lines.filter((l) => l.startsWith('start ') && !ended.has(l.slice(6)));
}

describe('TotoService daemon (real processes, temporary directory)', () => {
  // One daemon's whole life, so that each step pays no start of its own (every start is a launcher, a master and two processes, each a tsx boot).
  it('stale pidfiles are removed at start, saying so; start -> pidfiles and running processes; a second start refuses naming them; restart replaces every process; stop -> no process, no pidfile, work in hand finished, finish ran; stop again says nothing runs', async () => {
    const s = service();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const stale = path.join(s.dir, 'ticker.master.pid');
    writeFileSync(path.join(s.dir, 'ticker.0.pid'), 'garbage\n');
    writeFileSync(stale, `${dead.pid}\n`);

    const started = await s.run('--start');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`Removed 2 stale pidfiles (their pids are gone): ${stale} (pid ${dead.pid}), ${path.join(s.dir, 'ticker.0.pid')} (no pid in it)\n`);
    expect(s.pidfiles()).toEqual(['ticker.0.pid', 'ticker.1.pid', 'ticker.master.pid']);
    const before = s.pids();
    expect(before.every(alive)).toBe(true);
    expect(before).not.toContain(dead.pid);
    const master = Number(readFileSync(path.join(s.dir, 'ticker.master.pid'), 'utf8'));
    expect(started.stdout).toContain(`Started Ticker: master pid ${master} (${path.join(s.dir, 'ticker.master.pid')}), 2 processes`);
    // Each process runs mainLoop with its service id and what prepare returned in the master.
    await until(() => s.journal().filter((l) => l.startsWith('end ')).length >= 2, 'both processes worked');
    expect(s.journal()).toEqual(expect.arrayContaining([`prepare ${master}`, expect.stringMatching(new RegExp(`^main 0 \\d+ t-${master}$`)), expect.stringMatching(new RegExp(`^main 1 \\d+ t-${master}$`))]));

    const again = await s.inProcess('--start');
    expect(again.code).toBe(1);
    const named = ['ticker.master.pid', 'ticker.0.pid', 'ticker.1.pid'].map((f) => path.join(s.dir, f));
    expect(again.stderr).toBe(
      `Not starting Ticker: pidfiles of running processes exist: ${named.map((f) => `${f} (pid ${Number(readFileSync(f, 'utf8'))})`).join(', ')}; stop it first (--stop), or --restart\n`,
    );
    expect(s.pids().every(alive)).toBe(true);

    const restarted = await s.run('--restart');
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/^(Stopped Ticker \d+\n){3}Started Ticker: master pid \d+/);
    for (const pid of before) expect(restarted.stdout).toContain(`Stopped Ticker ${pid}\n`);
    const after = s.pids();
    expect(after).toHaveLength(3);
    expect(before.filter(alive)).toEqual([]);
    expect(after.every(alive)).toBe(true);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    const newMaster = Number(readFileSync(path.join(s.dir, 'ticker.master.pid'), 'utf8'));
    await until(() => s.journal().filter((l) => l.startsWith('main ') && l.endsWith(`t-${newMaster}`)).length === 2, 'both new processes run');

    const stopped = await s.inProcess('--daemon=stop');
    expect(stopped.code, stopped.stderr).toBe(0);
    for (const pid of after) expect(stopped.stdout).toContain(`Stopped Ticker ${pid}\n`);
    expect(after.filter(alive)).toEqual([]);
    expect(s.pidfiles()).toEqual([]);
    const lines = s.journal();
    expect(unfinished(lines)).toEqual([]);
    expect(lines.at(-1)).toBe(`finish ${newMaster}`);
    expect(lines.filter((l) => l.startsWith('finish ')).length).toBe(2);
    expect(lines.filter((l) => l.startsWith('leave ')).sort()).toEqual(['leave 0', 'leave 0', 'leave 1', 'leave 1']);

    const idle = await s.inProcess('--stop');
    expect(idle.code).toBe(0);
    expect(idle.stdout).toBe(`Ticker is not running (no pidfiles at ${path.join(s.dir, 'ticker.master.pid')} or ${path.join(s.dir, 'ticker.0.pid')})\n`);
  });

  it('--start interrupted (the launcher killed before the master reported ready): the master stops what it started and removes its pidfiles, no crash', async () => {
    const s = service({ processes: 1 });
    const gate = path.join(s.dir, 'prepare-may-return');
    const args = [`--pidfile=${path.join(s.dir, 'ticker.pid')}`, '--processes=1', `--prepare-waits-for=${gate}`, '--start'];
    const launcher = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: repoRoot, stdio: 'ignore' });
    try {
      const masterPidfile = path.join(s.dir, 'ticker.master.pid');
      // The master writes its pidfile, then waits in prepare for the gate: the launcher is still waiting for it.
      await until(() => existsSync(masterPidfile) || launcher.exitCode !== null, 'the master wrote its pidfile', 30_000);
      expect(launcher.exitCode, 'the launcher exited before its master wrote a pidfile').toBe(null);
      const master = Number(readFileSync(masterPidfile, 'utf8'));
      launcher.kill('SIGKILL');
      await new Promise((resolve) => launcher.once('exit', resolve));
      writeFileSync(gate, '');
      await until(() => !alive(master), 'the master exited', 30_000);
      expect(s.pidfiles()).toEqual([]);
      const log = readFileSync(path.join(s.dir, 'ticker.log'), 'utf8');
      expect(log).not.toMatch(/ERR_IPC_CHANNEL_CLOSED|Error/);
      expect(log).toContain('Ticker: the --start that launched this daemon went away before the service had started; stopping\n');
    } finally {
      if (launcher.exitCode === null && launcher.signalCode === null) launcher.kill('SIGKILL');
    }
  });

  it('a daemon whose prepare fails: --start reports the reason from its log and leaves no pidfile', async () => {
    const s = service({ processes: 1 });
    const started = await s.run('--start', '--fail-prepare');
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(/^service-ticker: the daemon \(pid \d+\) failed to start: prepare failed on purpose\n/);
    expect(s.pidfiles()).toEqual([]);
  });
});
