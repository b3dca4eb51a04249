// Part 1 of the demo: a real worker service on 127.0.0.1 (a router in this process, two worker
// processes), and a client making calls through it: answers from both workers, a worker's
// error, a timeout, and the router's status over its control socket.

import { fileURLToPath } from 'node:url';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { startWorkerService, type WorkerServiceHandle } from '../../src/adapters/worker-service-node.js';
import { TotoError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { ZmqWorkerConnection } from '../../src/core/zmq-worker-connection.js';
import type { Cleanup } from './cleanup.js';
import { say } from './say.js';

const METHODS = fileURLToPath(new URL('./methods.ts', import.meta.url));

export interface Workers {
  service: WorkerServiceHandle;
  /** Where clients (and the event servers) call the service. */
  address: string;
  /** Closes the client and shuts the service down (the calls in hand finish first). */
  close(): Promise<void>;
}

export async function startWorkers(cleanup: Cleanup): Promise<Workers> {
  say('1. A worker service on 127.0.0.1: a router in this process, two worker processes');
  // Port 0 binds (tcp://127.0.0.1:*): the system picks free ports, so nothing else is in the way.
  const service = await startWorkerService({
    methods: METHODS,
    processes: 2,
    bindAddress: 'tcp://127.0.0.1:*',
    socketAddress: 'tcp://127.0.0.1:*',
    controlAddress: 'tcp://127.0.0.1:*',
    restart: false,
    output: 'inherit',
  });
  const closeService = cleanup.add('the worker service', () => service.close(2_000));
  const address = service.addresses.bind as string;
  say(`router pid ${service.pid} (this process): clients call ${address}, workers connect to ${service.addresses.socket}, control on ${service.addresses.control}`);
  say(`worker pids: ${service.pids.join(' ')}`);

  const loop = new LoopNode();
  const transport = new TransportZmq();
  const client = new ZmqWorkerConnection({ transport, loop, random: new Random(1), address, timeoutMs: 5_000, socketOptions: { lingerMs: 0 } });
  const closeClient = cleanup.add('the client', async () => (await client.close(), await transport.close(), loop.close()));

  say(`greet {"name":"Ada"} -> ${JSON.stringify(await client.invoke('greet', { name: 'Ada' }))}`);
  const answers = (await Promise.all(Array.from({ length: 10 }, (_, n) => client.invoke('square', { n })))) as { square: number; pid: number }[];
  say(`square of 0..9 -> ${answers.map((a) => a.square).join(' ')}`);
  const byPid = new Map<number, number>();
  for (const { pid } of answers) byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
  say(`  answered by ${[...byPid].map(([pid, count]) => `pid ${pid} x${count}`).join(', ')} (the router balances over both workers)`);
  say(`account.withdraw {"amount":500} -> ${await failure(client.invoke('account.withdraw', { amount: 500 }))}`);
  say(`slow {"ms":3000} with timeoutMs 300 -> ${await failure(client.invoke('slow', { ms: 3_000 }, { timeoutMs: 300 }))}`);
  const status = await service.status();
  say(`status (control socket): ${status.workers.length} workers ${[...new Set(status.workers.map((w) => w.status))].join('/')}, ${String(status.served)} calls served`);

  return {
    service,
    address,
    async close() {
      await closeClient();
      await closeService();
    },
  };
}

/** What a call that should fail failed with, as a user reads it. */
async function failure(call: Promise<unknown>): Promise<string> {
  try {
    return `unexpectedly answered ${JSON.stringify(await call)}`;
  } catch (error) {
    return error instanceof TotoError ? `TotoError ${error.code} (${error.codeName ?? 'the method\'s own code'}): ${error.value}` : String(error);
  }
}
