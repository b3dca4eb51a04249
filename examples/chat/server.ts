// Toto's chat template on Toto-TS: a TotoService of --processes chat servers, each its own
// process with an HTTP server in front of a ChatRoom (chat-room.ts); the rooms exchange messages
// as events through their EventManagers (ZeroMQ PUSH/PULL), so a message posted to any server
// reaches the clients of every server.
//
//   npx tsx examples/chat/server.ts --processes=3             # http://127.0.0.1:8888/ .. :8890/
//   npx tsx examples/chat/server.ts --processes=3 --start     # as a daemon (--stop to end it)
//
// HTTP: GET / is a small page; POST /message {"user", "text"}; GET /messages?since=N long-polls
// (answers once there is something after message N, or after --poll-timeout with none).
// prepare() (in the master) picks each server's ports; each server learns all event addresses.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { randomInt } from 'node:crypto';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { TotoService, type ServiceContext } from '../../src/adapters/toto-service.js';
import { EventManager } from '../../src/core/event-manager.js';
import { Options } from '../../src/core/options.js';
import { Random } from '../../src/core/random.js';
import { ChatRoom } from './chat-room.js';
import { CHAT_PAGE } from './page.js';

const options = new Options({ usage: 'npx tsx examples/chat/server.ts [OPTIONS]', description: "Toto's chat template: --processes chat servers sharing one room through events." })
  .define('host', { type: 'string', default: '127.0.0.1', help: 'the address the servers listen on' })
  .define('http_port', { type: 'int', default: 8888, min: 0, max: 65535, help: 'server i serves HTTP on http_port + i (0: any free port)' })
  .define('event_port', { type: 'int', default: 8999, min: 0, max: 65535, help: 'server i listens for events on event_port + i (0: any free port)' })
  .define('poll_timeout', { type: 'duration', default: 20_000, min: 1, help: 'how long a long poll waits for a message' });

type Values = ReturnType<typeof options.values>;
interface Prepared {
  eventAddresses: string[];
  httpPorts: number[];
}

const BODY_BYTES_MAX = 16 * 1024;

class ChatService extends TotoService<Values> {
  protected override readonly reportsReady = true;

  /** In the master: every server's ports, so each can register all the others' event addresses. */
  override async prepare(): Promise<Prepared> {
    const { host, http_port, event_port } = this.values;
    const count = this.processCount();
    const eventPorts = event_port === 0 ? await freePorts(host, count) : range(event_port, count);
    return { eventAddresses: eventPorts.map((port) => `tcp://${host}:${port}`), httpPorts: http_port === 0 ? range(0, count).map(() => 0) : range(http_port, count) };
  }

  override async mainLoop({ serviceId, signal, prepared, ready }: ServiceContext<Readonly<Values>>): Promise<void> {
    const { eventAddresses, httpPorts } = prepared as Prepared;
    const loop = new LoopNode();
    const transport = new TransportZmq();
    const events = new EventManager({ transport, loop, random: new Random(randomInt(0x7fffffff)), address: eventAddresses[serviceId] });
    await events.startListening();
    for (const address of eventAddresses) events.registerServer(address);
    const room = new ChatRoom({ events, loop, name: `server-${serviceId}` });
    const http = createServer((req, res) => void handle(room, req, res, this.values.poll_timeout));
    await new Promise<void>((resolve, reject) => http.once('error', reject).listen(httpPorts[serviceId], this.values.host, resolve));
    const port = (http.address() as { port: number }).port;
    ready({ http: `http://${this.values.host}:${port}/`, events: events.lastEndpoint });
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    // Drain: no new requests, idle keep-alives closed; requests in hand get a second to be answered,
    // then their connections are closed too (a long poll waiting for a message is cut, not answered).
    await new Promise((resolve) => {
      http.close(resolve);
      http.closeIdleConnections();
      setTimeout(() => http.closeAllConnections(), 1_000).unref();
    });
    await events.flush();
    await events.close();
    await transport.close();
    loop.close();
  }
}

async function handle(room: ChatRoom, req: IncomingMessage, res: ServerResponse, pollTimeoutMs: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://chat');
  const reply = (status: number, body: unknown, type = 'application/json'): void => {
    res.writeHead(status, { 'content-type': type });
    res.end(type === 'application/json' ? JSON.stringify(body) : String(body));
  };
  try {
    if (req.method === 'GET' && url.pathname === '/') return reply(200, CHAT_PAGE, 'text/html; charset=utf-8');
    if (req.method === 'GET' && url.pathname === '/messages') {
      const since = Number(url.searchParams.get('since') ?? 0);
      if (!Number.isSafeInteger(since) || since < 0) return reply(400, { error: 'since: expected an integer >= 0' });
      const request = { finished: false };
      res.once('close', () => (request.finished = true)); // the client went away: the handler must not fire
      return reply(200, await room.wait(since, pollTimeoutMs, request));
    }
    if (req.method === 'POST' && url.pathname === '/message') {
      const body = await readBody(req);
      const { user, text } = (JSON.parse(body) ?? {}) as { user?: unknown; text?: unknown };
      return reply(200, room.post(user as string, text as string));
    }
    reply(404, { error: `no ${req.method} ${url.pathname}: try GET /, POST /message, GET /messages?since=N` });
  } catch (error) {
    reply(400, { error: (error as Error).message });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > BODY_BYTES_MAX) req.destroy(new Error(`body: more than ${BODY_BYTES_MAX} bytes`));
    });
    req.once('end', () => resolve(body));
    req.once('error', reject);
  });
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/** Ports the kernel says are free now (an example's shortcut: another program could take one before we bind it). */
async function freePorts(host: string, count: number): Promise<number[]> {
  const servers = await Promise.all(range(0, count).map(() => new Promise<ReturnType<typeof createNetServer>>((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject).listen(0, host, () => resolve(server));
  })));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

process.exitCode = await new ChatService({ options, name: 'ChatService', program: 'chat' }).run();
