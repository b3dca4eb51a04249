// Proves a running worker service process -- a WorkerBalancer (ROUTER <-> DEALER) and its WorkerRepServer, per codec configuration -- survives seeded bad input sent to the ROUTER (random and wrongly counted frames, empty and huge frames, bad ids, adversarial payloads per codec, raw TCP bytes) without crashing, hanging or growing, while valid calls go on being served; and that a client sees through the router exactly the error replies it sees from a worker in direct mode.
import { afterAll, beforeAll, describe } from 'vitest';
import { startFixture, type Fixture } from './fixtures/bad-input-harness.js';
import { describeZmqCampaign } from './fixtures/bad-input-zmq-campaign.js';
import { describeDefaultFrameBound, describeZmqReplyTable } from './fixtures/bad-input-zmq-table.js';

describe('router process (WorkerBalancer + WorkerRepServer): the replies', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture('router');
  }, 60_000);
  afterAll(() => fixture?.stop());
  describeZmqReplyTable(() => fixture);
  describeDefaultFrameBound(() => fixture);
});

describeZmqCampaign('router');
