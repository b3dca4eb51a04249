// An event server process of the demo (started by a ProcessGroup in events.ts): an EventManager
// listening on tcp://127.0.0.1:* that answers the demo with events of its own, and a
// ZmqWorkerConnection to the demo's worker service, so a job event becomes a real call.
//   hello {from}  -> sends heard {pid} back to the demo
//   job {n}       -> calls square {n} on the worker service, sends done {n, square, server, worker}
// It stops on SIGTERM (from ProcessGroup.stop) or when the demo goes away (exitWithParent).

import { exitWithParent, reportFailed, reportReady } from '../../src/adapters/process-group-child.js';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { EventManager } from '../../src/core/event-manager.js';
import { Random } from '../../src/core/random.js';
import { ZmqWorkerConnection } from '../../src/core/zmq-worker-connection.js';
import { DEMO_EVENTS_ENV, DEMO_WORKERS_ENV } from './events.js';

async function main(): Promise<void> {
  const demoEvents = process.env[DEMO_EVENTS_ENV];
  const workersAddress = process.env[DEMO_WORKERS_ENV];
  if (!demoEvents || !workersAddress) throw new Error(`${DEMO_EVENTS_ENV} and ${DEMO_WORKERS_ENV} must be set (this module runs as a child of examples/demo.ts)`);
  const loop = new LoopNode();
  const transport = new TransportZmq();
  const random = new Random(process.pid);
  const events = new EventManager({ transport, loop, random, address: 'tcp://127.0.0.1:*' });
  const workers = new ZmqWorkerConnection({ transport, loop, random, address: workersAddress, timeoutMs: 5_000 });
  // Nothing else holds the process open while it waits (LoopNode's timers are unref'd).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const close = async (): Promise<void> => {
    clearInterval(keepAlive);
    await workers.close();
    await events.close();
    await transport.close();
    loop.close();
  };
  const stopWatching = exitWithParent(close);
  process.once('SIGTERM', () => {
    stopWatching();
    void close().finally(() => process.exit(0));
  });

  events.registerServer(demoEvents);
  events.registerHandler('hello', () => events.send('heard', { pid: process.pid }), { persist: true });
  events.registerHandler(
    'job',
    async ({ n }: { n: number }) => {
      const answer = (await workers.invoke('square', { n })) as { square: number; pid: number };
      events.send('done', { n, square: answer.square, server: process.pid, worker: answer.pid });
    },
    { persist: true },
  );
  await events.startListening();
  reportReady({ pid: process.pid, address: events.lastEndpoint });
}

main().catch(async (error: unknown) => {
  await reportFailed(error);
  process.exit(1);
});
