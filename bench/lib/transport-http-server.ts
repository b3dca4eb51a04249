// The server side of the HTTP transport bench, run as a child process so client and server
// do not share one event loop: `ours` is TransportHttp.httpListen, `raw` a bare node:http
// server doing the same work (read the body, echo it back with a content type). Prints
// `port <n>` once listening; exits when its stdin closes (the parent went away).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TransportHttp } from '../../src/adapters/transport-http.js';

const mode = process.argv[2];
const contentType = { 'content-type': 'application/octet-stream' };

async function listenOurs(): Promise<{ port: number; close(): Promise<void> }> {
  const transport = new TransportHttp();
  const server = await transport.httpListen('http://127.0.0.1:0', (req) => ({ status: 200, headers: contentType, body: req.body }));
  return { port: Number(server.address.split(':')[2]), close: () => transport.close() };
}

async function listenRaw(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    // Ours sends no Date header (the simulation has no wall clock in responses): the same bytes here.
    res.sendDate = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { ...contentType, 'content-length': String(body.length) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (mode !== 'ours' && mode !== 'raw') {
  console.error(`transport-http-server: expected mode "ours" or "raw", got ${JSON.stringify(mode)}`);
  process.exit(2);
}
const server = mode === 'ours' ? await listenOurs() : await listenRaw();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
process.stdin.resume();
console.log(`port ${server.port}`);
