// The stall scenario without any idempotency window: when the partition heals, the original call
// and its retry both reach the router, which forwards both, and a worker applies the (non-
// idempotent) operation a second time. `npx toto sim scenarios/worker-stall-bug.scenario.ts --runs 50` finds
// it; fast-check (test/sim/scenarios/worker-scenarios.test.ts) shrinks it to one partition.

import { runMain } from 'toto-ts/sim';
import { STALL_KINDS, stallThatHeals, workerScenario } from './lib/worker-stall-spec.js';

export const scenario = workerScenario({
  name: 'worker-stall-bug',
  faults: stallThatHeals,
  nemesis: { kinds: [...STALL_KINDS] },
  // BUG: no window at the router (nor at the workers): a retry that arrives with its original runs again.
  atMostOnce: true,
  coverage: ['lateReplyDropped'],
});
export default scenario;

runMain(import.meta.url, scenario);
