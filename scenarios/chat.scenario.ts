// The chat example as a scenario: three chat servers (the example's own ChatRoom) exchanging
// messages as events while partitions cut them apart and stalls pause them; every server ends
// with every message once, each origin in order (scenarios/lib/chat-checks.ts).
// Run one seed: npx tsx scenarios/chat.scenario.ts --seed 7; sweep: npx toto sim scenarios/chat.scenario.ts --runs 200

import { runMain } from 'toto-ts/sim';
import { chatPartitions, chatScenario } from './lib/chat-spec.js';

export const scenario = chatScenario({ name: 'chat', faults: chatPartitions });
export default scenario;

runMain(import.meta.url, scenario);
