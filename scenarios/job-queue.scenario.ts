// A TaskQueue-backed job service under server crashes: the server acks a job only once it is
// processed and on disk, and the client resends every unacked job, so no acked job is lost.
// Run one seed: npx tsx scenarios/job-queue.scenario.ts --seed 7; sweep: npx toto sim scenarios/job-queue.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { jobQueueScenario } from './lib/job-queue-spec.js';
import { JobServer } from './lib/job-server.js';

export const scenario = jobQueueScenario('job-queue', JobServer);
export default scenario;

runMain(import.meta.url, scenario);
