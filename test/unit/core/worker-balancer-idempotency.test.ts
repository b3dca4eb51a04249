// Proves the WorkerBalancer's idempotency option in the sim and on real zeromq.js: a bad window option is refused with its name; a forward that cannot be sent (DEALER sendTimeoutMs) leaves the id free, so the client's re-send is forwarded once a worker comes instead of waiting for a reply that cannot come; a reply that cannot reach one waiting identity (gone, ROUTER mandatory) is logged and still reaches the other.
import { describe, expect, it } from 'vitest';
import type { LoopPort } from '../../../src/core/ports.js';
import { Random } from '../../../src/core/random.js';
import { WorkerBalancer, type WorkerBalancerOptions } from '../../../src/core/worker-balancer.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { runInWorld, text, type World, type WorldName, worldLoop } from '../../contract/transport/worlds.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

describe('WorkerBalancer idempotency option', () => {
  it('names the bad option and what it got', () => {
    const kernel = new SimKernel({ startMs: 0 });
    const net = new NetworkSim({ kernel, random: new Random(1) });
    net.addHost('router');
    const parts = { transport: net.transport('router'), loop: new LoopSim(kernel), socketAddress: 'tcp://router:6001', bindAddress: 'tcp://router:6000' };
    const make = (idempotency: unknown) => () => new WorkerBalancer({ ...parts, idempotency } as never);
    expect(make(5)).toThrow(new TypeError('idempotency: expected an options object { ttlMs }, got 5'));
    expect(make({})).toThrow(new RangeError('ttlMs: expected a finite number > 0, got undefined'));
    expect(make({ ttlMs: 1000, inFlightMaxMs: 'soon' })).toThrow(/^inFlightMaxMs: expected a number >= 0/);
    expect(make({ ttlMs: 1000, size: 3 })).toThrow('idempotency options: unknown option "size"');
    expect(new WorkerBalancer({ ...parts, idempotency: { ttlMs: 1000 } }).stats).toEqual({
      toWorkers: 0,
      toClients: 0,
      errors: 0,
      notForwarded: 0,
      idempotency: { hits: 0, joins: 0, reforwards: 0, duplicateReplies: 0, expirations: 0, forgotten: 0, evictions: 0, size: 0, inFlight: 0 },
    });
  });
});

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

async function balancerIn(w: World, loop: LoopPort, logs: ContextLogLine[], options: Partial<WorkerBalancerOptions>): Promise<WorkerBalancer> {
  const balancer = new WorkerBalancer({
    transport: w.transport('router'),
    loop,
    logger: loggerInto(logs),
    bindAddress: w.anyPort('router'),
    socketAddress: w.anyPort('router'),
    idempotency: { ttlMs: 60_000, inFlightMaxMs: Infinity },
    ...options,
  });
  await balancer.start();
  return balancer;
}

for (const world of ['sim', 'tcp'] as const) {
  describe(`WorkerBalancer idempotency failures (${world})`, () => {
    it('a forward that cannot be sent leaves the id free: the re-send is forwarded once a worker comes', () =>
      inWorld(world, async (w, loop) => {
        const logs: ContextLogLine[] = [];
        const balancer = await balancerIn(w, loop, logs, { backOptions: { sendTimeoutMs: 50 } });
        const client = w.socket('client', 'dealer', { receiveTimeoutMs: 10_000 });
        client.connect(balancer.frontEndpoint as string);
        await client.send(['', 'c1', 'first']);
        await w.waitFor(() => balancer.stats.errors === 1, { timeoutMs: 10_000, what: 'the forward to time out' });
        expect(balancer.stats.idempotency?.inFlight).toBe(0);
        const worker = w.socket('worker', 'rep', { receiveTimeoutMs: 10_000 });
        worker.connect(balancer.backEndpoint as string);
        await client.send(['', 'c1', 'again']);
        expect(text(await worker.receive())).toEqual(['c1', 'again']);
        await worker.send(['c1', 'done']);
        expect(text(await client.receive())).toEqual(['', 'c1', 'done']);
        expect(balancer.stats.idempotency).toMatchObject({ joins: 0, size: 1, inFlight: 0 });
        await balancer.close();
      }));

    it('a reply that cannot reach one waiting identity (gone, ROUTER mandatory) is logged and still reaches the other', () =>
      inWorld(world, async (w, loop) => {
        const logs: ContextLogLine[] = [];
        const balancer = await balancerIn(w, loop, logs, { frontOptions: { mandatory: true } });
        const worker = w.socket('worker', 'rep', { receiveTimeoutMs: 10_000 });
        worker.connect(balancer.backEndpoint as string);
        const gone = w.socket('gone', 'dealer');
        gone.connect(balancer.frontEndpoint as string);
        await gone.send(['', 'c2', 'ask']);
        expect(text(await worker.receive())).toEqual(['c2', 'ask']);
        const stays = w.socket('stays', 'dealer', { receiveTimeoutMs: 10_000 });
        stays.connect(balancer.frontEndpoint as string);
        await stays.send(['', 'c2', 'ask']);
        await w.waitFor(() => balancer.stats.idempotency?.joins === 1, { timeoutMs: 10_000, what: 'the second ask to wait' });
        gone.close();
        // The ROUTER drops the identity once it sees the disconnect (the real one asynchronously).
        await w.sleep(200);
        await worker.send(['c2', 'answer']);
        expect(text(await stays.receive())).toEqual(['', 'c2', 'answer']);
        await w.waitFor(() => balancer.stats.errors === 1, { timeoutMs: 10_000, what: 'the failed send to be counted' });
        expect(logs.find((line) => line.message === 'worker balancer: send failed (toClients)')?.context).toMatchObject({ socket: 'router', code: 'EHOSTUNREACH' });
        expect(balancer.stats).toMatchObject({ toClients: 1, idempotency: { size: 1, inFlight: 0 } });
        await balancer.close();
      }));
  });
}
