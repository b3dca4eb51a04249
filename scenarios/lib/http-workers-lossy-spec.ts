// HTTP workers behind a lossy link, parameterised by the client's retry budget so a variant
// without retries differs from the correct one in that number alone. A client calls three HTTP
// workers through one HttpWorkerConnection (shuffled round-robin), one call every 20ms, while the
// links between it and the workers lose and duplicate single messages (declared lossy: a radio
// hop, a lossy bridge) and their latency rises for a while.
// Safety: every call settles exactly once, with the reply to that very call, and no call is left
// in the connection's table. Liveness: with retries, and a link that is lossy but not dead,
// every call is answered.

import { HttpWorkerConnection, type HttpWorkerConnectionStats, type RandomPort } from 'toto-ts';
import { assertHistory, defineScenario, type FaultPlan, type Scenario, type ScenarioContext, type ScenarioHostContext } from 'toto-ts/sim';
import { HttpWorkerHost, httpWorkerUrl, type WorkReply } from './http-worker-host.js';

export const HTTP_WORKERS = ['worker1', 'worker2', 'worker3'];
export const HTTP_CALLS = 60;
export const HTTP_CALL_INTERVAL_MS = 20;
export const HTTP_ATTEMPT_TIMEOUT_MS = 150;
/** With at most 25% loss each way an attempt succeeds with p >= 0.56: 20 attempts all fail with p < 1e-7. */
export const HTTP_RETRY_COUNT = 19;
export const HTTP_LOSSY_DURATION_MS = 1_500;

/** The client's end: the connection and what the workload reads from it. */
export class HttpLossyClient {
  readonly conn: HttpWorkerConnection;
  constructor(ctx: ScenarioHostContext, autoRetryCount: number) {
    this.conn = new HttpWorkerConnection({
      transport: ctx.transport,
      loop: ctx.loop,
      random: ctx.random,
      logger: ctx.logger,
      address: HTTP_WORKERS.map(httpWorkerUrl),
      timeoutMs: HTTP_ATTEMPT_TIMEOUT_MS,
      autoRetryCount,
      retryDelayMs: 20,
      retryDelayMsMax: 200,
    });
  }
}

/** Loss and duplication both ways between the client and every worker for most of the run, and a latency rise. */
export function lossyLinkPlan(random: RandomPort): FaultPlan {
  const client = ['client'];
  const lossMs = random.int(800, HTTP_LOSSY_DURATION_MS);
  return [
    { kind: 'drop', atMs: 0, durationMs: lossMs, rate: random.int(5, 25) / 100, from: client, to: HTTP_WORKERS },
    { kind: 'drop', atMs: 0, durationMs: lossMs, rate: random.int(5, 25) / 100, from: HTTP_WORKERS, to: client },
    { kind: 'duplicate', atMs: random.int(0, 500), durationMs: random.int(100, 800), rate: random.int(5, 30) / 100, from: client, to: HTTP_WORKERS },
    { kind: 'latency', atMs: random.int(0, 1_000), durationMs: random.int(100, 500), minMs: 5, maxMs: 40 },
  ];
}

async function workload(ctx: ScenarioContext): Promise<void> {
  const { conn } = ctx.host<HttpLossyClient>('client');
  const calls: Promise<unknown>[] = [];
  for (let n = 0; n < HTTP_CALLS; n++) {
    const id = `call-${n}`;
    calls.push(ctx.history.call(id, () => conn.invoke('work', { n }), { n }));
    await ctx.sleep(HTTP_CALL_INTERVAL_MS);
  }
  await Promise.all(calls);
  const stats = conn.stats;
  ctx.sim.sometimes(stats.retried > 0, 'a call was retried');
  ctx.sim.sometimes(stats.requestTimeouts > 0, 'a request was lost and timed out');
  ctx.sim.sometimes(ctx.sim.network.stats.duplicated > 0, 'a request was delivered twice');
  const runs = HTTP_WORKERS.reduce((sum, name) => sum + ctx.host<HttpWorkerHost>(name).runs, 0);
  ctx.sim.sometimes(runs > HTTP_CALLS, 'a call ran more than once (a retry or a duplicate)');
}

function settledCount(ctx: ScenarioContext): number {
  return ctx.history.entries.filter((e) => e.type === 'ok' || e.type === 'fail').length;
}

function invariants(ctx: ScenarioContext): void {
  assertHistory(ctx.history);
  const entries = ctx.history.entries;
  for (const entry of entries) {
    if (entry.type !== 'ok') continue;
    const reply = entry.data as WorkReply;
    if (`call-${reply.n}` !== entry.callId) throw new Error(`${String(entry.callId)} settled with the reply to call-${reply.n} (from ${reply.host})`);
  }
  const failed = entries.filter((e) => e.type === 'fail');
  const stats: HttpWorkerConnectionStats = ctx.host<HttpLossyClient>('client').conn.stats;
  if (failed.length > 0) {
    const first = failed[0] as (typeof failed)[number];
    throw new Error(`${failed.length} of ${HTTP_CALLS} calls never answered; first: ${String(first.callId)} failed at ${first.tMs}ms: ${String(first.data)} (sent ${stats.sent}, retried ${stats.retried})`);
  }
  const { conn } = ctx.host<HttpLossyClient>('client');
  if (conn.length !== 0) throw new Error(`${conn.length} call(s) still in the connection's table after every call settled`);
  if (stats.settledOk !== HTTP_CALLS) throw new Error(`the connection settled ${stats.settledOk} calls ok, expected ${HTTP_CALLS}`);
}

export function httpWorkersLossyScenario(name: string, autoRetryCount = HTTP_RETRY_COUNT): Scenario {
  const hosts: Record<string, (ctx: ScenarioHostContext) => unknown> = {};
  for (const worker of HTTP_WORKERS) hosts[worker] = (ctx) => HttpWorkerHost.start(ctx);
  hosts.client = (ctx) => new HttpLossyClient(ctx, autoRetryCount);
  return defineScenario({
    name,
    hosts,
    durationMs: HTTP_LOSSY_DURATION_MS,
    livenessMs: 10_000,
    faults: lossyLinkPlan,
    lossyLinks: [
      { from: ['client'], to: HTTP_WORKERS },
      { from: HTTP_WORKERS, to: ['client'] },
    ],
    // The client is the test's driver side: a generated plan may crash workers only.
    nemesis: { crashable: HTTP_WORKERS },
    workload,
    liveness: (ctx) => ctx.sim.eventually(() => settledCount(ctx) === HTTP_CALLS, { withinMs: ctx.livenessMs, message: 'every call settles' }),
    invariants,
  });
}
