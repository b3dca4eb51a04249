// Proves the simulated tcp connection keeps TCP's promise under partitions: for any plan of partitions and heals without
// heartbeats (each shorter than TCP's 924.6s give-up), every message sent is delivered exactly once and in per-connection order; with heartbeats and a partition
// longer than the timeout, exactly the messages in flight on the broken connection are lost, and every other one arrives once, in order.
//
// "In flight", as the model defines it: sent while the connection was up and not yet moved into the receiving socket's queue
// when the connection broke. With the fixed 1ms link latency these are the messages sent in [partitionStart - 1ms, breakAt):
// those due before the partition arrived, those sent later stalled with it, and those sent after the break wait in the
// connecting PUSH's pipe and go out once it reconnects after the heal. The break comes at the first PING at or after the
// stall began (PINGs every heartbeatIntervalMs from the handshake) plus heartbeatTimeoutMs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import type { Socket } from '../../src/core/transport.js';
import { faultPlanArbitrary } from '../../src/sim/fault-arbitrary.js';
import { applyFaultPlan, healAll, type FaultTarget } from '../../src/sim/fault-injector.js';
import type { FaultPlan } from '../../src/sim/fault-plan.js';
import { NetworkSim } from '../../src/sim/network-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';
import { Trace } from '../../src/sim/trace.js';

const FC_SEED = Number(process.env.FC_SEED ?? 42);
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 60);
const HOSTS = ['a', 'b', 'c'];
const DURATION_MS = 2000;

function networkWorld(seed: number) {
  const kernel = new SimKernel();
  const trace = new Trace({ keepAll: true });
  const net = new NetworkSim({ kernel, random: new Random(seed), trace });
  for (const host of HOSTS) net.addHost(host);
  const unsupported = (): never => {
    throw new Error('only network faults in this test');
  };
  const target: FaultTarget = { kernel, trace, network: net, crash: unsupported, restart: unsupported, pause: unsupported, clockJump: unsupported };
  return { kernel, net, trace, target };
}

/** Receives forever, recording each message's body. */
function drain(socket: Socket, into: string[]): void {
  void (async () => {
    for (;;) into.push(new TextDecoder().decode((await socket.receive())[0]));
  })().catch(() => undefined);
}

/**
 * Sends `${label}:${i}` at each time of `timesMs`, one send at a time as zeromq.js requires (a
 * PUSH with no peer yet makes the next send wait for the one before it).
 */
function sendAt(kernel: SimKernel, socket: Socket, label: string, timesMs: number[]): string[] {
  const bodies = timesMs.map((_, i) => `${label}:${i}`);
  let previous: Promise<void> = Promise.resolve();
  timesMs.forEach((tMs, i) =>
    kernel.schedule(tMs, () => {
      previous = previous.then(() => socket.send(bodies[i] as string));
    }),
  );
  return bodies;
}

/** Sorted send times on the half millisecond (never equal to a fault's integer time). */
const sendTimes = fc.array(fc.integer({ min: 10, max: DURATION_MS - 1 }), { maxLength: 60 }).map((ts) => [...ts].sort((x, y) => x - y).map((t) => t + 0.5));

describe('tcp connections under partitions', () => {
  it('without heartbeats, every message is delivered exactly once and in per-connection order, whatever the partitions', async () => {
    await fc.assert(
      fc.asyncProperty(
        faultPlanArbitrary({ hosts: HOSTS, durationMs: DURATION_MS, kinds: ['partition'], faultsMax: 6 }),
        fc.tuple(sendTimes, sendTimes, sendTimes, sendTimes),
        fc.integer({ min: 0, max: 1000 }),
        async (plan: FaultPlan, times, seed) => {
          const { kernel, net, target } = networkWorld(seed);
          // Three connect-side PUSHes around the ring and one bind-side PUSH (c binds, a connects its PULL).
          const pulls = { b: net.transport('b').socket('pull'), c: net.transport('c').socket('pull'), a: net.transport('a').socket('pull'), a2: net.transport('a').socket('pull') };
          await pulls.b.bind('tcp://*:1');
          await pulls.c.bind('tcp://*:1');
          await pulls.a.bind('tcp://*:1');
          const bound = net.transport('c').socket('push');
          await bound.bind('tcp://*:2');
          pulls.a2.connect('tcp://c:2');
          const pushes = [net.transport('a').socket('push'), net.transport('b').socket('push'), net.transport('c').socket('push')];
          pushes[0]!.connect('tcp://b:1');
          pushes[1]!.connect('tcp://c:1');
          pushes[2]!.connect('tcp://a:1');
          applyFaultPlan(target, plan, { hosts: HOSTS });
          const sent = [sendAt(kernel, pushes[0]!, 'ab', times[0]), sendAt(kernel, pushes[1]!, 'bc', times[1]), sendAt(kernel, pushes[2]!, 'ca', times[2]), sendAt(kernel, bound, 'ca2', times[3])];
          const got = { ab: [] as string[], bc: [] as string[], ca: [] as string[], ca2: [] as string[] };
          drain(pulls.b, got.ab);
          drain(pulls.c, got.bc);
          drain(pulls.a, got.ca);
          drain(pulls.a2, got.ca2);
          await kernel.run({ untilMs: DURATION_MS });
          healAll(target);
          await kernel.run({ untilMs: 2 * DURATION_MS });
          expect([got.ab, got.bc, got.ca, got.ca2]).toEqual(sent);
          expect(net.stats.dropped).toBe(0);
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS },
    );
  });

  it('with heartbeats, a partition longer than the timeout loses exactly what was in flight on the broken connection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          startMs: fc.integer({ min: 20, max: 600 }),
          durationMs: fc.integer({ min: 1, max: 1500 }),
          oneWay: fc.boolean(),
          intervalMs: fc.integer({ min: 10, max: 200 }),
          timeoutMs: fc.integer({ min: 10, max: 400 }),
        }),
        sendTimes,
        fc.integer({ min: 0, max: 1000 }),
        async (p, times, seed) => {
          const { kernel, net, target, trace } = networkWorld(seed);
          const heartbeats = { heartbeatIntervalMs: p.intervalMs, heartbeatTimeoutMs: p.timeoutMs };
          const pull = net.transport('b').socket('pull', heartbeats);
          await pull.bind('tcp://*:1');
          const push = net.transport('a').socket('push', heartbeats);
          push.connect('tcp://b:1');
          const plan: FaultPlan = [{ kind: 'partition', atMs: p.startMs, durationMs: p.durationMs, sideA: ['a'], sideB: ['b'], ...(p.oneWay ? { oneWay: true } : {}) }];
          applyFaultPlan(target, plan, { hosts: HOSTS });
          const sent = sendAt(kernel, push, 'm', times);
          const got: string[] = [];
          drain(pull, got);
          await kernel.run({ untilMs: 3 * DURATION_MS });

          const upAtMs = (trace.kept().map((l) => JSON.parse(l) as { kind: string; tMs: number }).find((e) => e.kind === 'connect') as { tMs: number }).tMs;
          const firstPingMs = upAtMs + Math.max(1, Math.ceil((p.startMs - upAtMs) / p.intervalMs)) * p.intervalMs;
          const breakAtMs = firstPingMs + p.timeoutMs;
          const healMs = p.startMs + p.durationMs;
          const broke = healMs > breakAtMs;
          const lost = broke ? sent.filter((_, i) => (times[i] as number) >= p.startMs - 1 && (times[i] as number) < breakAtMs) : [];
          expect(got).toEqual(sent.filter((body) => !lost.includes(body)));
          expect(net.stats.dropped).toBe(lost.length);
          const expired = trace.kept().filter((l) => l.includes('"heartbeat-expired"')).length;
          expect(expired > 0).toBe(broke);
        },
      ),
      { seed: FC_SEED, numRuns: NUM_RUNS * 2 },
    );
  });
});
