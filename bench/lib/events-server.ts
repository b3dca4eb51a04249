// An event server of `npm run bench -- events`, run as a child process: `ours` is an EventManager
// (TransportZmq) listening on tcp://127.0.0.1:* whose persistent 'tick' handler counts events;
// `raw` is a bare zeromq.js Pull counting messages. An end marker (the 'end' event; a 1-byte
// message for raw) makes it print `done <count> <cpu µs>` (its CPU time so far, user + system)
// and start counting again. Prints
// `endpoint <tcp://...>` once bound; exits when its stdin closes (the parent went away).

import * as zmq from 'zeromq';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { EventManager } from '../../src/core/event-manager.js';
import { Random } from '../../src/core/random.js';

const mode = process.argv[2];
let count = 0;
const done = (): void => {
  const cpu = process.cpuUsage();
  process.stdout.write(`done ${count} ${cpu.user + cpu.system}\n`);
  count = 0;
};

async function ours(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const transport = new TransportZmq();
  const loop = new LoopNode();
  const events = new EventManager({ transport, loop, random: new Random(process.pid), address: 'tcp://127.0.0.1:*', listenSocketOptions: { lingerMs: 0 } });
  events.registerHandler('tick', () => void count++, { persist: true });
  events.registerHandler('end', done, { persist: true });
  await events.startListening();
  return {
    endpoint: events.lastEndpoint as string,
    close: async () => {
      await events.close();
      await transport.close();
      loop.close();
    },
  };
}

async function raw(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const pull = new zmq.Pull({ linger: 0 });
  await pull.bind('tcp://127.0.0.1:*');
  void (async () => {
    for await (const [frame] of pull) {
      if ((frame as Buffer).byteLength === 1) done();
      else count++;
    }
  })().catch(() => undefined);
  return { endpoint: pull.lastEndpoint as string, close: async () => pull.close() };
}

if (mode !== 'ours' && mode !== 'raw') {
  console.error(`events-server: expected "ours" or "raw", got ${JSON.stringify(mode)}`);
  process.exit(2);
}
const server = mode === 'ours' ? await ours() : await raw();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
process.stdin.resume();
console.log(`endpoint ${server.endpoint}`);
