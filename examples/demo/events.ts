// Part 2 of the demo: events between processes. An EventManager here and one in each of two
// event server processes (event-server.ts): a broadcast reaches both, events sent one at a time
// go round-robin, and each server turns a job event into a call on the worker service and
// answers with an event of its own.

import { fileURLToPath } from 'node:url';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { ProcessGroup } from '../../src/adapters/process-group.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { EventManager } from '../../src/core/event-manager.js';
import { Random } from '../../src/core/random.js';
import type { Cleanup } from './cleanup.js';
import { say } from './say.js';

/** Given to each event server: where the demo listens for events, where the worker service takes calls. */
export const DEMO_EVENTS_ENV = 'TOTO_DEMO_EVENTS';
export const DEMO_WORKERS_ENV = 'TOTO_DEMO_WORKERS';

const SERVER_ENTRY = fileURLToPath(new URL('./event-server.ts', import.meta.url));
const JOBS = 6;
/** A real network on a loaded machine: generous, and a missing answer fails clearly. */
const ANSWERS_DEADLINE_MS = 15_000;

interface Done {
  n: number;
  square: number;
  server: number;
  worker: number;
}

export interface EventServers {
  pids: number[];
  close(): Promise<void>;
}

export async function runEvents(cleanup: Cleanup, workersAddress: string): Promise<EventServers> {
  say('2. Events: an EventManager here and one in each of two event server processes');
  const loop = new LoopNode();
  const transport = new TransportZmq();
  const events = new EventManager({ transport, loop, random: new Random(2), address: 'tcp://127.0.0.1:*' });
  const closeEvents = cleanup.add('the event manager', async () => (await events.close(), await transport.close(), loop.close()));
  const heard: number[] = [];
  const done: Done[] = [];
  events.registerHandler('heard', ({ pid }: { pid: number }) => void heard.push(pid), { persist: true });
  events.registerHandler('done', (answer: Done) => void done.push(answer), { persist: true });
  await events.startListening();

  const group = await ProcessGroup.start({
    entry: SERVER_ENTRY,
    count: 2,
    env: { [DEMO_EVENTS_ENV]: events.lastEndpoint as string, [DEMO_WORKERS_ENV]: workersAddress },
    stopTimeoutMs: 3_000,
  });
  const closeGroup = cleanup.add('the event servers', () => group.stop());
  const servers = group.children.map((child) => child.info as { pid: number; address: string });
  for (const server of servers) events.registerServer(server.address);
  say(`this process listens on ${events.lastEndpoint}; event servers: ${servers.map((s) => `pid ${s.pid} on ${s.address}`).join(', ')}`);
  say(`event server pids: ${group.pids.join(' ')}`);

  // A PUSH connects in the background; until a server's connection is up its events wait in its queue.
  events.send('hello', { from: process.pid });
  await until(() => heard.length === servers.length, `both event servers answered hello (heard from: ${heard.join(', ') || 'none'})`);
  say(`broadcast hello -> heard back from pid ${[...heard].sort().join(' and pid ')}`);

  for (let n = 1; n <= JOBS; n++) events.send('job', { n }, { broadcast: false });
  await until(() => done.length === JOBS, `all ${JOBS} jobs answered (${done.length} so far)`);
  const perServer = new Map<number, number>();
  for (const answer of done) perServer.set(answer.server, (perServer.get(answer.server) ?? 0) + 1);
  say(`${JOBS} job events sent one at a time (round robin): ${[...perServer].map(([pid, count]) => `${count} to pid ${pid}`).join(', ')}`);
  for (const answer of done.sort((a, b) => a.n - b.n)) say(`  job ${answer.n}: event server ${answer.server} called square on worker ${answer.worker} -> ${answer.square}, sent back as an event`);

  return {
    pids: group.pids,
    async close() {
      await closeGroup();
      await closeEvents();
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + ANSWERS_DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${ANSWERS_DEADLINE_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
