// Proves `toto worker`, `toto invoke` and `toto router` as a user runs them, real processes on 127.0.0.1 (the services are `toto` processes; invocations and control commands run the same command code in-process; the daemon's --start goes through bin/toto.js): a foreground worker service with two worker processes answers `toto invoke` (the reply as JSON; a worker's error as {"error": {code, value}} with exit 1; calls reach both pids), `--command status` lists both workers and `--command shutdown` ends the service (its workers gone); as a daemon (--start/--stop) it writes the master's and each worker's pidfile and leaves none; a worker service behind `toto router` serves through the router.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { invokeCommand } from '../../src/cli/invoke-command.js';
import { workerCommand } from '../../src/cli/worker-command.js';
import { killChildren, repoRoot, runProcess, type ProcessResult } from '../support/run-process.js';
import { alive } from '../support/process-alive.js';

const METHODS = 'test/fixtures/worker-methods';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-cli-worker-'));
const running: ChildProcess[] = [];
const pids: number[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

const toto = (...args: string[]): Promise<ProcessResult> => runProcess(process.execPath, ['bin/toto.js', ...args], 60_000);

/** A command run in-process with its output captured. */
async function inProcess(command: (argv: string[], io: { stdout: { write(t: string): unknown }; stderr: { write(t: string): unknown } }) => Promise<number>, ...argv: string[]): Promise<ProcessResult> {
  let stdout = '';
  let stderr = '';
  const code = await command(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}
const invoke = (...argv: string[]) => inProcess(invokeCommand, ...argv);
const worker = (...argv: string[]) => inProcess(workerCommand, ...argv);

/** A foreground `toto <args>`; resolves once it printed the line matching `ready`. */
async function foreground(args: string[], ready: RegExp) {
  const child = spawn(process.execPath, ['bin/toto.js', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`toto ${args.join(' ')}: no ${ready} within 30 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = stdout.split('\n').find((l) => ready.test(l));
      if (match !== undefined) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void exited.then((code) => reject(new Error(`toto ${args.join(' ')} exited (${code}) before ${ready}\nstdout: ${stdout}\nstderr: ${stderr}`)));
  });
  return { child, line, exited, output: () => ({ stdout, stderr }) };
}

function sockets(name: string) {
  return [`--worker-socket-address=ipc://${path.join(tmp, `${name}-workers.sock`)}`, `--control-socket-address=ipc://${path.join(tmp, `${name}-control.sock`)}`];
}

describe('toto worker and toto invoke (real processes)', { timeout: 60_000 }, () => {
  it('foreground: invoke answers from both workers, a worker error exits 1 with code and value, status lists the workers, shutdown ends the service', async () => {
    const addresses = sockets('fg');
    const service = await foreground(['worker', METHODS, '--processes=2', '--worker-bind-address=tcp://127.0.0.1:*', ...addresses], /^\{"bind":/);
    const { bind, control } = JSON.parse(service.line) as { bind: string; control: string };
    expect(bind).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(service.output().stdout).toMatch(/^Starting 2 toto worker processes\.\n/);

    const added = await invoke(bind, 'math.add', '{"a": 2, "b": 3}');
    expect(added).toMatchObject({ code: 0, stdout: '5\n', stderr: '' });
    // In-process as the others: bin/toto.js passes main's code on as the exit code (options-file-cli.test.ts shows it from a real process).
    const thrown = await invoke(bind, 'throw_toto_exception');
    expect(thrown.code).toBe(1);
    expect(thrown.stdout).toBe('{"error":{"code":4242,"value":"Test Toto Exception"}}\n');
    expect(thrown.stderr).toBe('toto invoke: throw_toto_exception: error 4242: Test Toto Exception\n');
    const missing = await invoke(bind, 'no.such_method');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 1002 } });
    expect(missing.stderr).toMatch(/^toto invoke: no\.such_method: error 1002 \(MISSING_METHOD\): /);

    const status = await worker('--command', 'status', `--control-socket-address=${control}`);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { workerCount: number; workers: { pid: number }[]; addresses: { bind: string } };
    expect(report).toMatchObject({ role: 'router', workerCount: 2, addresses: { bind } });
    const workerPids = report.workers.map((w) => w.pid);
    pids.push(...workerPids);
    // Calls are spread over both worker processes.
    const answered = new Set<number>();
    for (let i = 0; i < 4 && answered.size < 2; i++) answered.add((JSON.parse((await invoke(bind, 'return_pid')).stdout) as { pid: number }).pid);
    expect([...answered].sort()).toEqual([...workerPids].sort());

    const shutdown = await worker('--command=shutdown', `--control-socket-address=${control}`);
    expect(shutdown.code, shutdown.stderr).toBe(0);
    expect((JSON.parse(shutdown.stdout) as { workers: { status: string }[] }).workers.map((w) => w.status)).toEqual(['Finished', 'Finished']);
    expect(await service.exited).toBe(0);
    expect(workerPids.filter(alive)).toEqual([]);
    const after = await worker('--command=status', `--control-socket-address=${control}`, '--command-timeout=1s');
    expect(after.code).toBe(1);
    expect(after.stderr).toBe(`toto worker: worker control: no answer to status from ${control} within 1000 ms (is the service running? its control socket is --control-socket-address)\n`);
  });

  // One worker process: the foreground case above shows two; this one shows the daemon's pidfiles.
  it('daemon: --start writes the master and worker pidfiles and the service answers; --stop leaves no process and no pidfile', async () => {
    const pidfile = path.join(tmp, 'worker.pid');
    const addresses = [...sockets('daemon'), `--pidfile=${pidfile}`, '--processes=1'];
    const bindFile = `ipc://${path.join(tmp, 'daemon-bind.sock')}`;
    const started = await toto('worker', METHODS, `--worker-bind-address=${bindFile}`, ...addresses, '--start');
    expect(started.code, started.stderr).toBe(0);
    const names = readdirSync(tmp).filter((n) => n.endsWith('.pid')).sort();
    expect(names).toEqual(['worker.0.pid', 'worker.master.pid']);
    const daemonPids = names.map((n) => Number(readFileSync(path.join(tmp, n), 'utf8')));
    pids.push(...daemonPids);
    expect(daemonPids.every(alive)).toBe(true);
    expect(started.stdout).toMatch(/^Started toto worker: master pid \d+ .*1 process \(0: pid \d+\); log .*worker\.log\n\{"bind":"ipc:/);
    expect((await invoke(bindFile, 'math.add', '{"a": 1, "b": 1}')).stdout).toBe('2\n');

    const stopped = await worker(`--pidfile=${pidfile}`, '--stop');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(daemonPids.filter(alive)).toEqual([]);
    expect(readdirSync(tmp).filter((n) => n.endsWith('.pid'))).toEqual([]);
    expect(existsSync(path.join(tmp, 'worker.log'))).toBe(true);
  });

  it('toto router: a worker service in direct mode connected to it serves calls through it; --processes is refused', async () => {
    const workerSocket = `ipc://${path.join(tmp, 'shared-workers.sock')}`;
    const router = await foreground(['router', '--worker-bind-address=tcp://127.0.0.1:*', `--worker-socket-address=${workerSocket}`, `--control-socket-address=ipc://${path.join(tmp, 'router-control.sock')}`], /^\{"bind":/);
    expect(router.output().stdout).toMatch(/^Starting 0 toto router processes\.\n/);
    const { bind } = JSON.parse(router.line) as { bind: string };
    const worker = await foreground(['worker', METHODS, '--processes=1', '--worker-bind-address=', `--worker-socket-address=${workerSocket}`, '--control-socket-address='], /^\{"bind":null/);
    const reply = await invoke(bind, 'math.add', '{"a": 20, "b": 22}', '--timeout=20s');
    expect(reply).toMatchObject({ code: 0, stdout: '42\n' });
    worker.child.kill('SIGTERM');
    router.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await router.exited).toBe(0);
    const refused = await inProcess((argv, io) => import('../../src/cli/router-command.js').then((m) => m.routerCommand(argv, io)), '--processes=2');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("toto router: --processes: toto router runs no worker processes (start workers with toto worker --worker-bind-address='' --worker-socket-address=ADDRESS)\n");
  });
});
