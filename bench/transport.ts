// `npm run bench -- transport` (`-- transport --quick` for a short run): the real transports
// beside the raw libraries they wrap, each server in a child process. ZeroMQ first
// (TransportZmq vs zeromq.js, DEALER/ROUTER echo), then HTTP (TransportHttp vs node:http +
// undici). Targets: ours >= 0.9 of raw at 256 in flight for both.

import { run as runHttp } from './lib/transport-http-bench.js';
import { run as runZmq } from './lib/transport-zmq-bench.js';

export async function run(args: string[]): Promise<void> {
  await runZmq(args);
  console.log('');
  await runHttp(args);
}
