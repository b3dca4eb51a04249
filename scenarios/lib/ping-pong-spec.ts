// The ping-pong scenario, parameterised by the client's retry budget so the planted-bug
// variant differs from the correct one in that number alone. A client pings a stateless server over
// DEALER/ROUTER, one ping every 50ms for 2s, while a partition between them opens and heals.
// As on real tcp the partition stalls the connection: nothing is lost, but the original ping and
// every retry sent during the stall arrive together when it heals, and the server answers each.
// Safety: every ping settles exactly once (the duplicate pongs are dropped). Liveness: once the
// partition heals, every ping is answered (none gave up while its pongs were still on the way).

import type { RandomPort } from 'toto-ts';
import { assertHistory, defineScenario, type FaultPlan, RetryingClient, type Scenario, type ScenarioContext, type ScenarioHostContext } from 'toto-ts/sim';
import { PingServer } from './ping-server.js';

export const PINGS = 40;
export const PING_INTERVAL_MS = 50;
export const ATTEMPT_TIMEOUT_MS = 100;
export const ATTEMPTS_MAX = 60;
export const PING_PONG_DURATION_MS = 2000;

/** One partition between client and server, somewhere in the first 1.5s, 20-480ms long. */
export function partitionThatHeals(random: RandomPort): FaultPlan {
  return [{ kind: 'partition', atMs: random.int(0, 1500), durationMs: random.int(20, 480), sideA: ['client'], sideB: ['server'] }];
}

async function workload(ctx: ScenarioContext): Promise<void> {
  const client = ctx.host<RetryingClient>('client');
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < PINGS; i++) {
    const id = `ping-${i}`;
    calls.push(ctx.history.call(id, () => client.call(id, 'ping')));
    await ctx.sleep(PING_INTERVAL_MS);
  }
  await Promise.all(calls);
  ctx.sim.sometimes(client.retries > 0, 'a ping was retried');
  ctx.sim.sometimes(client.lateReplies > 0, 'a late or duplicate pong was dropped');
}

function settledCount(ctx: ScenarioContext): number {
  return ctx.history.entries.filter((e) => e.type === 'ok' || e.type === 'fail').length;
}

function invariants(ctx: ScenarioContext): void {
  assertHistory(ctx.history);
  const failed = ctx.history.entries.filter((e) => e.type === 'fail');
  if (failed.length > 0) {
    const first = failed[0] as (typeof failed)[number];
    // The client gave up, yet the stalled connection still carried its attempts: say how many pongs came too late.
    const late = ctx.host<RetryingClient>('client').lateRepliesById.get(String(first.callId)) ?? 0;
    const afterwards = late > 0 ? `; its pong arrived ${late} time(s) after it gave up (the original and its retries, delivered late after the stall)` : '';
    throw new Error(`${failed.length} of ${PINGS} pings never answered; first: ${first.callId} failed at ${first.tMs}ms: ${String(first.data)}${afterwards}`);
  }
}

export function pingPongScenario(name: string, attemptsMax = ATTEMPTS_MAX): Scenario {
  return defineScenario({
    name,
    hosts: {
      server: (ctx: ScenarioHostContext) => new PingServer(ctx.transport, ctx.logger, 'tcp://*:5555'),
      client: (ctx: ScenarioHostContext) =>
        new RetryingClient({ loop: ctx.loop, transport: ctx.transport, logger: ctx.logger, address: 'tcp://server:5555', attemptTimeoutMs: ATTEMPT_TIMEOUT_MS, attemptsMax }),
    },
    durationMs: PING_PONG_DURATION_MS,
    livenessMs: 4000,
    faults: partitionThatHeals,
    // The client is the test's driver side: a generated plan may crash the server only.
    nemesis: { crashable: ['server'] },
    workload,
    liveness: (ctx) => ctx.sim.eventually(() => settledCount(ctx) === PINGS, { withinMs: ctx.livenessMs, message: 'every ping settles once the partition heals' }),
    invariants,
  });
}
