// What a worker process is told (one JSON environment variable, set by the worker service for
// each child) and how it loads its methods and its startup hook from paths.

import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkNonEmptyString, describe, expected } from '../core/validate.js';
import { WorkerMethods, type MethodMap } from '../core/worker-methods.js';
import type { ServiceWorker } from '../core/worker-service-worker.js';
import type { CompressionName, SerializationName } from './codecs.js';
import { loadWorkerMethodsDir } from './worker-methods-dir.js';
import { checkLogLevel, type LogLevelName } from './worker-service-logger.js';

/** The environment variable holding a worker process's WorkerProcessConfig. */
export const WORKER_CONFIG_ENV = 'TOTO_WORKER_SERVICE';

export interface WorkerProcessConfig {
  /** A directory of method modules, or a module exporting a method map (`methods` or default). */
  methods: string;
  socketAddress: string;
  socketMode: 'connect' | 'bind';
  /** '' = no control socket. */
  controlAddress: string;
  /** A module exporting `startup(worker)` (or a default function). */
  startup?: string;
  serialization?: SerializationName;
  compression?: CompressionName;
  idempotencyTtlMs?: number;
  /** How long a worker told to stop (SIGTERM) waits for the call in hand. */
  shutdownDeadlineMs: number;
  /** Worker names are `<namePrefix>-<serviceId>`. */
  namePrefix: string;
  /** What the worker logs on its stderr. */
  logLevel: LogLevelName;
}

/** Reads the config a worker process was started with; the error says what is missing. */
export function readWorkerProcessConfig(raw: string | undefined): WorkerProcessConfig {
  if (raw === undefined || raw === '') throw new Error(`${WORKER_CONFIG_ENV}: not set (this module runs as a worker of startWorkerService)`);
  let config: unknown;
  try {
    config = JSON.parse(raw);
  } catch (error) {
    throw new Error(`${WORKER_CONFIG_ENV}: expected JSON, got ${JSON.stringify(raw.slice(0, 80))}`, { cause: error });
  }
  const c = config as Partial<WorkerProcessConfig> | null;
  if (c === null || typeof c !== 'object') throw new TypeError(expected(WORKER_CONFIG_ENV, 'a JSON object', config));
  checkNonEmptyString('methods', c.methods);
  checkNonEmptyString('socketAddress', c.socketAddress);
  checkLogLevel('logLevel', c.logLevel);
  return c as WorkerProcessConfig;
}

/**
 * Methods from a path: a directory of modules (methods/a/b.ts is "a.b"), or one module exporting
 * a method map as `methods` or as its default export. Errors name the path.
 */
export async function loadServiceMethods(path: string): Promise<WorkerMethods<ServiceWorker>> {
  checkNonEmptyString('methods', path);
  const full = resolve(path);
  let info;
  try {
    info = await stat(full);
  } catch (error) {
    throw new Error(`methods: cannot read ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
  if (info.isDirectory()) return loadWorkerMethodsDir<ServiceWorker>(full);
  const module = await importModule('methods', full);
  const map = module.methods ?? module.default;
  if (map instanceof WorkerMethods) return map as WorkerMethods<ServiceWorker>;
  if (map === null || typeof map !== 'object') {
    throw new TypeError(`methods: ${full}: expected a directory, or a module exporting a method map as "methods" or default, got ${describe(map)}`);
  }
  return WorkerMethods.fromMap<ServiceWorker>(map as MethodMap<ServiceWorker>);
}

/** Toto's startup_function: the module's `startup` export, or its default export. */
export async function loadStartupHook(path: string): Promise<(worker: ServiceWorker) => unknown> {
  checkNonEmptyString('startup', path);
  const full = resolve(path);
  const module = await importModule('startup', full);
  const hook = module.startup ?? module.default;
  if (typeof hook !== 'function') throw new TypeError(`startup: ${full}: expected an exported startup(worker) function (or a default export), got ${describe(hook)}`);
  return hook as (worker: ServiceWorker) => unknown;
}

/** TypeScript module endings (declaration files are never loaded). */
const TYPESCRIPT_FILE = /(?<!\.d)\.(ts|mts|cts)$/;

/**
 * A TypeScript file that loading `path` (a module, or a directory of method modules) would
 * import, or undefined: a worker process run from dist then needs tsx's loader. A path that
 * cannot be read is undefined here; the worker names the problem when it loads it.
 */
export function typeScriptFileIn(path: string): string | undefined {
  const full = resolve(path);
  try {
    if (!statSync(full).isDirectory()) return TYPESCRIPT_FILE.test(full) ? full : undefined;
    const file = readdirSync(full, { recursive: true, encoding: 'utf8' }).find((name) => TYPESCRIPT_FILE.test(name));
    return file === undefined ? undefined : resolve(full, file);
  } catch {
    return undefined;
  }
}

async function importModule(what: string, full: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(full).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${what}: cannot import ${full}: ${(error as Error)?.message ?? describe(error)}`, { cause: error });
  }
}
