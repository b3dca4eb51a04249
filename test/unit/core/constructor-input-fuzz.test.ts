// Proves, over seeded junk (FC_SEED, FC_NUM_RUNS; 1,000 cases by default), that every public constructor of toto-ts with an options object either accepts a junk option or refuses it with a TypeError/RangeError/TotoError naming it, never an internal error ("Cannot read properties of ...") and never a hang.
import { describe, expect, it } from 'vitest';
import { createZlibCompression } from '../../../src/adapters/codec-zlib.js';
import { createCodecs } from '../../../src/adapters/codecs.js';
import { LoopNode } from '../../../src/adapters/loop-node.js';
import { AwaitableInstance } from '../../../src/core/awaitable-instance.js';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { HttpWorkerConnection } from '../../../src/core/http-worker-connection.js';
import { HttpWorkerServer } from '../../../src/core/http-worker-server.js';
import { IdempotencyWindow } from '../../../src/core/idempotency-window.js';
import { InstancePool } from '../../../src/core/instance-pool.js';
import { IOLoop } from '../../../src/core/io-loop.js';
import { PeriodicCallback } from '../../../src/core/periodic-callback.js';
import { Random } from '../../../src/core/random.js';
import { RoundRobin } from '../../../src/core/round-robin.js';
import { RouterIdempotency } from '../../../src/core/router-idempotency.js';
import { TaskQueue } from '../../../src/core/task-queue.js';
import type { WireCodecs } from '../../../src/core/wire.js';
import { WorkerBalancer } from '../../../src/core/worker-balancer.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../../src/core/worker-rep-server.js';
import { ZmqWorkerConnection } from '../../../src/core/zmq-worker-connection.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { fuzzRuns, fuzzSeed, fuzzSubjects, type Subject } from '../../support/option-fuzz.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const noop = (): void => {};

/** Real simulated ports: a kernel that never runs (nothing here needs time to pass), its loop and network. */
function simPorts() {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(1) });
  return { loop: new LoopSim(kernel), random: new Random(2), transport: net.transport('client') };
}

function dispatcher(loop: LoopSim): WorkerDispatcher<null> {
  return new WorkerDispatcher({ methods: WorkerMethods.fromMap({ echo: (_w, p) => p }), worker: null, codecs: json, loop });
}

const closeAsync = (made: unknown): Promise<void> => (made as { close(): Promise<void> }).close();

export const coreSubjects: Subject[] = [
  { name: 'new IOLoop', base: () => ({ port: simPorts().loop }), make: (o) => new IOLoop(o as never), close: (l) => (l as IOLoop).close() },
  {
    name: 'new PeriodicCallback',
    base: () => ({ loop: simPorts().loop }),
    make: (o) => new PeriodicCallback(noop, 10, o as never),
    related: { jitter: ['random'] },
  },
  { name: 'new RoundRobin', base: () => ({ random: new Random(1), members: ['a', 'b'] }), make: (o) => new RoundRobin(o as never) },
  { name: 'new TaskQueue', base: () => ({ loop: simPorts().loop }), make: (o) => new TaskQueue(o as never) },
  { name: 'InstancePool.create', base: () => ({ loop: simPorts().loop }), make: (o) => InstancePool.create([{}], o as never) },
  { name: 'AwaitableInstance.create', base: () => ({ loop: simPorts().loop }), make: (o) => AwaitableInstance.create({}, o as never) },
  {
    name: 'new WorkerDispatcher',
    base: () => ({ methods: WorkerMethods.fromMap({ echo: (_w, p) => p }), worker: null, codecs: json, loop: simPorts().loop }),
    make: (o) => new WorkerDispatcher(o as never),
    // Reported, not fixed here (worker-dispatch.ts is under review elsewhere): a bad replyCodecs reads "codecs: ...", idempotency's fields lack the "idempotency." prefix.
    related: { replyCodecs: ['codecs'], idempotency: ['ttlMs', 'entriesMax', 'inFlightMaxMs'] },
  },
  { name: 'new IdempotencyWindow', base: () => ({ loop: simPorts().loop, ttlMs: 1000 }), make: (o) => new IdempotencyWindow(o as never) },
  { name: 'new RouterIdempotency', base: () => ({ ttlMs: 1000 }), make: (o) => new RouterIdempotency(o as never) },
  {
    name: 'new WorkerRepServer',
    base: () => {
      const { loop, transport } = simPorts();
      return { transport, loop, dispatcher: dispatcher(loop) };
    },
    make: (o) => new WorkerRepServer(o as never),
    close: closeAsync,
  },
  {
    name: 'new WorkerBalancer',
    base: () => ({ ...simPorts(), random: undefined, socketAddress: 'inproc://workers' }),
    names: ['transport', 'loop', 'logger', 'bindAddress', 'socketAddress', 'socketOptions', 'frontOptions', 'backOptions', 'backoffMs', 'backoffMsMax', 'idempotency'],
    make: (o) => {
      const options = o !== null && typeof o === 'object' && 'random' in o ? (({ random: _r, ...rest }) => rest)(o as Record<string, unknown>) : o;
      return new WorkerBalancer(options as never);
    },
    close: closeAsync,
    // Reported, not fixed here (worker-balancer-options.ts is under review elsewhere): front/back socket options read "socket options: ...", idempotency's fields lack the prefix.
    related: { frontOptions: ['socket options'], backOptions: ['socket options'], idempotency: ['ttlMs', 'entriesMax', 'inFlightMaxMs', 'requestersMax'] },
  },
  { name: 'new ZmqWorkerConnection', base: () => ({ ...simPorts(), address: 'tcp://127.0.0.1:5555' }), make: (o) => new ZmqWorkerConnection(o as never), close: closeAsync },
  { name: 'new HttpWorkerConnection', base: () => ({ ...simPorts(), address: 'http://127.0.0.1:5555' }), make: (o) => new HttpWorkerConnection(o as never), close: closeAsync },
  {
    name: 'new HttpWorkerServer',
    base: () => {
      const { loop, transport } = simPorts();
      return { transport, routes: [{ serialization: jsonSerialization, dispatcher: dispatcher(loop) }] };
    },
    make: (o) => new HttpWorkerServer(o as never),
    close: closeAsync,
  },
  { name: 'new LoopNode', base: () => ({}), make: (o) => new LoopNode(o as never), close: (l) => (l as LoopNode).close() },
  { name: 'createCodecs', base: () => ({}), make: (o) => createCodecs(o as never) },
  { name: 'createZlibCompression', base: () => ({}), make: (o) => createZlibCompression(o as never) },
];

describe('public constructors of toto-ts: junk options', () => {
  it('every subject accepts its base options', async () => {
    for (const subject of coreSubjects) {
      const made = subject.make(subject.base());
      await subject.close?.(made instanceof Promise ? await made : made);
    }
  });

  it(`${fuzzRuns} cases: refused with the option's name, or accepted`, async () => {
    const counts = await fuzzSubjects(coreSubjects, fuzzSeed, fuzzRuns);
    // Most junk is refused; a property that never refuses proves nothing.
    expect(counts.refused).toBeGreaterThan(fuzzRuns / 2);
  }, 120_000);
});
