// TotoService's daemon, without fork(): `--start` spawns this same program again as a detached
// master (its own session, no terminal, output appended to the log file), waits until the master
// says over IPC that its pidfiles are written and its processes are up (or failed, or the start
// deadline passed: then it is killed by pid and the log's tail shown), lets it go and returns.
// `--stop` reads the pidfiles: SIGTERM to the master (it drains its processes, runs finish and
// removes its pidfiles), then to any numbered process still running, SIGKILL to whatever is left
// after the deadline; every pidfile of a stopped process is removed.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { planStop, type PidfileState } from '../core/toto-service-pidfiles.js';
import { isChildMessage } from './process-group-child.js';
import { SERVICE_ID_ENV } from './process-group-child.js';
import { findPidfiles, isProcessAlive, removeQuietly, removeStalePidfiles, readPidfile } from './pidfile.js';
import { SERVICE_ROLE_ENV } from './toto-service-processes.js';

export interface LaunchDaemonOptions {
  /** The program to run as the master: its script and arguments (Node options are this process's). */
  command: readonly string[];
  /** Where the master's stdout and stderr are appended. */
  logfile: string;
  /** How long the master may take to write its pidfiles and start its processes. */
  startTimeoutMs: number;
}

const LOG_TAIL_BYTES = 4_000;
/** How often a wait for processes to exit looks. */
const POLL_MS = 50;
/** How long a master that reported a failed start may take to exit before it is killed. */
const FAILED_EXIT_WAIT_MS = 3_000;
/** After SIGKILL the kernel ends a process at once; this only bounds a wait that cannot end otherwise. */
const KILL_WAIT_MS = 5_000;

/** Starts the detached master; resolves with its pid and what it reported once it is up. */
export async function launchDaemon(options: LaunchDaemonOptions): Promise<{ pid: number; info: unknown }> {
  const { command, logfile, startTimeoutMs } = options;
  let log: number;
  try {
    log = openSync(logfile, 'a');
  } catch (error) {
    throw new Error(`logfile: cannot open ${logfile}: ${(error as Error).message}`, { cause: error });
  }
  const logStart = statSync(logfile).size;
  const env: NodeJS.ProcessEnv = { ...process.env, [SERVICE_ROLE_ENV]: 'master' };
  delete env[SERVICE_ID_ENV];
  const master = spawn(process.execPath, [...process.execArgv, ...command], { detached: true, stdio: ['ignore', log, log, 'ipc'], env, serialization: 'json' });
  closeSync(log);
  try {
    return await new Promise((resolve, reject) => {
      const fail = (reason: string): void => {
        clearTimeout(timer);
        const tail = readTail(logfile, logStart);
        reject(new Error(`the daemon (pid ${master.pid ?? 'none'}) ${reason}${tail ? `\n--- ${logfile} ---\n${tail}` : ''}`));
      };
      const timer = setTimeout(() => fail(`did not start within ${startTimeoutMs} ms`), startTimeoutMs);
      master.once('error', (error) => fail(`could not be started: ${error.message}`));
      master.once('exit', (code, signal) => {
        const exited = (): void => fail(`exited (${signal ?? `code ${code}`}) before it had started`);
        // The exit can be seen before the last IPC message (its reason) is read: wait for the channel to close.
        if (master.connected) master.once('disconnect', exited);
        else exited();
      });
      master.on('message', (message: unknown) => {
        if (!isChildMessage(message)) return;
        if (message.toto === 'failed') return fail(`failed to start: ${message.error}`);
        clearTimeout(timer);
        resolve({ pid: master.pid as number, info: message.info });
      });
    });
  } catch (error) {
    // A master that reported its failure exits by itself (removing its pidfiles); one that hangs is killed.
    const exited = master.exitCode !== null || master.signalCode !== null;
    if (!exited && master.pid !== undefined) {
      const gone = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), FAILED_EXIT_WAIT_MS);
        master.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!gone) master.kill('SIGKILL');
    }
    throw error;
  } finally {
    master.removeAllListeners();
    if (master.connected) master.disconnect();
    master.unref();
  }
}

function readTail(path: string, from: number): string {
  try {
    const size = statSync(path).size;
    const start = Math.max(from, size - LOG_TAIL_BYTES);
    const buffer = new Uint8Array(size - start);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      closeSync(fd);
    }
    return new TextDecoder().decode(buffer).trim();
  } catch {
    return '';
  }
}

export interface StopDaemonOptions {
  /** The service's --pidfile, absolute. */
  pidfile: string;
  /** How long the processes may take to drain after SIGTERM before SIGKILL. */
  drainTimeoutMs: number;
  /** The name in messages (Toto's "Stopped <class> <pid>"). */
  name: string;
  stdout: { write(text: string): unknown };
}

export interface StopReport {
  /** Processes that exited after SIGTERM. */
  stopped: PidfileState[];
  /** Processes that needed SIGKILL. */
  killed: PidfileState[];
  /** Pidfiles of processes that were already gone, removed (one rewritten since it was found is left). */
  stale: PidfileState[];
  /** Processes still alive after SIGKILL (should never happen). */
  survivors: PidfileState[];
}

/** How long, beyond the drain deadline, a master may take to run finish and exit. */
const STOP_MARGIN_MS = 5_000;

/** Stops the daemon whose pidfiles are found beside `pidfile`; see the top of this file. */
export async function stopDaemon(options: StopDaemonOptions): Promise<StopReport> {
  const { pidfile, drainTimeoutMs, name, stdout } = options;
  const plan = planStop(findPidfiles(pidfile));
  const report: StopReport = { stopped: [], killed: [], stale: removeStalePidfiles(plan.stale), survivors: [] };
  for (const file of report.stale) {
    stdout.write(`Removed stale pidfile ${file.path}${file.pid === undefined ? ' (no pid in it)' : ` (pid ${file.pid}: no such process)`}\n`);
  }
  const deadlineMs = drainTimeoutMs + STOP_MARGIN_MS;
  const alive = (files: PidfileState[]) => files.filter((f) => isProcessAlive(f.pid as number));
  if (plan.master) {
    signal(plan.master, 'SIGTERM');
    await waitGone([plan.master], deadlineMs);
  }
  // What the master did not stop (or what runs without one): Toto's SIGTERM per numbered pidfile.
  const numbered = alive(plan.numbered);
  for (const file of numbered) signal(file, 'SIGTERM');
  await waitGone(numbered, deadlineMs);
  const all = [...(plan.master ? [plan.master] : []), ...plan.numbered];
  const left = alive(all);
  for (const file of left) {
    signal(file, 'SIGKILL');
    stdout.write(`Force-stopped ${name} ${file.pid} (SIGKILL: still running ${deadlineMs} ms after SIGTERM)\n`);
  }
  await waitGone(left, KILL_WAIT_MS);
  report.survivors = alive(left);
  report.killed = left.filter((f) => !report.survivors.includes(f));
  report.stopped = all.filter((f) => !left.includes(f));
  for (const file of all) {
    if (report.survivors.includes(file)) continue;
    // The master removes its own; these are what it left (or a master that was killed).
    if (readPidfile(file.path) === file.pid) removeQuietly(file.path);
    if (!report.killed.includes(file)) stdout.write(`Stopped ${name} ${file.pid}\n`);
  }
  return report;
}

function signal(file: PidfileState, name: NodeJS.Signals): void {
  try {
    process.kill(file.pid as number, name);
  } catch {
    // Gone already: nothing to signal.
  }
}

async function waitGone(files: readonly PidfileState[], timeoutMs: number): Promise<void> {
  const untilMs = Date.now() + timeoutMs;
  while (files.some((f) => isProcessAlive(f.pid as number)) && Date.now() < untilMs) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
