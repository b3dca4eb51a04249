// The ROUTER echo server of the ZeroMQ transport bench, run as a child process so client and
// server do not share one event loop: `ours` is a TransportZmq router socket, `raw` a bare
// zeromq.js Router doing the same work (receive, send the same frames back). Prints
// `endpoint <tcp://...>` once bound; exits when its stdin closes (the parent went away).

import * as zmq from 'zeromq';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';

const mode = process.argv[2];

interface Echo {
  endpoint: string;
  serve(): Promise<void>;
  close(): void;
}

async function echoOurs(): Promise<Echo> {
  const transport = new TransportZmq();
  const router = transport.socket('router', { lingerMs: 0, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 });
  await router.bind('tcp://127.0.0.1:*');
  return {
    endpoint: router.lastEndpoint as string,
    serve: async () => {
      for await (const message of router) await router.send(message);
    },
    close: () => void transport.close(),
  };
}

async function echoRaw(): Promise<Echo> {
  const router = new zmq.Router({ linger: 0, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 });
  await router.bind('tcp://127.0.0.1:*');
  return {
    endpoint: router.lastEndpoint as string,
    serve: async () => {
      for await (const message of router) await router.send(message);
    },
    close: () => router.close(),
  };
}

if (mode !== 'ours' && mode !== 'raw') {
  console.error(`transport-zmq-echo: expected "ours" or "raw", got ${JSON.stringify(mode)}`);
  process.exit(2);
}
const echo = mode === 'ours' ? await echoOurs() : await echoRaw();
process.stdin.on('end', () => echo.close());
process.stdin.resume();
console.log(`endpoint ${echo.endpoint}`);
await echo.serve();
