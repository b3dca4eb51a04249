// The Moleculer peer of the RPC bench, run as a child process: a ServiceBroker with one action,
// `bench.echo` (returns its params, as our worker's bench.echo does), over Moleculer's TCP
// transporter with static node addresses and no UDP discovery. Usage: rpc-moleculer-server
// <client port>; it takes a free port of its own, prints `port <n>` once the broker has started,
// and exits when its stdin closes (the parent went away).

import { ServiceBroker } from 'moleculer';
import { freePort, moleculerBrokerOptions } from './rpc-moleculer-options.js';

const clientPort = Number(process.argv[2]);
if (!Number.isInteger(clientPort) || clientPort <= 0) {
  console.error(`rpc-moleculer-server: expected the client's port, got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
const port = await freePort();
const broker = new ServiceBroker(moleculerBrokerOptions('bench-server', port, clientPort));
broker.createService({
  name: 'bench',
  actions: {
    echo: (ctx: { params: unknown }) => ctx.params,
  },
});
await broker.start();
process.stdin.on('end', () => void broker.stop().then(() => process.exit(0)));
process.stdin.resume();
console.log(`port ${port}`);
