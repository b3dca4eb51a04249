// Proves the HTTP worker server (src/core/http-worker-server.ts) answers the same statuses and exact JSON error bodies on the simulated network and on the real TransportHttp: Toto's test worker cases (return_value 200, bad_method 404, throw_exception 500, throw_toto_exception 500 with its code), 400 malformed, 413, 415, 405, 202 for @asynchronous, msgpack+zlib requests, and serving on after bad input.
import { afterEach, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/adapters/codecs.js';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { jsonSerialization, type Serialization } from '../../src/core/codec.js';
import { TotoError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../src/core/http-worker-server.js';
import type { Logger } from '../../src/core/ports.js';
import type { HttpResponse } from '../../src/core/transport.js';
import { encodeInvocation } from '../../src/core/wire.js';
import { WorkerDispatcher } from '../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../src/core/worker-methods.js';
import { worlds, type World } from './http-worlds.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ANY_PORT = 'http://127.0.0.1:0';
const JSON_TYPE = { 'content-type': 'application/json' };
const json = createCodecs();
const msgpack = createCodecs({ serialization: 'msgpack', compression: 'zlib' });

const teardown: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of teardown.splice(0).reverse()) await close();
});

/** A logger that keeps what it is told, to show refusals are logged with their reason. */
function recordingLogger(lines: unknown[]): Logger {
  const keep = (context: unknown, message?: string): void => void lines.push({ context, message });
  const logger: Logger = { trace: keep, debug: keep, info: keep, warn: keep, error: keep, fatal: keep, child: () => logger };
  return logger;
}

for (const made of worlds) {
  describe(`HTTP worker server (${made.name})`, () => {
    async function serve(options: { maxBodyBytes?: number } = {}) {
      const w: World = made.make();
      teardown.push(() => w.close());
      const loop = new LoopNode();
      teardown.push(() => loop.close());
      const fired: unknown[] = [];
      let fireRan!: () => void;
      const fireDone = new Promise<void>((resolve) => (fireRan = resolve));
      const methods = WorkerMethods.fromMap({
        return_value: (_w, parameters) => ({ parameters }),
        throw_exception: () => {
          throw new Error('Test Exception');
        },
        throw_toto_exception: () => {
          throw new TotoError(4242, 'Test Toto Exception');
        },
        fire: asynchronous((_w, parameters) => {
          fired.push(parameters);
          fireRan();
        }),
      });
      const dispatcherFor = (serialization: Serialization, compression?: typeof msgpack.compression) =>
        new WorkerDispatcher({ methods, worker: null, loop, ...httpWorkerCodecs(serialization, compression) });
      const logs: unknown[] = [];
      const dispatchers = [dispatcherFor(jsonSerialization), dispatcherFor(msgpack.serialization, msgpack.compression)] as const;
      /** Requests that reached a dispatcher (a refused one never does). */
      const dispatched = (): number => dispatchers[0].stats.requests + dispatchers[1].stats.requests;
      const server = new HttpWorkerServer({
        transport: w.transport,
        routes: [
          { serialization: jsonSerialization, dispatcher: dispatchers[0] },
          { serialization: msgpack.serialization, dispatcher: dispatchers[1] },
        ],
        logger: recordingLogger(logs),
        ...options,
      });
      const address = await server.start(ANY_PORT);
      teardown.push(() => server.close());
      const post = (body: Uint8Array, headers: Record<string, string> = JSON_TYPE, method = 'POST'): Promise<HttpResponse> =>
        w.settle(w.transport.httpRequest(`${address}/`, { method, headers, body }));
      const call = (method: string, parameters: unknown): Promise<HttpResponse> =>
        post(encodeInvocation({ method, parameters }, json));
      return { w, server, address, post, call, fired, fireDone, logs, dispatched };
    }

    /** Status, content type and the decoded JSON body: what a client sees. */
    function seen(res: HttpResponse): [number, string | undefined, unknown] {
      return [res.status, res.headers['content-type'], JSON.parse(dec.decode(res.body))];
    }

    it('start() resolves with the bound address; return_value answers 200 with the value as JSON', async () => {
      const { address, call } = await serve();
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(seen(await call('return_value', { arg1: 1, arg2: 'hello' }))).toEqual([200, 'application/json', { parameters: { arg1: 1, arg2: 'hello' } }]);
    });

    it("bad_method: 404 {error: {code: 1002}}; throw_exception: 500 code 1000 with its message; throw_toto_exception: 500 keeping Toto's code", async () => {
      const { call } = await serve();
      expect(seen(await call('bad_method', {}))).toEqual([404, 'application/json', { error: { code: 1002, value: 'unknown method "bad_method"' } }]);
      expect(seen(await call('throw_exception', {}))).toEqual([500, 'application/json', { error: { code: 1000, value: 'Test Exception' } }]);
      expect(seen(await call('throw_toto_exception', {}))).toEqual([500, 'application/json', { error: { code: 4242, value: 'Test Toto Exception' } }]);
    });

    it('a malformed body gets 400 {error: {code: 1000}} naming what is wrong, and the next valid request is served', async () => {
      const { post, call } = await serve();
      const [status, type, body] = seen(await post(enc.encode('{"method": "return_value", ')));
      expect([status, type]).toEqual([400, 'application/json']);
      expect((body as { error: { code: number } }).error.code).toBe(1000);
      expect(seen(await post(enc.encode('{"method": "no spaces allowed", "parameters": {}}')))).toEqual([
        400,
        'application/json',
        { error: { code: 1000, value: 'invocation.method: expected a dotted method name like "a.b.c", got "no spaces allowed"' } },
      ]);
      expect(seen(await post(enc.encode('[1, 2]')))[0]).toBe(400);
      expect(seen(await call('return_value', 7))).toEqual([200, 'application/json', { parameters: 7 }]);
    });

    it("a body over the server's maxBodyBytes gets 413 as JSON without running the method; a body at the limit is served", async () => {
      const { post, logs, dispatched } = await serve({ maxBodyBytes: 64 });
      const at = enc.encode(JSON.stringify({ method: 'return_value', parameters: 'x'.repeat(64 - 41) }));
      expect(at.byteLength).toBe(64);
      expect(seen(await post(at))[0]).toBe(200);
      const over = enc.encode(JSON.stringify({ method: 'return_value', parameters: 'x'.repeat(65 - 41) }));
      expect(seen(await post(over))).toEqual([413, 'application/json', { error: { code: 1000, value: 'request body of 65 bytes exceeds maxBodyBytes (64)' } }]);
      expect(dispatched()).toBe(1);
      expect(logs).toContainEqual({ context: expect.objectContaining({ status: 413, method: 'POST', path: '/' }), message: 'http worker: request refused' });
    });

    it('an unsupported or missing Content-Type gets 415 naming the types accepted; charset parameters are ignored', async () => {
      const { post, dispatched } = await serve();
      const body = enc.encode(JSON.stringify({ method: 'return_value', parameters: 1 }));
      expect(seen(await post(body, { 'content-type': 'text/plain' }))).toEqual([
        415,
        'application/json',
        { error: { code: 1000, value: 'content-type: expected one of "application/json", "application/msgpack", got "text/plain"' } },
      ]);
      expect(seen(await post(body, {}))[0]).toBe(415);
      expect(dispatched()).toBe(0);
      expect(seen(await post(body, { 'content-type': 'Application/JSON; charset=utf-8' }))).toEqual([200, 'application/json', { parameters: 1 }]);
    });

    it('a method other than POST gets 405 with Allow: POST, as JSON', async () => {
      const { post, server, dispatched } = await serve();
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await post(new Uint8Array(0), JSON_TYPE, method);
        expect(seen(res)).toEqual([405, 'application/json', { error: { code: 1000, value: `method ${method} not allowed: a worker call is a POST` } }]);
        expect(res.headers.allow).toBe('POST');
      }
      expect([dispatched(), server.stats.refused[405]]).toEqual([0, 3]);
    });

    it('an @asynchronous method answers 202 with null at once, then runs', async () => {
      const { call, fired, fireDone } = await serve();
      expect(seen(await call('fire', { n: 1 }))).toEqual([202, 'application/json', null]);
      await fireDone;
      expect(fired).toEqual([{ n: 1 }]);
    });

    it('a msgpack request, zlib-compressed as Toto sent it, is answered in msgpack uncompressed; its errors still as JSON', async () => {
      const { post, server } = await serve();
      const headers = { 'content-type': msgpack.serialization.mime };
      const ok = await post(encodeInvocation({ method: 'return_value', parameters: [1, 'two'] }, msgpack), headers);
      expect([ok.status, ok.headers['content-type']]).toEqual([200, 'application/msgpack']);
      expect(msgpack.serialization.loads(ok.body)).toEqual({ parameters: [1, 'two'] });
      expect(seen(await post(encodeInvocation({ method: 'throw_toto_exception', parameters: {} }, msgpack), headers))).toEqual([
        500,
        'application/json',
        { error: { code: 4242, value: 'Test Toto Exception' } },
      ]);
      // JSON bytes sent as msgpack: a malformed msgpack+zlib payload, 400.
      expect(seen(await post(enc.encode('{"method": "return_value", "parameters": 1}'), headers))[0]).toBe(400);
      expect(server.stats).toEqual({ requests: 3, refused: { 405: 0, 413: 0, 415: 0 } });
    });

    it('seeded random bodies and content types: every answer is a status the server names, every error a JSON {error}, and valid calls are served throughout', async () => {
      const { post, call } = await serve({ maxBodyBytes: 4096 });
      const random = new Random(20_261_129);
      const types = ['application/json', 'application/msgpack', 'text/plain', 'application/json; charset=utf-8', ''];
      const statuses = new Map<number, number>();
      const CASES = 200;
      for (let i = 0; i < CASES; i++) {
        const body = Uint8Array.from({ length: random.int(0, 5000) }, () => random.int(0, 255));
        // Half the bodies start as an invocation, so the decoder gets past the first byte.
        if (random.bool(0.5)) body.set(enc.encode('{"method": "return_value", "parameters": ').subarray(0, body.length));
        const type = types[random.int(0, types.length - 1)] as string;
        const res = await post(body, type === '' ? {} : { 'content-type': type });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([400, 413, 415]).toContain(res.status);
        expect(res.headers['content-type']).toBe('application/json');
        const reply = JSON.parse(dec.decode(res.body)) as { error: { code: number; value: string } };
        expect(Object.keys(reply)).toEqual(['error']);
        expect(reply.error.code).toBe(1000);
        expect(reply.error.value.length).toBeLessThan(500);
        if (i % 50 === 49) expect(seen(await call('return_value', i))).toEqual([200, 'application/json', { parameters: i }]);
      }
      // The campaign reached all three refusals, so it tested each path.
      expect([...statuses.keys()].sort()).toEqual([400, 413, 415]);
    });

    it('close() stops listening: a later request is refused by the transport', async () => {
      const { server, w, address } = await serve();
      await server.close();
      await expect(w.settle(w.transport.httpRequest(`${address}/`, { method: 'POST', headers: JSON_TYPE, body: enc.encode('{}') }))).rejects.toMatchObject({ code: -3 });
      await server.close(); // twice is fine
    });
  });
}
