// Proves ZmqWorkerConnection's edges: bad options name the option before any socket is made; address lists parse; the proxy ignores `then` and symbols; a retry due with no connection fails NO_CONNECTIONS; receive failures back off doubling and the loop serves on; an @asynchronous ack resolves undefined; msgpack+zlib codecs round-trip; close() is final and idempotent.
import { describe, expect, it } from 'vitest';
import { msgpackSerialization } from '../../../src/adapters/codec-msgpack.js';
import { zlibCompression } from '../../../src/adapters/codec-zlib.js';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';
import type { SocketOptions, SocketType, TransportPort } from '../../../src/core/transport.js';
import type { WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../../src/core/worker-rep-server.js';
import { ZmqWorkerConnection, parseAddresses, type ZmqWorkerConnectionOptions } from '../../../src/core/zmq-worker-connection.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { runInWorld, track, type World } from '../../contract/transport/worlds.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };


/** A real sim transport that counts the sockets made through it. */
function countingTransport(inner: TransportPort): TransportPort & { made: number } {
  const counting = {
    made: 0,
    socket: (type: SocketType, options?: SocketOptions) => {
      counting.made++;
      return inner.socket(type, options);
    },
    httpListen: inner.httpListen.bind(inner),
    httpRequest: inner.httpRequest.bind(inner),
  };
  return counting;
}

function simParts() {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(1) });
  return { transport: countingTransport(net.transport('client')), loop: new LoopSim(kernel), random: new Random(2) };
}

/** Runs `body` in the sim world with a worker (echo, add) bound at a fresh address. */
function withWorker(codecs: WireCodecs, body: (w: World, address: string, make: (o?: Partial<ZmqWorkerConnectionOptions>) => ZmqWorkerConnection) => Promise<void>) {
  return runInWorld('sim', async (w) => {
    const loop = new LoopSim((w.sim as NonNullable<World['sim']>).kernel);
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({ echo: (_w, p) => p, fire: asynchronous(() => undefined), add: (_w, p) => (p as number[]).reduce((a, b) => a + b, 0) }),
      worker: null,
      codecs,
      loop,
    });
    const server = new WorkerRepServer({ transport: w.transport('worker'), dispatcher, loop });
    const address = await w.address('worker', 'rpc');
    await server.bind(address);
    const made: ZmqWorkerConnection[] = [];
    const make = (o: Partial<ZmqWorkerConnectionOptions> = {}) => {
      const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(5), codecs, address, ...o });
      made.push(conn);
      return conn;
    };
    try {
      await body(w, address, make);
    } finally {
      for (const conn of made) await conn.close();
      await server.close();
    }
  });
}

describe('ZmqWorkerConnection options', () => {
  it('names the bad option and what it got, before making a socket', () => {
    const parts = simParts();
    const make = (options: object) => () => new ZmqWorkerConnection({ ...parts, ...options } as never);
    expect(make({ transport: undefined })).toThrow(new TypeError('transport: expected a TransportPort, got undefined'));
    expect(make({ random: undefined })).toThrow(new TypeError('random: expected a RandomPort, got undefined'));
    expect(make({ loop: null })).toThrow(new TypeError('loop: expected a LoopPort, got null'));
    expect(make({ autoRetry: 'yes' })).toThrow(new TypeError('autoRetry: expected a boolean, got "yes"'));
    expect(make({ codecs: { serialization: jsonSerialization } })).toThrow(/^codecs: expected WireCodecs/);
    expect(make({ timeoutMs: 0 })).toThrow(new RangeError('timeoutMs: expected a finite number > 0, got 0'));
    expect(make({ attemptsMax: 0 })).toThrow(/^attemptsMax: /);
    expect(make({ address: 5 })).toThrow(new TypeError('address: expected a comma-separated string or a list of strings, got 5'));
    expect(make({ address: ['tcp://a:1', 3] })).toThrow(new TypeError('address[1]: expected a string, got 3'));
    expect(make({ timeout: 5 })).toThrow(/timeout/);
    expect(() => new ZmqWorkerConnection(undefined as never)).toThrow(TypeError);
    expect(parts.transport.made).toBe(0);
    // An address the transport refuses is its own error, and nothing is listed.
    const conn = new ZmqWorkerConnection({ ...parts });
    expect(() => conn.addConnection('nonsense')).toThrow();
    expect(conn.activeConnections).toEqual([]);
    // ... and in the constructor, which closes the socket it made.
    const before = parts.transport.made;
    expect(make({ address: 'tcp://client:1,nonsense' })).toThrow();
    expect(parts.transport.made).toBe(before + 1);
    expect(() => conn.addConnection('')).toThrow(new RangeError('address: expected a non-empty string, got ""'));
    void conn.close();
  });

  it('parses comma-separated and listed addresses: trimmed, empty entries skipped, duplicates once', () => {
    expect(parseAddresses(' tcp://a:1 , ,tcp://b:2,tcp://a:1')).toEqual(['tcp://a:1', 'tcp://b:2']);
    expect(parseAddresses(['tcp://a:1,tcp://c:3', ' tcp://b:2 '])).toEqual(['tcp://a:1', 'tcp://c:3', 'tcp://b:2']);
    expect(parseAddresses('')).toEqual([]);
    const conn = new ZmqWorkerConnection({ ...simParts(), address: 'tcp://client:1,tcp://client:2' });
    conn.addConnection('tcp://client:2, tcp://client:3');
    expect(conn.activeConnections).toEqual(['tcp://client:1', 'tcp://client:2', 'tcp://client:3']);
    conn.removeConnection('tcp://client:1,tcp://client:9');
    expect(conn.activeConnections).toEqual(['tcp://client:2', 'tcp://client:3']);
    conn.setConnections([]);
    expect(conn.activeConnections).toEqual([]);
    void conn.close();
  });

  it('proxy: `then` and symbols are not method segments; a path is the same proxy each time', () => {
    const conn = new ZmqWorkerConnection({ ...simParts() });
    const root = conn.proxy as Record<string | symbol, unknown>;
    expect(root.then).toBeUndefined();
    expect(root[Symbol.iterator]).toBeUndefined();
    expect(conn.proxy.a).toBe(conn.proxy.a);
    expect((conn.proxy.a as unknown as Record<string, unknown>).then).toBeUndefined();
    expect(typeof conn.proxy.a?.b).toBe('function');
    void conn.close();
  });

  it('a bad method name or callback throws at once; with no connection a call fails NO_CONNECTIONS without being sent', async () => {
    const conn = new ZmqWorkerConnection({ ...simParts() });
    expect(() => conn.invoke('bad name!', {})).toThrow(TypeError);
    expect(() => conn.invoke('echo', {}, undefined, 5 as never)).toThrow(new TypeError('callback: expected a function, got 5'));
    const error = await conn.invoke('echo', 1).catch((e: unknown) => e);
    expect(error).toEqual(new TotoError(ErrorCode.NO_CONNECTIONS, 'call (echo): no active connections'));
    const viaCallback = await new Promise((resolve) => conn.invoke('echo', 1, (e) => resolve(e?.code)));
    expect(viaCallback).toBe(ErrorCode.NO_CONNECTIONS);
    expect([conn.length, conn.stats.sent]).toEqual([0, 0]);
    await conn.close();
    await conn.close();
    expect(conn.activeConnections).toEqual([]);
    expect(() => conn.addConnection('tcp://a:1')).toThrow(new TotoError(ErrorCode.CLOSED, 'addConnection: the connection is closed'));
  });
});

describe('ZmqWorkerConnection in the simulation', () => {
  it('a retry due after the last connection was removed fails NO_CONNECTIONS; a call without retry times out', () =>
    runInWorld('sim', async (w) => {
      const loop = new LoopSim((w.sim as NonNullable<World['sim']>).kernel);
      // Nothing is bound there: the DEALER queues, nobody answers.
      const nobody = await w.address('worker', 'nobody');
      const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(1), address: nobody, jitter: 'none', retryDelayMs: 50 });
      try {
        const retried = track(conn.invoke('echo', 1, { timeoutMs: 100, autoRetry: true }));
        const plain = track(conn.invoke('echo', 2, { timeoutMs: 300 }));
        await w.waitFor(() => conn.stats.retried === 1, { what: 'the first retry' });
        conn.removeConnection(nobody);
        await w.waitFor(() => retried.settled && plain.settled, { what: 'both calls to settle' });
        expect((retried.error as TotoError).code).toBe(ErrorCode.NO_CONNECTIONS);
        // Attempt 1 at 0, times out at 100; attempt 2 at 150 (backoff 50), times out at 250; attempt 3 due at 350 (backoff 100) finds no connection.
        expect(w.now()).toBe(350);
        expect((plain.error as TotoError).code).toBe(ErrorCode.TIMEOUT);
        expect(conn.length).toBe(0);
      } finally {
        await conn.close();
      }
    }));

  it('receive failures are logged with a doubling backoff and the loop still answers calls', () =>
    withWorker(json, async (w, _address, make) => {
      const logs: ContextLogLine[] = [];
      const conn = make({ logger: loggerInto(logs), socketOptions: { receiveTimeoutMs: 20 } });
      await w.waitFor(() => conn.stats.receiveFailures >= 6, { timeoutMs: 10_000, what: 'six receive failures' });
      const failures = logs.filter((line) => line.message === 'worker connection: receive failed');
      expect(failures.slice(0, 6).map((line) => [line.level, line.context.code, line.context.backoffMs])).toEqual([
        ['warn', 'EAGAIN', 10],
        ['warn', 'EAGAIN', 20],
        ['warn', 'EAGAIN', 40],
        ['warn', 'EAGAIN', 80],
        ['warn', 'EAGAIN', 160],
        ['warn', 'EAGAIN', 320],
      ]);
      expect(await conn.invoke('echo', 'still here', { timeoutMs: 5_000 })).toBe('still here');
    }));

  it("an @asynchronous method's bare acknowledgement ['', id] resolves the call with undefined", () =>
    withWorker(json, async (_w, _address, make) => {
      const conn = make();
      expect(await conn.invoke('fire', { x: 1 })).toBeUndefined();
      expect(conn.stats).toMatchObject({ acks: 1, settledOk: 1, malformedReplies: 0 });
    }));

  it('pluggable codecs: msgpack + zlib on both sides round-trip; 100 concurrent calls settle once each', () =>
    withWorker({ serialization: msgpackSerialization, compression: zlibCompression }, async (_w, _address, make) => {
      const conn = make();
      expect(await conn.invoke('echo', { nested: [1, 'two', { three: 3 }] })).toEqual({ nested: [1, 'two', { three: 3 }] });
      const sums = await Promise.all(Array.from({ length: 100 }, (_, i) => conn.proxy.add!([i, i])));
      expect(sums).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i));
      expect(conn.stats).toMatchObject({ sent: 101, settledOk: 101, duplicateReplies: 0, lateReplies: 0, unknownReplies: 0 });
    }));
});
