// A router restart: the router host crashes mid-load and restarts 50-400ms later. What it held
// (requests in its pipes, replies on the way back) is lost; the client's DEALER and the workers'
// REPs reconnect on their own, and autoRetry re-sends what was lost. Once the router is back,
// every call is answered, each settling exactly once.
// Run one seed: npx tsx scenarios/worker-router-restart.scenario.ts --seed 7; sweep: npx toto sim scenarios/worker-router-restart.scenario.ts --runs 200

import type { RandomPort } from 'toto-ts';
import { type FaultPlan, runMain } from 'toto-ts/sim';
import { workerNames, workerScenario } from './lib/worker-spec.js';

/** One router crash in [100ms, 1.2s), restarting 50-400ms later. */
export function routerCrash(random: RandomPort): FaultPlan {
  return [{ kind: 'crash', atMs: random.int(100, 1200), host: 'router', restartAfterMs: random.int(50, 400) }];
}

export const scenario = workerScenario({
  name: 'worker-router-restart',
  faults: routerCrash,
  nemesis: { crashable: ['router', ...workerNames()] },
  atMostOnce: false,
  coverage: ['lateReplyDropped'],
});
export default scenario;

runMain(import.meta.url, scenario);
