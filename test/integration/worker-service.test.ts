// Proves startWorkerService with real worker processes on 127.0.0.1: calls reach both worker pids, the startup hook ran in each, status answers over the control socket, shutdown lets the call in hand finish and leaves no process; a SIGKILLed worker is restarted while autoRetry calls all succeed; idempotencyTtlMs keeps a retry from running on a second worker; SIGINT (Ctrl-C) does not end a worker; direct mode lists each worker's endpoint, a restarted one's new one too; router-only mode serves the workers of another service; bad options are named.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { startWorkerService, type WorkerServiceHandle } from '../../src/adapters/worker-service-node.js';
import { Random } from '../../src/core/random.js';
import { sendWorkerCommand } from '../../src/core/worker-control-client.js';
import { ZmqWorkerConnection } from '../../src/core/zmq-worker-connection.js';

const METHODS = fileURLToPath(new URL('../fixtures/worker-methods', import.meta.url));
const STARTUP = fileURLToPath(new URL('./fixtures/worker-startup.ts', import.meta.url));

const services: WorkerServiceHandle[] = [];
const opened: { close(): unknown }[] = [];
const started: number[] = [];

afterEach(async () => {
  for (const conn of opened.splice(0)) await conn.close();
  for (const service of services.splice(0).reverse()) await service.close(1000).catch(() => undefined);
  // Whatever a failed test left: no worker process outlives its test.
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function start(options: Parameters<typeof startWorkerService>[0]): Promise<WorkerServiceHandle> {
  const service = await startWorkerService({ output: 'ignore', readyTimeoutMs: 30_000, ...options });
  services.push(service);
  started.push(...service.pids);
  return service;
}

function client(address: string, options: { autoRetry?: boolean; timeoutMs?: number } = {}) {
  const loop = new LoopNode();
  const transport = new TransportZmq();
  const conn = new ZmqWorkerConnection({ transport, loop, random: new Random(5), address, timeoutMs: 5000, socketOptions: { lingerMs: 0 }, ...options });
  opened.push({ close: async () => (await conn.close(), await transport.close(), loop.close()) });
  return { conn, loop, transport };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const untilMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > untilMs) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The pids answering return_pid, calling until every one of `want` has answered (or the deadline).
 * A worker reports ready once its socket connects, not once the connection is made: until then
 * the balancer's DEALER sends every call to the workers already connected.
 */
async function pidsAnswering(conn: ZmqWorkerConnection, want: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const seen = new Set<number>();
  for (const untilMs = Date.now() + timeoutMs; want.some((pid) => !seen.has(pid)) && Date.now() < untilMs; ) {
    seen.add(((await conn.invoke('return_pid', {})) as { pid: number }).pid);
  }
  return [...seen].sort();
}

/**
 * Waits until a worker reports a call in hand. Polled with a pause: while no worker is known yet,
 * status() settles without a macrotask, and a loop without one would starve the event loop of
 * the very hello it waits for.
 */
async function callInHand(service: WorkerServiceHandle, timeoutMs = 10_000): Promise<void> {
  for (const untilMs = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
    const status = await service.status();
    if (status.workers.some((w) => 'inFlight' in w && w.inFlight > 0)) return;
    if (Date.now() > untilMs) throw new Error(`no worker has a call in hand after ${timeoutMs} ms: ${JSON.stringify(status)}`);
  }
}

describe('startWorkerService: real worker processes', () => {
  it('two workers: calls reach both pids, status answers, shutdown drains the call in hand, no process is left', async () => {
    const service = await start({ methods: METHODS, processes: 2, bindAddress: 'tcp://127.0.0.1:*', startup: STARTUP });
    expect(service.pids).toHaveLength(2);
    expect(service.addresses.bind).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const { conn, loop, transport } = client(service.addresses.bind!);
    expect(await pidsAnswering(conn, service.pids)).toEqual([...service.pids].sort());
    expect(await conn.invoke('startup_seen', {})).toMatch(/^startup hook in worker-\d+-[01] \(pid \d+\)$/);
    expect(await conn.typed<{ math: { add(p: { a: number; b: number }): number } }>().math.add({ a: 2, b: 3 })).toBe(5);

    const status = await sendWorkerCommand({ transport, loop, address: service.addresses.control!, command: 'status', timeoutMs: 10_000 });
    expect(status).toMatchObject({ role: 'router', pid: process.pid, workerCount: 2, served: conn.stats.settledOk });
    expect(conn.stats.settledOk).toBeGreaterThanOrEqual(4);
    expect(status.workers.map((w) => w.pid).sort()).toEqual([...service.pids].sort());
    expect(status.workers.every((w) => w.status === 'Listening')).toBe(true);

    const workerPids = service.pids;
    const slow = conn.invoke('slow', { ms: 800 });
    // The call is in a worker's hands (it runs 800 ms) when the shutdown comes.
    await callInHand(service);
    const result = await sendWorkerCommand({ transport, loop, address: service.addresses.control!, command: 'shutdown', deadlineMs: 5000 });
    expect(((await slow) as { waitedMs: number }).waitedMs).toBe(800);
    expect(result.workers.map((w) => w.status)).toEqual(['Finished', 'Finished']);
    await service.done;
    await until(() => workerPids.every((pid) => !alive(pid)), 'every worker process exited');
  });

  it('a worker SIGKILLed mid-load: autoRetry answers every call, and the worker is restarted', async () => {
    const service = await start({ methods: METHODS, processes: 2, bindAddress: 'tcp://127.0.0.1:*' });
    const { conn } = client(service.addresses.bind!, { autoRetry: true, timeoutMs: 1000 });
    const [victim] = service.pids;
    const calls = Array.from({ length: 40 }, (_, i) => conn.invoke('slow', { ms: 20 + (i % 5) * 10 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(victim!, 'SIGKILL');
    const answers = (await Promise.all(calls)) as { pid: number }[];
    expect(answers).toHaveLength(40);
    await until(() => service.pids.length === 2 && !service.pids.includes(victim!), 'a new worker in place of the killed one');
    started.push(...service.pids);
    expect(await pidsAnswering(conn, service.pids)).toEqual([...service.pids].sort());
    const status = await service.status();
    expect(status.processes).toEqual(expect.arrayContaining([expect.objectContaining({ restarts: 1 })]));
  });

  it('idempotencyTtlMs: a retry that the router would hand to the other worker is not run twice', async () => {
    const service = await start({ methods: METHODS, processes: 2, bindAddress: 'tcp://127.0.0.1:*', idempotencyTtlMs: 60_000 });
    const { conn } = client(service.addresses.bind!, { autoRetry: true, timeoutMs: 300 });
    await pidsAnswering(conn, service.pids);
    const before = (await service.status()).served;
    // Attempt 1 runs 1500 ms on one worker; its retries (every ~300 ms) would go round to the other.
    expect(await conn.invoke('slow', { ms: 1500 })).toMatchObject({ waitedMs: 1500 });
    expect(conn.stats.retried).toBeGreaterThan(0);
    const status = await service.status();
    expect(status.served - before).toBe(1);
    // Each retry waited at the router for its original's reply (or, come after it, was answered from the window).
    const window = (status.balancer as { idempotency: { joins: number; hits: number } }).idempotency;
    expect(window.joins + window.hits).toBeGreaterThan(0);
  });

  it("Ctrl-C's SIGINT reaching a worker process does not end it: the call in hand is answered, no restart (the parent decides)", async () => {
    const service = await start({ methods: METHODS, processes: 1, bindAddress: 'tcp://127.0.0.1:*' });
    const { conn } = client(service.addresses.bind!);
    const [pid] = service.pids;
    const slow = conn.invoke('slow', { ms: 800 });
    await callInHand(service);
    process.kill(pid!, 'SIGINT');
    expect(await slow).toMatchObject({ pid, waitedMs: 800 });
    expect(((await conn.invoke('return_pid', {})) as { pid: number }).pid).toBe(pid);
    expect(service.pids).toEqual([pid]);
    expect((await service.status()).processes).toEqual([expect.objectContaining({ pid, restarts: 0 })]);
  });

  it("direct mode, each worker bound on its own port: clients reach them straight; a restarted worker's new endpoint is listed", async () => {
    const service = await start({ methods: METHODS, processes: 2, bindAddress: '', socketMode: 'bind', socketAddress: 'tcp://127.0.0.1:*' });
    expect(service.addresses.bind).toBeNull();
    const endpoints = service.addresses.workers;
    expect(endpoints).toHaveLength(2);
    for (const endpoint of endpoints) expect(endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const { conn } = client(endpoints.join(','));
    expect(await pidsAnswering(conn, service.pids)).toEqual([...service.pids].sort());
    const [victim, survivor] = service.pids as [number, number];
    process.kill(victim, 'SIGKILL');
    // Listed once it is bound (it reports its endpoint when ready).
    await until(() => service.addresses.workers.length === 2 && !service.pids.includes(victim), 'a new worker in place of the killed one, listed');
    started.push(...service.pids);
    const fresh = service.pids.find((pid) => pid !== survivor)!;
    const listed = service.addresses.workers;
    expect(listed).toHaveLength(2);
    const added = listed.filter((endpoint) => !endpoints.includes(endpoint));
    expect(added).toHaveLength(1);
    const { conn: direct } = client(added[0]!);
    expect(((await direct.invoke('return_pid', {})) as { pid: number }).pid).toBe(fresh);
  });

  it("router-only (processes 0): the workers of another service connect to its worker socket", async () => {
    const shared = await start({ methods: METHODS, processes: 0, bindAddress: 'tcp://127.0.0.1:*' });
    expect(shared.pids).toEqual([]);
    const workers = await start({ methods: METHODS, processes: 1, bindAddress: '', socketAddress: shared.addresses.socket });
    expect(workers.addresses.bind).toBeNull();
    const { conn } = client(shared.addresses.bind!);
    expect(((await conn.invoke('return_pid', {})) as { pid: number }).pid).toBe(workers.pids[0]);
    expect((await workers.status()).workers.map((w) => w.pid)).toEqual(workers.pids);
    const pid = workers.pids[0]!;
    await workers.close(1000);
    await shared.close(1000);
    await until(() => !alive(pid), 'the worker process exited');
  });
});

describe('startWorkerService: bad options', () => {
  it('names the option before starting anything', async () => {
    await expect(startWorkerService({ methods: '' })).rejects.toThrow(new TypeError('methods: expected a directory or module path, got ""'));
    await expect(startWorkerService({ methods: METHODS, processes: 1.5 })).rejects.toThrow(new RangeError('processes: expected an integer >= 0, or -1 for one per CPU, got 1.5'));
    await expect(startWorkerService({ methods: METHODS, socketMode: 'bind' })).rejects.toThrow(/socketMode: 'bind' is direct mode/);
    await expect(startWorkerService({ methods: METHODS, bindAddress: '' })).rejects.toThrow(/socketAddress: direct mode \(bindAddress ''\)/);
    await expect(startWorkerService({ methods: METHODS, bindAddress: '', socketMode: 'bind', processes: 2, socketAddress: 'tcp://127.0.0.1:7000' })).rejects.toThrow(
      /socketAddress: expected an address ending in ":\*" so each of the 2 workers binds its own port/,
    );
    await expect(startWorkerService({ methods: METHODS, workers: 2 } as never)).rejects.toThrow(/unknown option "workers"/);
    await expect(startWorkerService({ methods: METHODS, idempotencyTtlMs: -1, output: 'ignore' })).rejects.toThrow(new RangeError('idempotencyTtlMs: expected a finite number > 0, got -1'));
  });

  it("a methods path that does not exist fails the start with the worker's own message", async () => {
    const start = startWorkerService({ methods: '/nonexistent/methods', processes: 1, bindAddress: 'tcp://127.0.0.1:*', output: 'ignore' });
    await expect(start).rejects.toThrow(/failed to start: methods: cannot read "\/nonexistent\/methods"/);
  });
});
