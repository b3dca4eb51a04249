// Ping-pong over DEALER/ROUTER under a partition that heals: the client retries each ping on
// timeout (dropping late duplicate pongs), so every ping is answered once the network heals.
// Run one seed: npx tsx scenarios/ping-pong.scenario.ts --seed 7; sweep: npx toto sim scenarios/ping-pong.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { pingPongScenario } from './lib/ping-pong-spec.js';

export const scenario = pingPongScenario('ping-pong');
export default scenario;

runMain(import.meta.url, scenario);
