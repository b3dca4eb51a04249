// The HTTP worker of the RPC bench's http row, run as a child process: `ours` is HttpWorkerServer
// (TransportHttp, one JSON route, WorkerDispatcher with bench.echo), `raw` a bare node:http server
// doing the same work (read the body, JSON.parse {method, parameters}, run bench.echo, answer 200
// with the JSON value). Prints `url <http://...>` once listening; exits when its stdin closes.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { jsonSerialization } from '../../src/core/codec.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../src/core/http-worker-server.js';
import { WorkerDispatcher } from '../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../src/core/worker-methods.js';

interface Running {
  url: string;
  close(): Promise<void>;
}

async function ours(): Promise<Running> {
  const transport = new TransportHttp();
  const loop = new LoopNode();
  const dispatcher = new WorkerDispatcher({
    methods: WorkerMethods.fromMap({ bench: { echo: (_worker, parameters) => parameters } }),
    worker: null,
    ...httpWorkerCodecs(jsonSerialization),
    loop,
  });
  const server = new HttpWorkerServer({ transport, routes: [{ serialization: jsonSerialization, dispatcher }] });
  const url = await server.start('http://127.0.0.1:0');
  return {
    url,
    close: async () => {
      await server.close();
      await transport.close();
      loop.close();
    },
  };
}

/** What a user would write with node:http alone for the same worker. */
async function raw(): Promise<Running> {
  const methods: Record<string, (parameters: unknown) => unknown> = { 'bench.echo': (parameters) => parameters };
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { method, parameters } = JSON.parse(Buffer.concat(chunks).toString()) as { method: string; parameters: unknown };
      const fn = methods[method];
      const [status, value] = fn === undefined ? [404, { error: { code: 1002, value: `unknown method ${method}` } }] : [200, fn(parameters)];
      const body = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const mode = process.argv[2];
if (mode !== 'ours' && mode !== 'raw') {
  console.error(`rpc-http-server: expected "ours" or "raw", got ${JSON.stringify(mode)}`);
  process.exit(2);
}
const running = mode === 'ours' ? await ours() : await raw();
process.stdin.on('end', () => void running.close().then(() => process.exit(0)));
process.stdin.resume();
console.log(`url ${running.url}`);
