// Proves the real HTTP server (TransportHttp on node:http, 127.0.0.1) is bounded against slow and hostile clients: a request whose headers or body stall is answered 408 and closed at requestTimeoutMs (node's own check really fires; a slow handler is not cut), 40 stalled large bodies never hold more than bufferedBytesMax (the rest get 503, before the handler) while requests without a body are served, the budget is free again once the deadline cuts them, HttpWorkerServer answers both refusals as JSON {error}, and every bad option is refused with a message naming it.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServerNode } from '../../../src/adapters/http-server.js';
import { TransportHttp } from '../../../src/adapters/transport-http.js';
import { jsonSerialization } from '../../../src/core/codec.js';
import { defaultListenLimits, HTTP_MAX_BODY_BYTES_DEFAULT } from '../../../src/core/http-message.js';
import { HttpWorkerServer } from '../../../src/core/http-worker-server.js';
import type { HttpHandler, HttpServerHandle } from '../../../src/core/transport.js';

const MiB = 1024 * 1024;
const enc = new TextEncoder();
const dec = new TextDecoder();
const ok: HttpHandler = (request) => ({ status: 200, headers: {}, body: enc.encode(`${request.method} ${request.body.length}`) });
/** How long a test waits for anything the server should do by itself: generous, the machine is shared. */
const DEADLINE_MS = 15_000;

const teardown: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of teardown.splice(0).reverse()) await close();
});

function transport(options?: ConstructorParameters<typeof TransportHttp>[0]): TransportHttp {
  const t = new TransportHttp(options);
  teardown.push(() => t.close());
  return t;
}

function portOf(handle: HttpServerHandle): number {
  return Number(new URL(handle.address).port);
}

interface Stalled {
  /** Everything the server wrote, once it closed the connection (or the deadline passed). */
  closed: Promise<{ text: string; afterMs: number }>;
  socket: net.Socket;
}

/** A raw client that writes `bytes` and then nothing more, as a slowloris does. */
function stall(port: number, ...bytes: (string | Uint8Array)[]): Stalled {
  const socket = net.connect({ host: '127.0.0.1', port });
  teardown.push(() => void socket.destroy());
  const startMs = performance.now();
  const parts: Buffer[] = [];
  socket.on('data', (part: Buffer) => parts.push(part));
  socket.on('error', () => {}); // a reset after the server's answer is expected
  for (const part of bytes) socket.write(part);
  const closed = new Promise<{ text: string; afterMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not close the stalled connection within ${DEADLINE_MS}ms`)), DEADLINE_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(parts).toString('latin1'), afterMs: performance.now() - startMs });
    });
  });
  return { closed, socket };
}

/** Waits until `condition` holds, polling; fails naming `what` after DEADLINE_MS. */
async function until(what: string, condition: () => boolean): Promise<void> {
  const endMs = performance.now() + DEADLINE_MS;
  while (!condition()) {
    if (performance.now() > endMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const head = (contentLength: number): string => `POST /stall HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${contentLength}\r\n\r\n`;

describe('requestTimeoutMs', () => {
  it('answers 408 and closes a connection whose request stalls: no bytes, part of the headers, part of a body, part of a chunk', async () => {
    const requestTimeoutMs = 400;
    const server = await transport().httpListen('http://127.0.0.1:0', ok, { requestTimeoutMs });
    const port = portOf(server);
    const cases = {
      nothing: stall(port),
      'part of the headers': stall(port, 'POST /stall HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
      'part of a body': stall(port, head(100), 'x'.repeat(99)),
      'part of a chunk': stall(port, 'POST /stall HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nabc'),
    };
    for (const [name, stalled] of Object.entries(cases)) {
      const { text, afterMs } = await stalled.closed;
      expect(text, name).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(text, name).toContain('\r\nconnection: close\r\n');
      expect(text.split('\r\n\r\n')[1], name).toBe(`Request Timeout: the request did not arrive within requestTimeoutMs=${requestTimeoutMs}`);
      // node measures from the request's first byte; never earlier than the deadline.
      expect(afterMs, name).toBeGreaterThanOrEqual(requestTimeoutMs - 50);
    }
  });

  it('a handler slower than requestTimeoutMs is not cut: the deadline is for the request to arrive', async () => {
    const requestTimeoutMs = 200;
    const t = transport({ requestTimeoutMs });
    const server = await t.httpListen('http://127.0.0.1:0', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, requestTimeoutMs * 4));
      return ok(request);
    });
    const response = await t.httpRequest(`${server.address}/slow`, { method: 'POST', body: new Uint8Array(10), timeoutMs: DEADLINE_MS });
    expect({ status: response.status, body: dec.decode(response.body) }).toEqual({ status: 200, body: 'POST 10' });
  });

  it('node:http still answers its own 400 to bytes that are not HTTP (the clientError listener keeps its words)', async () => {
    const server = await transport().httpListen('http://127.0.0.1:0', ok);
    const { text } = await stall(portOf(server), 'NOT HTTP AT ALL\r\n\r\n').closed;
    expect(text).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  it('keeps serving other clients while stalled connections wait for their deadline', async () => {
    const t = transport({ requestTimeoutMs: 2_000 });
    const server = await t.httpListen('http://127.0.0.1:0', ok);
    const stalled = Array.from({ length: 20 }, () => stall(portOf(server), head(1000), '{"method":'));
    for (let i = 0; i < 5; i++) {
      const response = await t.httpRequest(`${server.address}/valid`, { method: 'POST', body: new Uint8Array(3), timeoutMs: DEADLINE_MS });
      expect(dec.decode(response.body)).toBe('POST 3');
    }
    for (const { closed } of stalled) expect((await closed).text).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('bufferedBytesMax', () => {
  it('40 stalled bodies of 1 MiB - 1 byte hold at most bufferedBytesMax; the others get 503 before the handler; bodyless requests are served; the deadline frees the budget', async () => {
    const bufferedBytesMax = 4 * MiB;
    // Long enough for 40 connections to send one after the other on a loaded machine.
    const requestTimeoutMs = 6_000;
    const t = transport({ maxBodyBytes: MiB, bufferedBytesMax, requestTimeoutMs });
    let handled = 0;
    const server = await t.httpListen('http://127.0.0.1:0', (request) => {
      handled++;
      return ok(request);
    });
    expect(server).toBeInstanceOf(HttpServerNode);
    const node = server as HttpServerNode;
    const body = Buffer.alloc(MiB - 1, 0x61);
    let peakBytes = 0;
    const sampler = setInterval(() => (peakBytes = Math.max(peakBytes, node.bufferedBytes)), 5);
    teardown.push(() => clearInterval(sampler));
    // One after the other, so which ones fit is known: each is held whole (the server read all of it) or refused.
    const stalled: Stalled[] = [];
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const before = node.bufferedBytes;
      answers.push('');
      const s = stall(portOf(server), head(MiB), body);
      s.socket.on('data', (part: Buffer) => (answers[i] += part.toString('latin1')));
      stalled.push(s);
      await until(`stalled body ${i} held or refused`, () => node.bufferedBytes === before + MiB - 1 || answers[i]?.startsWith('HTTP/1.1 503 ') === true);
      peakBytes = Math.max(peakBytes, node.bufferedBytes);
    }
    // All 40 stalled at once: four bodies fit (4 MiB - 4 bytes), 36 were refused.
    expect(answers.map((a) => (a.startsWith('HTTP/1.1 503 ') ? 'refused' : a === '' ? 'held' : a.slice(0, 40)))).toEqual([...Array(4).fill('held'), ...Array(36).fill('refused')]);
    expect(node.bufferedBytes).toBe(4 * (MiB - 1));
    expect(peakBytes).toBeLessThanOrEqual(bufferedBytesMax);
    const busy = answers[39] as string;
    expect(busy.split('\r\n\r\n')[1]).toBe(`Service Unavailable: request bodies held by this server would exceed bufferedBytesMax=${bufferedBytesMax}`);
    expect(handled).toBe(0);

    // Meanwhile: a request without a body is served; one whose body does not fit is told why.
    expect(dec.decode((await t.httpRequest(`${server.address}/get`, { timeoutMs: DEADLINE_MS })).body)).toBe('GET 0');
    const bodyWhileFull = await t.httpRequest(`${server.address}/post`, { method: 'POST', body: new Uint8Array(8 * 1024), timeoutMs: DEADLINE_MS });
    expect(bodyWhileFull.status).toBe(503);

    // Every stalled connection is closed: a held one at the deadline (408), a refused one by then or by keep-alive once idle.
    for (const { closed } of stalled) await closed;
    await until('the budget to be free', () => node.bufferedBytes === 0);
    const after = await t.httpRequest(`${server.address}/post`, { method: 'POST', body: new Uint8Array(MiB), timeoutMs: DEADLINE_MS });
    expect(dec.decode(after.body)).toBe(`POST ${MiB}`);
    expect(peakBytes).toBeLessThanOrEqual(bufferedBytesMax);
  });

  it('a body with the handler counts until its response ends', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const t = transport({ maxBodyBytes: MiB, bufferedBytesMax: MiB });
    const server = (await t.httpListen('http://127.0.0.1:0', async (request) => {
      if (request.path === '/hold') await held;
      return ok(request);
    })) as HttpServerNode;
    const holding = t.httpRequest(`${server.address}/hold`, { method: 'POST', body: new Uint8Array(MiB - 10), timeoutMs: DEADLINE_MS });
    await until('the held body', () => server.bufferedBytes === MiB - 10);
    expect((await t.httpRequest(`${server.address}/a`, { method: 'POST', body: new Uint8Array(11), timeoutMs: DEADLINE_MS })).status).toBe(503);
    expect((await t.httpRequest(`${server.address}/b`, { method: 'POST', body: new Uint8Array(10), timeoutMs: DEADLINE_MS })).status).toBe(200);
    release();
    expect((await holding).status).toBe(200);
    await until('the budget to be free', () => server.bufferedBytes === 0);
  });
});

describe('refusals through HttpWorkerServer', () => {
  it('408 and 503 come as JSON {error: {code, value}} when the handler has the transportRefusal hook', async () => {
    // closeGraceMs 0: the call the dispatcher never answers must not hold the teardown.
    const t = transport({ maxBodyBytes: MiB, bufferedBytesMax: MiB, requestTimeoutMs: 300, closeGraceMs: 0 });
    let dispatched = 0;
    const never = {
      dispatchPayload: () => {
        dispatched++;
        return new Promise<never>(() => {});
      },
    };
    const worker = new HttpWorkerServer({ transport: t, routes: [{ serialization: jsonSerialization, dispatcher: never }] });
    const address = await worker.start('http://127.0.0.1:0');
    teardown.push(() => worker.close());
    const { text } = await stall(Number(new URL(address).port), head(100), '{').closed;
    const [headText, bodyText] = text.split('\r\n\r\n');
    expect(headText).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(headText).toContain('content-type: application/json');
    expect(JSON.parse(bodyText as string)).toEqual({ error: { code: 1000, value: 'the request did not arrive within requestTimeoutMs=300' } });
    // A call the dispatcher never answers holds its body; the next one does not fit.
    void t.httpRequest(address, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array(MiB - 1) }).catch(() => {});
    await until('the held call to reach the dispatcher', () => dispatched === 1);
    const busy = await t.httpRequest(address, { method: 'POST', headers: { 'content-type': 'application/json' }, body: enc.encode('{"method":"a","parameters":{}}'), timeoutMs: DEADLINE_MS });
    expect({ status: busy.status, type: busy.headers['content-type'], body: JSON.parse(dec.decode(busy.body)) }).toEqual({
      status: 503,
      type: 'application/json',
      body: { error: { code: 1000, value: `request bodies held by this server would exceed bufferedBytesMax=${MiB}` } },
    });
  });
});

describe('bad options', () => {
  it('TransportHttp refuses each bad limit with a message naming it', () => {
    const cases: [unknown, string][] = [
      [{ requestTimeoutMs: 0 }, 'requestTimeoutMs: expected an integer in [1, 2147483647], got 0'],
      [{ requestTimeoutMs: 1.5 }, 'requestTimeoutMs: expected an integer, got 1.5'],
      [{ requestTimeoutMs: '30s' }, 'requestTimeoutMs: expected a number, got "30s"'],
      [{ requestTimeoutMs: 2 ** 31 }, 'requestTimeoutMs: expected an integer in [1, 2147483647], got 2147483648'],
      [{ bufferedBytesMax: -1 }, 'bufferedBytesMax: expected an integer in [0, 9007199254740991], got -1'],
      [{ bufferedBytesMax: NaN }, 'bufferedBytesMax: expected a number, got NaN'],
      [{ bufferedBytesMax: MiB }, 'bufferedBytesMax: expected at least maxBodyBytes (16777216), or a body the server accepts could never be received, got 1048576'],
      [{ maxBodyBytes: 100, bufferedBytesMax: 99 }, 'bufferedBytesMax: expected at least maxBodyBytes (100), or a body the server accepts could never be received, got 99'],
    ];
    for (const [options, message] of cases) expect(() => new TransportHttp(options as never), message).toThrow(message);
  });

  it('httpListen refuses bad options with the same messages, and names unknown ones', async () => {
    const t = transport({ maxBodyBytes: 100 });
    const cases: [unknown, string][] = [
      ['fast', 'httpListen options: expected an options object, got "fast"'],
      [{ requestTimeout: 5 }, 'httpListen options: unknown option "requestTimeout" (known: requestTimeoutMs, bufferedBytesMax)'],
      [{ requestTimeoutMs: -5 }, 'requestTimeoutMs: expected an integer in [1, 2147483647], got -5'],
      [{ bufferedBytesMax: 50 }, 'bufferedBytesMax: expected at least maxBodyBytes (100), or a body the server accepts could never be received, got 50'],
    ];
    for (const [options, message] of cases) await expect(t.httpListen('http://127.0.0.1:0', ok, options as never), message).rejects.toThrow(message);
  });

  it('the default budget is 64 MiB, raised to maxBodyBytes when that is larger (one body must always fit)', () => {
    expect(defaultListenLimits(HTTP_MAX_BODY_BYTES_DEFAULT)).toEqual({ requestTimeoutMs: 30_000, bufferedBytesMax: 64 * MiB });
    expect(defaultListenLimits(80 * MiB).bufferedBytesMax).toBe(80 * MiB);
    expect(() => new TransportHttp({ maxBodyBytes: 80 * MiB })).not.toThrow();
  });
});
