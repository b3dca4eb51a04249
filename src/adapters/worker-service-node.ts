// Toto's TotoWorkerService in production: the router (balancer + control socket, RouterRole) in
// this process and N worker processes (worker-process-main.ts, one WorkerRole each) forked by a
// ProcessGroup. processes = 0 runs the router alone (Toto's shared router); bindAddress '' is
// direct mode (no balancer: the workers connect to socketAddress, another service's router, or
// with socketMode 'bind' clients connect straight to them).
//
// Beyond Toto: a worker that dies is restarted (restart, default true); status answers over the
// control socket; shutdown (the control command, or close()) drains the calls in hand; socket
// and control addresses default to fresh ipc paths of this service, not Toto's shared /tmp ones.
// Worker processes log pino JSON lines on their stderr (workerLogLevel), shown in this process's
// stderr with output 'inherit'. Methods or a startup hook in TypeScript load through tsx's loader
// even when this service runs from dist (a .js worker entry).

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../core/ports.js';
import { checkOneOf, checkOptions, expected } from '../core/validate.js';
import type { ShutdownResult, WorkerServiceStatus } from '../core/worker-control.js';
import { RouterRole } from '../core/worker-service-router.js';
import type { CompressionName, SerializationName } from './codecs.js';
import { LoopNode } from './loop-node.js';
import { ProcessGroup, typeScriptLoaderArgs, type ChildExit } from './process-group.js';
import { TransportZmq } from './transport-zmq.js';
import { typeScriptFileIn, WORKER_CONFIG_ENV, type WorkerProcessConfig } from './worker-service-load.js';
import { checkLogLevel, WORKER_LOG_LEVEL_DEFAULT, type LogLevelName } from './worker-service-logger.js';

export interface WorkerServiceOptions {
  /** A directory of method modules (methods/a/b.ts is "a.b"), or a module exporting a method map. Loaded in each worker process. */
  methods: string;
  /** Worker processes: default 1; -1 = one per CPU; 0 = the router alone. */
  processes?: number;
  /** Where clients connect (Toto's worker_bind_address). Default `tcp://*:55555`; '' = direct mode. */
  bindAddress?: string;
  /** Where the workers connect (Toto's worker_socket_address). Default: a fresh ipc path of this service. */
  socketAddress?: string;
  /** Direct mode only: 'bind' makes each worker bind socketAddress (`tcp://host:*` for several). Default 'connect'. */
  socketMode?: 'connect' | 'bind';
  /** The control socket (status, shutdown). Default: a fresh ipc path of this service; '' = none. */
  controlAddress?: string;
  /** A module exporting startup(worker), run in each worker process before it listens (Toto's startup_function). */
  startup?: string;
  serialization?: SerializationName;
  compression?: CompressionName;
  /**
   * Beyond Toto: replies kept by call id for this long, so a retried call is not run twice: at the
   * router (a retry may reach another worker than its original) and in each worker (direct mode).
   */
  idempotencyTtlMs?: number;
  /** How long a shutdown lets the calls in hand finish. Default 5000. */
  shutdownDeadlineMs?: number;
  /** Restart a worker process that dies. Default true. */
  restart?: boolean;
  /** How long each worker process may take to start. Default 30 000. */
  readyTimeoutMs?: number;
  /** Worker processes' stdout/stderr: 'inherit' (default) or 'ignore'. */
  output?: 'inherit' | 'ignore';
  /** What worker processes log (pino JSON lines on their stderr). Default 'warn'. */
  workerLogLevel?: LogLevelName;
  /** This process's logger (the router); silent by default. */
  logger?: Logger;
}

export interface WorkerServiceHandle {
  /**
   * Endpoints as bound; `workers` are the workers' own endpoints in direct mode with socketMode
   * 'bind', as they are now (a restarted worker binds a new port; one restarting is missing).
   */
  readonly addresses: { bind: string | null; socket: string; control: string | null; workers: string[] };
  /** The router's pid (this process). */
  readonly pid: number;
  /** The worker processes' pids now (a restarted worker has its new pid). */
  readonly pids: number[];
  status(): Promise<WorkerServiceStatus>;
  /** Shuts down (the calls in hand finish within deadlineMs), then every worker process is gone. */
  close(deadlineMs?: number): Promise<ShutdownResult>;
  /** Resolves once the service stopped: close(), or a shutdown command on the control socket. */
  readonly done: Promise<void>;
}

const OPTION_NAMES = [
  'methods', 'processes', 'bindAddress', 'socketAddress', 'socketMode', 'controlAddress', 'startup', 'serialization', 'compression',
  'idempotencyTtlMs', 'shutdownDeadlineMs', 'restart', 'readyTimeoutMs', 'output', 'workerLogLevel', 'logger',
];

/** The worker processes' entry: the .ts beside this file under tsx, the .js in dist. */
const WORKER_ENTRY = fileURLToPath(new URL(`./worker-process-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerServiceHandle> {
  if (options === null || typeof options !== 'object') throw new TypeError(expected('worker service options', 'an options object', options));
  checkOptions('worker service options', options, OPTION_NAMES);
  const { methods, bindAddress = 'tcp://*:55555', socketMode = 'connect', shutdownDeadlineMs = 5_000, logger = silentLogger } = options;
  if (typeof methods !== 'string' || methods === '') throw new TypeError(expected('methods', 'a directory or module path', methods));
  const processes = processCount(options.processes ?? 1);
  if (typeof bindAddress !== 'string') throw new TypeError(expected('bindAddress', "an address, or '' for direct mode", bindAddress));
  checkOneOf('socketMode', socketMode, ['connect', 'bind']);
  if (socketMode === 'bind' && bindAddress !== '') throw new RangeError("socketMode: 'bind' is direct mode: give bindAddress '' (a balancer binds the worker socket itself)");
  if (bindAddress === '' && socketMode === 'connect' && options.socketAddress === undefined) {
    throw new TypeError("socketAddress: direct mode (bindAddress '') connects the workers to another service's worker socket: give its address");
  }
  if (socketMode === 'bind' && processes > 1 && !/:\*$/.test(options.socketAddress ?? '')) {
    throw new RangeError(expected('socketAddress', `an address ending in ":*" so each of the ${processes} workers binds its own port`, options.socketAddress));
  }
  const { idempotencyTtlMs } = options;
  if (idempotencyTtlMs !== undefined && (typeof idempotencyTtlMs !== 'number' || !Number.isFinite(idempotencyTtlMs) || idempotencyTtlMs <= 0)) {
    throw new RangeError(expected('idempotencyTtlMs', 'a finite number > 0', idempotencyTtlMs));
  }
  const logLevel = checkLogLevel('workerLogLevel', options.workerLogLevel ?? WORKER_LOG_LEVEL_DEFAULT);
  const execArgv = workerExecArgv(methods, options.startup);
  const dir = mkdtempSync(join(tmpdir(), 'toto-worker-service-'));
  const socketAddress = options.socketAddress ?? `ipc://${join(dir, 'workers.sock')}`;
  const controlAddress = options.controlAddress ?? `ipc://${join(dir, 'control.sock')}`;
  const loop = new LoopNode();
  const transport = new TransportZmq();
  let group: ProcessGroup | undefined;
  const release = async (): Promise<void> => {
    await group?.stop();
    await transport.close();
    loop.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let router: RouterRole;
  try {
    router = await RouterRole.start({
      transport,
      loop,
      logger,
      bindAddress,
      socketAddress,
      controlAddress,
      info: { pid: process.pid, host: hostname() },
      describe: () => ({ processes: group?.children.map((child) => ({ serviceId: child.serviceId, pid: child.pid, restarts: child.restarts })) ?? [] }),
      beforeClose: (remainingMs) => group?.stop(Math.max(remainingMs, 100)) ?? Promise.resolve(),
      shutdownDeadlineMs,
      ...(idempotencyTtlMs === undefined ? {} : { idempotency: { ttlMs: idempotencyTtlMs } }),
    });
    const workerConfig: WorkerProcessConfig = {
      methods: options.methods,
      // The balancer's DEALER as bound (an ipc path or the port a tcp://host:* bind chose).
      socketAddress: router.addresses.socket,
      socketMode,
      controlAddress: router.addresses.control ?? '',
      shutdownDeadlineMs,
      namePrefix: `worker-${process.pid}`,
      logLevel,
      ...pick(options, ['startup', 'serialization', 'compression', 'idempotencyTtlMs']),
    };
    group = await ProcessGroup.start({
      entry: WORKER_ENTRY,
      count: processes,
      env: { [WORKER_CONFIG_ENV]: JSON.stringify(workerConfig) },
      restart: options.restart ?? true,
      logger,
      ...(execArgv === undefined ? {} : { execArgv }),
      ...pick(options, ['readyTimeoutMs', 'output']),
    });
  } catch (error) {
    await release();
    throw error;
  }
  const started = group;
  started.onExit((exit: ChildExit) => {
    if (exit.restarting) logger.warn({ ...exit }, 'worker service: a worker process died; restarting it');
  });
  const done = router.done.then(release);
  return {
    get addresses() {
      // A worker still starting has reported nothing yet.
      const endpoints = started.children.map((child) => (child.info as { endpoint?: unknown } | undefined)?.endpoint);
      return { ...router.addresses, workers: endpoints.filter((endpoint): endpoint is string => typeof endpoint === 'string' && endpoint !== '') };
    },
    pid: process.pid,
    get pids() {
      return started.pids;
    },
    status: () => router.status(),
    async close(deadlineMs = shutdownDeadlineMs) {
      const result = await router.shutdown(deadlineMs);
      await done;
      return result;
    },
    done,
  };
}

/**
 * Node options of the worker processes: tsx's loader when this runs from dist (a .js entry) and
 * the methods or the startup hook are TypeScript; undefined (ProcessGroup's default) otherwise.
 */
function workerExecArgv(methods: string, startup: unknown): string[] | undefined {
  if (WORKER_ENTRY.endsWith('.ts')) return undefined;
  for (const [name, path] of [['methods', methods], ['startup', startup]] as const) {
    const file = typeof path === 'string' && path !== '' ? typeScriptFileIn(path) : undefined;
    if (file !== undefined) return typeScriptLoaderArgs(`${name}: ${file} is TypeScript`);
  }
  return undefined;
}

function processCount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1) throw new RangeError(expected('processes', 'an integer >= 0, or -1 for one per CPU', value));
  return value === -1 ? availableParallelism() : value;
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
