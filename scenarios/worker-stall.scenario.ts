// A stall that heals, with the router's idempotency window: a partition between the client and
// the router (or between the router and the workers) stalls the connection, the client's call
// times out and is retried, and when the partition heals the original and the retry both arrive.
// The router forwards the first and holds the retry for its reply (or answers it from the window):
// no operation is applied twice, although `apply` is a counter increment and there are three
// workers (the workers' own windows could not stop it: the retry may reach another worker).
// Run one seed: npx tsx scenarios/worker-stall.scenario.ts --seed 7; sweep: npx toto sim scenarios/worker-stall.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { STALL_KINDS, stallThatHeals, workerScenario } from './lib/worker-stall-spec.js';

export const scenario = workerScenario({
  name: 'worker-stall',
  faults: stallThatHeals,
  nemesis: { kinds: [...STALL_KINDS] },
  // Longer than a call's whole retry span; Infinity: an id is never forwarded twice (stalls lose nothing).
  routerIdempotency: { ttlMs: 60_000, inFlightMaxMs: Infinity },
  atMostOnce: true,
  coverage: ['lateReplyDropped', 'routerSuppressed'],
});
export default scenario;

runMain(import.meta.url, scenario);
