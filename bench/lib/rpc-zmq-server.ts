// The server processes of the RPC bench's ZeroMQ rows, one per child process so no two share an
// event loop. Each side does the same work: a worker takes Toto's [id, payload] on a REP socket,
// decodes the JSON {method, parameters}, runs `bench.echo` (returns its parameters) and sends
// [id, JSON reply]; a router forwards frames between a ROUTER and a DEALER, each send awaited.
//   ours-worker bind|connect <address>   WorkerRepServer + WorkerDispatcher on TransportZmq
//   raw-worker  bind|connect <address>   a zeromq.js Reply socket and a hand-written loop
//   ours-router                          WorkerBalancer on TransportZmq
//   raw-router                           a zeromq.js Router/Dealer pair and two forward loops
//   sink                                 a zeromq.js Router that takes requests and never answers
// Prints `endpoint <a> [<b>]` once ready (a worker that binds: its endpoint; a router: front and
// back); exits when its stdin closes (the parent went away).

import * as zmq from 'zeromq';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { jsonSerialization, noCompression } from '../../src/core/codec.js';
import { WorkerBalancer } from '../../src/core/worker-balancer.js';
import { WorkerDispatcher } from '../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../src/core/worker-rep-server.js';

/** Both sides' socket options: no linger (a stopped bench exits at once), default high-water marks. */
const LINGER_MS = 0;
const ANY = 'tcp://127.0.0.1:*';

interface Running {
  endpoints: string[];
  close(): Promise<void> | void;
}

async function oursWorker(how: string, address: string): Promise<Running> {
  const transport = new TransportZmq();
  const loop = new LoopNode();
  const dispatcher = new WorkerDispatcher({
    methods: WorkerMethods.fromMap({ bench: { echo: (_worker, parameters) => parameters } }),
    worker: null,
    codecs: { serialization: jsonSerialization, compression: noCompression },
    loop,
  });
  const server = new WorkerRepServer({ transport, dispatcher, loop, socketOptions: { lingerMs: LINGER_MS } });
  if (how === 'bind') await server.bind(address);
  else server.connect(address);
  return {
    endpoints: how === 'bind' ? [server.lastEndpoint as string] : [],
    close: async () => {
      await server.close();
      await transport.close();
      loop.close();
    },
  };
}

/** What a user would write with zeromq.js alone for the same worker: one REP loop, JSON in and out. */
async function rawWorker(how: string, address: string): Promise<Running> {
  const rep = new zmq.Reply({ linger: LINGER_MS });
  if (how === 'bind') await rep.bind(address);
  else rep.connect(address);
  const methods: Record<string, (parameters: unknown) => unknown> = { 'bench.echo': (parameters) => parameters };
  void (async () => {
    for await (const [id, payload] of rep) {
      const { method, parameters } = JSON.parse((payload as Buffer).toString()) as { method: string; parameters: unknown };
      const fn = methods[method];
      let reply = fn === undefined ? { error: { code: 1002, value: `unknown method ${method}` } } : fn(parameters);
      if (reply instanceof Promise) reply = await reply;
      await rep.send([id as Buffer, JSON.stringify(reply)]);
    }
  })();
  return { endpoints: how === 'bind' ? [rep.lastEndpoint as string] : [], close: () => rep.close() };
}

async function oursRouter(): Promise<Running> {
  const transport = new TransportZmq();
  const loop = new LoopNode();
  const balancer = new WorkerBalancer({ transport, loop, bindAddress: ANY, socketAddress: ANY, socketOptions: { lingerMs: LINGER_MS } });
  await balancer.start();
  return {
    endpoints: [balancer.frontEndpoint as string, balancer.backEndpoint as string],
    close: async () => {
      await balancer.close();
      await transport.close();
      loop.close();
    },
  };
}

/** zmq_proxy by hand in zeromq.js: ROUTER -> DEALER and back, each send awaited before the next receive. */
async function rawRouter(): Promise<Running> {
  const front = new zmq.Router({ linger: LINGER_MS });
  const back = new zmq.Dealer({ linger: LINGER_MS });
  await front.bind(ANY);
  await back.bind(ANY);
  const forward = async (from: zmq.Router | zmq.Dealer, to: zmq.Router | zmq.Dealer): Promise<void> => {
    for await (const message of from) await to.send(message);
  };
  void forward(front, back).catch(() => {});
  void forward(back, front).catch(() => {});
  return {
    endpoints: [front.lastEndpoint as string, back.lastEndpoint as string],
    close: () => {
      front.close();
      back.close();
    },
  };
}

/** Takes every request and answers none: the peer of the memory row, so calls stay pending. */
async function sink(): Promise<Running> {
  const router = new zmq.Router({ linger: LINGER_MS });
  await router.bind(ANY);
  void (async () => {
    for await (const _message of router) {
      // dropped
    }
  })().catch(() => {});
  return { endpoints: [router.lastEndpoint as string], close: () => router.close() };
}

const [mode, how = '', address = ''] = process.argv.slice(2);
const starters: Record<string, () => Promise<Running>> = {
  'ours-worker': () => oursWorker(how, address),
  'raw-worker': () => rawWorker(how, address),
  'ours-router': oursRouter,
  'raw-router': rawRouter,
  sink,
};
const start = starters[mode ?? ''];
if (start === undefined || (mode?.endsWith('-worker') && !['bind', 'connect'].includes(how))) {
  console.error(`rpc-zmq-server: expected ${Object.keys(starters).join('|')} [bind|connect <address>], got ${JSON.stringify(process.argv.slice(2))}`);
  process.exit(2);
}
const running = await start();
process.stdin.on('end', () => void Promise.resolve(running.close()).then(() => process.exit(0)));
process.stdin.resume();
console.log(`endpoint ${running.endpoints.join(' ')}`.trimEnd());
