// The memory row of `npm run bench -- rpc`, run in its own process under --expose-gc (see
// rpc-memory-run.ts): bytes per pending call of a whole ZmqWorkerConnection (its call table, the
// caller's promise, the encoded request kept for retries, the id) at `count` calls pending. The
// worker is a sink in a child process that takes every request and answers none, so the calls
// stay pending once every request has left the connection's send queue. Counted: the V8 heap and
// ArrayBuffer memory; not libzmq's native queues, which belong to the socket, not to a call.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchLine } from './harness.js';
import { oursZmqClient } from './rpc-clients.js';
import { Fleet } from './rpc-processes.js';

const here = dirname(fileURLToPath(import.meta.url));
const DRAIN_DEADLINE_MS = 60_000;
const TEXT = 'x'.repeat(40);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('rpc-memory: run under node --expose-gc');

function used(): number {
  for (let i = 0; i < 4; i++) (gc as () => void)();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

async function measure(count: number): Promise<void> {
  const fleet = new Fleet();
  try {
    const endpoint = (await fleet.start(join(here, 'rpc-zmq-server.ts'), ['sink'], /^endpoint (\S+)$/)).match[1] as string;
    const client = oursZmqClient(endpoint);
    const { connection } = client;
    // One call first, so the socket's and the loop's one-off allocations are in the baseline.
    const first = connection.invoke('bench.echo', { seq: -1, text: TEXT }).catch(() => {});
    const deadline = performance.now() + DRAIN_DEADLINE_MS;
    const drained = async (): Promise<void> => {
      while (connection.queuedSends > 0) {
        if (performance.now() > deadline) throw new Error(`rpc-memory: ${connection.queuedSends} requests still queued after ${DRAIN_DEADLINE_MS}ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The last send handed over: one more turn for its promise to settle.
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await drained();
    const before = used();
    const promises: Array<Promise<unknown>> = [];
    for (let i = 0; i < count; i++) promises.push(connection.invoke('bench.echo', { seq: i, text: TEXT }));
    await drained();
    const after = used();
    const perCall = (after - before) / count;
    console.log(`memory: ZmqWorkerConnection, ${count} calls pending (${connection.length} in its table), ${((after - before) / 2 ** 20).toFixed(1)} MiB, ${perCall.toFixed(0)} B per pending call`);
    benchLine('rpc', 'memory_bytes_per_pending_call', Math.round(perCall));
    for (const promise of promises) promise.catch(() => {});
    await client.close();
    await first;
  } finally {
    await fleet.stopAll();
  }
}

await measure(Number(process.argv[2] ?? 100_000));
