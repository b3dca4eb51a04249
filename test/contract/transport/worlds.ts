// The conformance harness: one test body, run against the simulated network (virtual time)
// and against real zeromq.js through TransportZmq (tcp, ipc, inproc), so the simulation is
// held to what the real library does.
//
// Worlds: 'sim' (NetworkSim over tcp addresses between hosts), 'sim-ipc' and 'sim-inproc' (the
// simulation with those addresses, every host one simulated machine), 'tcp', 'ipc', 'inproc'
// (real). Lists: ALL_WORLDS (sim + the three real), EVERY_WORLD (all six), STREAM_WORLDS /
// EVERY_STREAM_WORLD (no inproc), TCP_WORLDS.
//
// Usage (one body per behaviour, run in every world it applies to):
//
//   describeWorlds('PUSH round-robins', ALL_WORLDS, async (w) => {
//     const pull = w.transport('b').socket('pull');
//     const address = await w.address('b', 'jobs');   // same string for bind and connect
//     await pull.bind(address);
//     const push = w.transport('a').socket('push');
//     push.connect(address);
//     await w.waitFor(() => ..., { timeoutMs: 5000 }); // a condition with a deadline, never a bare sleep
//   });
//
// - `w.transport(host)`: the host's TransportPort. Sim: NetworkSim.transport(host). Real: one
//   TransportZmq per host (tcp, ipc); inproc needs one shared context, so all hosts share one.
//   Every socket made through it is closed at teardown, then the transports. Sockets get
//   lingerMs 0 unless the body gives lingerMs (so a failed body never holds the process open).
// - `w.address(host, name)`: an address the bind side (on `host`) and the connect side both use;
//   unique per test in the real worlds (a free loopback port, a fresh ipc path under os.tmpdir(),
//   a fresh inproc name). `w.anyPort(host)` is the `tcp://host:*` form for ephemeral binds.
// - `w.sleep(ms)`, `w.now()`: virtual ms in the sim, real ms otherwise.
// - `w.waitFor(cond, { timeoutMs })`: resolves once `cond()` holds, rejects at the deadline.
//   Sim: checked between kernel events, deadline in virtual time. Real: polled every few ms.
// - `w.scheme`: 'tcp' | 'ipc' | 'inproc', for the few bodies where those differ (stated in them).
// - `w.sim`: the kernel and network in the sim worlds (undefined in the real ones), for
//   sim-only steps such as faults.
// - Helpers: `collect(socket)` receives into an array, `stillPending(w, promise, ms)` for "stays
//   pending", `failureOf(() => call)` tells a synchronous throw from a rejection, `text(message)`.
// The sim world runs the kernel alongside the body until the body settles: a body stuck
// on something that can never happen fails at its virtual deadline instead of hanging.
// Where real behaviour varies with timing, a body states the property both worlds satisfy.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { LoopNode } from '../../../src/adapters/loop-node.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import type { Socket, SocketOptions, SocketType, TransportPort } from '../../../src/core/transport.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { TransportZmq } from '../../../src/adapters/transport-zmq.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

export type WorldName = 'sim' | 'sim-ipc' | 'sim-inproc' | 'tcp' | 'ipc' | 'inproc';
export const ALL_WORLDS: readonly WorldName[] = ['sim', 'tcp', 'ipc', 'inproc'];
/**
 * The simulation with ipc or inproc addresses, for bodies where those transports differ (their
 * own rows in the suite): ipc and inproc are machine-local, so every host of these worlds is
 * one simulated host, as the real worlds run on one machine.
 */
export const SIM_LOCAL_WORLDS: readonly WorldName[] = ['sim-ipc', 'sim-inproc'];
/** ALL_WORLDS plus the simulation over ipc and inproc. */
export const EVERY_WORLD: readonly WorldName[] = [...ALL_WORLDS, ...SIM_LOCAL_WORLDS];
/** The worlds where a connection is a byte stream between hosts (no inproc). */
export const STREAM_WORLDS: readonly WorldName[] = ['sim', 'tcp', 'ipc'];
/** STREAM_WORLDS plus the simulation over ipc. */
export const EVERY_STREAM_WORLD: readonly WorldName[] = [...STREAM_WORLDS, 'sim-ipc'];
export const TCP_WORLDS: readonly WorldName[] = ['sim', 'tcp'];

export interface WaitOptions {
  /** Deadline for the condition (virtual ms in the sim). Default 5000. */
  timeoutMs?: number;
  /** Named in the error at the deadline. */
  what?: string;
}

export interface World {
  readonly name: WorldName;
  /** The address scheme this world's addresses use. */
  readonly scheme: 'tcp' | 'ipc' | 'inproc';
  readonly realTime: boolean;
  transport(host: string): TransportPort;
  /** Shorthand for `transport(host).socket(type, options)`. */
  socket(host: string, type: SocketType, options?: SocketOptions): Socket;
  address(host: string, name: string): Promise<string>;
  /** `tcp://<host>:*`: bind to any free port, read it back from `socket.lastEndpoint`. */
  anyPort(host: string): string;
  now(): number;
  sleep(ms: number): Promise<void>;
  waitFor(condition: () => boolean, options?: WaitOptions): Promise<void>;
  /** Sim world only. */
  readonly sim: { kernel: SimKernel; net: NetworkSim } | undefined;
}

export type Body = (world: World) => Promise<void>;

export interface ContractOptions {
  /** Virtual deadline of the whole body in the sim (default 120 s), real deadline elsewhere (default 20 s). */
  timeoutMs?: number;
  /** Seed of the sim world's random. Default 1. */
  seed?: number;
}

const DEFAULT_WAIT_MS = 5_000;
const REAL_BODY_MS = 20_000;
const SIM_BODY_MS = 120_000;
const REAL_POLL_MS = 2;

/** Tracks whether a promise settled, without awaiting it (for "stays pending" checks). */
export function track<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** True if `promise` is still unsettled after `ms` (virtual ms in the sim): "stays pending" checks. */
export async function stillPending(world: World, promise: Promise<unknown>, ms = 300): Promise<boolean> {
  const state = track(promise);
  await world.sleep(ms);
  return !state.settled;
}

/** How a call failed: thrown synchronously, or a rejected promise (undefined if it did neither). */
export async function failureOf(call: () => unknown): Promise<{ sync: boolean; error: unknown } | undefined> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return { sync: true, error };
  }
  if (!(result instanceof Promise)) return undefined;
  try {
    await result;
    return undefined;
  } catch (error) {
    return { sync: false, error };
  }
}

const decoder = new TextDecoder();
/** A LoopPort on world `w`'s clock: the simulation's kernel, or Node's real loop; close() releases the real one. */
export function worldLoop(w: World): { loop: LoopPort; close(): void } {
  if (w.sim) return { loop: new LoopSim(w.sim.kernel), close: () => {} };
  const node = new LoopNode();
  return { loop: node, close: () => node.close() };
}

export function text(message: Uint8Array[]): string[] {
  return message.map((frame) => decoder.decode(frame));
}

/** Receives until the socket closes, each message as strings, into the returned array. */
export function collect(socket: { receive(): Promise<Uint8Array[]> }): string[][] {
  const into: string[][] = [];
  void (async () => {
    for (;;) into.push(text(await socket.receive()));
  })().catch(() => undefined);
  return into;
}

/** Defines one vitest test per world, each running `body` in a fresh world. */
export function describeWorlds(name: string, worlds: readonly WorldName[], body: Body, options: ContractOptions = {}): void {
  describe(name, () => {
    for (const worldName of worlds) {
      const real = !worldName.startsWith('sim');
      it(worldName, () => runInWorld(worldName, body, options), (real ? (options.timeoutMs ?? REAL_BODY_MS) : 0) + 30_000);
    }
  });
}

/** Runs one body in a fresh world and tears it down, whatever the body did. */
export async function runInWorld(name: WorldName, body: Body, options: ContractOptions = {}): Promise<void> {
  if (name === 'sim' || name === 'sim-ipc' || name === 'sim-inproc') return runSim(name, body, options);
  return runReal(name, body, options);
}

// --- tracking sockets so teardown closes every one ------------------------------------

class Tracked {
  readonly sockets: Socket[] = [];
  wrap(transport: TransportPort): TransportPort {
    const sockets = this.sockets;
    return {
      socket(type, options) {
        // lingerMs 0 unless the body asks: a failed body must not leave queued messages that
        // hold the test process open at exit (libzmq's linger -1).
        const socket = transport.socket(type, { lingerMs: 0, ...options });
        sockets.push(socket);
        return socket;
      },
      httpListen: (address, handler) => transport.httpListen(address, handler),
      httpRequest: (url, options) => transport.httpRequest(url, options),
    };
  }
  closeAll(): void {
    for (const socket of this.sockets.splice(0)) {
      try {
        if (!socket.closed) socket.close();
      } catch {
        // A socket whose close throws is already gone; teardown goes on with the others.
      }
    }
  }
}

// --- the simulated world ------------------------------------------------------------------

async function runSim(name: 'sim' | 'sim-ipc' | 'sim-inproc', body: Body, options: ContractOptions): Promise<void> {
  const scheme = name === 'sim' ? 'tcp' : name === 'sim-ipc' ? 'ipc' : 'inproc';
  // ipc and inproc reach only the same machine: all hosts are one simulated host.
  const hostOf = (host: string): string => (scheme === 'tcp' ? host : 'local');
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(options.seed ?? 1) });
  const tracked = new Tracked();
  const transports = new Map<string, TransportPort>();
  const waiters = new Set<{ check(): boolean }>();
  let nextPort = 20_000;
  // Conditions are checked between events; a true one yields a macrotask so the body runs first.
  kernel.setBetween(() => {
    let resolved = false;
    for (const waiter of [...waiters]) if (waiter.check()) resolved = true;
    return resolved;
  });
  const world: World = {
    name,
    scheme,
    realTime: false,
    sim: { kernel, net },
    transport(host) {
      let transport = transports.get(hostOf(host));
      if (!transport) transports.set(hostOf(host), (transport = tracked.wrap(net.transport(hostOf(host)))));
      return transport;
    },
    socket(host, type, socketOptions) {
      return world.transport(host).socket(type, socketOptions);
    },
    address(host, label) {
      net.addHost(hostOf(host));
      if (scheme === 'tcp') return Promise.resolve(`tcp://${host}:${nextPort++}`);
      return Promise.resolve(`${scheme}://${scheme === 'ipc' ? '/tmp/' : ''}${label.replace(/[^a-zA-Z0-9_-]/g, '_')}-${nextPort++}`);
    },
    anyPort(host) {
      net.addHost(host);
      return `tcp://${host}:*`;
    },
    now: () => kernel.now(),
    sleep(ms) {
      return new Promise<void>((resolve) => kernel.schedule(kernel.now() + ms, resolve));
    },
    waitFor(condition, waitOptions = {}) {
      if (condition()) return Promise.resolve();
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS;
      const startMs = kernel.now();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          check: (): boolean => {
            if (!condition()) return false;
            waiters.delete(waiter);
            kernel.cancel(timer);
            resolve();
            return true;
          },
        };
        const timer = kernel.schedule(startMs + timeoutMs, () => {
          if (!waiters.delete(waiter)) return;
          if (condition()) return resolve();
          reject(new Error(`waitFor${waitOptions.what ? ` (${waitOptions.what})` : ''}: not true after ${timeoutMs} virtual ms`));
        });
        waiters.add(waiter);
      });
    },
  };
  const deadlineMs = options.timeoutMs ?? SIM_BODY_MS;
  let settled = false;
  let timedOut = false;
  const outcome = body(world).finally(() => {
    settled = true;
    kernel.stop();
  });
  outcome.catch(() => undefined);
  const deadline = kernel.schedule(deadlineMs, () => {
    timedOut = true;
    kernel.stop();
  });
  try {
    // The body's continuations run in the microtasks after each event; the kernel stops when it settles.
    while (!settled && !timedOut) {
      const summary = await kernel.run({ stepsMax: 5_000_000 });
      if (!settled && summary.reason === 'idle') {
        throw new Error(`sim world: the body is waiting for something that never happens (kernel idle at ${kernel.now()} virtual ms)`);
      }
    }
    if (!settled) throw new Error(`sim world: the body did not finish within ${deadlineMs} virtual ms`);
    kernel.cancel(deadline);
    await outcome;
  } finally {
    tracked.closeAll();
    kernel.setBetween(undefined);
  }
}

// --- the real worlds: zeromq.js through TransportZmq ---------------------------------------

/**
 * A loopback port free right now, taken from a slice of 20000-31999 that belongs to this vitest
 * worker alone: below Linux's ephemeral range (32768-60999), so no outgoing connection or
 * `tcp://host:*` bind of another test can take it between the probe and the bind, and disjoint
 * between test files running in parallel. The probe is closed before use.
 */
const PORT_SLICE = 1500;
const poolSlot = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1) % 8;
let portSeq = 0;

async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORT_SLICE; tries++) {
    const port = 20000 + poolSlot * PORT_SLICE + (portSeq++ % PORT_SLICE);
    if (await isFree(port)) return port;
  }
  throw new Error(`freePort: no free port in this worker's slice of ${PORT_SLICE}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

let inprocSeq = 0;

async function runReal(name: 'tcp' | 'ipc' | 'inproc', body: Body, options: ContractOptions): Promise<void> {
  const tracked = new Tracked();
  const raw = new Map<string, TransportZmq>();
  const wrapped = new Map<string, TransportPort>();
  const shared = name === 'inproc' ? new TransportZmq() : undefined;
  const ipcDir = name === 'ipc' ? mkdtempSync(join(tmpdir(), 'toto-contract-')) : undefined;
  const startMs = performance.now();
  let ipcSeq = 0;
  const world: World = {
    name,
    scheme: name,
    realTime: true,
    sim: undefined,
    transport(host) {
      let transport = wrapped.get(host);
      if (!transport) {
        const base = shared ?? new TransportZmq();
        raw.set(host, base);
        wrapped.set(host, (transport = tracked.wrap(base)));
      }
      return transport;
    },
    socket(host, type, socketOptions) {
      return world.transport(host).socket(type, socketOptions);
    },
    async address(_host, label) {
      const safe = label.replace(/[^a-zA-Z0-9_-]/g, '_');
      if (name === 'tcp') return `tcp://127.0.0.1:${await freePort()}`;
      if (name === 'ipc') return `ipc://${join(ipcDir as string, `${safe}-${ipcSeq++}.sock`)}`;
      return `inproc://${safe}-${process.pid}-${inprocSeq++}`;
    },
    anyPort: () => 'tcp://127.0.0.1:*',
    now: () => performance.now() - startMs,
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    async waitFor(condition, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? DEFAULT_WAIT_MS;
      const until = performance.now() + timeoutMs;
      while (!condition()) {
        if (performance.now() > until) throw new Error(`waitFor${waitOptions.what ? ` (${waitOptions.what})` : ''}: not true after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => setTimeout(resolve, REAL_POLL_MS));
      }
    },
  };
  const deadlineMs = options.timeoutMs ?? REAL_BODY_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      body(world),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} world: the body did not finish within ${deadlineMs} ms`)), deadlineMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    tracked.closeAll();
    const closing = new Set<TransportZmq>(raw.values());
    if (shared) closing.add(shared);
    for (const transport of closing) await transport.close();
    if (ipcDir) rmSync(ipcDir, { recursive: true, force: true });
  }
}
