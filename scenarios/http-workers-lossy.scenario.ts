// HTTP workers behind a lossy link: a client calls three HTTP workers through one
// HttpWorkerConnection with retries while the links lose and duplicate single messages; every
// call settles exactly once, with its own reply, and every call is answered.
// Run one seed: npx tsx scenarios/http-workers-lossy.scenario.ts --seed 7; sweep: npx toto sim scenarios/http-workers-lossy.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { httpWorkersLossyScenario } from './lib/http-workers-lossy-spec.js';

export const scenario = httpWorkersLossyScenario('http-workers-lossy');
export default scenario;

runMain(import.meta.url, scenario);
