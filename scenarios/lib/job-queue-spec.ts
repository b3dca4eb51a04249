// The job-queue scenario, parameterised by the server class so the planted-bug variant
// differs in the server alone. A client submits 60 jobs over 2s and resends each until it is
// acked; the server crashes once or twice and restarts. Safety: every job the client saw
// acked is on the server's disk (an ack is a promise that the work is done). Liveness: once
// the crashes are over, every job is acked.

import type { RandomPort } from 'toto-ts';
import { assertHistory, defineScenario, type FaultPlan, RetryingClient, type Scenario, type ScenarioContext, type ScenarioHostContext } from 'toto-ts/sim';
import { JobServer, processedJobs, type JobServerOptions } from './job-server.js';

export const JOBS = 60;
export const JOB_INTERVAL_MS = 30;
export const JOB_QUEUE_DURATION_MS = 2000;

/** One or two server crashes in [100ms, 1.7s), each restarting 50-400ms later. */
export function serverCrashes(random: RandomPort): FaultPlan {
  const plan: FaultPlan = [];
  const count = random.int(1, 2);
  for (let i = 0; i < count; i++) plan.push({ kind: 'crash', atMs: random.int(100, 1700), host: 'server', restartAfterMs: random.int(50, 400) });
  return plan.sort((a, b) => a.atMs - b.atMs);
}

async function workload(ctx: ScenarioContext): Promise<void> {
  const client = ctx.host<RetryingClient>('client');
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < JOBS; i++) {
    const id = `job-${i}`;
    calls.push(ctx.history.call(id, () => client.call(id, 'submit')));
    await ctx.sleep(JOB_INTERVAL_MS);
  }
  await Promise.all(calls);
  ctx.sim.sometimes(client.retries > 0, 'a job was resent');
}

function invariants(ctx: ScenarioContext): void {
  assertHistory(ctx.history);
  const processed = processedJobs(ctx.disk('server'));
  const acked = ctx.history.entries.filter((e) => e.type === 'ok').map((e) => ({ id: String(e.callId), tMs: e.tMs }));
  const lost = acked.filter((a) => !processed.has(a.id));
  if (lost.length > 0) {
    const first = lost[0] as (typeof lost)[number];
    throw new Error(`${lost.length} acked job(s) never processed (lost in a crash); first: ${first.id}, acked at ${first.tMs}ms`);
  }
  const failed = ctx.history.entries.filter((e) => e.type === 'fail');
  if (failed.length > 0) throw new Error(`${failed.length} of ${JOBS} jobs never acked; first: ${String(failed[0]?.callId)}: ${String(failed[0]?.data)}`);
}

export function jobQueueScenario(name: string, Server: new (options: JobServerOptions) => JobServer): Scenario {
  return defineScenario({
    name,
    hosts: {
      server: (ctx: ScenarioHostContext) =>
        new Server({
          loop: ctx.loop,
          transport: ctx.transport,
          logger: ctx.logger,
          random: ctx.random,
          disk: ctx.disk,
          address: 'tcp://*:6000',
          concurrency: 2,
          processMsMin: 10,
          processMsMax: 40,
        }),
      client: (ctx: ScenarioHostContext) =>
        new RetryingClient({ loop: ctx.loop, transport: ctx.transport, logger: ctx.logger, address: 'tcp://server:6000', attemptTimeoutMs: 200, attemptsMax: 40 }),
    },
    durationMs: JOB_QUEUE_DURATION_MS,
    livenessMs: 4000,
    faults: serverCrashes,
    nemesis: { crashable: ['server'] },
    workload,
    liveness: (ctx) =>
      ctx.sim.eventually(() => ctx.history.entries.filter((e) => e.type !== 'invoke').length === JOBS, { withinMs: ctx.livenessMs, message: 'every job settles once the server is back' }),
    invariants,
  });
}
