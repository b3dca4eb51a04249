// Proves the worker service roles on the ports, in the simulation and on real zeromq.js: a router with two workers spreads calls over both, status reports each worker's calls, shutdown lets the call in hand finish before everything closes; direct mode (a worker bound, clients straight to it); router-only mode with the workers of another service; and bad options named before any socket.
import { describe, expect, it } from 'vitest';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { sendWorkerCommand } from '../../../src/core/worker-control-client.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { RouterRole, startWorkerServiceRole, WorkerRole, type ServiceWorker } from '../../../src/core/worker-service.js';
import { ZmqWorkerConnection } from '../../../src/core/zmq-worker-connection.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { describeWorlds, track, type World } from '../../contract/transport/worlds.js';
import { withLoop } from './world-loop.js';

const WORLDS = ['sim', 'tcp'] as const;

function methods(loop: LoopPort): WorkerMethods<ServiceWorker> {
  return WorkerMethods.fromMap<ServiceWorker>({
    whoami: (worker) => worker.name,
    slow: (worker, p) => new Promise((resolve) => loop.callLater((p as { ms: number }).ms, () => resolve(`slow from ${worker.name}`))),
    startup_seen: (worker) => worker.seen,
  });
}

/** A service in world `w`: a router on host `host` and `count` workers on hosts `<host>-w<i>`. */
async function service(w: World, loop: LoopPort, host: string, count: number, extra: { bindAddress?: string; socketAddress?: string } = {}) {
  const bindAddress = extra.bindAddress ?? (await w.address(host, 'front'));
  const socketAddress = extra.socketAddress ?? (await w.address(host, 'back'));
  const controlAddress = await w.address(host, 'control');
  const router = await startWorkerServiceRole({ role: 'router', transport: w.transport(host), loop, bindAddress, socketAddress, controlAddress, info: { pid: 1, host } });
  const workers: WorkerRole[] = [];
  for (let i = 0; i < count; i++) {
    workers.push(
      await startWorkerServiceRole({
        role: 'worker',
        transport: w.transport(`${host}-w${i}`),
        loop,
        random: new Random(i + 1),
        methods: methods(loop),
        socketAddress,
        controlAddress,
        serviceId: i,
        name: `${host}-w${i}`,
        pid: 100 + i,
        startup: (worker) => {
          worker.seen = `startup ran in ${worker.name}`;
        },
      }),
    );
  }
  return { router, workers, bindAddress, socketAddress, controlAddress };
}

/** Calls `get` until `done` holds for its value, sleeping between tries; fails after `timeoutMs`. */
async function untilAsync<T>(w: World, get: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const untilMs = w.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (w.now() > untilMs) throw new Error(`untilAsync: not true after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await w.sleep(20);
  }
}

describeWorlds('worker service: router + 2 workers spread calls, status reports both, shutdown drains the call in hand', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const { router, workers, bindAddress, controlAddress } = await service(w, loop, 'svc', 2);
    const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(9), address: bindAddress, timeoutMs: 5000 });
    try {
      const names = new Set<unknown>();
      for (let i = 0; i < 10; i++) names.add(await conn.invoke('whoami', {}));
      expect([...names].sort()).toEqual(['svc-w0', 'svc-w1']);
      expect(await conn.invoke('startup_seen', {})).toMatch(/^startup ran in svc-w[01]$/);

      const status = await sendWorkerCommand({ transport: w.transport('admin'), loop, address: controlAddress, command: 'status', timeoutMs: 5000 });
      expect(status).toMatchObject({ role: 'router', pid: 1, host: 'svc', workerCount: 2, served: 11 });
      expect(status.workers.map((x) => [x.name, x.pid, x.status])).toEqual([
        ['svc-w0', 100, 'Listening'],
        ['svc-w1', 101, 'Listening'],
      ]);
      expect(status.balancer).toMatchObject({ toWorkers: 11, toClients: 11 });

      // A call in hand when the shutdown comes is answered; then every part closes.
      const slow = track(conn.invoke('slow', { ms: 300 }));
      await w.waitFor(() => workers.some((x) => x.report().inFlight === 1), { what: 'the slow call reached a worker' });
      const result = await sendWorkerCommand({ transport: w.transport('admin'), loop, address: controlAddress, command: 'shutdown', deadlineMs: 3000 });
      await w.waitFor(() => slow.settled, { what: 'the slow call settled' });
      expect(slow.value).toMatch(/^slow from svc-w[01]$/);
      expect(result.workers.map((x) => x.status)).toEqual(['Finished', 'Finished']);
      expect(result.workers.reduce((sum, x) => sum + ('served' in x ? x.served : 0), 0)).toBe(12);
      await router.done;
      for (const worker of workers) await worker.done;
      const after = await conn.invoke('whoami', {}, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect((after as TotoError).code).toBe(ErrorCode.TIMEOUT);
    } finally {
      await conn.close();
      for (const worker of workers) await worker.close();
      await router.close();
    }
  }),
);

describeWorlds('worker service: direct mode (no balancer), the worker binds and clients reach it straight', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const socketAddress = await w.address('direct', 'worker');
    const router = await startWorkerServiceRole({ role: 'router', transport: w.transport('direct'), loop, bindAddress: '', socketAddress });
    const worker = await startWorkerServiceRole({ role: 'worker', transport: w.transport('direct'), loop, random: new Random(1), methods: methods(loop), socketAddress, socketMode: 'bind', name: 'only' });
    const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(2), address: worker.endpoint!, timeoutMs: 5000 });
    try {
      expect(router.addresses).toEqual({ bind: null, socket: socketAddress, control: null });
      expect(await conn.invoke('whoami', {})).toBe('only');
      // Without a control socket the router knows no workers; status still answers.
      expect(await router.status()).toMatchObject({ role: 'router', workerCount: 0, workers: [] });
      await router.shutdown(100);
      await router.done;
    } finally {
      await conn.close();
      await worker.close();
      await router.close();
    }
  }),
);

describeWorlds("worker service: router-only (Toto's processes = 0) shared by the workers of another service", WORLDS, (w) =>
  withLoop(w, async (loop) => {
    // Service A: the router alone. Service B: no balancer, its worker connects to A's worker socket.
    const a = await service(w, loop, 'a', 0);
    const bControl = await w.address('b', 'control');
    const bRouter = await startWorkerServiceRole({ role: 'router', transport: w.transport('b'), loop, bindAddress: '', socketAddress: a.socketAddress, controlAddress: bControl });
    const bWorker = await startWorkerServiceRole({ role: 'worker', transport: w.transport('b-w0'), loop, random: new Random(3), methods: methods(loop), socketAddress: a.socketAddress, controlAddress: bControl, name: 'b-w0' });
    const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(4), address: a.bindAddress, timeoutMs: 5000 });
    try {
      expect(await conn.invoke('whoami', {})).toBe('b-w0');
      expect((await a.router.status()).workerCount).toBe(0);
      // The worker's hello reaches its own service's control socket (B's), not the shared router's.
      expect((await untilAsync(w, () => bRouter.status(), (s) => s.workerCount === 1)).workers.map((x) => x.name)).toEqual(['b-w0']);
      await bRouter.shutdown(500);
      await bWorker.done;
    } finally {
      await conn.close();
      await bWorker.close();
      await bRouter.close();
      await a.router.close();
    }
  }),
);

describe('worker service options', () => {
  const parts = () => {
    const kernel = new SimKernel({ startMs: 0 });
    const net = new NetworkSim({ kernel, random: new Random(1) });
    const loop = new LoopSim(kernel);
    return { transport: net.transport('h'), loop, random: new Random(1), methods: methods(loop), socketAddress: 'tcp://h:1' };
  };

  it('names the bad option and what it got', async () => {
    const p = parts();
    await expect(startWorkerServiceRole({ role: 'boss' } as never)).rejects.toThrow(new RangeError('role: expected "router" or "worker", got "boss"'));
    await expect(startWorkerServiceRole(null as never)).rejects.toThrow(new TypeError('worker service options: expected an options object, got null'));
    await expect(startWorkerServiceRole({ role: 'worker', ...p, methods: { a: () => 1 } } as never)).rejects.toThrow(/^methods: expected a WorkerMethods \(from a map or a directory\), got/);
    await expect(startWorkerServiceRole({ role: 'worker', ...p, socketMode: 'listen' } as never)).rejects.toThrow(new RangeError('socketMode: expected one of "connect", "bind", got "listen"'));
    await expect(startWorkerServiceRole({ role: 'worker', ...p, serviceId: -1 })).rejects.toThrow(new RangeError('serviceId: expected an integer >= 0, got -1'));
    await expect(startWorkerServiceRole({ role: 'worker', ...p, logger: { info: () => undefined } } as never)).rejects.toThrow(/^logger: expected a Logger/);
    await expect(startWorkerServiceRole({ role: 'worker', ...p, processes: 2 } as never)).rejects.toThrow(/worker options: unknown option "processes"/);
    await expect(startWorkerServiceRole({ role: 'router', transport: p.transport, loop: p.loop, socketAddress: '' })).rejects.toThrow(
      new TypeError('socketAddress: expected the address workers connect to, got ""'),
    );
    await expect(startWorkerServiceRole({ role: 'router', transport: p.transport, loop: p.loop, socketAddress: 'tcp://h:2', bindAddress: 5 } as never)).rejects.toThrow(
      new TypeError("bindAddress: expected an address, or '' for direct mode, got 5"),
    );
    await expect(startWorkerServiceRole({ role: 'router', transport: p.transport, loop: p.loop, socketAddress: 'tcp://h:2', shutdownDeadlineMs: -1 })).rejects.toThrow(
      new RangeError('shutdownDeadlineMs: expected a finite number >= 0, got -1'),
    );
  });

  it('a startup hook that throws fails the start, naming the worker, and leaves nothing open', async () => {
    const p = parts();
    const start = startWorkerServiceRole({
      role: 'worker',
      ...p,
      name: 'w7',
      startup: () => {
        throw new Error('no database');
      },
    });
    await expect(start).rejects.toThrow('worker w7: the startup hook failed: no database');
  });

  it('a router whose bind fails rejects with the address and closes what it opened', async () => {
    const p = parts();
    const first = await RouterRole.start({ transport: p.transport, loop: p.loop, bindAddress: 'tcp://h:10', socketAddress: 'tcp://h:11' });
    const second = RouterRole.start({ transport: p.transport, loop: p.loop, bindAddress: 'tcp://h:10', socketAddress: 'tcp://h:12' });
    await expect(second).rejects.toThrow(/cannot bind the ROUTER on tcp:\/\/h:10/);
    await first.close();
  });
});
