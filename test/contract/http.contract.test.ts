// Proves the simulated HTTP (NetworkSim, virtual time) and the real TransportHttp (node:http + undici on 127.0.0.1) give the same outcomes, codes and messages: round trips (binary bodies, headers, HEAD/204), refused connections, a server process dying mid-request, client timeouts, body limits, failing handlers, busy ports and bad input.
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, TimeoutError, TotoError } from '../../src/core/errors.js';
import { HTTP_MAX_BODY_BYTES_DEFAULT } from '../../src/core/http-message.js';
import type { HttpHandler, HttpRequest } from '../../src/core/transport.js';
import { failure, worlds, type World } from './http-worlds.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ANY_PORT = 'http://127.0.0.1:0';

const teardown: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of teardown.splice(0)) await close();
});

for (const made of worlds) {
  describe(`HTTP contract (${made.name})`, () => {
    function open(): World {
      const world = made.make();
      teardown.push(() => world.close());
      return world;
    }

    it('round-trips status, headers and a binary body; the handler sees method, path, query and lower-cased headers', async () => {
      const w = open();
      const seen: HttpRequest[] = [];
      const server = await w.transport.httpListen(ANY_PORT, (req) => {
        seen.push(req);
        const reversed = Uint8Array.from(req.body).reverse();
        return { status: 201, headers: { 'X-Reply': ' yes ', 'Content-Type': 'application/octet-stream' }, body: reversed };
      });
      expect(server.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = server.address.split(':')[2];
      const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
      const res = await w.settle(w.transport.httpRequest(`${server.address}/rpc/call?x=1&y=%20`, { method: 'put', headers: { 'X-Trace-Id': 'abc', Accept: '*/*' }, body: everyByte }));
      expect(res.status).toBe(201);
      expect(res.headers).toEqual({ 'x-reply': 'yes', 'content-type': 'application/octet-stream' });
      expect(res.body).toBeInstanceOf(Uint8Array);
      expect(Array.from(res.body)).toEqual(Array.from(everyByte).reverse());
      expect(seen).toHaveLength(1);
      expect(seen[0]?.method).toBe('PUT');
      expect(seen[0]?.path).toBe('/rpc/call?x=1&y=%20');
      expect(seen[0]?.headers).toEqual({ host: `127.0.0.1:${port}`, 'x-trace-id': 'abc', accept: '*/*' });
      expect(Array.from(seen[0]?.body ?? [])).toEqual(Array.from(everyByte));
    });

    it('answers HEAD and 204 without a body, and an empty GET body is empty', async () => {
      const w = open();
      const server = await w.transport.httpListen(ANY_PORT, (req) => ({ status: req.path === '/none' ? 204 : 200, headers: {}, body: enc.encode(`${req.method} ${req.body.length}`) }));
      const head = await w.settle(w.transport.httpRequest(`${server.address}/`, { method: 'HEAD' }));
      const none = await w.settle(w.transport.httpRequest(`${server.address}/none`, { method: 'POST', body: enc.encode('x') }));
      const get = await w.settle(w.transport.httpRequest(server.address));
      expect([head.status, head.body.length]).toEqual([200, 0]);
      expect([none.status, none.body.length]).toEqual([204, 0]);
      expect([get.status, dec.decode(get.body)]).toEqual([200, 'GET 0']);
    });

    it('a port nothing listens on refuses the connection: CONNECTION_REFUSED naming the URL', async () => {
      const w = open();
      const server = await w.transport.httpListen(ANY_PORT, () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
      const url = `${server.address}/gone`;
      await server.close();
      const error = await failure(w, w.transport.httpRequest(url));
      expect(error).toBeInstanceOf(TotoError);
      expect((error as TotoError).code).toBe(ErrorCode.CONNECTION_REFUSED);
      expect(error.message).toBe(`httpRequest: connection refused by ${server.address.slice(7)} (nothing listening) for ${url} (CONNECTION_REFUSED -3)`);
    });

    it('a server that never answers: the client times out with TIMEOUT after timeoutMs, and the server keeps serving', async () => {
      const w = open();
      let calls = 0;
      const server = await w.transport.httpListen(ANY_PORT, (req) => {
        calls++;
        return req.path === '/hang' ? new Promise(() => {}) : { status: 200, headers: {}, body: enc.encode('ok') };
      });
      const url = `${server.address}/hang`;
      const error = await failure(w, w.transport.httpRequest(url, { timeoutMs: 150 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TotoError).code).toBe(ErrorCode.TIMEOUT);
      expect(error.message).toBe(`httpRequest: no response from ${url} within 150ms (TIMEOUT -1)`);
      const after = await w.settle(w.transport.httpRequest(`${server.address}/ok`, { timeoutMs: 10_000 }));
      expect(dec.decode(after.body)).toBe('ok');
      expect(calls).toBe(2);
    });

    it('the server process dies mid-request: CONNECTION_RESET naming the URL', async () => {
      const w = open();
      const server = await w.crashableServer();
      const url = `${server.url}/slow`;
      const pending = w.transport.httpRequest(url, { timeoutMs: 10_000 });
      pending.catch(() => {}); // observed below, after the crash; it may reject before then
      await w.settle(server.handling);
      await server.crash();
      const error = await failure(w, pending);
      expect(error).toBeInstanceOf(TotoError);
      expect((error as TotoError).code).toBe(ErrorCode.CONNECTION_RESET);
      expect(error.message).toBe(`httpRequest: connection reset by ${server.url.slice(7)} before the response was complete, for ${url} (CONNECTION_RESET -4)`);
    });

    it('a request body over the limit gets 413 without calling the handler; the next request is served', async () => {
      const w = open();
      const bodies: number[] = [];
      const server = await w.transport.httpListen(ANY_PORT, (req) => {
        bodies.push(req.body.length);
        return { status: 200, headers: {}, body: enc.encode('fine') };
      });
      const atLimit = await w.settle(w.transport.httpRequest(server.address, { method: 'POST', body: new Uint8Array(HTTP_MAX_BODY_BYTES_DEFAULT) }));
      const over = await w.settle(w.transport.httpRequest(server.address, { method: 'POST', body: new Uint8Array(HTTP_MAX_BODY_BYTES_DEFAULT + 1) }));
      const next = await w.settle(w.transport.httpRequest(server.address, { method: 'POST', body: enc.encode('small') }));
      expect(atLimit.status).toBe(200);
      expect(over.status).toBe(413);
      expect(over.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
      expect(dec.decode(over.body)).toBe(`Payload Too Large: request body exceeds maxBodyBytes=${HTTP_MAX_BODY_BYTES_DEFAULT}`);
      expect(next.status).toBe(200);
      expect(bodies).toEqual([HTTP_MAX_BODY_BYTES_DEFAULT, 5]);
    });

    it('a response body over the limit rejects with BODY_TOO_LARGE naming the limit', async () => {
      const w = open();
      const server = await w.transport.httpListen(ANY_PORT, (req) => ({ status: 200, headers: {}, body: new Uint8Array(req.path === '/big' ? HTTP_MAX_BODY_BYTES_DEFAULT + 1 : HTTP_MAX_BODY_BYTES_DEFAULT) }));
      const atLimit = await w.settle(w.transport.httpRequest(`${server.address}/limit`));
      expect(atLimit.body.length).toBe(HTTP_MAX_BODY_BYTES_DEFAULT);
      const url = `${server.address}/big`;
      const error = await failure(w, w.transport.httpRequest(url));
      expect(error).toBeInstanceOf(TotoError);
      expect((error as TotoError).code).toBe(ErrorCode.BODY_TOO_LARGE);
      expect(error.message).toBe(`httpRequest: response body from ${url} exceeds maxBodyBytes=${HTTP_MAX_BODY_BYTES_DEFAULT} (BODY_TOO_LARGE -5)`);
    });

    it('a handler that throws, rejects or returns a non-response gives a 500 with the reason; the server keeps serving', async () => {
      const w = open();
      const handler: HttpHandler = async (req) => {
        if (req.path === '/throw') throw new Error('boom');
        if (req.path === '/reject') return Promise.reject(new RangeError('async boom'));
        if (req.path === '/status') return { status: 99, headers: {}, body: new Uint8Array(0) };
        if (req.path === '/header') return { status: 200, headers: { 'x-bad': 'a\nb' }, body: new Uint8Array(0) };
        if (req.path === '/framing') return { status: 200, headers: { 'Content-Length': '3' }, body: new Uint8Array(0) };
        if (req.path === '/nothing') return undefined as never;
        return { status: 200, headers: {}, body: enc.encode('alive') };
      };
      const syncThrower: HttpHandler = () => {
        throw new TypeError('sync boom');
      };
      const server = await w.transport.httpListen(ANY_PORT, handler);
      const sync = await w.transport.httpListen(ANY_PORT, syncThrower);
      const reasons: Record<string, string> = {};
      for (const path of ['/throw', '/reject', '/status', '/header', '/framing', '/nothing']) {
        const res = await w.settle(w.transport.httpRequest(`${server.address}${path}`));
        expect(res.status).toBe(500);
        expect(res.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
        reasons[path] = dec.decode(res.body);
      }
      expect(reasons).toEqual({
        '/throw': 'Internal Server Error: boom',
        '/reject': 'Internal Server Error: async boom',
        '/status': 'Internal Server Error: handler returned status 99, expected an integer in [200, 599]',
        '/header': 'Internal Server Error: handler response headers["x-bad"]: invalid character in header value "a\\nb"',
        '/framing': 'Internal Server Error: handler response headers: header "Content-Length" is set by the transport, not by the caller',
        '/nothing': 'Internal Server Error: handler returned undefined, expected {status, headers, body}',
      });
      const syncRes = await w.settle(w.transport.httpRequest(sync.address));
      expect([syncRes.status, dec.decode(syncRes.body)]).toEqual([500, 'Internal Server Error: sync boom']);
      // A thenable whose then() throws is a failing handler too, not an uncaught exception in the server.
      const thenable = await w.transport.httpListen(ANY_PORT, () => ({ then: () => { throw new Error('thenable boom'); } }) as never);
      const thenRes = await w.settle(w.transport.httpRequest(thenable.address, { timeoutMs: 10_000 }));
      expect([thenRes.status, dec.decode(thenRes.body)]).toEqual([500, 'Internal Server Error: thenable boom']);
      const alive = await w.settle(w.transport.httpRequest(`${server.address}/ok`));
      expect(dec.decode(alive.body)).toBe('alive');
    });

    it('listening on a port in use, or an address not of this host, rejects with EADDRINUSE / EADDRNOTAVAIL naming the address', async () => {
      const w = open();
      const server = await w.transport.httpListen(ANY_PORT, () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
      const inUse = await failure(w, w.transport.httpListen(server.address, () => ({ status: 200, headers: {}, body: new Uint8Array(0) })));
      expect(inUse.message).toBe(`httpListen: address already in use ${JSON.stringify(server.address)} (EADDRINUSE)`);
      expect((inUse as Error & { code: string }).code).toBe('EADDRINUSE');
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
      const notHere = await failure(w, w.transport.httpListen('http://192.0.2.1:0', () => ({ status: 200, headers: {}, body: new Uint8Array(0) })));
      expect(notHere.message).toBe('httpListen: cannot assign requested address "http://192.0.2.1:0" (EADDRNOTAVAIL)');
      expect((notHere as Error & { code: string }).code).toBe('EADDRNOTAVAIL');
    });

    it('bad input rejects with a TypeError or RangeError naming it, before anything is sent', async () => {
      const w = open();
      const server = await w.transport.httpListen(ANY_PORT, () => ({ status: 200, headers: {}, body: new Uint8Array(0) }));
      const url = `${server.address}/x`;
      const request = (target: unknown, options?: unknown) => w.transport.httpRequest(target as string, options as never);
      const cases: [() => Promise<unknown>, ErrorConstructor, string][] = [
        [() => request(42), TypeError, 'httpRequest: expected an address string, got 42'],
        [() => request('ftp://h:1/'), RangeError, 'httpRequest: malformed URL "ftp://h:1/" (only http:// URLs are supported)'],
        [() => request('http://127.0.0.1/x'), RangeError, 'httpRequest: malformed URL "http://127.0.0.1/x" (expected http://host:port/path)'],
        // A host neither world could reach is bad input, not a DNS failure or undici's bare "Invalid URL".
        [() => request('http://a b:1/'), RangeError, 'httpRequest: invalid host "a b" in address "http://a b:1/" (expected a host name or an IPv4 address)'],
        [() => request('http://256.1.1.1:1/'), RangeError, 'httpRequest: invalid host "256.1.1.1" in address "http://256.1.1.1:1/" (expected a host name or an IPv4 address)'],
        [() => request('http://a%2fb:1/'), RangeError, 'httpRequest: invalid host "a%2fb" in address "http://a%2fb:1/" (expected a host name or an IPv4 address)'],
        [() => request('http://*:1/'), RangeError, 'httpRequest: cannot connect to a wildcard host in address "http://*:1/"'],
        [() => request('http://[::1]:1/'), RangeError, 'httpRequest: IPv6 literals are not supported in address "http://[::1]:1/" (expected a host name or an IPv4 address)'],
        [() => w.transport.httpListen('http://a b:0', () => ({ status: 200, headers: {}, body: new Uint8Array(0) })), RangeError, 'httpListen: invalid host "a b" in address "http://a b:0" (expected a host name or an IPv4 address)'],
        [() => request('http://127.0.0.1:70000/'), RangeError, 'httpRequest: invalid port 70000 in address "http://127.0.0.1:70000/" (expected an integer in [1, 65535])'],
        [() => request(`${server.address}/a b`), RangeError, `httpRequest: invalid character " " in the path of URL "${server.address}/a b" (expected printable ASCII without spaces or '#')`],
        [() => request(`${server.address}/a#frag`), RangeError, `httpRequest: invalid character "#" in the path of URL "${server.address}/a#frag" (expected printable ASCII without spaces or '#')`],
        [() => request(url, { timeout: 5 }), RangeError, 'httpRequest options: unknown option "timeout" (known: method, headers, body, timeoutMs)'],
        [() => request(url, 'GET'), TypeError, 'httpRequest options: expected an options object, got "GET"'],
        [() => request(url, { method: 'FETCH' }), RangeError, 'method: expected one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, got "FETCH"'],
        [() => request(url, { method: 7 }), TypeError, 'method: expected one of GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, got 7'],
        [() => request(url, { method: 'POST', body: 'text' }), TypeError, 'body: expected a Uint8Array, got "text"'],
        [() => request(url, { method: 'POST', body: [1, 2] }), TypeError, 'body: expected a Uint8Array, got array of length 2'],
        [() => request(url, { body: new Uint8Array(1) }), RangeError, 'body: a GET request has no body, got 1 bytes'],
        [() => request(url, { timeoutMs: -1 }), RangeError, 'timeoutMs: expected a finite number >= 0, got -1'],
        [() => request(url, { timeoutMs: 2 ** 31 }), RangeError, 'timeoutMs: expected a number in [0, 2147483647], got 2147483648'],
        [() => request(url, { headers: 'x' }), TypeError, 'headers: expected an object of header strings, got "x"'],
        [() => request(url, { headers: { 'x y': '1' } }), RangeError, 'headers: invalid header name "x y" (expected an RFC 9110 token)'],
        [() => request(url, { headers: { 'x-n': 1 } }), TypeError, 'headers["x-n"]: expected a string, got 1'],
        [() => request(url, { headers: { 'x-v': 'a\r\nInjected: 1' } }), RangeError, 'headers["x-v"]: invalid character in header value "a\\r\\nInjected: 1"'],
        [() => request(url, { headers: { 'Transfer-Encoding': 'chunked' } }), RangeError, 'headers: header "Transfer-Encoding" is set by the transport, not by the caller'],
        [() => request(url, { headers: { 'X-A': '1', 'x-a': '2' } }), RangeError, 'headers: duplicate header "x-a" (names are case-insensitive)'],
        [() => w.transport.httpListen('http://127.0.0.1:0/path', () => ({ status: 200, headers: {}, body: new Uint8Array(0) })), RangeError, 'httpListen: expected an address without a path, got "http://127.0.0.1:0/path"'],
        [() => w.transport.httpListen('http://127.0.0.1:x', () => ({ status: 200, headers: {}, body: new Uint8Array(0) })), RangeError, 'httpListen: invalid port "x" in address "http://127.0.0.1:x" (expected an integer in [0, 65535], 0 for any free port)'],
        [() => w.transport.httpListen(ANY_PORT, 'handler' as never), TypeError, 'httpListen: handler: expected a function, got "handler"'],
      ];
      for (const [work, type, message] of cases) {
        const error = await failure(w, work());
        expect({ type: error.constructor.name, message: error.message }).toEqual({ type: type.name, message });
      }
    });
  });
}
