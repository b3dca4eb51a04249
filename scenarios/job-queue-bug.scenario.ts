// The job service with a planted bug: the server acks a job as soon as it arrives and only
// then queues it in memory, so a crash between the ack and the processing loses a job the
// client was told is done (and will never resend).
// `npx toto sim scenarios/job-queue-bug.scenario.ts --runs 200` finds it.

import { runMain } from 'toto-ts/sim';
import { jobQueueScenario } from './lib/job-queue-spec.js';
import { JobServer } from './lib/job-server.js';

class AckOnReceiptServer extends JobServer {
  protected override onSubmit(identity: Uint8Array, id: string): void {
    // BUG: the ack goes out before the job is processed (and durable).
    this.ack(identity, id);
    if (this.processed.has(id) || this.inflight.has(id)) return;
    this.inflight.set(id, identity);
    this.queue.addTask(() => this.process(id).then(() => void this.inflight.delete(id)));
  }
}

export const scenario = jobQueueScenario('job-queue-bug', AckOnReceiptServer);
export default scenario;

runMain(import.meta.url, scenario);
