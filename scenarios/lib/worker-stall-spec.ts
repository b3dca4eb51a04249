// The faults of the stall scenarios: network stalls that heal and lose nothing (what real tcp
// does under a partition), so a retry and its original both arrive.

import type { RandomPort } from 'toto-ts';
import type { FaultKind, FaultPlan } from 'toto-ts/sim';
import { workerNames } from './worker-spec.js';

export { workerScenario } from './worker-spec.js';

/** What a generated plan of the stall scenarios may draw: stalls, delays and pauses, never a loss. */
export const STALL_KINDS: readonly FaultKind[] = ['partition', 'hold', 'latency', 'pause'];

/** One partition in the first 1.2s, 20-480ms long: client | router (most seeds) or router | workers. */
export function stallThatHeals(random: RandomPort): FaultPlan {
  const atMs = random.int(0, 1200);
  const durationMs = random.int(20, 480);
  const [sideA, sideB] = random.int(0, 2) > 0 ? [['client'], ['router']] : [['router'], workerNames()];
  return [{ kind: 'partition', atMs, durationMs, sideA, sideB }];
}
