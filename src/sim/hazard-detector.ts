// Detects real asynchronous work that completes while a simulation runs: fs, worker_threads
// and MessageChannel, real sockets, dns, child processes, real timers taken before the run
// (util.promisify(setTimeout) at import time), async crypto jobs. Its callback would run
// outside virtual time, in an order set by the machine, so the run is not a function of its
// seed: each one is reported as a determinism hazard naming the API.
//
// How: an async_hooks `before` hook (no `init` hook: Node then wraps every promise, which
// costs 2-3x; `before` alone costs ~10-20% on a promise-heavy run, and only while a run with
// detection is active). Async ids increase monotonically, so a resource whose id is above a
// mark taken when the run started was created during it; older ones (a test runner's IPC
// channel, the runner's own timers, tsx's loader port, a worker's parentPort, sockets a
// previous test is still closing) are not the run's and are ignored. The price: a channel or
// socket opened before the run and used during it is missed (open them in the host's factory).
// Continuations (promises, nextTick, queueMicrotask) and the kernel's own setImmediate
// batches are not hazards.
// A run can also end (idle) while real work it started is still pending, so its completion
// would come after the run: at the end, process.getActiveResourcesInfo() is compared with its
// value at the start, and each kind of resource that grew is reported as pending.
// Log output is not a hazard: an asynchronous write to stdout or stderr (pino's default
// destination) only acknowledges output nothing in the run reads back. The bridge starts such
// writes through exemptRequest(), which exempts the one request the write creates.

import { AsyncResource, createHook, executionAsyncResource } from 'node:async_hooks';

export interface Hazard {
  /** The API whose real completion escaped virtual time, e.g. "fs", "MessagePort (...)". */
  api: string;
  /** The Node resource that completed (its class name), e.g. "FSReqCallback". */
  resource: string;
  /** True when the work was still pending as the run ended (else it completed during the run). */
  pending?: boolean;
}

const API_BY_RESOURCE: Record<string, string> = {
  FSReqCallback: 'fs',
  FSReqPromise: 'fs/promises',
  FileHandle: 'fs/promises',
  FileHandleCloseReq: 'fs/promises',
  StatWatcher: 'fs.watchFile',
  FSEvent: 'fs.watch',
  MessagePort: 'MessagePort (MessageChannel, BroadcastChannel or worker_threads)',
  Worker: 'worker_threads.Worker',
  TCP: 'net (a real TCP socket)',
  TCPConnectWrap: 'net (a real TCP connect)',
  Pipe: 'net (a real pipe or IPC socket)',
  PipeConnectWrap: 'net (a real IPC connect)',
  WriteWrap: 'net (a real socket write)',
  ShutdownWrap: 'net (a real socket shutdown)',
  TLSWrap: 'tls',
  UDP: 'dgram',
  SendWrap: 'dgram',
  HTTPParser: 'http (a real HTTP connection)',
  GetAddrInfoReqWrap: 'dns.lookup',
  GetNameInfoReqWrap: 'dns.lookupService',
  QueryReqWrap: 'dns',
  Process: 'child_process',
  SignalWrap: 'process.on(signal)',
  Zlib: 'zlib (async)',
  TCPSocketWrap: 'net (a real TCP socket)',
  TCPServerWrap: 'net (a real TCP server)',
  PipeWrap: 'net (a real pipe or IPC socket)',
  PipeServerWrap: 'net (a real IPC server)',
  UDPWrap: 'dgram',
  ProcessWrap: 'child_process',
  FSEventWrap: 'fs.watch',
  Timeout: 'setTimeout/setInterval (a real timer: a reference taken before the run, e.g. util.promisify(setTimeout) at import time)',
  Immediate: 'setImmediate (a real one: a reference taken before the run)',
};

/** Names the API behind a Node async resource. */
export function apiOfResource(name: string): string {
  const api = API_BY_RESOURCE[name];
  if (api !== undefined) return api;
  if (name.endsWith('Job')) return `crypto (async ${name})`;
  return `${name} (real asynchronous work)`;
}

interface Detection {
  mark: number;
  /** Async ids of exempt requests (log output) not yet completed. */
  exempt: Set<number>;
  /** process.getActiveResourcesInfo() counts when the run started. */
  activeAtStart: Map<string, number>;
  isOwn: (resource: object) => boolean;
  report: (hazard: Hazard) => void;
}

let active: Detection | undefined;

function isContinuation(resource: object): boolean {
  // Node's internals use SafePromise (a Promise subclass from another realm's primordials): the tag tells.
  if (resource instanceof Promise || Object.prototype.toString.call(resource) === '[object Promise]') return true;
  const ctor = (resource as { constructor?: { name?: string } }).constructor;
  // process.nextTick's TickObject is a plain object; queueMicrotask's is an AsyncResource with a callback.
  if (ctor === Object || ctor === undefined) return true;
  return ctor === AsyncResource && typeof (resource as { callback?: unknown }).callback === 'function';
}

const hook = createHook({
  before(asyncId) {
    const detection = active;
    if (detection === undefined) return;
    try {
      const resource = executionAsyncResource();
      if (resource === null || typeof resource !== 'object') return;
      if (asyncId <= detection.mark || detection.exempt.delete(asyncId)) return;
      if (isContinuation(resource) || detection.isOwn(resource)) return;
      const name = (resource as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      detection.report({ api: apiOfResource(name), resource: name });
    } catch {
      // An async hook must never throw (Node would abort the process); a hazard missed here is reported by nothing else.
    }
  },
});

/**
 * Starts detection for one run: `isOwn` recognises the simulation's own real resources (the
 * kernel's immediates); `report` receives each hazard. One run at a time (the bridge's rule).
 */
export function startHazardDetection(isOwn: (resource: object) => boolean, report: (hazard: Hazard) => void): void {
  if (active !== undefined) throw new Error('hazard detection: another simulation run is being watched; run one simulation at a time');
  // A fresh async id: every resource created from now on has a larger one.
  const mark = new AsyncResource('toto-sim-run').asyncId();
  active = { mark, exempt: new Set(), isOwn, report, activeAtStart: countActive() };
  hook.enable();
}

function countActive(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Reports real work started during the run and still pending now (call at the run's end):
 * each kind of active resource that grew since the start. The kernel's own immediates are
 * left out (a finished run may leave some of its batch queued).
 */
export function reportPendingHazards(): void {
  const detection = active;
  if (detection === undefined) return;
  for (const [type, count] of countActive()) {
    const exempt = type === 'FSReqCallback' ? detection.exempt.size : 0;
    if (type === 'Immediate' || count - exempt <= (detection.activeAtStart.get(type) ?? 0)) continue;
    detection.report({ api: apiOfResource(type), resource: type, pending: true });
  }
}

/**
 * Runs `start`, a call that creates exactly one request (fs.write to stdout or stderr), and
 * exempts that request's completion. Async ids are consecutive, so its id is the one after a
 * fresh marker's; a second marker checks that nothing else was created in between, else the
 * guess is dropped (the completion is then reported, never another resource silently skipped).
 */
export function exemptRequest<T>(start: () => T): T {
  const detection = active;
  if (detection === undefined) return start();
  const id = new AsyncResource('toto-exempt').asyncId() + 1;
  detection.exempt.add(id);
  try {
    return start();
  } finally {
    if (new AsyncResource('toto-exempt').asyncId() !== id + 1) detection.exempt.delete(id);
  }
}

export function stopHazardDetection(): void {
  if (active === undefined) return;
  active = undefined;
  hook.disable();
}

/** File-system requests: a module loader's cache writes (tsx) are chains of these. */
const FILE_IO = new Set(['FSReqCallback', 'FSReqPromise', 'FileHandle', 'FileHandleCloseReq']);
export const SETTLE_FILE_IO_MS_MAX = 1000;

/**
 * Waits (in real time, at most `deadlineMs`) until no file-system request is pending, so file
 * work begun before a run cannot continue into it. Without this, a module loader's cache write
 * (tsx writes each freshly compiled file with fs.promises.writeFile: open, write, close, each
 * request made from the previous one's completion) straddles the run's start and its later
 * steps are reported as the run's hazards. Returns at once when nothing is pending.
 */
export async function settleFileIo(deadlineMs = SETTLE_FILE_IO_MS_MAX, now: () => number = () => performance.now()): Promise<void> {
  const until = now() + deadlineMs;
  while (process.getActiveResourcesInfo().some((type) => FILE_IO.has(type)) && now() < until) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}
