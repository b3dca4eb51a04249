// Proves every bad option and argument of EventManager is refused with the message a user sees ("<name>: expected X, got Y", or what to do instead), before a socket exists where it can be; the queue bound, handlerMax, the on() buffer bound, instance()'s rules, and a failing receive backing off (with a logger that throws), on the simulated network.
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { WireFormatError } from '../../../src/core/errors.js';
import { EventManager, type EventManagerOptions } from '../../../src/core/event-manager.js';
import { EventStream } from '../../../src/core/event-manager-stream.js';
import type { Logger } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { runInWorld } from '../../contract/transport/worlds.js';

function ports(): EventManagerOptions & { sockets: () => number } {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(1) });
  const base = net.transport('a');
  for (const host of ['b', 'c', 's1', 's2', 's3', 's4', 's5', 's6', 's7']) net.addHost(host);
  let made = 0;
  const transport = { ...base, socket: (...args: Parameters<typeof base.socket>) => (made++, base.socket(...args)) };
  return { transport, loop: new LoopSim(kernel), random: new Random(2), sockets: () => made };
}

function manager(options: Partial<EventManagerOptions> = {}): EventManager {
  const { sockets: _sockets, ...rest } = ports();
  return new EventManager({ ...rest, ...options });
}

describe('EventManager options', () => {
  it('names the bad option and what it got, before making a socket', () => {
    const { sockets, ...base } = ports();
    const make = (options: object) => () => new EventManager({ ...base, ...options } as never);
    expect(() => new EventManager(undefined as never)).toThrow(new TypeError('EventManager options: expected an options object { transport, loop, random, ... }, got undefined'));
    expect(make({ transport: undefined })).toThrow(new TypeError('transport: expected a TransportPort, got undefined'));
    expect(make({ loop: {} })).toThrow(new TypeError('loop: expected a LoopPort, got object Object'));
    expect(make({ random: Math })).toThrow(new TypeError('random: expected a RandomPort, got object Object'));
    expect(make({ address: '' })).toThrow(new RangeError('address: expected a non-empty string, got ""'));
    expect(make({ address: 8999 })).toThrow(new TypeError('address: expected a string, got 8999'));
    expect(make({ logger: console.log })).toThrow(new TypeError('logger: expected a Logger, got function log'));
    expect(make({ codecs: { serialization: jsonSerialization } })).toThrow(new TypeError('codecs: expected WireCodecs {serialization, compression}, got object Object'));
    expect(make({ wireOptions: { maxBytes: 1 } })).toThrow(new RangeError('wireOptions: unknown option "maxBytes" (known: maxPayloadBytes, maxDepth, maxContainers)'));
    expect(make({ wireOptions: { maxPayloadBytes: 0 } })).toThrow(new RangeError('wireOptions.maxPayloadBytes: expected an integer >= 1, got 0'));
    expect(make({ listenSocketOptions: { receiveTimeoutMs: -5 } })).toThrow(new RangeError('listenSocketOptions: receiveTimeoutMs: expected an integer >= 0, got -5'));
    expect(make({ serverSocketOptions: { mandatory: true } })).toThrow(new RangeError('serverSocketOptions: mandatory: only a router socket has this option, got it on a push socket (boolean true)'));
    expect(make({ serverSocketOptions: 'fast' })).toThrow(new TypeError('serverSocketOptions: expected a SocketOptions object, got "fast"'));
    expect(make({ sendQueueMax: 0 })).toThrow(new RangeError('sendQueueMax: expected an integer >= 1, got 0'));
    expect(make({ handlerMax: 1.5 })).toThrow(new RangeError('handlerMax: expected an integer, got 1.5'));
    expect(make({ backoffMs: 0 })).toThrow(new RangeError('backoffMs: expected a finite number >= 1, got 0'));
    expect(make({ backoffMs: 50, backoffMsMax: 10 })).toThrow(new RangeError('backoffMsMax: expected a finite number >= backoffMs (50), got 10'));
    expect(make({ broadcast: false })).toThrow(/^EventManager options: unknown option "broadcast" \(known: transport, loop, random, address, /);
    expect(sockets()).toBe(0);
  });
});

describe('EventManager arguments', () => {
  it('registerServer: a bad, malformed or duplicate address', () => {
    const events = manager();
    expect(() => events.registerServer(undefined as never)).toThrow(new TypeError('registerServer: address: expected a string, got undefined'));
    expect(() => events.registerServer('')).toThrow(new RangeError('registerServer: address: expected a non-empty string, got ""'));
    // The transport's own message for a malformed address, the same in both worlds.
    expect(() => events.registerServer('tcp://b')).toThrow(new RangeError('connect: missing port in address "tcp://b" (expected tcp://host:port)'));
    expect(events.servers).toEqual([]);
    events.registerServer('tcp://b:1');
    expect(() => events.registerServer('tcp://b:1')).toThrow(new RangeError('registerServer: "tcp://b:1" is already registered'));
    expect(events.servers).toEqual(['tcp://b:1']);
  });

  it('removeServer and sendToServer: an address that is not registered', () => {
    const events = manager();
    expect(() => events.removeServer('tcp://b:1')).toThrow(new RangeError('removeServer: "tcp://b:1" is not registered (registered: none)'));
    for (let i = 1; i <= 7; i++) events.registerServer(`tcp://s${i}:1`);
    expect(() => events.sendToServer('tcp://b:1', 'tick', 1)).toThrow(
      new RangeError('sendToServer: "tcp://b:1" is not a registered server (call registerServer first; registered: "tcp://s1:1", "tcp://s2:1", "tcp://s3:1", "tcp://s4:1", "tcp://s5:1", ... (7))'),
    );
    expect(() => events.sendToServer('tcp://s1:1', '', 1)).toThrow(new RangeError('sendToServer: name: expected a non-empty string, got ""'));
  });

  it('send: a bad name, options or args that do not encode; nothing is queued', () => {
    const events = manager({ wireOptions: { maxPayloadBytes: 100 } });
    events.registerServer('tcp://b:1');
    expect(() => events.send(42 as never)).toThrow(new TypeError('send: name: expected a string, got 42'));
    expect(() => events.send('tick', 1, { broadcast: 'no' as never })).toThrow(new TypeError('send: broadcast: expected a boolean, got "no"'));
    expect(() => events.send('tick', 1, { broadcst: false } as never)).toThrow(new RangeError('send options: unknown option "broadcst" (known: broadcast)'));
    expect(() => events.send('tick', 10n)).toThrow(new WireFormatError('UNENCODABLE', 'event "tick": json: cannot encode value: Do not know how to serialize a BigInt'));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => events.send('tick', cyclic)).toThrow(/^event "tick": json: cannot encode value: Converting circular structure to JSON/);
    expect(() => events.send('tick', 'x'.repeat(100))).toThrow(new WireFormatError('UNENCODABLE', 'event "tick": encoded frame of 125 bytes exceeds maxPayloadBytes (100)'));
    expect(events.stats.queued).toBe(0);
  });

  it('send: a server whose queue is full (sendQueueMax) throws and nothing is queued anywhere', () => {
    const events = manager({ sendQueueMax: 2 });
    events.registerServer('tcp://b:1');
    events.registerServer('tcp://c:1');
    // Nobody listens at either: the PUSH sends wait and the queues fill.
    events.send('tick', 1);
    events.sendToServer('tcp://c:1', 'tick', 2);
    expect(() => events.send('tick', 3)).toThrow(
      new RangeError('send: 2 events queued for "tcp://c:1" already (sendQueueMax 2): the server is not taking events; nothing was sent'),
    );
    expect(events.stats.queued).toBe(3);
    events.send('tick', 4, { broadcast: false });
    events.removeServer('tcp://b:1');
    expect(events.stats).toMatchObject({ queued: 2, dropped: 2 });
  });

  it('registerHandler, removeHandler and on: bad arguments', () => {
    const events = manager();
    const h = (): void => undefined;
    expect(() => events.registerHandler('', h)).toThrow(new RangeError('registerHandler: name: expected a non-empty string, got ""'));
    expect(() => events.registerHandler('tick', 'h' as never)).toThrow(new TypeError('registerHandler: handler: expected a function, got "h"'));
    expect(() => events.registerHandler('tick', h, { persists: true } as never)).toThrow(new RangeError('registerHandler options: unknown option "persists" (known: runOnMainLoop, until, persist)'));
    expect(() => events.registerHandler('tick', h, { persist: 1 as never })).toThrow(new TypeError('registerHandler: persist: expected a boolean, got 1'));
    expect(() => events.registerHandler('tick', h, { runOnMainLoop: 'yes' as never })).toThrow(new TypeError('registerHandler: runOnMainLoop: expected a boolean, got "yes"'));
    expect(() => events.registerHandler('tick', h, { until: true as never })).toThrow(
      new TypeError('registerHandler: until: expected an AbortSignal or an object with a boolean `finished` (a request), got boolean true'),
    );
    expect(() => events.registerHandler('tick', h, { until: { _finished: false } as never })).toThrow(
      new TypeError('registerHandler: until: expected an AbortSignal or an object with a boolean `finished` (a request), got object Object whose finished is undefined'),
    );
    expect(() => events.removeHandler({} as never)).toThrow(new TypeError('removeHandler: handle: expected what registerHandler returned, got object Object'));
    expect(() => events.on('')).toThrow(new RangeError('on: name: expected a non-empty string, got ""'));
    expect(() => events.on('tick', { signal: {} as never })).toThrow(new TypeError('on: signal: expected an AbortSignal, got object Object'));
    expect(() => events.on('tick', { bufferMax: 0 })).toThrow(new RangeError('on: bufferMax: expected an integer >= 1, got 0'));
    expect(() => events.on('tick', { buffer: 1 } as never)).toThrow(new RangeError('on options: unknown option "buffer" (known: signal, bufferMax)'));
  });

  it('a handle from another manager, or an `until` already finished, is never registered', () => {
    const events = manager();
    const other = manager().registerHandler('tick', () => undefined);
    expect(events.removeHandler(other)).toBe(false);
    expect(events.registerHandler('tick', () => undefined, { until: { finished: true } }).registered).toBe(false);
    expect(events.registerHandler('tick', () => undefined, { until: AbortSignal.abort() }).registered).toBe(false);
  });

  it('handlerMax bounds the handlers registered at once, streams included', () => {
    const events = manager({ handlerMax: 2 });
    const first = events.registerHandler('a', () => undefined);
    events.on('b');
    expect(() => events.registerHandler('c', () => undefined)).toThrow(
      new RangeError('registerHandler: 2 handlers registered already (handlerMax 2): remove handlers that are done, or raise handlerMax'),
    );
    events.removeHandler(first);
    events.registerHandler('c', () => undefined);
  });

  it('startListening without an address, and setting a bad one', async () => {
    const events = manager();
    await expect(events.startListening()).rejects.toThrow(new TypeError("startListening: no address: pass `address` to the constructor or set events.address first (e.g. 'tcp://*:8999')"));
    expect(() => (events.address = '' as never)).toThrow(new RangeError('address: expected a non-empty string, got ""'));
    await expect(manager({ address: 'tcp://a' }).startListening()).rejects.toThrow(new RangeError('bind: missing port in address "tcp://a" (expected tcp://host:port)'));
  });
});

describe('EventStream (on) bound', () => {
  it('a consumer more than bufferMax behind gets what was buffered, then an error naming the bound', async () => {
    let ended = 0;
    const stream = new EventStream<number>('tick', 2, () => void ended++);
    for (let i = 0; i < 5; i++) stream.push(i);
    expect(ended).toBe(1);
    expect(await stream.next()).toEqual({ value: 0, done: false });
    expect(await stream.next()).toEqual({ value: 1, done: false });
    await expect(stream.next()).rejects.toThrow(
      new RangeError('events.on("tick"): more than bufferMax (2) events waiting: the consumer fell behind (raise bufferMax, or handle events faster)'),
    );
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});

describe('EventManager.instance', () => {
  it('needs ports or a default factory the first time, then returns the same manager until it closes', async () => {
    EventManager.clearInstance();
    EventManager.setDefaultFactory(undefined);
    expect(() => EventManager.instance()).toThrow(/^EventManager.instance: no instance yet: pass its ports on the first call/);
    const { sockets: _s, ...options } = ports();
    const shared = EventManager.instance(options);
    expect(EventManager.instance()).toBe(shared);
    expect(EventManager.instance({ ...options, address: 'tcp://*:1' })).toBe(shared);
    await shared.close();
    EventManager.setDefaultFactory(() => manager({ address: 'tcp://*:2' }));
    const made = EventManager.instance();
    expect(made).not.toBe(shared);
    expect(made.address).toBe('tcp://*:2');
    EventManager.clearInstance();
    EventManager.setDefaultFactory(() => ({}) as never);
    expect(() => EventManager.instance()).toThrow(new TypeError('EventManager default factory result: expected an EventManager, got object Object'));
    expect(() => EventManager.setDefaultFactory('f' as never)).toThrow(new TypeError('factory: expected a function returning an EventManager, got "f"'));
    EventManager.setDefaultFactory(undefined);
    await made.close();
  });
});

describe('EventManager codecs', () => {
  it('the default frame is JSON {name, args} without compression; undefined args travel as null', async () => {
    const { encodeEvent, decodeEvent } = await import('../../../src/core/event-manager.js');
    const codecs = { serialization: jsonSerialization, compression: noCompression };
    const limits = { maxPayloadBytes: 1000, maxDepth: 4, maxContainers: 10 };
    expect(new TextDecoder().decode(encodeEvent('tick', undefined, codecs, limits))).toBe('{"name":"tick","args":null}');
    expect(decodeEvent([new TextEncoder().encode('{"name":"tick"}')], codecs, limits)).toEqual({ name: 'tick', args: null });
    expect(() => decodeEvent([new TextEncoder().encode('{"name":"t","args":[[[[[1]]]]]}')], codecs, limits)).toThrow(
      new WireFormatError('TOO_DEEP', 'event: json: cannot decode payload: nested deeper than maxDepth (4)'),
    );
    expect(() => decodeEvent([new Uint8Array(1001)], codecs, limits)).toThrow(new WireFormatError('TOO_LARGE', 'event: frame of 1001 bytes exceeds maxPayloadBytes (1000)'));
  });
});

describe('EventManager receive failures and a logger that throws', () => {
  it('a failing receive (receiveTimeoutMs) backs off doubling and events are still handled; a throwing logger changes nothing', () =>
    runInWorld('sim', async (w) => {
      const loop = new LoopSim(w.sim!.kernel);
      const lines: { backoffMs: unknown; code: unknown }[] = [];
      const at = (context: object | string): void => {
        if (typeof context === 'object' && 'backoffMs' in context) lines.push({ backoffMs: context.backoffMs, code: (context as { code?: unknown }).code });
        throw new Error('logger down');
      };
      const logger: Logger = { trace: at, debug: at, info: at, warn: at, error: at, fatal: at, child: () => logger };
      const address = await w.address('a', 'events');
      const server = new EventManager({ transport: w.transport('a'), loop, random: new Random(1), address, logger, listenSocketOptions: { receiveTimeoutMs: 20 } });
      const got: unknown[] = [];
      server.registerHandler('tick', (n) => void got.push(n), { persist: true });
      server.registerHandler('tick', () => {
        throw new Error('handler bug');
      }, { persist: true });
      await server.startListening();
      await w.sleep(200);
      const client = new EventManager({ transport: w.transport('b'), loop, random: new Random(2) });
      client.registerServer(address);
      client.send('tick', 1);
      await w.waitFor(() => got.length === 1);
      expect(lines.slice(0, 3)).toEqual([
        { backoffMs: 10, code: 'EAGAIN' },
        { backoffMs: 20, code: 'EAGAIN' },
        { backoffMs: 40, code: 'EAGAIN' },
      ]);
      expect(server.stats.receiveFailures).toBeGreaterThanOrEqual(3);
      expect(server.stats.handlerErrors).toBe(1);
      await client.close();
      await server.close();
    }));
});
