// The worker scenarios, one spec parameterised by the faults and the idempotency windows: a
// client (ZmqWorkerConnection, autoRetry) calls `apply` CALLS times, one every INTERVAL_MS, through
// a router (WorkerBalancer) to WORKERS workers (WorkerRepServer), the library's own code on the
// simulated network. Safety: every call settles exactly once, and the connection holds no entry
// for a settled call (length never exceeds the calls still outstanding, and is 0 at the end);
// with `atMostOnce`, no operation is applied twice by any worker. Liveness: once the faults
// heal, every call is answered (ok) -- or, with a bounded retry budget (`attemptsMax`), has
// settled, answered or TIMEOUT.

import type { IdempotencyWindowOptions, RandomPort, RouterIdempotencyOptions, WorkerBalancer, ZmqWorkerConnection } from 'toto-ts';
import { assertHistory, defineScenario, type FaultPlan, type Scenario, type ScenarioContext, type ScenarioHostFactory, type ScenarioNemesisOptions } from 'toto-ts/sim';
import { clientHost, routerHost, workerHost, type ApplyResult, type ClientOptions, type WorkerHost } from './worker-hosts.js';
import { workerLedger } from './worker-ledger.js';

export const CALLS = 60;
export const INTERVAL_MS = 20;
export const WORKERS = 3;
export const WORKER_DURATION_MS = 1500;
export const WORKER_LIVENESS_MS = 3000;
/** Each attempt waits 100ms, then a full-jitter backoff from 20ms doubling to 1s (a cap much lower than Toto's 30s would turn a long stall into a storm of queued retries). */
export const CLIENT: ClientOptions = { timeoutMs: 100, retryDelayMs: 20, retryDelayMsMax: 1000 };
/** A worker's `apply` works a uniform 5-50ms: a worker is busy about half the time, so a crash often lands mid-call. */
export const WORK_MS_MIN = 5;
export const WORK_MS_MAX = 50;

export const workerNames = (count = WORKERS): string[] => Array.from({ length: count }, (_, i) => `worker-${i + 1}`);

/** Interesting paths a sweep should reach (each a `sometimes` assertion; a call being retried always is one). */
export type WorkerCoverage = 'timedOut' | 'lateReplyDropped' | 'workerCrashedMidCall' | 'appliedTwice' | 'routerSuppressed' | 'workerSuppressed';

const COVERAGE_MESSAGES: Record<WorkerCoverage, string> = {
  timedOut: 'a call ran out of attempts (TIMEOUT)',
  lateReplyDropped: 'a late or duplicate reply was dropped by the client',
  workerCrashedMidCall: 'a worker crashed mid-call',
  appliedTwice: 'an operation was applied twice (a reply lost after the work was done)',
  routerSuppressed: 'the router suppressed a duplicate',
  workerSuppressed: 'a worker suppressed a duplicate',
};

export interface WorkerScenarioOptions {
  name: string;
  faults: (random: RandomPort, hostNames: readonly string[]) => FaultPlan;
  nemesis: ScenarioNemesisOptions;
  /** The router's idempotency window; none: Toto's plain forwarding. */
  routerIdempotency?: RouterIdempotencyOptions;
  /** Each worker's own window; none: every request runs. */
  workerIdempotency?: Omit<IdempotencyWindowOptions, 'loop'>;
  /** Fail the run when an operation is applied twice. */
  atMostOnce: boolean;
  /** The paths this scenario's sweeps should reach. */
  coverage: readonly WorkerCoverage[];
  /** Attempts per call; default Infinity (retry until answered, Toto's auto_retry), so every call must be answered. */
  attemptsMax?: number;
}

async function workload(ctx: ScenarioContext): Promise<void> {
  const client = ctx.host<ZmqWorkerConnection>('client');
  const calls: Promise<void>[] = [];
  let outstanding = 0;
  for (let i = 0; i < CALLS; i++) {
    const op = `op-${i}`;
    ctx.history.invoke(op);
    outstanding++;
    const call = client.invoke('apply', { op, workMs: ctx.random.int(WORK_MS_MIN, WORK_MS_MAX) }).then(
      (value) => ctx.history.ok(op, value),
      (error: Error) => ctx.history.fail(op, error.message),
    );
    calls.push(
      call.then(() => {
        outstanding--;
        // A settled call leaves the connection's table at once: it never holds more than what is outstanding.
        ctx.sim.always(client.length <= outstanding, 'a settled call leaves no pending entry', { op, length: client.length, outstanding });
      }),
    );
    await ctx.sleep(INTERVAL_MS);
  }
  await Promise.all(calls);
  ctx.sim.sometimes(client.stats.retried > 0, 'a call was retried');
}

function settled(ctx: ScenarioContext): number {
  return ctx.history.entries.filter((e) => e.type === 'ok' || e.type === 'fail').length;
}

function invariants(ctx: ScenarioContext, options: WorkerScenarioOptions): void {
  assertHistory(ctx.history);
  const failed = ctx.history.entries.filter((e) => e.type === 'fail');
  if (failed.length > 0 && options.attemptsMax === undefined) throw new Error(`${failed.length} of ${CALLS} calls failed; first: ${String(failed[0]?.callId)}: ${String(failed[0]?.data)}`);
  const client = ctx.host<ZmqWorkerConnection>('client');
  const { settledOk, settledTimeout } = client.stats;
  if (client.length !== 0 || settledOk + settledTimeout !== CALLS) {
    throw new Error(`the connection holds ${client.length} call(s) after every call settled (settled ${settledOk} ok, ${settledTimeout} timed out, of ${CALLS})`);
  }
  for (const entry of ctx.history.entries) {
    if (entry.type === 'ok' && (entry.data as ApplyResult).op !== entry.callId) throw new Error(`call ${String(entry.callId)} got the reply of ${(entry.data as ApplyResult).op}`);
  }
  const ledger = workerLedger(ctx.history);
  const twice = ledger.appliedTwice();
  const reached: Record<WorkerCoverage, () => boolean> = {
    timedOut: () => client.stats.settledTimeout > 0,
    lateReplyDropped: () => client.stats.duplicateReplies + client.stats.lateReplies > 0,
    workerCrashedMidCall: () => ledger.unfinished().length > 0,
    appliedTwice: () => twice.length > 0,
    routerSuppressed: () => routerSuppressed(ctx),
    workerSuppressed: () => workersSuppressed(ctx),
  };
  for (const path of options.coverage) ctx.sim.sometimes(reached[path](), COVERAGE_MESSAGES[path]);
  if (options.atMostOnce && twice.length > 0) {
    const { op, runs } = twice[0] as (typeof twice)[number];
    const where = runs.map((r) => `${r.by} at ${r.finishedAtMs?.toFixed(2)}ms`).join(', ');
    throw new Error(`${twice.length} operation(s) applied twice; first: ${op}, applied by ${where}`);
  }
}

/** The router's window (if the router is up) held a retry for its original's reply or answered it from the window. */
function routerSuppressed(ctx: ScenarioContext): boolean {
  const router = ctx.sim.getHost<WorkerBalancer>('router');
  const stats = router.alive && router.started ? router.state?.stats.idempotency : undefined;
  return stats !== undefined && stats.joins + stats.hits > 0;
}

/** A worker's own window (of the workers up now) answered a request it had already run. */
function workersSuppressed(ctx: ScenarioContext): boolean {
  const hits = ctx.hostNames
    .filter((name) => name.startsWith('worker-'))
    .map((name) => ctx.sim.getHost<WorkerHost>(name))
    .filter((host) => host.alive && host.started)
    .reduce((sum, host) => {
      const stats = host.state?.dispatcher.stats.idempotency;
      return sum + (stats === undefined ? 0 : stats.hits + stats.inFlightJoins);
    }, 0);
  return hits > 0;
}

export function workerScenario(options: WorkerScenarioOptions): Scenario {
  const hosts: Record<string, ScenarioHostFactory> = { router: routerHost(options.routerIdempotency) };
  for (const name of workerNames()) hosts[name] = workerHost(options.workerIdempotency);
  hosts.client = clientHost({ ...CLIENT, ...(options.attemptsMax === undefined ? {} : { attemptsMax: options.attemptsMax }) });
  return defineScenario({
    name: options.name,
    hosts,
    durationMs: WORKER_DURATION_MS,
    livenessMs: WORKER_LIVENESS_MS,
    faults: options.faults,
    nemesis: options.nemesis,
    workload,
    liveness: (ctx) => ctx.sim.eventually(() => settled(ctx) === CALLS, { withinMs: ctx.livenessMs, message: 'every call is answered once the faults heal' }),
    invariants: (ctx) => invariants(ctx, options),
  });
}
