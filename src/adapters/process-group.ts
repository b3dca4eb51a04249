// A group of N child processes running one entry module, each with its service id 0..N-1 (Toto's
// TotoService forked process_count() processes, each with a service_id). Generic: it knows
// nothing of what the children do; the worker service and TotoService both use it.
//
// - start(): forks every child with TOTO_SERVICE_ID in its environment, and resolves once each
//   has reported ready over IPC (process-group-child.ts) within readyTimeoutMs. A child that
//   fails, exits or stays silent fails the start with its reason (its message, exit code, the
//   tail of its stderr), and every child already started is stopped.
// - A child that exits on its own afterwards is restarted (restart: true) with the same service
//   id, at most restartsMax times per child; otherwise it stays down. onExit listeners hear both.
//   Each restart waits restartDelayMs, doubling per restart of that child (up to 5 s), and a
//   restart that fails to start is tried again the same way: a child that cannot start for a
//   while (its database is down) comes back, where restarts without a pause would all have been
//   spent at once.
// - stop(): SIGTERM to each pid, SIGKILL to those still alive after stopTimeoutMs; resolves
//   once every child has exited.
// - No orphans: a child exits when its IPC channel to the parent closes (the parent died, even
//   by SIGKILL; see exitWithParent), and the parent SIGKILLs its children when it exits.
// - TypeScript entries (.ts, .mts, .cts) run with tsx's loader; .js runs as is (from dist).

import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { silentLogger, type Logger } from '../core/ports.js';
import { checkNonEmptyString, checkOptions, expected } from '../core/validate.js';
import { SERVICE_ID_ENV, isChildMessage } from './process-group-child.js';

export interface ProcessGroupOptions {
  /** The children's entry module: a .js file, or .ts/.mts/.cts run with tsx's loader. */
  entry: string;
  count: number;
  /** Arguments of each child (the same for all, or per service id). */
  args?: readonly string[] | ((serviceId: number) => readonly string[]);
  /** Environment added to the parent's for each child. */
  env?: Readonly<Record<string, string>> | ((serviceId: number) => Readonly<Record<string, string>>);
  /** How long each child may take to report ready. Default 30 000. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 5000. */
  stopTimeoutMs?: number;
  /** Restart a child that exits on its own. Default false. */
  restart?: boolean;
  /** Restarts per child at most. Default 5. */
  restartsMax?: number;
  /** Wait before a restart; it doubles per restart of that child, up to 5000. Default 100. */
  restartDelayMs?: number;
  /** The children's stdout and stderr: shown in the parent's (default) or dropped (stderr's tail is kept for errors either way). */
  output?: 'inherit' | 'ignore';
  /** Node options of the children; default: tsx's loader for a TypeScript entry, none otherwise. */
  execArgv?: readonly string[];
  logger?: Logger;
}

export interface GroupChild {
  readonly serviceId: number;
  readonly pid: number;
  /** What the child reported with its ready message. */
  readonly info: unknown;
  readonly restarts: number;
}

export interface ChildExit {
  serviceId: number;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** A new child is being started in its place. */
  restarting: boolean;
}

interface Slot {
  serviceId: number;
  process: ChildProcess | undefined;
  info: unknown;
  restarts: number;
  stderrTail: string;
  exited: Promise<void>;
}

const OPTION_NAMES = ['entry', 'count', 'args', 'env', 'readyTimeoutMs', 'stopTimeoutMs', 'restart', 'restartsMax', 'restartDelayMs', 'output', 'execArgv', 'logger'];
const RESTART_DELAY_MS_MAX = 5_000;
const STDERR_TAIL_CHARS = 2000;
/** After SIGKILL the kernel ends a process at once; this only bounds a wait that cannot end otherwise. */
const KILL_WAIT_MS = 5_000;

export class ProcessGroup {
  private readonly slots: Slot[] = [];
  private readonly listeners = new Set<(exit: ChildExit) => void>();
  private stopping: Promise<void> | undefined;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private readonly killAll = (): void => {
    for (const slot of this.slots) if (isAlive(slot.process)) slot.process!.kill('SIGKILL');
  };

  /** Forks the children and resolves once every one reported ready; see the top of this file. */
  static async start(options: ProcessGroupOptions): Promise<ProcessGroup> {
    const group = new ProcessGroup(checkGroupOptions(options));
    process.once('exit', group.killAll);
    try {
      await Promise.all(Array.from({ length: group.options.count }, (_, serviceId) => group.spawn(serviceId, 0)));
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  }

  private constructor(private readonly options: Required<Omit<ProcessGroupOptions, 'args' | 'env'>> & Pick<ProcessGroupOptions, 'args' | 'env'>) {}

  /** The children as they are now (a restarted child has its new pid). */
  get children(): GroupChild[] {
    return this.slots
      .filter((slot) => isAlive(slot.process))
      .map((slot) => ({ serviceId: slot.serviceId, pid: slot.process!.pid!, info: slot.info, restarts: slot.restarts }));
  }

  get pids(): number[] {
    return this.children.map((child) => child.pid);
  }

  /** Hears every child exit; returns a function that stops listening. */
  onExit(listener: (exit: ChildExit) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** SIGTERM to every child, SIGKILL after `timeoutMs` to those left; resolves once all have exited. A second call waits for the first. */
  stop(timeoutMs = this.options.stopTimeoutMs): Promise<void> {
    this.stopping ??= this.stopAll(timeoutMs);
    return this.stopping;
  }

  private async stopAll(timeoutMs: number): Promise<void> {
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    const live = this.slots.filter((slot) => isAlive(slot.process));
    for (const slot of live) signal(slot.process!, 'SIGTERM');
    const allExited = Promise.all(live.map((slot) => slot.exited));
    if (!(await within(allExited, timeoutMs))) {
      for (const slot of live) if (isAlive(slot.process)) {
        this.options.logger.warn({ serviceId: slot.serviceId, pid: slot.process!.pid, timeoutMs }, 'process group: no exit after SIGTERM, sending SIGKILL');
        signal(slot.process!, 'SIGKILL');
      }
      if (!(await within(allExited, KILL_WAIT_MS))) throw new Error(`process group: children still running ${KILL_WAIT_MS} ms after SIGKILL: ${this.pids.join(', ')}`);
    }
    process.removeListener('exit', this.killAll);
  }

  /** Forks the child for `serviceId` and resolves once it reported ready. */
  private spawn(serviceId: number, restarts: number): Promise<void> {
    const { entry, execArgv, output } = this.options;
    const args = typeof this.options.args === 'function' ? this.options.args(serviceId) : (this.options.args ?? []);
    const env = typeof this.options.env === 'function' ? this.options.env(serviceId) : (this.options.env ?? {});
    const child = fork(entry, [...args], {
      execArgv: [...execArgv],
      env: { ...process.env, ...env, [SERVICE_ID_ENV]: String(serviceId) },
      stdio: ['ignore', output === 'inherit' ? 'inherit' : 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let exitedResolve!: () => void;
    const slot: Slot = { serviceId, process: child, info: undefined, restarts, stderrTail: '', exited: new Promise((resolve) => (exitedResolve = resolve)) };
    this.slots[serviceId] = slot;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (output === 'inherit') process.stderr.write(chunk);
      slot.stderrTail = (slot.stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const fail = (reason: string): void => {
        if (ready) return;
        ready = true; // settled: later events are exits, handled below
        clearTimeout(timer);
        const tail = slot.stderrTail.trim();
        reject(new Error(`process group: child ${serviceId} (pid ${child.pid}, ${entry}) ${reason}${tail ? `\n--- its stderr ---\n${tail}` : ''}`));
      };
      const timer = setTimeout(() => {
        fail(`did not report ready within ${this.options.readyTimeoutMs} ms`);
        signal(child, 'SIGKILL');
      }, this.options.readyTimeoutMs);
      child.on('message', (message: unknown) => {
        if (!isChildMessage(message) || ready) return;
        if (message.toto === 'failed') {
          fail(`failed to start: ${message.error}`);
          return;
        }
        ready = true;
        clearTimeout(timer);
        slot.info = message.info;
        resolve();
      });
      child.on('error', (error) => fail(`could not be started: ${error.message}`));
      child.on('exit', (code, sig) => {
        exitedResolve();
        fail(`exited (${sig ?? `code ${code}`}) before it was ready`);
        this.exited(slot, child, code, sig);
      });
    });
  }

  private exited(slot: Slot, child: ChildProcess, code: number | null, sig: NodeJS.Signals | null): void {
    if (this.slots[slot.serviceId] !== slot) return;
    // A child that never started is not restarted (start() failed with it), but a restart that failed is.
    const everStarted = slot.info !== undefined || slot.restarts > 0;
    const restarting = this.stopping === undefined && this.options.restart && slot.restarts < this.options.restartsMax && everStarted;
    const exit: ChildExit = { serviceId: slot.serviceId, pid: child.pid ?? -1, code, signal: sig, restarting };
    this.options.logger[this.stopping ? 'info' : 'warn']({ ...exit }, 'process group: child exited');
    for (const listener of this.listeners) {
      try {
        listener(exit);
      } catch (error) {
        this.options.logger.error({ err: error }, 'process group: an exit listener failed');
      }
    }
    if (!restarting) return;
    const delayMs = Math.min(RESTART_DELAY_MS_MAX, this.options.restartDelayMs * 2 ** slot.restarts);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.stopping !== undefined) return;
      // A failed restart exits, and exited() tries again while restarts remain.
      this.spawn(slot.serviceId, slot.restarts + 1).catch((error: unknown) => {
        this.options.logger.error({ serviceId: slot.serviceId, err: error }, 'process group: restart failed');
      });
    }, delayMs);
    this.restartTimers.add(timer);
  }
}

function checkGroupOptions(options: ProcessGroupOptions) {
  if (options === null || typeof options !== 'object') throw new TypeError(expected('process group options', 'an options object', options));
  checkOptions('process group options', options, OPTION_NAMES);
  const { entry, count, args, env, readyTimeoutMs = 30_000, stopTimeoutMs = 5_000, restart = false, restartsMax = 5, restartDelayMs = 100, output = 'inherit', logger = silentLogger } = options;
  checkNonEmptyString('entry', entry);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 1024) throw new RangeError(expected('count', 'an integer in [0, 1024]', count));
  if (args !== undefined && typeof args !== 'function' && (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))) {
    throw new TypeError(expected('args', 'an array of strings or a function of the service id', args));
  }
  if (env !== undefined && typeof env !== 'function' && (env === null || typeof env !== 'object')) throw new TypeError(expected('env', 'an object or a function of the service id', env));
  for (const [name, value] of [['readyTimeoutMs', readyTimeoutMs], ['stopTimeoutMs', stopTimeoutMs]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(expected(name, 'a finite number > 0', value));
  }
  if (typeof restart !== 'boolean') throw new TypeError(expected('restart', 'a boolean', restart));
  if (typeof restartsMax !== 'number' || !Number.isInteger(restartsMax) || restartsMax < 0) throw new RangeError(expected('restartsMax', 'an integer >= 0', restartsMax));
  if (typeof restartDelayMs !== 'number' || !Number.isFinite(restartDelayMs) || restartDelayMs < 0) throw new RangeError(expected('restartDelayMs', 'a finite number >= 0', restartDelayMs));
  if (output !== 'inherit' && output !== 'ignore') throw new RangeError(expected('output', '"inherit" or "ignore"', output));
  const execArgv = options.execArgv ?? (/\.(ts|mts|cts)$/.test(entry) ? typeScriptLoaderArgs(`entry: ${entry} is TypeScript`) : []);
  if (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string')) throw new TypeError(expected('execArgv', 'an array of strings', execArgv));
  return { entry, count, args, env, readyTimeoutMs, stopTimeoutMs, restart, restartsMax, restartDelayMs, output, execArgv, logger };
}

/**
 * Node options that load TypeScript in a child: tsx's ESM loader, resolved from this package (not
 * the children's cwd). `why` starts the error when tsx cannot be found, naming what needs it.
 */
export function typeScriptLoaderArgs(why: string): string[] {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('tsx/package.json');
  } catch (error) {
    throw new Error(`${why}: loading TypeScript in a child process needs the tsx package (npm install tsx), or compile it to .js`, { cause: error });
  }
  const exports = (require(packageJson) as { exports?: { '.'?: unknown } }).exports?.['.'];
  return ['--import', pathToFileURL(join(dirname(packageJson), typeof exports === 'string' ? exports : 'dist/loader.mjs')).href];
}

function isAlive(child: ChildProcess | undefined): boolean {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  // By pid, through the ChildProcess (it knows whether the pid is still its child's).
  if (isAlive(child)) child.kill(name);
}

function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
