// Proves the WorkerBalancer's idempotency window in every world (sim, sim-ipc, sim-inproc, tcp, ipc, inproc): a call re-sent while in flight (from the same DEALER, or another one as after a reconnect) runs on one worker once and every sender gets the reply; a re-send after the reply is answered by the router without reaching a worker; without the window the same re-send runs on the other worker too; a forward older than inFlightMaxMs goes out again and its second reply is dropped; frames that are not Toto's still pass.
import { expect } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import type { LoopPort } from '../../../src/core/ports.js';
import type { Socket } from '../../../src/core/transport.js';
import { dealerRequestFrames, decodeReply, encodeInvocation, parseDealerReply, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerBalancer, type WorkerBalancerOptions } from '../../../src/core/worker-balancer.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../../src/core/worker-rep-server.js';
import { EVERY_WORLD, describeWorlds, type World, worldLoop } from './worlds.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const SLOW_MS = 300;

/** A client DEALER speaking Toto's frames, collecting the decoded value of every reply in arrival order. */
class Client {
  readonly replies: { id: string; value: unknown }[] = [];
  readonly raw: string[][] = [];
  private sending: Promise<void> = Promise.resolve();

  constructor(readonly dealer: Socket) {
    void (async () => {
      for (;;) {
        const frames = await dealer.receive();
        try {
          const reply = parseDealerReply(frames);
          const decoded = reply.kind === 'reply' ? decodeReply(reply.payload, json) : undefined;
          this.replies.push({ id: str(reply.id), value: decoded?.ok ? decoded.value : decoded });
        } catch {
          this.raw.push(frames.map(str));
        }
      }
    })().catch(() => undefined);
  }

  send(frames: Uint8Array[]): Promise<void> {
    const next = this.sending.then(() => this.dealer.send(frames));
    this.sending = next.catch(() => undefined);
    return next;
  }

  invoke(id: string, method: string, parameters: unknown = null): Promise<void> {
    return this.send(dealerRequestFrames(bytes(id), encodeInvocation({ method, parameters }, json)));
  }

  count(id: string): number {
    return this.replies.filter((r) => r.id === id).length;
  }
}

/** A worker whose `slow` method answers after SLOW_MS (or parameters.delayMs) with its name and how many times it ran. */
class Worker {
  runs = 0;
  readonly server: WorkerRepServer;
  constructor(w: World, loop: LoopPort, readonly name: string, address: string) {
    const slow = (_worker: unknown, parameters: unknown): Promise<unknown> => {
      this.runs++;
      const delayMs = (parameters as { delayMs?: number } | null)?.delayMs ?? SLOW_MS;
      return new Promise((resolve) => loop.callLater(delayMs, () => resolve({ worker: name, runs: this.runs })));
    };
    const dispatcher = new WorkerDispatcher({ methods: WorkerMethods.fromMap({ slow }), worker: null, codecs: json, loop });
    this.server = new WorkerRepServer({ transport: w.transport(name), dispatcher, loop });
    this.server.connect(address);
  }
}

interface Rig {
  w: World;
  loop: LoopPort;
  balancer: WorkerBalancer;
  workers: Worker[];
  client(name: string): Client;
}

async function withRig(w: World, options: Partial<WorkerBalancerOptions>, workerCount: number, body: (rig: Rig) => Promise<void>): Promise<void> {
  const { loop, close } = worldLoop(w);
  const balancer = new WorkerBalancer({
    transport: w.transport('router'),
    loop,
    bindAddress: w.scheme === 'tcp' ? w.anyPort('router') : await w.address('router', 'front'),
    socketAddress: w.scheme === 'tcp' ? w.anyPort('router') : await w.address('router', 'back'),
    ...options,
  });
  const workers: Worker[] = [];
  try {
    await balancer.start();
    for (let i = 1; i <= workerCount; i++) workers.push(new Worker(w, loop, `worker${i}`, balancer.backEndpoint as string));
    const client = (name: string): Client => {
      const dealer = w.socket(name, 'dealer');
      dealer.connect(balancer.frontEndpoint as string);
      return new Client(dealer);
    };
    await body({ w, loop, balancer, workers, client });
  } finally {
    await balancer.close();
    for (const worker of workers) await worker.server.close();
    close();
  }
}

/** Warms up until every worker has served a call (the DEALER round-robins over connected workers only). */
async function untilAllServe(rig: Rig, client: Client): Promise<void> {
  for (let i = 0; rig.workers.some((worker) => worker.server.stats.served === 0); i++) {
    expect(i, 'calls before every worker answered').toBeLessThan(100);
    await client.invoke(`warm${i}`, 'slow', { delayMs: 0 });
    await rig.w.waitFor(() => client.count(`warm${i}`) === 1, { timeoutMs: 10_000, what: `the reply to warm${i}` });
  }
}

const runs = (rig: Rig): number => rig.workers.reduce((sum, worker) => sum + worker.runs, 0);

describeWorlds('WorkerBalancer with idempotency: a call re-sent in flight runs once and each sender gets the reply; a re-send after it is answered by the router', EVERY_WORLD, (w) =>
  withRig(w, { idempotency: { ttlMs: 60_000 } }, 2, async (rig) => {
    const alice = rig.client('alice');
    await untilAllServe(rig, alice);
    const before = runs(rig);
    await alice.invoke('x', 'slow');
    await w.waitFor(() => runs(rig) === before + 1, { timeoutMs: 10_000, what: 'x to start running' });
    // While x runs: a retry from the same DEALER, and one from a new DEALER (a reconnected client has a new identity).
    await alice.invoke('x', 'slow');
    const again = rig.client('alice-reconnected');
    await again.invoke('x', 'slow');
    await w.waitFor(() => alice.count('x') === 1 && again.count('x') === 1, { timeoutMs: 10_000, what: 'the reply to x at both DEALERs' });
    expect(runs(rig)).toBe(before + 1);
    const answer = alice.replies.find((r) => r.id === 'x')?.value;
    expect(again.replies.find((r) => r.id === 'x')?.value).toEqual(answer);
    // After the reply: answered from the window, no worker runs it.
    const served = rig.balancer.stats.toWorkers;
    await again.invoke('x', 'slow');
    await w.waitFor(() => again.count('x') === 2, { timeoutMs: 10_000, what: 'the re-sent x answered from the window' });
    expect(again.replies.filter((r) => r.id === 'x')[1]?.value).toEqual(answer);
    await w.sleep(SLOW_MS * 2);
    expect([runs(rig), rig.balancer.stats.toWorkers, alice.count('x')]).toEqual([before + 1, served, 1]);
    expect(rig.balancer.stats.idempotency).toMatchObject({ joins: 2, hits: 1, reforwards: 0, duplicateReplies: 0, inFlight: 0 });
    expect(rig.balancer.stats.errors).toBe(0);
  }),
);

describeWorlds('WorkerBalancer without idempotency: the same re-send in flight runs again, on the other worker (what the window prevents)', EVERY_WORLD, (w) =>
  withRig(w, {}, 2, async (rig) => {
    const alice = rig.client('alice');
    await untilAllServe(rig, alice);
    const before = rig.workers.map((worker) => worker.runs);
    await alice.invoke('x', 'slow');
    await w.waitFor(() => runs(rig) === before[0]! + before[1]! + 1, { timeoutMs: 10_000, what: 'x to start running' });
    await alice.invoke('x', 'slow');
    await w.waitFor(() => alice.count('x') === 2, { timeoutMs: 10_000, what: 'both replies to x' });
    // Round-robin: the retry went to the worker that was not busy with the original.
    expect(rig.workers.map((worker, i) => worker.runs - before[i]!)).toEqual([1, 1]);
  }),
);

describeWorlds('WorkerBalancer with idempotency: a forward older than inFlightMaxMs goes out again; the first reply answers everyone and the second is dropped', EVERY_WORLD, (w) =>
  withRig(w, { idempotency: { ttlMs: 60_000, inFlightMaxMs: 100 } }, 1, async (rig) => {
    const alice = rig.client('alice');
    await untilAllServe(rig, alice);
    await alice.invoke('y', 'slow', { delayMs: 1000 });
    await w.waitFor(() => rig.workers[0]!.runs === 2, { timeoutMs: 10_000, what: 'y to start running' });
    await w.sleep(300);
    // Presumed lost (a worker that crashed never answers): forwarded again, to the one worker, which is still busy.
    const bob = rig.client('bob');
    await bob.invoke('y', 'slow', { delayMs: 0 });
    await w.waitFor(() => alice.count('y') === 1 && bob.count('y') === 1, { timeoutMs: 10_000, what: 'y answered to both' });
    await w.waitFor(() => rig.balancer.stats.idempotency?.duplicateReplies === 1, { timeoutMs: 10_000, what: 'the second reply to y' });
    expect(rig.workers[0]!.runs).toBe(3);
    await w.sleep(200);
    expect([alice.count('y'), bob.count('y')]).toEqual([1, 1]);
    expect(rig.balancer.stats.idempotency).toMatchObject({ reforwards: 1, duplicateReplies: 1, inFlight: 0, size: 2 });
  }),
);

describeWorlds('WorkerBalancer with idempotency: frames that are not Toto\'s pass as without it, and valid calls go on', EVERY_WORLD, (w) =>
  withRig(w, { idempotency: { ttlMs: 60_000 } }, 1, async (rig) => {
    const alice = rig.client('alice');
    const payload = encodeInvocation({ method: 'slow', parameters: { delayMs: 0 } }, json);
    // A longer envelope: answered, routed back whole.
    await alice.send([bytes('x'), bytes('y'), new Uint8Array(0), bytes('deep'), payload]);
    // An id too long for a call id: forwarded as is; the worker cannot read it and answers ['', error] (no id).
    await alice.send([new Uint8Array(0), new Uint8Array(300).fill(0x41), payload]);
    await alice.invoke('ok', 'slow', { delayMs: 0 });
    await w.waitFor(() => alice.count('ok') === 1 && alice.raw.length === 2, { timeoutMs: 10_000, what: 'the valid call and both odd requests answered' });
    expect(alice.raw.map((frames) => frames.slice(0, 2))).toContainEqual(['x', 'y']);
    expect(alice.raw.find((frames) => frames[0] !== 'x')?.slice(0, 2)).toEqual(['', '']);
    expect(rig.balancer.stats.idempotency).toMatchObject({ hits: 0, joins: 0, size: 1 });
    expect(rig.balancer.stats.errors).toBe(0);
  }),
);
