// Proves what TransportHttp does beyond the contract on real sockets: its options are checked with exact messages, methods a TransportPort client cannot send get 405, a configured maxBodyBytes holds for declared and chunked bodies both ways, a reset connection is CONNECTION_RESET, handler failures are logged, keep-alive reuses one connection, and close() is bounded.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TransportHttp } from '../../../src/adapters/transport-http.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import type { Logger } from '../../../src/core/ports.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const teardown: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of teardown.splice(0).reverse()) await close();
});

function transport(options?: ConstructorParameters<typeof TransportHttp>[0]): TransportHttp {
  const t = new TransportHttp(options);
  teardown.push(() => t.close());
  return t;
}

async function rawServer(listener: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  teardown.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function netServer(onSocket: (socket: net.Socket) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  teardown.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const ignore = (): void => {};
  const logger: Logger = { trace: ignore, debug: ignore, info: ignore, warn: ignore, fatal: ignore, error: (a: string | object, b?: string) => errors.push(typeof a === 'string' ? a : (b ?? '')), child: () => logger };
  return { logger, errors };
}

/** Sends a chunked POST with node:http (no content-length) and resolves status and body. */
function postChunked(url: string, chunks: Uint8Array[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/chunked`, { method: 'POST', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode as number, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('TransportHttp options', () => {
  it('rejects bad options with messages naming them', () => {
    const cases: [unknown, string][] = [
      [{ maxBodyBytes: -1 }, 'maxBodyBytes: expected an integer in [0, 2147483647], got -1'],
      [{ maxBodyBytes: 1.5 }, 'maxBodyBytes: expected an integer, got 1.5'],
      [{ maxBodyBytes: '1mb' }, 'maxBodyBytes: expected a number, got "1mb"'],
      [{ keepAliveTimeoutMs: 500 }, 'keepAliveTimeoutMs: expected an integer in [1001, 2147483647], got 500'],
      [{ closeGraceMs: -5 }, 'closeGraceMs: expected an integer in [0, 2147483647], got -5'],
      [{ connectionsMax: 0 }, 'connectionsMax: expected an integer >= 1, got 0'],
      [{ logger: 'console' }, 'logger: expected a pino-compatible logger, got "console"'],
      [{ maxBodySize: 10 }, 'TransportHttp options: unknown option "maxBodySize" (known: maxBodyBytes, logger, keepAliveTimeoutMs, closeGraceMs, connectionsMax, requestTimeoutMs, bufferedBytesMax)'],
      [42, 'TransportHttp options: expected an options object, got 42'],
    ];
    for (const [options, message] of cases) expect(() => new TransportHttp(options as never), message).toThrow(message);
  });
});

describe('TransportHttp on 127.0.0.1', () => {
  it('a configured maxBodyBytes gives 413 for declared and chunked request bodies, without calling the handler', async () => {
    const t = transport({ maxBodyBytes: 100 });
    const seen: number[] = [];
    const server = await t.httpListen('http://127.0.0.1:0', (req) => {
      seen.push(req.body.length);
      return { status: 200, headers: {}, body: enc.encode('ok') };
    });
    const declared = await t.httpRequest(server.address, { method: 'POST', body: new Uint8Array(101) });
    expect([declared.status, dec.decode(declared.body)]).toEqual([413, 'Payload Too Large: request body exceeds maxBodyBytes=100']);
    const chunked = await postChunked(server.address, [new Uint8Array(60), new Uint8Array(60)]);
    expect(chunked).toEqual({ status: 413, body: 'Payload Too Large: request body exceeds maxBodyBytes=100' });
    const fits = await postChunked(server.address, [new Uint8Array(50), new Uint8Array(50)]);
    expect(fits.status).toBe(200);
    expect(seen).toEqual([100]);
  });

  it('a response body over maxBodyBytes rejects with BODY_TOO_LARGE, declared or chunked', async () => {
    const t = transport({ maxBodyBytes: 1000 });
    const { url } = await rawServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': '1001' });
        res.end(Buffer.alloc(1001));
        return;
      }
      res.writeHead(200); // no length: chunked, counted as it arrives
      res.write(Buffer.alloc(600));
      res.end(Buffer.alloc(req.url === '/chunked-ok' ? 400 : 401));
    });
    for (const path of ['/declared', '/chunked']) {
      const error = await t.httpRequest(`${url}${path}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TotoError);
      expect((error as TotoError).code).toBe(ErrorCode.BODY_TOO_LARGE);
      expect((error as Error).message).toBe(`httpRequest: response body from ${url}${path} exceeds maxBodyBytes=1000 (BODY_TOO_LARGE -5)`);
    }
    const ok = await t.httpRequest(`${url}/chunked-ok`);
    expect(ok.body.length).toBe(1000);
  });

  it('a HEAD response announcing a length over maxBodyBytes is not BODY_TOO_LARGE: it has no body', async () => {
    const t = transport({ maxBodyBytes: 1000 });
    // What a real server answers to HEAD for a large resource: the GET's length, no body.
    const { url } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.end();
    });
    const head = await t.httpRequest(`${url}/big`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('a peer that resets the connection, or closes it mid-response, gives CONNECTION_RESET naming the URL', async () => {
    const t = transport();
    const resetUrl = await netServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const halfUrl = await netServer((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
        socket.destroy();
      }),
    );
    for (const url of [`${resetUrl}/rpc`, `${halfUrl}/rpc`]) {
      const error = await t.httpRequest(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TotoError);
      expect((error as TotoError).code).toBe(ErrorCode.CONNECTION_RESET);
      expect((error as Error).message).toBe(`httpRequest: connection reset by ${url.slice(7, url.lastIndexOf('/'))} before the response was complete, for ${url} (CONNECTION_RESET -4)`);
    }
  });

  it('logs a failing handler at error level and keeps serving', async () => {
    const { logger, errors } = recordingLogger();
    const t = transport({ logger });
    const server = await t.httpListen('http://127.0.0.1:0', (req) => {
      if (req.path === '/bad') throw new Error('boom');
      if (req.path === '/junk') return 'junk' as never;
      return { status: 200, headers: {}, body: enc.encode('ok') };
    });
    expect((await t.httpRequest(`${server.address}/bad`)).status).toBe(500);
    expect((await t.httpRequest(`${server.address}/junk`)).status).toBe(500);
    expect(dec.decode((await t.httpRequest(`${server.address}/fine`)).body)).toBe('ok');
    expect(errors).toEqual(['httpListen: handler failed: boom', 'httpListen: handler returned "junk", expected {status, headers, body}']);
  });

  it('answers 405 with Allow, without calling the handler, to a method a TransportPort client cannot send', async () => {
    const t = transport();
    let calls = 0;
    const server = await t.httpListen('http://127.0.0.1:0', () => {
      calls++;
      return { status: 200, headers: {}, body: new Uint8Array(0) };
    });
    const reply = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${server.address}/dav`, { method: 'PROPFIND', agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve(`${res.statusCode} ${res.headers.allow} ${Buffer.concat(parts).toString()}`));
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply).toBe('405 GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS Method Not Allowed: PROPFIND (allowed: GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS)');
    expect(calls).toBe(0);
  });

  it('keeps one connection alive across sequential requests', async () => {
    const t = transport();
    const { url, server } = await rawServer((_req, res) => res.end('ok'));
    let connections = 0;
    server.on('connection', () => connections++);
    for (let i = 0; i < 20; i++) expect(dec.decode((await t.httpRequest(`${url}/n${i}`)).body)).toBe('ok');
    // undici may open a second connection when a request is dispatched a moment before the
    // previous one's socket is marked free; without keep-alive there would be 20.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('a late response after a timeout does not disturb the next request', async () => {
    const t = transport();
    let release: (() => void) | undefined;
    const server = await t.httpListen('http://127.0.0.1:0', (req) =>
      req.path === '/slow' ? new Promise((resolve) => (release = () => resolve({ status: 200, headers: {}, body: enc.encode('late') }))) : { status: 200, headers: {}, body: enc.encode('next') },
    );
    const error = await t.httpRequest(`${server.address}/slow`, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect((error as TotoError).code).toBe(ErrorCode.TIMEOUT);
    release?.();
    expect(dec.decode((await t.httpRequest(`${server.address}/after`, { timeoutMs: 10_000 })).body)).toBe('next');
  });

  it('handle.close() lets a request in progress finish; close() ends everything at once, and later calls reject', async () => {
    const t = new TransportHttp({ closeGraceMs: 10_000 });
    teardown.push(() => t.close());
    let release: (() => void) | undefined;
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const graceful = await t.httpListen('http://127.0.0.1:0', () => {
      started();
      return new Promise((resolve) => (release = () => resolve({ status: 200, headers: {}, body: enc.encode('finished') })));
    });
    const pending = t.httpRequest(graceful.address);
    await inHandler;
    const closed = graceful.close();
    release?.();
    expect(dec.decode((await pending).body)).toBe('finished');
    const closeStart = performance.now();
    await closed;
    // The connection closes with the response (no wait for the client's keep-alive timer).
    expect(performance.now() - closeStart).toBeLessThan(1_000);
    expect(((await t.httpRequest(graceful.address).catch((e: unknown) => e)) as TotoError).code).toBe(ErrorCode.CONNECTION_REFUSED);

    const hanging = await t.httpListen('http://127.0.0.1:0', () => new Promise(() => {}));
    const stuck = t.httpRequest(hanging.address).catch((e: unknown) => e);
    const start = performance.now();
    await t.close();
    expect(performance.now() - start).toBeLessThan(5_000);
    expect(((await stuck) as Error).message).toBe(`httpRequest: TransportHttp closed while the request to ${hanging.address} was in flight (EBADF)`);
    // Each keeps a code a caller can branch on (as TransportZmq's closed errors do), not only a message.
    expect((await stuck) as Error).toMatchObject({ code: 'EBADF' });
    await expect(t.httpRequest(hanging.address)).rejects.toMatchObject({ code: 'EBADF', message: 'httpRequest: TransportHttp is closed (EBADF)' });
    await expect(t.httpListen('http://127.0.0.1:0', () => ({ status: 200, headers: {}, body: new Uint8Array(0) }))).rejects.toMatchObject({ code: 'EBADF', message: 'httpListen: TransportHttp is closed (EBADF)' });
  });

  it('a second close() resolves only once the first has finished (servers closed, requests ended)', async () => {
    const t = transport();
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const server = await t.httpListen('http://127.0.0.1:0', () => (started(), new Promise(() => {})));
    const order: string[] = [];
    const stuck = t.httpRequest(server.address).catch(() => order.push('request ended'));
    await inHandler;
    void server.close().then(() => order.push('server closed'));
    void t.close();
    await t.close();
    order.push('second close');
    await stuck;
    expect(order.slice(0, 1)).toEqual(['server closed']);
    expect(order.indexOf('second close')).toBeGreaterThan(0);
  });

  it('a server still starting when close() runs is closed too', async () => {
    const t = new TransportHttp();
    const starting = t.httpListen('http://127.0.0.1:0', () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
    await t.close();
    await expect(starting).rejects.toMatchObject({ code: 'EBADF', message: 'httpListen: TransportHttp is closed (EBADF)' });
  });
});
