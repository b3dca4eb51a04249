// Ping-pong with a planted bug: the client gives up on a ping after its first attempt times
// out instead of retrying, so a ping sent while the partition is open is never answered.
// `npx toto sim scenarios/ping-pong-bug.ts --runs 200` finds it on most seeds.

import type { PendingCall } from './lib/retrying-client.js';
import { TimeoutError } from '../src/core/errors.js';
import { runMain } from '../src/sim/run-main.js';
import { pingPongScenario } from './lib/ping-pong-spec.js';
import { RetryingClient } from './lib/retrying-client.js';

class GiveUpClient extends RetryingClient {
  protected override onAttemptTimeout(call: PendingCall): void {
    call.timer = undefined;
    // BUG: no retry on timeout.
    this.settle(call, new TimeoutError(`call ${call.id}: no reply after ${call.attempts} attempt(s) of ${this.options.attemptTimeoutMs}ms`));
  }
}

export const scenario = pingPongScenario('ping-pong-bug', GiveUpClient);
export default scenario;

runMain(import.meta.url, scenario);
