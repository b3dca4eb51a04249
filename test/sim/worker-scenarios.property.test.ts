// Proves with fast-check over (seed, fault plan) on the simulated network, the library's own router, workers and connection unchanged: for any fault plan every invocation settles exactly once and leaves no pending entry once settled; with autoRetry and faults that heal every invocation is answered; with the router's idempotency window no operation runs twice for one call id under stalls that heal. The seed is fixed in CI; FC_NUM_RUNS=500 (and FC_SEED) for long runs.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import workerAnyFaults from '../../scenarios/worker-any-faults.scenario.js';
import workerRouterRestart from '../../scenarios/worker-router-restart.scenario.js';
import workerStall from '../../scenarios/worker-stall.scenario.js';
import { faultPlanArbitrary } from '../../src/sim/fault-arbitrary.js';
import type { Fault, FaultKind, FaultPlan } from '../../src/sim/fault-plan.js';
import { assertSimProperty } from '../../src/sim/sim-property.js';

const fcParams = { seed: Number(process.env.FC_SEED ?? 42), numRuns: Number(process.env.FC_NUM_RUNS ?? 20) };
const TIMEOUT_MS = 120_000;

/** Every fault kind a tcp network has, each healing: a crash always restarts, and never the client's host (the test's driver side). */
function healingFaults(hosts: readonly string[], durationMs: number): fc.Arbitrary<FaultPlan> {
  const kinds: FaultKind[] = ['partition', 'disconnect', 'crash', 'pause', 'clockJump', 'latency', 'hold'];
  const restarting = (fault: Fault): Fault => (fault.kind === 'crash' && fault.restartAfterMs === undefined ? { ...fault, restartAfterMs: 100 } : fault);
  return faultPlanArbitrary({ hosts, durationMs, kinds, faultsMax: 4 }).map((plan) => plan.filter((f) => f.kind !== 'crash' || f.host !== 'client').map(restarting));
}

describe('worker scenarios under generated fault plans', () => {
  it('any fault plan (crashes for good too): every invocation settles exactly once, answered or TIMEOUT, and none stays pending', () =>
    assertSimProperty(workerAnyFaults, { faults: { faultsMax: 4 } }, fcParams), TIMEOUT_MS);

  it('autoRetry and faults that heal: every invocation is answered', () =>
    assertSimProperty(workerRouterRestart, { faults: healingFaults(workerRouterRestart.hostNames, workerRouterRestart.durationMs) }, fcParams), TIMEOUT_MS);

  it("the router's idempotency window: under stalls, delays and pauses no operation runs twice for one call id", () =>
    assertSimProperty(workerStall, { faults: { faultsMax: 4 } }, fcParams), TIMEOUT_MS);
});
