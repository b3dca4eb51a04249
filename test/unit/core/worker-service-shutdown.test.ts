// Proves a worker service's shutdown stops taking requests before the workers drain, sim and real: requests that come during a shutdown are not forwarded to leaving workers (they wait in the pipes or time out at their caller), the call in hand is still answered, and the shutdown ends when that call is answered, not at its deadline.
import { expect } from 'vitest';
import { ErrorCode, type TotoError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { WorkerBalancer } from '../../../src/core/worker-balancer.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { startWorkerServiceRole, type ServiceWorker } from '../../../src/core/worker-service.js';
import { ZmqWorkerConnection } from '../../../src/core/zmq-worker-connection.js';
import { describeWorlds, track } from '../../contract/transport/worlds.js';
import { withLoop } from './world-loop.js';

const WORLDS = ['sim', 'tcp'] as const;

function methods(loop: LoopPort): WorkerMethods<ServiceWorker> {
  return WorkerMethods.fromMap<ServiceWorker>({
    whoami: (worker) => worker.name,
    slow: (worker, p) => new Promise((resolve) => loop.callLater((p as { ms: number }).ms, () => resolve(`slow from ${worker.name}`))),
  });
}

describeWorlds('worker service shutdown: requests that come during it are not forwarded to leaving workers; it ends once the call in hand is answered', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const bindAddress = await w.address('svc', 'front');
    const socketAddress = await w.address('svc', 'back');
    const controlAddress = await w.address('svc', 'control');
    const router = await startWorkerServiceRole({ role: 'router', transport: w.transport('svc'), loop, bindAddress, socketAddress, controlAddress });
    const worker = await startWorkerServiceRole({ role: 'worker', transport: w.transport('svc-w0'), loop, random: new Random(1), methods: methods(loop), socketAddress, controlAddress, name: 'w0' });
    const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(2), address: bindAddress, timeoutMs: 5000 });
    try {
      expect(await conn.invoke('whoami', {})).toBe('w0');
      await w.waitFor(() => router.balancerStats?.toClients === 1 && worker.report().status === 'Listening', { what: 'the first call answered' });
      const slow = track(conn.invoke('slow', { ms: 500 }));
      await w.waitFor(() => worker.report().inFlight === 1, { what: 'the slow call reached the worker' });
      const deadlineMs = 10_000;
      const shutdown = track(router.shutdown(deadlineMs));
      // Sent once the shutdown began: nobody will run them, so they must not be handed to a worker.
      const late = Array.from({ length: 5 }, () => track(conn.invoke('whoami', {}, { timeoutMs: 1500 })));
      await w.waitFor(() => shutdown.settled, { timeoutMs: 20_000, what: 'the shutdown ended' });
      await w.waitFor(() => slow.settled && late.every((call) => call.settled), { timeoutMs: 20_000, what: 'every call settled' });
      expect(slow.value).toBe('slow from w0');
      for (const call of late) expect((call.error as TotoError | undefined)?.code).toBe(ErrorCode.TIMEOUT);
      // Two calls forwarded before the shutdown, none after.
      expect(router.balancerStats).toMatchObject({ toWorkers: 2, toClients: 2 });
      // It waited for the call in hand (500 ms), not for replies that could never come (the deadline).
      expect((shutdown.value as { tookMs: number }).tookMs).toBeLessThan(deadlineMs / 2);
      await router.done;
    } finally {
      await conn.close();
      await worker.close();
      await router.close();
    }
  }),
);

describeWorlds('WorkerBalancer.stopAccepting: no request is forwarded after it; replies still go back', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const bindAddress = await w.address('router', 'front');
    const socketAddress = await w.address('router', 'back');
    const balancer = new WorkerBalancer({ transport: w.transport('router'), loop, bindAddress, socketAddress });
    await balancer.start();
    const worker = await startWorkerServiceRole({ role: 'worker', transport: w.transport('w'), loop, random: new Random(1), methods: methods(loop), socketAddress, name: 'w' });
    const conn = new ZmqWorkerConnection({ transport: w.transport('client'), loop, random: new Random(2), address: bindAddress, timeoutMs: 5000 });
    try {
      const slow = track(conn.invoke('slow', { ms: 300 }));
      await w.waitFor(() => worker.report().inFlight === 1, { what: 'the slow call reached the worker' });
      expect(balancer.accepting).toBe(true);
      balancer.stopAccepting();
      expect(balancer.accepting).toBe(false);
      const late = track(conn.invoke('whoami', {}, { timeoutMs: 1000 }));
      await w.waitFor(() => slow.settled && late.settled, { timeoutMs: 10_000, what: 'both calls settled' });
      expect(slow.value).toBe('slow from w');
      expect((late.error as TotoError | undefined)?.code).toBe(ErrorCode.TIMEOUT);
      expect(balancer.stats).toMatchObject({ toWorkers: 1, toClients: 1 });
      expect(worker.report().served).toBe(1);
    } finally {
      await conn.close();
      await worker.close();
      await balancer.close();
    }
  }),
);
