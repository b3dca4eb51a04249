// The pure core on Node's real event loop, in about a second (npx tsx examples/demo/core-loop.ts).
// The same TaskQueue, InstancePool, RoundRobin and IOLoop run unchanged in the simulation.

import { LoopNode } from '../../src/adapters/loop-node.js';
import { createCodecs } from '../../src/adapters/codecs.js';
import { ErrorCode, TotoError } from '../../src/core/errors.js';
import { InstancePool } from '../../src/core/instance-pool.js';
import { IOLoop } from '../../src/core/io-loop.js';
import { PeriodicCallback } from '../../src/core/periodic-callback.js';
import { Random } from '../../src/core/random.js';
import { RoundRobin } from '../../src/core/round-robin.js';
import { TaskQueue } from '../../src/core/task-queue.js';

const port = new LoopNode();
const loop = new IOLoop({ port, keepAlive: port });
const startMs = loop.time();
const elapsed = (): string => `${String(Math.round(loop.time() - startMs)).padStart(4)}ms`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => loop.callLater(ms, resolve));

async function main(): Promise<void> {
  console.log('Toto-TS core on the Node loop\n');

  // A bounded task queue: 3 runners, 9 jobs of 60ms each finish in 3 waves (~180ms, not 540ms).
  const queue = new TaskQueue({ loop, concurrency: 3, idleTimeoutMs: 100, name: 'jobs' });
  const ticker = new PeriodicCallback(() => console.log(`  [${elapsed()}] tick: ${queue.busy} busy, ${queue.queued} queued, ${queue.runners} runners`), 50, { loop });
  ticker.start();
  const jobs = Array.from({ length: 9 }, (_, i) => queue.yieldTask(async () => (await sleep(60), i * i)));
  console.log(`TaskQueue: 9 jobs, concurrency 3 -> results ${(await Promise.all(jobs)).join(' ')} at ${elapsed()}`);
  await sleep(120);
  ticker.stop();
  console.log(`  idle runners retired after idleTimeoutMs=100: runners now ${queue.runners}\n`);

  // An instance pool: two "connections" shared by five concurrent callers, used alternately.
  class Connection {
    calls = 0;
    constructor(readonly name: string) {}
    async query(sql: string): Promise<string> {
      this.calls++;
      await sleep(20);
      return `${this.name} ran "${sql}"`;
    }
  }
  const a = new Connection('conn-a');
  const b = new Connection('conn-b');
  const pool = InstancePool.create([a, b], { loop });
  const answers = await Promise.all(['q1', 'q2', 'q3', 'q4', 'q5'].map((q) => pool.query(q)));
  for (const answer of answers) console.log(`InstancePool: ${answer}`);
  console.log(`  conn-a served ${a.calls}, conn-b served ${b.calls}, never more than one caller each\n`);

  // Round-robin over servers, reshuffled by a seeded random on every membership change.
  const servers = new RoundRobin({ random: new Random(7), members: ['tcp://127.0.0.1:55551', 'tcp://127.0.0.1:55552', 'tcp://127.0.0.1:55553'] });
  console.log(`RoundRobin (seed 7): ${Array.from({ length: 6 }, () => servers.next().slice(16)).join(' -> ')}`);
  servers.remove('tcp://127.0.0.1:55552');
  console.log(`  after removing :55552: ${Array.from({ length: 4 }, () => servers.next().slice(16)).join(' -> ')}\n`);

  // Toto's errors and codecs: what goes on the wire.
  const { serialization, compression } = createCodecs({ serialization: 'json', compression: 'zlib' });
  const error = new TotoError(ErrorCode.MISSING_PARAMS, 'Missing parameter: user_id');
  const wire = compression.compress(serialization.dumps({ error }));
  console.log(`TotoError on the wire (json+zlib, ${wire.length} bytes): ${JSON.stringify(serialization.loads(compression.decompress(wire)))}`);

}

await loop.runSync(main, { timeoutMs: 10_000 });
// runSync's timeout: a call that never finishes is cut off with a TimeoutError.
try {
  await loop.runSync(() => new Promise(() => {}), { timeoutMs: 50 });
} catch (timeout) {
  console.log(`runSync({ timeoutMs: 50 }) on a call that never settles: ${(timeout as Error).name}: ${(timeout as Error).message}`);
}
port.close();
console.log(`\ndone in ${elapsed()}; npm start shows the rest: real processes, events and a simulated sweep.`);
