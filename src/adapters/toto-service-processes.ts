// What a TotoService master holds while its processes run (ServiceProcesses), and the default:
// processCount() children of a ProcessGroup, each re-running this program (Node has no fork():
// the child runs the same script with the same arguments and finds its role, its service id and
// what prepare() returned in its environment; see toto-service-child.ts).
//
// A subclass may hold something else (the worker command holds a worker service: its router here
// and its worker processes), as long as it can list its processes, stop them within a deadline,
// and say when they are all gone.

import { ProcessGroup, type ChildExit } from './process-group.js';
import type { ProcessPid } from './pidfile-set.js';

export interface ServiceProcesses {
  /** The service processes running now, by service id (the pidfiles follow it). */
  children(): readonly ProcessPid[];
  /** Stops them: in-flight work may take deadlineMs; resolves once they are all gone. */
  stop(deadlineMs: number): Promise<void>;
  /** Resolves once every process has exited, stopped or on its own; `failed` when one did not exit cleanly. */
  readonly done: Promise<{ failed: string[] }>;
  /** Shown when the service has started (addresses, endpoints). */
  readonly info?: Record<string, unknown>;
}

/** The environment variable telling a re-run program which part of a service it is. */
export const SERVICE_ROLE_ENV = 'TOTO_SERVICE_ROLE';
/** The JSON of what prepare() returned, for each process. */
export const SERVICE_PREPARED_ENV = 'TOTO_SERVICE_PREPARED';

export interface ChildGroupOptions {
  /** The program to re-run: its script and arguments. */
  command: readonly string[];
  count: number;
  prepared: unknown;
  readyTimeoutMs: number;
  /** SIGTERM lets each child drain this long; SIGKILL comes after it and a margin. */
  drainTimeoutMs: number;
}

/** How long after its drain deadline a child that has not exited is killed. */
const KILL_MARGIN_MS = 3_000;

/** processCount() children re-running `command`, each with its service id. */
export async function startChildGroup(options: ChildGroupOptions): Promise<ServiceProcesses> {
  const [script, ...args] = options.command;
  if (script === undefined) throw new TypeError('command: expected the script to re-run and its arguments, got none');
  const group = await ProcessGroup.start({
    entry: script,
    args,
    count: options.count,
    // The child runs under the same Node options (tsx's loader when this program is TypeScript).
    execArgv: process.execArgv,
    env: { [SERVICE_ROLE_ENV]: 'child', [SERVICE_PREPARED_ENV]: JSON.stringify(options.prepared ?? null) },
    readyTimeoutMs: options.readyTimeoutMs,
    stopTimeoutMs: options.drainTimeoutMs + KILL_MARGIN_MS,
  });
  const failed: string[] = [];
  let left = options.count;
  let allExited!: (result: { failed: string[] }) => void;
  const done = new Promise<{ failed: string[] }>((resolve) => (allExited = resolve));
  if (left === 0) allExited({ failed });
  group.onExit((exit: ChildExit) => {
    if (exit.restarting) return;
    if (exit.code !== 0) failed.push(`process ${exit.serviceId} (pid ${exit.pid}) exited with ${exit.signal ?? `code ${exit.code}`}`);
    if (--left === 0) allExited({ failed });
  });
  // What the processes said when ready (context.ready(info)): shown once the service has started.
  const reported = group.children.map((child) => ({ serviceId: child.serviceId, ...(child.info as object) }));
  const saidMore = reported.some((r) => Object.keys(r).some((key) => key !== 'serviceId' && key !== 'pid'));
  return {
    ...(saidMore ? { info: { processes: reported } } : {}),
    children: () => group.children.map(({ serviceId, pid }) => ({ serviceId, pid })),
    stop: async (deadlineMs) => {
      await group.stop(deadlineMs + KILL_MARGIN_MS);
      await done;
    },
    done,
  };
}

/** Which part of a service this process is (set by the master or the launcher), forgotten once read so nothing this process starts inherits it. */
export function takeRole(): 'master' | 'child' | undefined {
  const role = process.env[SERVICE_ROLE_ENV];
  delete process.env[SERVICE_ROLE_ENV];
  return role === 'master' || role === 'child' ? role : undefined;
}

/** What prepare() returned, as the processes will get it (through JSON); a value JSON cannot carry throws, naming prepare. */
export function checkJson(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`prepare: its result is passed to each process as JSON, and this one is not: ${(error as Error).message}`, { cause: error });
  }
  return text === undefined ? null : JSON.parse(text);
}
