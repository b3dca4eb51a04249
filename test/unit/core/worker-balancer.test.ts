// Proves WorkerBalancer rejects bad options with "<name>: expected X, got Y" (direct mode named), reports a failed bind naming the side and closes itself, closes itself when a socket is closed under it, and survives failures in the sim and on real zeromq.js: a receive that keeps timing out backs off doubling, a send nobody takes (DEALER sendTimeoutMs) or a reply to an unknown identity (ROUTER mandatory) is logged with context and dropped while the next message goes through.
import { describe, expect, it } from 'vitest';
import type { LoopPort } from '../../../src/core/ports.js';
import type { Socket, TransportPort } from '../../../src/core/transport.js';
import { Random } from '../../../src/core/random.js';
import { WorkerBalancer, type WorkerBalancerOptions } from '../../../src/core/worker-balancer.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { runInWorld, text, type World, type WorldName, worldLoop } from '../../contract/transport/worlds.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

function simParts() {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(1) });
  net.addHost('router');
  return { transport: net.transport('router'), loop: new LoopSim(kernel), socketAddress: 'tcp://router:6001', bindAddress: 'tcp://router:6000' };
}

describe('WorkerBalancer options', () => {
  it('names the bad option and what it got', () => {
    const parts = simParts();
    const make = (options: object) => () => new WorkerBalancer({ ...parts, ...options } as never);
    expect(make({ transport: undefined })).toThrow(new TypeError('transport: expected a TransportPort, got undefined'));
    expect(make({ loop: null })).toThrow(new TypeError('loop: expected a LoopPort, got null'));
    expect(make({ logger: 5 })).toThrow(new TypeError('logger: expected a Logger, got 5'));
    expect(make({ bindAddress: '' })).toThrow(/^bindAddress: expected an address for the ROUTER \(direct mode, with no bind address, needs no balancer\), got ""$/);
    expect(make({ socketAddress: undefined })).toThrow(/^socketAddress: expected an address for the DEALER/);
    expect(make({ backoffMs: 0 })).toThrow(new RangeError('backoffMs: expected a finite number >= 1, got 0'));
    expect(make({ backoffMs: 50, backoffMsMax: 10 })).toThrow(new RangeError('backoffMsMax: expected a finite number >= backoffMs (50), got 10'));
    expect(make({ processes: 2 })).toThrow(/processes/);
    // A bad socket option is the transport's own check, with its message.
    expect(make({ socketOptions: { receiveTimeoutMs: -5 } })).toThrow(/receiveTimeoutMs/);
    expect(make({ backOptions: { sendHighWaterMark: -1 } })).toThrow(/sendHighWaterMark/);
    expect(() => new WorkerBalancer(undefined as never)).toThrow(TypeError);
  });

  it("defaults bindAddress to Toto's tcp://*:55555", async () => {
    const { bindAddress: _unused, ...parts } = simParts();
    const balancer = new WorkerBalancer(parts);
    // Bound in the simulation only (port 55555 may be taken on the real machine).
    await balancer.start();
    expect(balancer.frontEndpoint).toMatch(/^tcp:\/\/.+:55555$/);
    expect(balancer.backEndpoint).toBe('tcp://router:6001');
    await balancer.close();
    expect(balancer.closed).toBe(true);
  });

  it('close() before start() resolves; start() after close() rejects', async () => {
    const balancer = new WorkerBalancer(simParts());
    await balancer.close();
    expect(balancer.closed).toBe(true);
    expect(balancer.frontEndpoint).toBeNull();
    await expect(balancer.start()).rejects.toThrow('worker balancer: start() after close()');
    expect(balancer.stats).toEqual({ toWorkers: 0, toClients: 0, errors: 0, notForwarded: 0 });
  });
});

/** Runs `body` in a world with a loop on that world's clock. */
function inWorld(name: WorldName, body: (w: World, loop: LoopPort) => Promise<void>): Promise<void> {
  return runInWorld(name, async (w) => {
    const { loop, close } = worldLoop(w);
    try {
      await body(w, loop);
    } finally {
      close();
    }
  });
}

async function balancerIn(w: World, loop: LoopPort, logs: ContextLogLine[], options: Partial<WorkerBalancerOptions> = {}): Promise<WorkerBalancer> {
  const balancer = new WorkerBalancer({
    transport: w.transport('router'),
    loop,
    logger: loggerInto(logs),
    // Ephemeral ports: a port probed free and bound later may be taken meanwhile by a parallel test file.
    bindAddress: w.anyPort('router'),
    socketAddress: w.anyPort('router'),
    ...options,
  });
  await balancer.start();
  return balancer;
}

for (const world of ['sim', 'tcp'] as const) {
  describe(`WorkerBalancer failures (${world})`, () => {
    it('a failed bind names the side, closes the balancer and releases what it bound', () =>
      inWorld(world, async (w, loop) => {
        const logs: ContextLogLine[] = [];
        const first = await balancerIn(w, loop, logs);
        const front = first.frontEndpoint as string;
        const back = first.backEndpoint as string;
        const sameFront = new WorkerBalancer({ transport: w.transport('router'), loop, bindAddress: front, socketAddress: w.anyPort('router') });
        await expect(sameFront.start()).rejects.toThrow(/^worker balancer: cannot bind the ROUTER on /);
        expect(sameFront.closed).toBe(true);
        const sameBack = new WorkerBalancer({ transport: w.transport('router'), loop, bindAddress: w.anyPort('router'), socketAddress: back });
        await expect(sameBack.start()).rejects.toThrow(/^worker balancer: cannot bind the DEALER on /);
        expect(sameBack.closed).toBe(true);
        const freeFront = sameBack.frontEndpoint as string;
        expect(freeFront).toMatch(/^tcp:\/\/.+:\d+$/);
        // Its ROUTER was closed with it: the address is free again.
        const probe = w.socket('router', 'router');
        await expect(retryBind(w, probe, freeFront)).resolves.toBeUndefined();
        await first.close();
      }));

    it('a socket closed under it (not by close()) closes the balancer, so the other loop does not wait forever', () =>
      inWorld(world, async (w, loop) => {
        const logs: ContextLogLine[] = [];
        const made: Socket[] = [];
        const base = w.transport('router');
        // The same transport, keeping the sockets it makes so the test can close one behind the balancer's back.
        const transport: TransportPort = { ...base, socket: (type, options) => made[made.push(base.socket(type, options)) - 1] as Socket };
        const balancer = await balancerIn(w, loop, logs, { transport });
        const [front, back] = made as [Socket, Socket];
        expect([front.type, back.type]).toEqual(['router', 'dealer']);
        front.close();
        await w.waitFor(() => balancer.closed && back.closed, { timeoutMs: 10_000, what: 'the balancer to close itself' });
        expect(logs.filter((line) => line.level === 'warn').map((line) => [line.message, line.context.direction])).toEqual([
          ['worker balancer: a socket was closed under it; closing', 'toWorkers'],
        ]);
        await balancer.close();
      }));

    it('a receive that keeps failing backs off doubling; forwarding goes on', () =>
      inWorld(world, async (w, loop) => {
        const logs: ContextLogLine[] = [];
        const balancer = await balancerIn(w, loop, logs, { frontOptions: { receiveTimeoutMs: 20 }, backoffMs: 10, backoffMsMax: 40 });
        await w.waitFor(() => balancer.stats.errors >= 4, { timeoutMs: 10_000, what: 'four receive failures' });
        const failures = logs.filter((line) => line.message === 'worker balancer: receive failed (toWorkers)');
        expect(failures.slice(0, 4).map((line) => [line.level, line.context.socket, line.context.code, line.context.backoffMs])).toEqual([
          ['warn', 'router', 'EAGAIN', 10],
          ['warn', 'router', 'EAGAIN', 20],
          ['warn', 'router', 'EAGAIN', 40],
          ['warn', 'router', 'EAGAIN', 40],
        ]);
        // A raw REP worker and a client: a request still goes through and back.
        const worker = w.socket('worker', 'rep');
        worker.connect(balancer.backEndpoint as string);
        const client = w.socket('client', 'dealer', { receiveTimeoutMs: 10_000 });
        client.connect(balancer.frontEndpoint as string);
        await client.send(['', 'id1', 'ping']);
        expect(text(await worker.receive())).toEqual(['id1', 'ping']);
        await worker.send(['id1', 'pong']);
        expect(text(await client.receive())).toEqual(['', 'id1', 'pong']);
        await balancer.close();
      }));

    it('a request nobody takes (DEALER sendTimeoutMs) and a reply to an unknown identity (ROUTER mandatory) are logged and dropped', () =>
      inWorld(world, async (w, loop) => {
        const logs: ContextLogLine[] = [];
        const balancer = await balancerIn(w, loop, logs, { frontOptions: { mandatory: true }, backOptions: { sendTimeoutMs: 50 } });
        const client = w.socket('client', 'dealer', { receiveTimeoutMs: 10_000 });
        client.connect(balancer.frontEndpoint as string);
        await client.send(['', 'lost', 'nobody']);
        await w.waitFor(() => balancer.stats.errors === 1, { timeoutMs: 10_000, what: 'the send to time out' });
        const sendFailed = logs.find((line) => line.message === 'worker balancer: send failed (toWorkers)');
        expect(sendFailed?.context).toMatchObject({ direction: 'toWorkers', phase: 'send', socket: 'dealer', code: 'EAGAIN', frames: 4 });
        // A raw DEALER on the worker side can forge the envelope: a reply to an identity nobody has.
        const worker = w.socket('worker', 'dealer', { receiveTimeoutMs: 10_000 });
        worker.connect(balancer.backEndpoint as string);
        await client.send(['', 'id2', 'ping']);
        const request = await worker.receive();
        expect(text(request.slice(1))).toEqual(['', 'id2', 'ping']);
        await worker.send(['no-such-client', '', 'id2', 'stray']);
        await w.waitFor(() => balancer.stats.errors === 2, { timeoutMs: 10_000, what: 'the stray reply to fail' });
        expect(logs.find((line) => line.message === 'worker balancer: send failed (toClients)')?.context).toMatchObject({
          socket: 'router',
          code: 'EHOSTUNREACH',
        });
        // The real reply, with the identity the ROUTER gave, still goes through.
        await worker.send([request[0] as Uint8Array, '', 'id2', 'pong']);
        expect(text(await client.receive())).toEqual(['', 'id2', 'pong']);
        expect(balancer.stats).toEqual({ toWorkers: 1, toClients: 1, errors: 2, notForwarded: 0 });
        await balancer.close();
      }));
  });
}

/** Binds, retrying while a just-closed socket still holds the address (real libzmq releases it asynchronously). */
async function retryBind(w: World, socket: { bind(address: string): Promise<void> }, address: string): Promise<void> {
  const until = w.now() + 5_000;
  for (;;) {
    try {
      await socket.bind(address);
      return;
    } catch (error) {
      if (w.now() > until) throw error;
      await w.sleep(20);
    }
  }
}
