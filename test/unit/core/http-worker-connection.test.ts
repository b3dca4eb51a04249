// Proves HttpWorkerConnection on the simulated network: every bad option and argument names itself before any request; Content-Type is the serialization's mime; calls go round a shuffled address list drawn from the injected random; a call with autoRetryCount 0 still times out at its exact deadline; retries back off and a slow original's late answer is counted, not delivered; connection refused, 202 acks, abort, NO_CONNECTIONS and CLOSED settle once each.
import { describe, expect, it } from 'vitest';
import { msgpackSerialization } from '../../../src/adapters/codec-msgpack.js';
import { zlibCompression } from '../../../src/adapters/codec-zlib.js';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { HttpWorkerConnection, type HttpWorkerConnectionOptions } from '../../../src/core/http-worker-connection.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../../src/core/http-worker-server.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import type { HttpRequestOptions, TransportPort } from '../../../src/core/transport.js';
import type { WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { runInWorld, track, type World } from '../../contract/transport/worlds.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const msgpackZlib: WireCodecs = { serialization: msgpackSerialization, compression: zlibCompression };

/** A sim transport whose requests are recorded (url and headers) on their way through. */
function recording(inner: TransportPort): TransportPort & { requests: { url: string; options: HttpRequestOptions | undefined }[] } {
  const requests: { url: string; options: HttpRequestOptions | undefined }[] = [];
  return {
    requests,
    socket: inner.socket.bind(inner),
    httpListen: inner.httpListen.bind(inner),
    httpRequest: (url, options) => {
      requests.push({ url, options });
      return inner.httpRequest(url, options);
    },
  };
}

interface Rig {
  w: World;
  loop: LoopPort;
  urls: string[];
  client: ReturnType<typeof recording>;
  /** Runs of each `delay` key, across workers. */
  runs: Map<string, number>;
  make(options?: Partial<HttpWorkerConnectionOptions>): HttpWorkerConnection;
}

/** `count` HTTP workers (hosts w1..), each answering whoami with its host name, and a client host. */
function withWorkers(count: number, body: (rig: Rig) => Promise<void>, codecs: WireCodecs = json): Promise<void> {
  return runInWorld('sim', async (w) => {
    const loop = new LoopSim((w.sim as NonNullable<World['sim']>).kernel);
    const runs = new Map<string, number>();
    const servers: HttpWorkerServer[] = [];
    const urls: string[] = [];
    for (let i = 1; i <= count; i++) {
      const name = `w${i}`;
      const methods = WorkerMethods.fromMap({
        echo: (_w, p) => p,
        whoami: () => name,
        fire: asynchronous(() => undefined),
        sleep: async (_w, p) => {
          await new Promise<void>((resolve) => loop.callLater((p as { ms: number }).ms, resolve));
          return name;
        },
        delay: async (_w, p) => {
          const { key, ms } = p as { key: string; ms: number };
          const run = (runs.get(key) ?? 0) + 1;
          runs.set(key, run);
          if (run === 1) await new Promise<void>((resolve) => loop.callLater(ms, resolve));
          return { key, run };
        },
      });
      const dispatcher = new WorkerDispatcher({ methods, worker: null, loop, ...httpWorkerCodecs(codecs.serialization, codecs.compression) });
      const server = new HttpWorkerServer({ transport: w.transport(name), routes: [{ serialization: codecs.serialization, dispatcher }] });
      urls.push(await server.start(`http://${name}:8000`));
      servers.push(server);
    }
    const client = recording(w.transport('client'));
    const made: HttpWorkerConnection[] = [];
    const make = (options: Partial<HttpWorkerConnectionOptions> = {}): HttpWorkerConnection => {
      const conn = new HttpWorkerConnection({ transport: client, loop, random: new Random(5), codecs, address: urls, ...options });
      made.push(conn);
      return conn;
    };
    try {
      await body({ w, loop, urls, client, runs, make });
    } finally {
      for (const conn of made) await conn.close();
      for (const server of servers) await server.close();
    }
  });
}

function simParts() {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(1) });
  return { transport: net.transport('client'), loop: new LoopSim(kernel), random: new Random(2) };
}

describe('HttpWorkerConnection options', () => {
  it('names each bad option and what it got', () => {
    const parts = simParts();
    const make = (options: object) => () => new HttpWorkerConnection({ ...parts, ...options } as never);
    expect(() => new HttpWorkerConnection(undefined as never)).toThrow(new TypeError('HttpWorkerConnection options: expected an options object, got undefined'));
    expect(make({ transport: undefined })).toThrow(new TypeError('transport: expected a TransportPort (with httpRequest), got undefined'));
    expect(make({ transport: { socket: () => null } })).toThrow(new TypeError('transport: expected a TransportPort (with httpRequest), got object Object'));
    expect(make({ loop: null })).toThrow(new TypeError('loop: expected a LoopPort, got null'));
    expect(make({ random: {} })).toThrow(new TypeError('random: expected a RandomPort, got object Object'));
    expect(make({ logger: 'loud' })).toThrow(new TypeError('logger: expected a Logger, got "loud"'));
    expect(make({ codecs: { serialization: jsonSerialization } })).toThrow(new TypeError('codecs: expected WireCodecs {serialization, compression}, got object Object'));
    expect(make({ autoRetryCount: -1 })).toThrow(new RangeError('autoRetryCount: expected an integer >= 0, got -1'));
    expect(make({ autoRetryCount: 1.5 })).toThrow(new RangeError('autoRetryCount: expected an integer, got 1.5'));
    expect(make({ autoRetryCount: Infinity })).toThrow(new RangeError('autoRetryCount: expected an integer, got Infinity'));
    expect(make({ autoRetryCount: '2' })).toThrow(new TypeError('autoRetryCount: expected a number, got "2"'));
    expect(make({ timeoutMs: 0 })).toThrow(new RangeError('timeoutMs: expected a finite number > 0, got 0'));
    expect(make({ retryDelayMs: -5 })).toThrow(/^retryDelayMs: expected an integer/);
    expect(make({ jitter: 'some' })).toThrow(new RangeError('jitter: expected one of "full", "equal", "none", got "some"'));
    expect(make({ pendingMax: 0 })).toThrow(/^pendingMax: /);
    expect(make({ wireOptions: { maxDepth: 0 } })).toThrow(/^maxDepth: /);
    expect(make({ autoRetry: true })).toThrow(/^HttpWorkerConnection options: unknown option "autoRetry" \(known: transport, loop, random, address, timeoutMs, autoRetryCount/);
    expect(make({ address: 5 })).toThrow(new TypeError('address: expected a comma-separated string or a list of strings, got 5'));
    expect(make({ address: ['http://a:1', 3] })).toThrow(new TypeError('address[1]: expected a string, got 3'));
    expect(make({ address: 'tcp://a:1' })).toThrow(new RangeError('address: malformed URL "tcp://a:1" (only http:// URLs are supported)'));
    expect(make({ address: 'http://a' })).toThrow(/^address: malformed URL "http:\/\/a"/);
    expect(make({ address: 'http://a:70000' })).toThrow(/^address: invalid port 70000/);
  });

  it('names bad call arguments; addresses parse as Toto: comma-separated or a list, trimmed, each once, in the order added', async () => {
    const conn = new HttpWorkerConnection({ ...simParts(), address: ' http://a:1 , ,http://b:2/rpc,http://a:1' });
    expect(conn.activeConnections).toEqual(['http://a:1', 'http://b:2/rpc']);
    expect(() => conn.invoke('bad name!', {})).toThrow(TypeError);
    expect(() => conn.invoke('echo', {}, { autoRetry: true } as never)).toThrow(/^invoke options: unknown option "autoRetry" \(known: timeoutMs, autoRetryCount, signal\)$/);
    expect(() => conn.invoke('echo', {}, { autoRetryCount: -1 })).toThrow(new RangeError('autoRetryCount: expected an integer >= 0, got -1'));
    expect(() => conn.invoke('echo', {}, { timeoutMs: 'soon' as never })).toThrow(new TypeError('timeoutMs: expected a number (0: default, < 0: never), got "soon"'));
    expect(() => conn.invoke('echo', {}, { signal: 5 as never })).toThrow(new TypeError('signal: expected an AbortSignal, got 5'));
    expect(() => conn.invoke('echo', {}, undefined, 5 as never)).toThrow(new TypeError('callback: expected a function, got 5'));
    expect(() => conn.addConnection('')).toThrow(new RangeError('address: expected a non-empty string, got ""'));
    expect(() => conn.addConnection('http://c:3,nonsense')).toThrow(/^address: malformed URL "nonsense"/);
    expect(conn.activeConnections).toEqual(['http://a:1', 'http://b:2/rpc']);
    conn.addConnection('http://c:3, http://a:1');
    conn.removeConnection('http://a:1,http://z:9');
    expect(conn.activeConnections).toEqual(['http://b:2/rpc', 'http://c:3']);
    conn.setConnections(['http://d:4', 'http://c:3']);
    expect(conn.activeConnections).toEqual(['http://c:3', 'http://d:4']);
    conn.setConnections('');
    expect(await conn.invoke('echo', 1).catch((e: unknown) => e)).toEqual(new TotoError(ErrorCode.NO_CONNECTIONS, 'call (echo): no active connections'));
    expect([conn.length, conn.stats.sent]).toEqual([0, 0]);
    await conn.close();
    await conn.close();
    expect(await conn.invoke('echo', 1).catch((e: unknown) => e)).toEqual(new TotoError(ErrorCode.CLOSED, 'call (echo): the connection is closed'));
    expect(() => conn.addConnection('http://a:1')).toThrow(new TotoError(ErrorCode.CLOSED, 'addConnection: the connection is closed'));
  });

  it('proxy: `then` and symbols are not method segments; a path is the same proxy each time', () => {
    const conn = new HttpWorkerConnection({ ...simParts() });
    const root = conn.proxy as Record<string | symbol, unknown>;
    expect(root.then).toBeUndefined();
    expect(root[Symbol.iterator]).toBeUndefined();
    expect(conn.proxy.a).toBe(conn.proxy.a);
    expect(typeof conn.proxy.a?.b).toBe('function');
    void conn.close();
  });
});

describe('HttpWorkerConnection in the simulation', () => {
  it('POSTs with Content-Type from the serialization; 3 workers are visited round-robin in an order shuffled by the seed', () =>
    withWorkers(3, async ({ urls, client, make }) => {
      const conn = make();
      const seen: unknown[] = [];
      for (let i = 0; i < 9; i++) seen.push(await conn.invoke('whoami'));
      // Each cycle of three visits every worker once, in the same order.
      expect(new Set(seen.slice(0, 3)).size).toBe(3);
      expect(seen.slice(3, 6)).toEqual(seen.slice(0, 3));
      expect(seen.slice(6, 9)).toEqual(seen.slice(0, 3));
      expect(client.requests.every((r) => r.options?.method === 'POST' && r.options.headers?.['content-type'] === 'application/json')).toBe(true);
      // The order is drawn from the random: other seeds give other orders, each seed the same one again.
      const orders = new Set<string>();
      for (let seed = 0; seed < 12; seed++) {
        const c = make({ random: new Random(seed) });
        const order: unknown[] = [];
        for (let i = 0; i < 3; i++) order.push(await c.invoke('whoami'));
        orders.add(order.join(','));
      }
      expect(orders.size).toBeGreaterThan(1);
      expect(urls).toHaveLength(3);
    }));

  it('msgpack + zlib: Content-Type application/msgpack, the value round-trips', () =>
    withWorkers(
      1,
      async ({ client, make }) => {
        const conn = make();
        expect(await conn.invoke('echo', { nested: [1, 'two', { three: 3 }] })).toEqual({ nested: [1, 'two', { three: 3 }] });
        expect(client.requests[0]?.options?.headers).toEqual({ 'content-type': 'application/msgpack' });
      },
      msgpackZlib,
    ));

  it('autoRetryCount 0 still times out, at its exact deadline (Toto waited forever); the request carries the same timeout', () =>
    withWorkers(1, async ({ w, client, make }) => {
      const conn = make({ timeoutMs: 250 });
      const started = w.now();
      const error = (await conn.invoke('sleep', { ms: 10_000 }).catch((e: unknown) => e)) as TotoError;
      expect(error.code).toBe(ErrorCode.TIMEOUT);
      expect(error.value).toMatch(/^Timeout: call \w+-1 \(sleep\) got no reply within 250ms$/);
      expect(w.now() - started).toBe(250);
      expect(client.requests[0]?.options?.timeoutMs).toBe(250);
      expect(conn.stats).toMatchObject({ sent: 1, retried: 0, settledTimeout: 1 });
      expect(conn.length).toBe(0);
    }));

  it('autoRetryCount n: n re-sends after timeouts with backoff, then TIMEOUT naming the attempts; a negative timeout never expires', () =>
    withWorkers(1, async ({ w, make }) => {
      const conn = make({ timeoutMs: 100, retryDelayMs: 50, jitter: 'none', autoRetryCount: 2 });
      const started = w.now();
      const error = (await conn.invoke('sleep', { ms: 10_000 }).catch((e: unknown) => e)) as TotoError;
      // Attempt 1 at 0, times out at 100; attempt 2 at 150, out at 250; attempt 3 at 350, out at 450.
      expect([error.code, w.now() - started]).toEqual([ErrorCode.TIMEOUT, 450]);
      expect(error.value).toMatch(/within 100ms after 3 attempts$/);
      expect(conn.stats).toMatchObject({ sent: 3, retried: 2, settledTimeout: 1, requestTimeouts: 3 });
      const forever = track(conn.invoke('delay', { key: 'patient', ms: 60_000 }, { timeoutMs: -1, autoRetryCount: 0 }));
      await w.sleep(59_000);
      expect(forever.settled).toBe(false);
      await w.waitFor(() => forever.settled, { timeoutMs: 2_000 });
      expect(forever.value).toEqual({ key: 'patient', run: 1 });
    }));

  it("a slow original times out and its request with it; the retry answers; the original's run is not delivered twice", () =>
    withWorkers(1, async ({ w, runs, make }) => {
      const conn = make({ timeoutMs: 100, retryDelayMs: 0, jitter: 'none' });
      const value = await conn.invoke('delay', { key: 'k', ms: 150 }, { autoRetryCount: 3, timeoutMs: 120 });
      expect(value).toEqual({ key: 'k', run: 2 });
      // The original still runs on the worker; its request gave up with the attempt, so its answer never comes back.
      await w.sleep(100);
      expect(runs.get('k')).toBe(2);
      expect(conn.stats).toMatchObject({ sent: 2, retried: 1, settledOk: 1, requestTimeouts: 1, duplicateReplies: 0, lateReplies: 0 });
    }));

  it('connection refused settles the call with CONNECTION_REFUSED; an @asynchronous 202 resolves undefined; abort settles ABORTED once', () =>
    withWorkers(1, async ({ w, urls, make }) => {
      const nobody = make({ address: 'http://w1:9' });
      const refused = (await nobody.invoke('echo', 1).catch((e: unknown) => e)) as TotoError;
      expect([refused.code, refused.value]).toEqual([ErrorCode.CONNECTION_REFUSED, 'httpRequest: connection refused by w1:9 (nothing listening) for http://w1:9']);
      expect(nobody.stats).toMatchObject({ connectionFailures: 1, settledError: 1 });
      const conn = make({ address: urls });
      expect(await conn.invoke('fire', { x: 1 })).toBeUndefined();
      expect(conn.stats).toMatchObject({ acks: 1, settledOk: 1 });
      const controller = new AbortController();
      const call = track(conn.invoke('delay', { key: 'abort', ms: 500 }, { signal: controller.signal }));
      await w.sleep(10);
      controller.abort(new Error('user left'));
      await w.waitFor(() => call.settled);
      expect((call.error as TotoError).code).toBe(ErrorCode.ABORTED);
      await w.waitFor(() => conn.stats.lateReplies === 1, { timeoutMs: 1_000, what: 'the late answer of the aborted call' });
    }));

  it('callback form: (null, value) or (TotoError); close() settles calls in flight with CLOSED', () =>
    withWorkers(1, async ({ w, make }) => {
      const conn = make();
      const got = await new Promise((resolve) => conn.invoke('echo', 'hi', (error, value) => resolve([error, value])));
      expect(got).toEqual([null, 'hi']);
      const failed = await new Promise<TotoError | null>((resolve) => conn.invoke('nope', {}, { timeoutMs: 500 }, (error) => resolve(error)));
      expect([failed?.code, failed?.value]).toEqual([ErrorCode.MISSING_METHOD, 'unknown method "nope"']);
      const pending = track(conn.invoke('delay', { key: 'close', ms: 1_000 }));
      await w.sleep(5);
      expect(conn.length).toBe(1);
      await conn.close();
      await w.waitFor(() => pending.settled);
      expect((pending.error as TotoError).code).toBe(ErrorCode.CLOSED);
      expect([conn.length, conn.closed, conn.activeConnections]).toEqual([0, true, []]);
    }));
});
