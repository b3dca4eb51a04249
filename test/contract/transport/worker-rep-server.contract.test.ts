// Proves WorkerRepServer, one body per behaviour in every world (sim, sim-ipc, sim-inproc, tcp, ipc, inproc): Toto's DEALER frames get values, bad_method, exceptions and TotoErrors back; a malformed request gets an error reply and the next is served; @asynchronous acks with and without awaiting; two servers behind one DEALER both serve; socket failures are logged with a backoff and survived; close() ends the loop.
import { expect } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { TotoError } from '../../../src/core/errors.js';
import type { LoopPort } from '../../../src/core/ports.js';
import type { Socket } from '../../../src/core/transport.js';
import { dealerRequestFrames, decodeReply, encodeInvocation, parseDealerReply, type DealerReply, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../../src/core/worker-methods.js';
import { WorkerRepServer, type WorkerRepServerOptions } from '../../../src/core/worker-rep-server.js';
import { EVERY_WORLD, describeWorlds, stillPending, track, type World, worldLoop } from './worlds.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A worker's parts in world `w`: its loop, the methods Toto's worker tests use, and the servers made, closed at the end. */
class Rig {
  readonly loop: LoopPort;
  readonly fired: unknown[] = [];
  readonly logs: ContextLogLine[] = [];
  private readonly closeLoop: () => void;
  private readonly servers: WorkerRepServer[] = [];
  /** Gates the @asynchronous `slow` method until open() is called. */
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  constructor(private readonly w: World) {
    ({ loop: this.loop, close: this.closeLoop } = worldLoop(w));
  }

  open(): void {
    this.release();
  }

  server(options: Partial<WorkerRepServerOptions> = {}): WorkerRepServer {
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({
        return_value: (_worker, parameters) => ({ parameters }),
        throw_exception: () => {
          throw new Error('Test Exception');
        },
        throw_toto_exception: () => {
          throw new TotoError(4242, 'Test Toto Exception');
        },
        fire: asynchronous((_worker, parameters) => void this.fired.push(parameters)),
        slow: asynchronous(async (_worker, parameters) => {
          await this.gate;
          this.fired.push(parameters);
        }),
      }),
      worker: null,
      codecs: json,
      loop: this.loop,
    });
    const server = new WorkerRepServer({
      transport: this.w.transport('worker'),
      dispatcher,
      loop: this.loop,
      logger: loggerInto(this.logs),
      ...options,
    });
    this.servers.push(server);
    return server;
  }

  async close(): Promise<void> {
    this.release();
    for (const server of this.servers) await server.close();
    this.closeLoop();
  }
}

/** The client side of Toto's worker link: a DEALER sending ['', id, payload]. */
function client(dealer: Socket) {
  const call = async (frames: Uint8Array[]): Promise<DealerReply> => {
    await dealer.send(frames);
    return parseDealerReply(await dealer.receive());
  };
  const invoke = (id: string, method: string, parameters: unknown): Promise<DealerReply> =>
    call(dealerRequestFrames(bytes(id), encodeInvocation({ method, parameters }, json)));
  const decoded = (reply: DealerReply): [string, unknown] => [str(reply.id), reply.kind === 'reply' ? decodeReply(reply.payload, json) : 'ack'];
  return { call, invoke, decoded };
}

async function direct(w: World, rig: Rig, options: Partial<WorkerRepServerOptions> = {}) {
  const server = rig.server(options);
  const address = await w.address('worker', 'rpc');
  await server.bind(address);
  const dealer = w.socket('client', 'dealer', { receiveTimeoutMs: 10_000 });
  dealer.connect(address);
  return { server, dealer, ...client(dealer) };
}

async function withRig(w: World, body: (rig: Rig) => Promise<void>): Promise<void> {
  const rig = new Rig(w);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

describeWorlds("WorkerRepServer answers Toto's DEALER frames: return_value, bad_method, throw_exception, throw_toto_exception", EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { server, invoke, decoded } = await direct(w, rig);
    expect(decoded(await invoke('1', 'return_value', { arg1: 1, arg2: 'hello' }))).toEqual([
      '1',
      { ok: true, value: { parameters: { arg1: 1, arg2: 'hello' } } },
    ]);
    expect(decoded(await invoke('2', 'bad_method', {}))).toEqual(['2', { ok: false, error: new TotoError(1002, 'unknown method "bad_method"') }]);
    expect(decoded(await invoke('3', 'throw_exception', {}))).toEqual(['3', { ok: false, error: new TotoError(1000, 'Test Exception') }]);
    expect(decoded(await invoke('4', 'throw_toto_exception', {}))).toEqual([
      '4',
      { ok: false, error: new TotoError(4242, 'Test Toto Exception') },
    ]);
    expect(server.stats).toEqual({ served: 4, acks: 0, errors: 0 });
  }),
);

describeWorlds('WorkerRepServer: a malformed request gets an error reply and the next valid request is served', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { server, call, invoke, decoded } = await direct(w, rig);
    // One frame after the delimiter: no [id, payload]; the id is recovered from the lone frame.
    expect(decoded(await call([new Uint8Array(0), bytes('lonely')]))).toEqual([
      'lonely',
      { ok: false, error: new TotoError(1000, 'rep request: expected 2 frames [id, payload], got 1') },
    ]);
    // A payload that is not JSON.
    const garbled = decoded(await call(dealerRequestFrames(bytes('garbled'), bytes('{not json'))));
    expect(garbled[0]).toBe('garbled');
    expect(garbled[1]).toMatchObject({ ok: false, error: { code: 1000 } });
    expect(decoded(await invoke('ok', 'return_value', 7))).toEqual(['ok', { ok: true, value: { parameters: 7 } }]);
    expect(server.stats).toEqual({ served: 3, acks: 0, errors: 0 });
  }),
);

describeWorlds('WorkerRepServer: an @asynchronous method is acknowledged with [id] and runs', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { server, invoke, decoded } = await direct(w, rig);
    expect(decoded(await invoke('a1', 'fire', 'x'))).toEqual(['a1', 'ack']);
    await w.waitFor(() => rig.fired.length === 1, { what: 'the asynchronous method to run' });
    expect(rig.fired).toEqual(['x']);
    expect(server.stats).toEqual({ served: 0, acks: 1, errors: 0 });
  }),
);

describeWorlds('WorkerRepServer with awaitAsynchronous takes no request until the @asynchronous method is done (Toto)', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { invoke, decoded } = await direct(w, rig, { awaitAsynchronous: true });
    expect(decoded(await invoke('s', 'slow', 'slow-done'))).toEqual(['s', 'ack']);
    const next = invoke('n', 'return_value', 1);
    expect(await stillPending(w, next, 300)).toBe(true);
    rig.open();
    expect(decoded(await next)).toEqual(['n', { ok: true, value: { parameters: 1 } }]);
    expect(rig.fired).toEqual(['slow-done']);
  }),
);

describeWorlds('WorkerRepServer without awaitAsynchronous serves on while the @asynchronous method runs', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { invoke, decoded } = await direct(w, rig);
    expect(decoded(await invoke('s', 'slow', 'slow-done'))).toEqual(['s', 'ack']);
    expect(decoded(await invoke('n', 'return_value', 1))).toEqual(['n', { ok: true, value: { parameters: 1 } }]);
    expect(rig.fired).toEqual([]);
    rig.open();
    await w.waitFor(() => rig.fired.length === 1, { what: 'the asynchronous method to finish' });
  }),
);

describeWorlds("WorkerRepServer: two servers connected behind one DEALER (Toto's balancer side) both serve", EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const dealer = w.socket('router', 'dealer', { receiveTimeoutMs: 10_000 });
    const address = await w.address('router', 'backend');
    await dealer.bind(address);
    const one = rig.server();
    const two = rig.server();
    one.connect(address);
    two.connect(address);
    const { invoke, decoded } = client(dealer);
    // One call at a time until both have answered: the DEALER round-robins once both are connected.
    let sent = 0;
    while (one.stats.served === 0 || two.stats.served === 0) {
      expect(sent, 'calls before both servers answered').toBeLessThan(200);
      const id = `c${sent++}`;
      expect(decoded(await invoke(id, 'return_value', sent))).toEqual([id, { ok: true, value: { parameters: sent } }]);
    }
    expect(one.stats.served + two.stats.served).toBe(sent);
    // Once both are connected, calls alternate: the next four go two to each.
    const before = [one.stats.served, two.stats.served];
    for (let i = 0; i < 4; i++) await invoke(`r${i}`, 'return_value', i);
    expect([one.stats.served - (before[0] as number), two.stats.served - (before[1] as number)]).toEqual([2, 2]);
  }),
);

describeWorlds('WorkerRepServer logs a failing receive with context, backs off doubling, and still serves', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    // Every receive times out while no request comes: a persistent socket failure.
    const { server, invoke, decoded } = await direct(w, rig, {
      socketOptions: { receiveTimeoutMs: 20 },
      backoffMs: 10,
      backoffMsMax: 80,
    });
    await w.waitFor(() => server.stats.errors >= 5, { timeoutMs: 10_000, what: 'five receive failures' });
    const failures = rig.logs.filter((line) => line.message === 'worker rep server: receive failed');
    expect(failures.slice(0, 5).map((line) => [line.level, line.context.phase, line.context.code, line.context.backoffMs])).toEqual([
      ['warn', 'receive', 'EAGAIN', 10],
      ['warn', 'receive', 'EAGAIN', 20],
      ['warn', 'receive', 'EAGAIN', 40],
      ['warn', 'receive', 'EAGAIN', 80],
      ['warn', 'receive', 'EAGAIN', 80],
    ]);
    // Bounded: each failure costs at least the 20 ms timeout plus the backoff, so no hot loop.
    const startMs = w.now();
    const errorsBefore = server.stats.errors;
    await w.sleep(500);
    expect(server.stats.errors - errorsBefore).toBeLessThanOrEqual(Math.ceil((w.now() - startMs) / 100) + 1);
    // A request sent now may land on a receive that times out first; the loop goes on and answers it.
    expect(decoded(await invoke('late', 'return_value', 'x'))).toEqual(['late', { ok: true, value: { parameters: 'x' } }]);
  }),
);

describeWorlds('WorkerRepServer.close() ends the loop (even awaiting an @asynchronous method) and closes the socket', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const { server, dealer, invoke, decoded } = await direct(w, rig, { awaitAsynchronous: true });
    expect(decoded(await invoke('1', 'return_value', 1))).toEqual(['1', { ok: true, value: { parameters: 1 } }]);
    expect(decoded(await invoke('s', 'slow', 'never'))).toEqual(['s', 'ack']);
    const closing = track(server.close());
    await w.waitFor(() => closing.settled, { what: 'close() to resolve' });
    expect(closing.error).toBeUndefined();
    expect(server.closed).toBe(true);
    // Nobody serves any more: a request sent now gets no answer. Not awaited: over inproc the
    // DEALER lost its only peer with the bound socket, so the send waits (zeromq.js does so too).
    track(dealer.send(dealerRequestFrames(bytes('after'), encodeInvocation({ method: 'return_value', parameters: 1 }, json))));
    expect(await stillPending(w, dealer.receive(), 300)).toBe(true);
    expect(server.stats).toEqual({ served: 1, acks: 1, errors: 0 });
    expect(rig.logs.filter((line) => line.level !== 'info')).toEqual([]);
    // A second close() is harmless.
    await server.close();
  }),
);
