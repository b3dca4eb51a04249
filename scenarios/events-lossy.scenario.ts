// Events from a sender to three servers over links the scenario declares lossy (a radio hop, a
// UDP bridge; never plain tcp): drop and duplicate faults act on single messages there. A server
// misses only events a drop hit, and handles twice only events a duplicate hit, still in order.
// Run one seed: npx tsx scenarios/events-lossy.scenario.ts --seed 7; sweep: npx toto sim scenarios/events-lossy.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { lossyFaults } from './lib/events-faults.js';
import { eventsScenario } from './lib/events-spec.js';

export const scenario = eventsScenario({ name: 'events-lossy', faults: lossyFaults, lossy: true });
export default scenario;

runMain(import.meta.url, scenario);
