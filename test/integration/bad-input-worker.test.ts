// Proves a running worker process in direct mode (REP sockets bound on 127.0.0.1, one per codec configuration) survives seeded bad input -- random and wrongly counted frames, empty and huge frames, bad ids, adversarial payloads per codec, raw TCP bytes -- without crashing, hanging or growing, while valid calls go on being served; and shows the exact error reply a client sees for each class of bad input.
import { afterAll, beforeAll, describe } from 'vitest';
import { startFixture, type Fixture } from './fixtures/bad-input-harness.js';
import { describeZmqCampaign } from './fixtures/bad-input-zmq-campaign.js';
import { describeDefaultFrameBound, describeZmqReplyTable } from './fixtures/bad-input-zmq-table.js';

describe('worker process (direct mode): the replies', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture('worker');
  }, 60_000);
  afterAll(() => fixture?.stop());
  describeZmqReplyTable(() => fixture);
  describeDefaultFrameBound(() => fixture);
});

describeZmqCampaign('worker');
