// Proves the worker service roles as simulated hosts (one role per host, as one per process in production): a worker host crashes mid-load and autoRetry answers every call; status forgets the dead worker once it stops saying hello; the restarted host runs the same factory, says hello again and serves; the same seed replays the same trace.
import { describe, expect, it } from 'vitest';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { RouterRole, WorkerRole, type ServiceWorker } from '../../../src/core/worker-service.js';
import { ZmqWorkerConnection } from '../../../src/core/zmq-worker-connection.js';
import { Simulation } from '../../../src/sim/simulation.js';

const methods = WorkerMethods.fromMap<ServiceWorker>({
  whoami: (worker) => worker.name,
  work: (worker, p) => new Promise((resolve) => worker.loop.callLater((p as { ms: number }).ms, () => resolve(worker.name))),
});

async function run(seed: number) {
  const sim = new Simulation({ seed });
  const [bindAddress, socketAddress, controlAddress] = ['tcp://router:9001', 'tcp://router:5555', 'tcp://router:5556'];
  const router = sim.host('router', ({ transport, loop, logger }) => RouterRole.start({ transport, loop, logger, bindAddress, socketAddress, controlAddress, workerTimeoutMs: 3000 }));
  for (const name of ['w0', 'w1']) {
    sim.host(name, ({ transport, loop, random, logger, incarnation }) =>
      WorkerRole.start({ transport, loop, random, logger, methods, socketAddress, controlAddress, name, pid: `${name}#${incarnation}` }),
    );
  }
  let conn: ZmqWorkerConnection | undefined;
  sim.host('client', ({ transport, loop, random }) => {
    conn = new ZmqWorkerConnection({ transport, loop, random, address: bindAddress, autoRetry: true, timeoutMs: 500 });
  });
  await sim.run({ forMs: 1500 });
  const settle = async <T>(work: Promise<T>): Promise<T> => {
    let settled = false;
    void work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; !settled; i++) {
      if (i > 2000) throw new Error('did not settle within 50 virtual seconds');
      await sim.run({ forMs: 25 });
    }
    return work;
  };

  const calls = Array.from({ length: 30 }, (_, i) => conn!.invoke('work', { ms: 10 + (i % 3) * 10 }));
  await sim.run({ forMs: 40 });
  sim.crash('w1');
  const answers = await settle(Promise.all(calls));
  const status = await settle(router.state!.status());
  sim.restart('w1');
  await sim.run({ forMs: 1500 });
  const after = await settle(router.state!.status());
  const names = new Set(await settle(Promise.all(Array.from({ length: 10 }, () => conn!.invoke('whoami', {})))));
  return { answers, status, after, names, trace: { hash: sim.trace.hash(), lines: sim.trace.count } };
}

describe('worker service roles on simulated hosts', () => {
  it('a worker host crash under autoRetry load: every call answered, the dead worker forgotten, the restarted one serving again', async () => {
    const { answers, status, after, names } = await run(3);
    expect(answers).toHaveLength(30);
    expect(new Set(answers)).toEqual(new Set(['w0', 'w1']));
    // By then w1 has been silent for longer than workerTimeoutMs: only w0 is listed.
    expect(status.workers.map((w) => w.name)).toEqual(['w0']);
    expect(after.workers.map((w) => [w.name, w.pid, w.status])).toEqual([
      ['w0', 'w0#1', 'Listening'],
      ['w1', 'w1#2', 'Listening'],
    ]);
    expect(names).toEqual(new Set(['w0', 'w1']));
  });

  it('the same seed replays the same run', async () => {
    const first = await run(11);
    const second = await run(11);
    expect(second.trace).toEqual(first.trace);
    expect(second.answers).toEqual(first.answers);
  });
});
