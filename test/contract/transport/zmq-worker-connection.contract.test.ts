// Proves ZmqWorkerConnection against WorkerRepServer workers, one body per behaviour in every world (sim, sim-ipc, sim-inproc, tcp, ipc, inproc): values and worker errors (1002, 1000, a TotoError's code and value) by promise, callback and proxy; exact timeouts; autoRetry with duplicates counted not delivered; set/remove connections and NO_CONNECTIONS; abort; close; malformed replies survived; a worker stopped and restarted mid-load (stream worlds) and (sim) a worker host crash, both healed by autoRetry.
import { expect } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import type { WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../../src/core/worker-rep-server.js';
import { ZmqWorkerConnection, type ZmqWorkerConnectionOptions } from '../../../src/core/zmq-worker-connection.js';
import { EVERY_STREAM_WORLD, EVERY_WORLD, describeWorlds, track, type World, worldLoop } from './worlds.js';
import { loggerInto } from '../../support/recording-logger.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Workers (each answering whoami with its name), the connections made, all closed at the end. */
class Rig {
  readonly loop: LoopPort;
  readonly logs: { level: string; message: string | undefined; context: Record<string, unknown> }[] = [];
  /** How many times each `delay` key ran, across workers. */
  readonly runs = new Map<string, number>();
  private readonly closeLoop: () => void;
  private readonly servers: WorkerRepServer[] = [];
  private readonly connections: ZmqWorkerConnection[] = [];
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  constructor(private readonly w: World) {
    ({ loop: this.loop, close: this.closeLoop } = worldLoop(w));
  }

  /** A worker named `name` on host `name`, bound at `address` or a fresh one; returns it and the address. */
  async worker(name: string, address?: string, transport = this.w.transport(name)): Promise<{ server: WorkerRepServer; address: string }> {
    const sleep = (ms: number) => new Promise<void>((resolve) => this.loop.callLater(ms, resolve));
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({
        return_value: (_worker, parameters) => ({ parameters }),
        throw_exception: () => {
          throw new Error('Test Exception');
        },
        throw_toto_exception: () => {
          throw new TotoError(4242, 'Test Toto Exception');
        },
        whoami: () => name,
        math: { add: (_worker, p) => (p as { a: number; b: number }).a + (p as { a: number; b: number }).b },
        // Answers once the rig closes: a method that never answers within a test.
        hold: async () => {
          await this.gate;
          return 'released';
        },
        // Waits `ms` on its first run for `key` only, then answers at once: an original slow enough to time out, its retry fast.
        delay: async (_worker, p) => {
          const { key, ms } = p as { key: string; ms: number };
          const run = (this.runs.get(key) ?? 0) + 1;
          this.runs.set(key, run);
          if (run === 1) await sleep(ms);
          return { key, run, by: name };
        },
      }),
      worker: null,
      codecs: json,
      loop: this.loop,
    });
    const server = new WorkerRepServer({ transport, dispatcher, loop: this.loop });
    this.servers.push(server);
    const bound = address ?? (await this.w.address(name, 'rpc'));
    await server.bind(bound);
    return { server, address: bound };
  }

  /** A crashed host's server never settles anything again: it is not closed at the end. */
  forget(server: WorkerRepServer): void {
    this.servers.splice(this.servers.indexOf(server), 1);
  }

  connection(options: Partial<ZmqWorkerConnectionOptions> = {}): ZmqWorkerConnection {
    const conn = new ZmqWorkerConnection({
      transport: this.w.transport('client'),
      loop: this.loop,
      random: new Random(7),
      logger: loggerInto(this.logs),
      ...options,
    });
    this.connections.push(conn);
    return conn;
  }

  async close(): Promise<void> {
    this.release();
    for (const conn of this.connections) await conn.close();
    for (const server of this.servers) await server.close();
    this.closeLoop();
  }
}

async function withRig(w: World, body: (rig: Rig) => Promise<void>): Promise<void> {
  const rig = new Rig(w);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

const rejection = async (promise: Promise<unknown>): Promise<TotoError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TotoError);
  return error as TotoError;
};

describeWorlds("ZmqWorkerConnection: return_value, bad_method (1002), throw_exception (1000), throw_toto_exception by promise, callback and proxy", EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { server, address } = await rig.worker('w1');
    const conn = rig.connection({ address });
    expect(conn.activeConnections).toEqual([address]);
    expect(await conn.invoke('return_value', { arg1: 1, arg2: 'hello' })).toEqual({ parameters: { arg1: 1, arg2: 'hello' } });
    expect(await rejection(conn.invoke('bad_method', {}))).toEqual(new TotoError(1002, 'unknown method "bad_method"'));
    expect(await rejection(conn.invoke('throw_exception'))).toEqual(new TotoError(1000, 'Test Exception'));
    const toto = await rejection(conn.invoke('throw_toto_exception'));
    expect([toto.code, toto.value]).toEqual([4242, 'Test Toto Exception']);
    // Toto's callback form: (error, value).
    const viaCallback = await new Promise<[unknown, unknown]>((resolve) => conn.invoke('return_value', 5, (error, value) => resolve([error, value])));
    expect(viaCallback).toEqual([null, { parameters: 5 }]);
    const failedCallback = await new Promise<[unknown, unknown]>((resolve) => conn.invoke('throw_toto_exception', {}, (error, value) => resolve([error, value])));
    expect(failedCallback).toEqual([new TotoError(4242, 'Test Toto Exception'), undefined]);
    // The proxy form: conn.proxy.math.add(params) is invoke('math.add', params); typed<Api>() checks the shape.
    const api = conn.typed<{ math: { add(p: { a: number; b: number }): number }; whoami(p: undefined): string }>();
    expect(await api.math.add({ a: 2, b: 3 })).toBe(5);
    expect(await conn.proxy.whoami!()).toBe('w1');
    expect(conn.length).toBe(0);
    expect(server.stats.served).toBe(8);
    expect(conn.stats).toMatchObject({ sent: 8, settledOk: 4, settledError: 4, lateReplies: 0, duplicateReplies: 0, malformedReplies: 0 });
  }),
);

describeWorlds('ZmqWorkerConnection: two workers behind one comma-separated address both serve; setConnections to one sends every call there', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const one = await rig.worker('w1');
    const two = await rig.worker('w2');
    const conn = rig.connection({ address: `${one.address}, ${two.address}` });
    expect(conn.activeConnections).toEqual([one.address, two.address]);
    const who = await Promise.all(Array.from({ length: 6 }, () => conn.invoke('whoami')));
    // The DEALER round-robins over both peers.
    expect(new Set(who)).toEqual(new Set(['w1', 'w2']));
    conn.setConnections([two.address]);
    expect(conn.activeConnections).toEqual([two.address]);
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await conn.invoke('whoami'));
    expect(after).toEqual(Array(6).fill('w2'));
    conn.setConnections(one.address);
    for (let i = 0; i < 4; i++) expect(await conn.invoke('whoami')).toBe('w1');
  }),
);

describeWorlds('ZmqWorkerConnection: removing the only connection makes a call fail at once with NO_CONNECTIONS', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { address } = await rig.worker('w1');
    const conn = rig.connection({ address });
    expect(await conn.invoke('whoami')).toBe('w1');
    conn.removeConnection(address);
    expect(conn.activeConnections).toEqual([]);
    const startMs = w.now();
    const error = await rejection(conn.invoke('whoami'));
    expect(error.code).toBe(ErrorCode.NO_CONNECTIONS);
    expect(w.now() - startMs).toBeLessThan(w.sim ? 1 : 1000);
    expect(conn.length).toBe(0);
    conn.addConnection(address);
    expect(await conn.invoke('whoami')).toBe('w1');
  }),
);

describeWorlds('ZmqWorkerConnection: a call that is never answered fails with TIMEOUT at its deadline; its late reply is counted, not delivered', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { address } = await rig.worker('w1');
    const conn = rig.connection({ address, timeoutMs: 60_000 });
    const startMs = w.now();
    const error = await rejection(conn.invoke('delay', { key: 'late', ms: 600 }, { timeoutMs: 200 }));
    const elapsedMs = w.now() - startMs;
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    // Exact in virtual time; in real time never early, and not a sweep period late.
    if (w.sim) expect(elapsedMs).toBe(200);
    else expect([elapsedMs >= 199, elapsedMs < 200 + 2_000]).toEqual([true, true]);
    expect(conn.length).toBe(0);
    await w.waitFor(() => conn.stats.lateReplies === 1, { what: 'the late reply' });
    expect(conn.stats).toMatchObject({ settledTimeout: 1, settledOk: 0, lateReplies: 1 });
  }),
);

describeWorlds('ZmqWorkerConnection: autoRetry re-sends on timeout; the call settles once and the second answer is counted as a duplicate', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { address } = await rig.worker('w1');
    const conn = rig.connection({ address, autoRetry: true, retryDelayMs: 100, jitter: 'none' });
    let settlements = 0;
    const value = await conn.invoke('delay', { key: 'retried', ms: 600 }, { timeoutMs: 200 }).finally(() => settlements++);
    // The worker ran the original (slow) and then the retry; the first answer to arrive settled the call.
    expect(value).toMatchObject({ key: 'retried', by: 'w1' });
    // Every attempt reached the worker and was answered; every answer after the first is a duplicate.
    await w.waitFor(() => conn.stats.duplicateReplies === conn.stats.sent - 1, {
      what: `every second answer: ${JSON.stringify([conn.stats, [...rig.runs]])}`,
    });
    const { sent } = conn.stats;
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(rig.runs.get('retried')).toBe(sent);
    expect(settlements).toBe(1);
    expect(conn.stats).toMatchObject({ retried: sent - 1, settledOk: 1, settledTimeout: 0, lateReplies: 0 });
    // A call whose timeout is disabled per call never retries.
    expect(await conn.invoke('delay', { key: 'patient', ms: 300 }, { timeoutMs: -1 })).toMatchObject({ run: 1 });
    expect(conn.stats.retried).toBe(sent - 1);
  }),
);

describeWorlds('ZmqWorkerConnection: an aborted call rejects with ABORTED; close() settles the pending calls with CLOSED', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { address } = await rig.worker('w1');
    const conn = rig.connection({ address });
    const controller = new AbortController();
    const aborted = conn.invoke('hold', {}, { signal: controller.signal });
    const pending = [conn.invoke('return_value', 1), conn.invoke('return_value', 2)];
    expect(conn.length).toBe(3);
    controller.abort();
    expect((await rejection(aborted)).code).toBe(ErrorCode.ABORTED);
    expect(conn.length).toBe(2);
    // The worker is stuck in `hold`, so the other two wait; close() settles them.
    const closing = track(conn.close());
    for (const call of pending) expect((await rejection(call)).code).toBe(ErrorCode.CLOSED);
    await w.waitFor(() => closing.settled, { what: 'close() to resolve' });
    expect(conn.length).toBe(0);
    expect(conn.closed).toBe(true);
    expect((await rejection(conn.invoke('return_value', 3))).code).toBe(ErrorCode.CLOSED);
    expect(conn.stats).toMatchObject({ settledAborted: 1, settledClosed: 2 });
  }),
);

describeWorlds('ZmqWorkerConnection: a malformed reply is logged and the receive loop goes on', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const rep = w.socket('w1', 'rep', { receiveTimeoutMs: 10_000 });
    const address = await w.address('w1', 'rpc');
    await rep.bind(address);
    const conn = rig.connection({ address, timeoutMs: 300 });
    // Extra frames: ['', id, a, b] is not Toto's reply; the id is unknown to the loop, so the call times out.
    const extra = conn.invoke('return_value', 1);
    const [id1] = await rep.receive();
    await rep.send([id1 as Uint8Array, bytes('a'), bytes('b')]);
    expect((await rejection(extra)).code).toBe(ErrorCode.TIMEOUT);
    // A payload that is not JSON: the id is read, so the call is answered with the reason.
    const garbled = conn.invoke('return_value', 2);
    const [id2] = await rep.receive();
    await rep.send([id2 as Uint8Array, bytes('{not json')]);
    const error = await rejection(garbled);
    expect(error.code).toBe(ErrorCode.SERVER);
    expect(error.value).toMatch(/^malformed reply: /);
    // And a good reply after both.
    const good = conn.invoke('return_value', 3);
    const [id3] = await rep.receive();
    await rep.send([id3 as Uint8Array, bytes('"fine"')]);
    expect(await good).toBe('fine');
    expect(conn.stats.malformedReplies).toBe(2);
    const logged = rig.logs.filter((line) => line.message === 'worker connection: malformed reply');
    expect(logged.map((line) => line.context.code)).toEqual(['BAD_FRAMES', 'MALFORMED']);
  }),
);

describeWorlds('ZmqWorkerConnection (sim): the worker host crashes mid-load; autoRetry answers every call once it restarts', ['sim'], (w) =>
  withRig(w, async (rig) => {
    const sim = w.sim;
    if (sim === undefined) throw new Error('sim world only');
    const first = await rig.worker('w1');
    const conn = rig.connection({ address: first.address, autoRetry: true, timeoutMs: 500, retryDelayMs: 50, random: new Random(3) });
    const calls = Array.from({ length: 20 }, (_, i) => track(conn.invoke('delay', { key: `c${i}`, ms: 20 })));
    await w.waitFor(() => calls.filter((c) => c.settled).length >= 3, { what: 'some calls answered before the crash' });
    sim.net.crashHost('w1');
    rig.forget(first.server);
    const answeredAtCrash = calls.filter((c) => c.settled).length;
    expect(answeredAtCrash).toBeLessThan(20);
    await w.sleep(1_000);
    expect(calls.filter((c) => c.settled).length).toBe(answeredAtCrash);
    // The world's transport for w1 died with the crash: the restarted process gets the new incarnation's.
    await rig.worker('w1', first.address, sim.net.transport('w1'));
    await w.waitFor(() => calls.every((c) => c.settled), { timeoutMs: 30_000, what: 'every call answered after the restart' });
    expect(calls.map((c) => c.error)).toEqual(Array(20).fill(undefined));
    expect(calls.map((c) => (c.value as { key: string }).key)).toEqual(calls.map((_, i) => `c${i}`));
    expect(conn.length).toBe(0);
    expect(conn.stats.retried).toBeGreaterThan(0);
    expect(conn.stats.settledOk).toBe(20);
  }),
);

// Not inproc: an inproc connect does not come back to a new binder of the same name (no reconnect in libzmq's inproc).
describeWorlds('ZmqWorkerConnection: the worker is closed mid-load and started again at its address; autoRetry answers every call', EVERY_STREAM_WORLD, (w) =>
  withRig(w, async (rig) => {
    const first = await rig.worker('w1');
    const conn = rig.connection({ address: first.address, autoRetry: true, timeoutMs: 500, retryDelayMs: 50, random: new Random(3) });
    const calls = Array.from({ length: 20 }, (_, i) => track(conn.invoke('delay', { key: `c${i}`, ms: 20 })));
    await w.waitFor(() => calls.filter((c) => c.settled).length >= 3, { what: 'some calls answered before the stop' });
    await first.server.close();
    expect(calls.filter((c) => c.settled).length).toBeLessThan(20);
    await rig.worker('w1', first.address);
    await w.waitFor(() => calls.every((c) => c.settled), { timeoutMs: 15_000, what: 'every call answered after the restart' });
    expect(calls.map((c) => c.error)).toEqual(Array(20).fill(undefined));
    expect(calls.map((c) => (c.value as { key: string }).key)).toEqual(calls.map((_, i) => `c${i}`));
    expect(conn.length).toBe(0);
    expect(conn.stats.settledOk).toBe(20);
  }),
);
