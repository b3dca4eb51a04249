// Ping-pong with a planted bug: the client's retry budget (4 attempts of 100ms, so 400ms) is
// shorter than the outages the service must ride out (partitions up to 480ms, and TCP's own
// backoff after them). A partition stalls the tcp connection, so retrying cannot get a ping
// through sooner: every attempt waits in the stall, and when TCP retransmits after the heal
// (200, 600ms... after the loss) the original and all the retries arrive and are answered, but
// a ping sent early in a long enough partition has given up by then. Partitions under 200ms hide
// the bug, so only some seeds find it: `npx toto sim scenarios/ping-pong-bug.scenario.ts --seeds 1..200`.

import { runMain } from 'toto-ts/sim';
import { pingPongScenario } from './lib/ping-pong-spec.js';

// BUG: 4 attempts cover 400ms of outage; the correct scenario allows 60 (6s).
const ATTEMPTS_MAX_TOO_FEW = 4;

export const scenario = pingPongScenario('ping-pong-bug', ATTEMPTS_MAX_TOO_FEW);
export default scenario;

runMain(import.meta.url, scenario);
