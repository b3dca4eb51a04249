// Child process for zmq-linger-exit.test.ts: opens sockets through TransportZmq, queues messages
// for a peer that does not exist, closes everything and then simply returns, so how long the
// process takes to exit is what libzmq's linger makes it. Usage: tsx zmq-linger-child.ts <lingerMs|default> <port>
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import type { SocketOptions } from '../../src/core/transport.js';

const [lingerArg, port] = process.argv.slice(2);
const options: SocketOptions = lingerArg === 'default' ? {} : { lingerMs: Number(lingerArg) };
const address = `tcp://127.0.0.1:${port}`;

const transport = new TransportZmq();
const push = transport.socket('push', options);
const dealer = transport.socket('dealer', options);
const router = transport.socket('router', options);
await router.bind('tcp://127.0.0.1:*');
router.events.on('accept', () => {});
push.connect(address);
dealer.connect(address);
// The connect side's pipe exists before any peer: these are queued, waiting for one.
for (let i = 0; i < 100; i++) {
  await push.send(`job ${i}`);
  await dealer.send(['req', String(i)]);
}
await transport.close();
console.log(`closed ${Date.now()}`);
