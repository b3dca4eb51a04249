// Any faults, a bounded retry budget: the client retries each call at most 3 times, so under
// faults that never heal (a worker crashed for good, a long partition) a call ends in TIMEOUT
// instead of waiting forever. Whatever the plan, every call settles exactly once, answered or
// TIMEOUT, and the connection's table is empty once it has (no leaked pending call, unlike Toto).
// Run one seed: npx tsx scenarios/worker-any-faults.scenario.ts --seed 7; sweep: npx toto sim scenarios/worker-any-faults.scenario.ts --runs 200

import type { RandomPort } from 'toto-ts';
import { type FaultPlan, randomFaultPlan, runMain } from 'toto-ts/sim';
import { WORKER_DURATION_MS, workerNames, workerScenario } from './lib/worker-spec.js';

const CRASHABLE = ['router', ...workerNames()];

/** 1-4 faults of any kind between any hosts; the client (the test's driver side) is never crashed. */
export function anyFaults(random: RandomPort, hostNames: readonly string[]): FaultPlan {
  const plan = randomFaultPlan(random, { hosts: hostNames, durationMs: WORKER_DURATION_MS, faultsMax: 4 });
  return plan.filter((fault) => fault.kind !== 'crash' || CRASHABLE.includes(fault.host));
}

export const scenario = workerScenario({
  name: 'worker-any-faults',
  faults: anyFaults,
  nemesis: { crashable: CRASHABLE },
  attemptsMax: 3,
  atMostOnce: false,
  coverage: ['timedOut', 'lateReplyDropped'],
});
export default scenario;

runMain(import.meta.url, scenario);
