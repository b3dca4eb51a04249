// Events between a sender and three servers under stalls (paused servers), partitions, broken
// connections (disconnect) and server crashes: each server handles its events in order and at
// most once, and misses only what a broken connection had in flight (scenarios/lib/events-checks.ts).
// Run one seed: npx tsx scenarios/events-faults.scenario.ts --seed 7; sweep: npx toto sim scenarios/events-faults.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { connectionFaults } from './lib/events-faults.js';
import { eventsScenario } from './lib/events-spec.js';

export const scenario = eventsScenario({ name: 'events-faults', faults: connectionFaults });
export default scenario;

runMain(import.meta.url, scenario);
