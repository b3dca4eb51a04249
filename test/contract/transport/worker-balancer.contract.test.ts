// Proves WorkerBalancer (Toto's ROUTER<->DEALER worker balancer) in every world (sim, sim-ipc, sim-inproc, tcp, ipc, inproc): Toto's client DEALER frames reach WorkerRepServer workers through it and each reply comes back with its id; calls spread over two workers; two clients each get only their own replies; a request held while no worker is connected is served once one joins, and a late worker joins the rotation; when a worker goes away the other takes the calls; malformed client frames do not stop it; `tcp://host:*` endpoints; close() ends both loops cleanly.
import { expect } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import type { LoopPort } from '../../../src/core/ports.js';
import type { Socket } from '../../../src/core/transport.js';
import { dealerRequestFrames, decodeReply, encodeInvocation, parseDealerReply, type Reply, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerBalancer, type WorkerBalancerOptions } from '../../../src/core/worker-balancer.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../../src/core/worker-rep-server.js';
import { EVERY_WORLD, TCP_WORLDS, describeWorlds, track, type World, worldLoop } from './worlds.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A client DEALER speaking Toto's frames: one send at a time (EBUSY otherwise), one receive loop collecting replies by id. */
class Client {
  readonly replies = new Map<string, Reply>();
  /** Ids in arrival order, to show nothing arrives twice or for someone else. */
  readonly arrived: string[] = [];
  readonly unparsed: string[][] = [];
  private sending: Promise<void> = Promise.resolve();

  constructor(readonly dealer: Socket) {
    void (async () => {
      for (;;) {
        const frames = await dealer.receive();
        let reply;
        try {
          reply = parseDealerReply(frames);
        } catch {
          // Not Toto's ['', id, payload] (an answer to a client that sent a longer envelope): kept as is.
          this.unparsed.push(frames.map(str));
          continue;
        }
        const id = str(reply.id);
        this.arrived.push(id);
        if (reply.kind === 'reply') this.replies.set(id, decodeReply(reply.payload, json));
      }
    })().catch(() => undefined);
  }

  /** Queues raw frames behind the earlier sends. */
  send(frames: Uint8Array[]): Promise<void> {
    const next = this.sending.then(() => this.dealer.send(frames));
    this.sending = next.catch(() => undefined);
    return next;
  }

  invoke(id: string, parameters: unknown, method = 'whoami'): Promise<void> {
    return this.send(dealerRequestFrames(bytes(id), encodeInvocation({ method, parameters }, json)));
  }
}

/** The parts of one test: a balancer on host 'router', workers on their own hosts, clients on theirs; all closed at the end. */
class Rig {
  readonly loop: LoopPort;
  readonly logs: ContextLogLine[] = [];
  private readonly closeLoop: () => void;
  private readonly workers: WorkerRepServer[] = [];
  private readonly balancers: WorkerBalancer[] = [];
  /** Workers whose simulated host crashed. */
  readonly crashed = new Set<WorkerRepServer>();

  constructor(private readonly w: World) {
    ({ loop: this.loop, close: this.closeLoop } = worldLoop(w));
  }

  async balancer(options: Partial<WorkerBalancerOptions> = {}): Promise<WorkerBalancer> {
    const balancer = new WorkerBalancer({
      transport: this.w.transport('router'),
      loop: this.loop,
      logger: loggerInto(this.logs),
      // Over tcp, ephemeral ports: a port probed free and bound later may be taken meanwhile by a parallel test file.
      bindAddress: this.w.scheme === 'tcp' ? this.w.anyPort('router') : await this.w.address('router', 'front'),
      socketAddress: this.w.scheme === 'tcp' ? this.w.anyPort('router') : await this.w.address('router', 'back'),
      ...options,
    });
    this.balancers.push(balancer);
    await balancer.start();
    return balancer;
  }

  /** A worker whose `whoami` method answers with its name and the parameters. */
  worker(name: string, address: string): WorkerRepServer {
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({ whoami: (_worker, parameters) => ({ worker: name, parameters }) }),
      worker: null,
      codecs: json,
      loop: this.loop,
    });
    const server = new WorkerRepServer({ transport: this.w.transport(name), dispatcher, loop: this.loop, logger: loggerInto(this.logs) });
    this.workers.push(server);
    server.connect(address);
    return server;
  }

  client(name: string, address: string): Client {
    const dealer = this.w.socket(name, 'dealer');
    dealer.connect(address);
    return new Client(dealer);
  }

  async close(): Promise<void> {
    for (const balancer of this.balancers) await balancer.close();
    // A crashed host's loop never ends (nothing it waits for settles): its close is not awaited.
    for (const worker of this.workers) {
      const closing = worker.close();
      if (!this.crashed.has(worker)) await closing;
    }
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

const value = (reply: Reply | undefined): unknown => (reply?.ok ? reply.value : reply);

/** Sends one call at a time until both workers have answered (the DEALER round-robins only over connected workers). */
async function untilBothServe(w: World, client: Client, one: WorkerRepServer, two: WorkerRepServer, prefix: string): Promise<number> {
  let sent = 0;
  while (one.stats.served === 0 || two.stats.served === 0) {
    expect(sent, 'calls before both workers answered').toBeLessThan(200);
    const id = `${prefix}${sent++}`;
    await client.invoke(id, sent);
    await w.waitFor(() => client.replies.has(id), { timeoutMs: 10_000, what: `the reply to ${id}` });
  }
  return sent;
}

describeWorlds("WorkerBalancer carries Toto's DEALER frames to two workers and each reply back with its id; calls spread over both", EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer();
    const back = balancer.backEndpoint as string;
    const one = rig.worker('worker1', back);
    const two = rig.worker('worker2', back);
    const client = rig.client('client', balancer.frontEndpoint as string);
    const warmup = await untilBothServe(w, client, one, two, 'w');
    // Then 40 calls in flight at once: each comes back once, with its own id and parameters.
    const before = [one.stats.served, two.stats.served] as [number, number];
    for (let i = 0; i < 40; i++) void client.invoke(`c${i}`, { i });
    await w.waitFor(() => client.arrived.length === warmup + 40, { timeoutMs: 10_000, what: '40 replies' });
    for (let i = 0; i < 40; i++) {
      expect(value(client.replies.get(`c${i}`))).toMatchObject({ parameters: { i } });
    }
    expect(new Set(client.arrived).size).toBe(client.arrived.length);
    const byWorker = [one.stats.served - before[0], two.stats.served - before[1]];
    expect(byWorker[0]! + byWorker[1]!).toBe(40);
    // Both connected: the DEALER alternates, so each takes half.
    expect(byWorker).toEqual([20, 20]);
    const served = [...client.replies.values()].map((reply) => (value(reply) as { worker: string }).worker);
    expect(new Set(served)).toEqual(new Set(['worker1', 'worker2']));
    expect(balancer.stats).toEqual({ toWorkers: warmup + 40, toClients: warmup + 40, errors: 0, notForwarded: 0 });
  }),
);

describeWorlds('WorkerBalancer: two clients at once each get only their own replies', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer();
    rig.worker('worker1', balancer.backEndpoint as string);
    rig.worker('worker2', balancer.backEndpoint as string);
    const alice = rig.client('alice', balancer.frontEndpoint as string);
    const bob = rig.client('bob', balancer.frontEndpoint as string);
    for (let i = 0; i < 25; i++) {
      void alice.invoke(`a${i}`, `alice-${i}`);
      void bob.invoke(`b${i}`, `bob-${i}`);
    }
    await w.waitFor(() => alice.arrived.length === 25 && bob.arrived.length === 25, { timeoutMs: 10_000, what: '25 replies each' });
    expect([...alice.arrived].sort()).toEqual(Array.from({ length: 25 }, (_, i) => `a${i}`).sort());
    expect([...bob.arrived].sort()).toEqual(Array.from({ length: 25 }, (_, i) => `b${i}`).sort());
    for (let i = 0; i < 25; i++) {
      expect(value(alice.replies.get(`a${i}`))).toMatchObject({ parameters: `alice-${i}` });
      expect(value(bob.replies.get(`b${i}`))).toMatchObject({ parameters: `bob-${i}` });
    }
    // Nothing strays afterwards.
    await w.sleep(200);
    expect([alice.arrived.length, bob.arrived.length]).toEqual([25, 25]);
  }),
);

describeWorlds('WorkerBalancer holds a request while no worker is connected (the DEALER send waits), and a worker that joins later is served calls', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer();
    const client = rig.client('client', balancer.frontEndpoint as string);
    await client.invoke('early', 'no worker yet');
    // zmq_proxy's behaviour: the front loop waits in the DEALER's send; nothing is dropped.
    await w.sleep(300);
    expect([client.arrived.length, balancer.stats.toWorkers]).toEqual([0, 0]);
    const one = rig.worker('worker1', balancer.backEndpoint as string);
    await w.waitFor(() => client.replies.has('early'), { timeoutMs: 10_000, what: 'the held request to be served' });
    expect(value(client.replies.get('early'))).toEqual({ worker: 'worker1', parameters: 'no worker yet' });
    // A second worker joins later and starts receiving calls.
    const two = rig.worker('worker2', balancer.backEndpoint as string);
    await untilBothServe(w, client, one, two, 'late');
    expect(two.stats.served).toBeGreaterThan(0);
    expect(balancer.stats.errors).toBe(0);
  }),
);

describeWorlds('WorkerBalancer: when a worker goes away (closed, or its host crashed in the sim), calls go on to the other one', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer();
    const one = rig.worker('worker1', balancer.backEndpoint as string);
    const two = rig.worker('worker2', balancer.backEndpoint as string);
    const client = rig.client('client', balancer.frontEndpoint as string);
    await untilBothServe(w, client, one, two, 'w');
    // The simulation over tcp has one host per worker: crash it (its sockets vanish, nothing settles).
    if (w.sim && w.scheme === 'tcp') {
      w.sim.net.crashHost('worker1');
      rig.crashed.add(one);
    } else await one.close();
    // A call may go into worker1's pipe before the DEALER sees it gone: it is lost (a client's
    // timeout and retry are the answer, not the balancer's). Every call once the loss is seen is served by worker2.
    const servedBy: string[] = [];
    for (let i = 0; servedBy.length < 10; i++) {
      expect(i, 'calls before ten in a row reach worker2').toBeLessThan(30);
      const id = `after${i}`;
      await client.invoke(id, i);
      try {
        await w.waitFor(() => client.replies.has(id), { timeoutMs: 1_000 });
      } catch {
        expect(servedBy, 'no call is lost once worker2 has served one').toEqual([]);
        continue;
      }
      servedBy.push((value(client.replies.get(id)) as { worker: string }).worker);
    }
    expect(servedBy).toEqual(Array.from({ length: 10 }, () => 'worker2'));
    expect(balancer.stats.errors).toBe(0);
  }),
);

describeWorlds('WorkerBalancer: malformed client frame sequences do not stop it; valid calls are served after them', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer();
    rig.worker('worker1', balancer.backEndpoint as string);
    rig.worker('worker2', balancer.backEndpoint as string);
    const client = rig.client('client', balancer.frontEndpoint as string);
    await client.invoke('ok1', 1);
    await w.waitFor(() => client.replies.has('ok1'), { timeoutMs: 10_000, what: 'the first reply' });
    const garbage: Uint8Array[][] = [
      [bytes('junk')], // no delimiter: the worker's REP discards it
      [new Uint8Array(0)], // a delimiter and nothing after it: discarded too
      [new Uint8Array(0), bytes('lonely')], // no payload: the worker answers an error with the id
      [new Uint8Array(0), bytes('many'), bytes('a'), bytes('b'), bytes('c')], // too many frames: an error reply
      [bytes('x'), bytes('y'), new Uint8Array(0), bytes('deep'), bytes('{not json')], // a longer envelope: answered, routed back
      [new Uint8Array(0), bytes('garbled'), bytes('{not json')],
      [new Uint8Array(0), bytes('huge'), new Uint8Array(64 * 1024).fill(0xff)],
    ];
    for (const frames of garbage) await client.send(frames);
    for (let i = 2; i <= 6; i++) await client.invoke(`ok${i}`, i);
    await w.waitFor(() => [2, 3, 4, 5, 6].every((i) => client.replies.has(`ok${i}`)), { timeoutMs: 10_000, what: 'valid calls after garbage' });
    for (let i = 2; i <= 6; i++) expect(value(client.replies.get(`ok${i}`))).toMatchObject({ parameters: i });
    for (const id of ['lonely', 'many', 'garbled', 'huge']) {
      await w.waitFor(() => client.replies.has(id), { timeoutMs: 10_000, what: `the error reply to ${id}` });
      expect(client.replies.get(id)).toMatchObject({ ok: false, error: { code: 1000 } });
    }
    // The longer envelope came back whole, routed by identity: the balancer forwards, it does not parse.
    await w.waitFor(() => client.unparsed.length === 1, { timeoutMs: 10_000, what: 'the reply to the longer envelope' });
    expect(client.unparsed[0]?.slice(0, 4)).toEqual(['x', 'y', '', 'deep']);
    // Every message went through; the balancer itself saw no failure.
    expect(balancer.stats.toWorkers).toBe(6 + garbage.length);
    expect(balancer.stats.errors).toBe(0);
    expect(balancer.closed).toBe(false);
  }),
);

describeWorlds('WorkerBalancer binds tcp://host:* and reports the chosen ports as frontEndpoint and backEndpoint', TCP_WORLDS, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer({ bindAddress: w.anyPort('router'), socketAddress: w.anyPort('router') });
    const front = balancer.frontEndpoint as string;
    const back = balancer.backEndpoint as string;
    expect(front).toMatch(/^tcp:\/\/.+:\d+$/);
    expect(back).toMatch(/^tcp:\/\/.+:\d+$/);
    expect(front).not.toBe(back);
    rig.worker('worker1', back);
    const client = rig.client('client', front);
    await client.invoke('x', 'y');
    await w.waitFor(() => client.replies.has('x'), { timeoutMs: 10_000, what: 'the reply' });
    expect(value(client.replies.get('x'))).toEqual({ worker: 'worker1', parameters: 'y' });
  }),
);

describeWorlds('WorkerBalancer.close() ends both loops and closes both sockets, with no failure logged', EVERY_WORLD, (w) =>
  withRig(w, async (rig) => {
    const balancer = await rig.balancer();
    rig.worker('worker1', balancer.backEndpoint as string);
    const client = rig.client('client', balancer.frontEndpoint as string);
    await client.invoke('1', 1);
    await w.waitFor(() => client.replies.has('1'), { timeoutMs: 10_000, what: 'the reply' });
    const closing = track(balancer.close());
    await w.waitFor(() => closing.settled, { what: 'close() to resolve' });
    expect(closing.error).toBeUndefined();
    expect(balancer.closed).toBe(true);
    // Nobody forwards any more. Not awaited: over inproc the DEALER lost its only peer, so the send waits.
    track(client.invoke('after', 2));
    await w.sleep(300);
    expect(client.replies.has('after')).toBe(false);
    expect(balancer.stats).toEqual({ toWorkers: 1, toClients: 1, errors: 0, notForwarded: 0 });
    expect(rig.logs.filter((line) => line.level !== 'info')).toEqual([]);
    // A second close() is harmless; start() again returns the first start's promise.
    await balancer.close();
    await expect(balancer.start()).resolves.toBeUndefined();
  }),
);
