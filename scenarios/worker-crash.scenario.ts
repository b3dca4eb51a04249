// A worker crash mid-load: a client with autoRetry calls through a router to three workers, and
// one or two workers crash while calls are running on them, restarting 50-400ms later. What was
// on the crashed worker (in its pipe, or running) is lost; the client's retry goes to another
// worker. No call is lost, every call settles exactly once. Toto's plain router (no window).
// Run one seed: npx tsx scenarios/worker-crash.scenario.ts --seed 7; sweep: npx toto sim scenarios/worker-crash.scenario.ts --runs 200

import type { RandomPort } from 'toto-ts';
import { type FaultPlan, runMain } from 'toto-ts/sim';
import { workerNames, workerScenario } from './lib/worker-spec.js';

/** One or two worker crashes in [100ms, 1.2s), each restarting 50-400ms later. */
export function workerCrashes(random: RandomPort): FaultPlan {
  const plan: FaultPlan = [];
  const count = random.int(1, 2);
  for (let i = 0; i < count; i++) plan.push({ kind: 'crash', atMs: random.int(100, 1200), host: random.pick(workerNames()), restartAfterMs: random.int(50, 400) });
  return plan.sort((a, b) => a.atMs - b.atMs);
}

export const scenario = workerScenario({
  name: 'worker-crash',
  faults: workerCrashes,
  // The client is the test's driver side; a generated plan may crash workers only.
  nemesis: { crashable: workerNames() },
  atMostOnce: false,
  coverage: ['workerCrashedMidCall'],
});
export default scenario;

runMain(import.meta.url, scenario);
