// Proves, in one body per case on the simulated network and on the real TransportHttp, every error status a client of the HTTP worker server sees and its JSON {error: {code, value}} body (400, 404, 413 from the server's limit and from the transport's own, 415, 500), and what HttpWorkerConnection makes of each: a TotoError keeping the worker's code and value, or a connection failure with its code; a handler's payloadTooLarge hook that fails leaves the transport's own 413.
import { afterEach, describe, expect, it } from 'vitest';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { jsonSerialization, noCompression } from '../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../src/core/errors.js';
import { HTTP_MAX_BODY_BYTES_DEFAULT } from '../../src/core/http-message.js';
import { HttpWorkerConnection } from '../../src/core/http-worker-connection.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../src/core/http-worker-server.js';
import type { LoopPort } from '../../src/core/ports.js';
import { Random } from '../../src/core/random.js';
import type { HttpResponse } from '../../src/core/transport.js';
import { encodeInvocation } from '../../src/core/wire.js';
import { WorkerDispatcher } from '../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../src/core/worker-methods.js';
import { LoopSim } from '../../src/sim/loop-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';
import { worlds, type World } from './http-worlds.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const JSON_TYPE = { 'content-type': 'application/json' };

const teardown: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of teardown.splice(0).reverse()) await close();
});

/** The loop of world `w`: the sim world's transport lives on a kernel the world steps; a LoopSim on its own kernel would never run. */
function loopOf(w: World): LoopPort {
  if (w.name === 'real') {
    const loop = new LoopNode();
    teardown.push(() => loop.close());
    return loop;
  }
  // http-worlds' sim world does not expose its kernel; its settle() steps it. Calls here wait on
  // replies only (timeouts are long), so a loop on a kernel of its own never needs to fire.
  return new LoopSim(new SimKernel({ startMs: 0 }));
}

for (const made of worlds) {
  describe(`HTTP worker errors as a client sees them (${made.name})`, () => {
    async function serve(options: { maxBodyBytes?: number } = {}) {
      const w: World = made.make();
      teardown.push(() => w.close());
      const loop = loopOf(w);
      const methods = WorkerMethods.fromMap({
        return_value: (_w, parameters) => ({ parameters }),
        throw_exception: () => {
          throw new Error('Test Exception');
        },
        throw_toto_exception: () => {
          throw new TotoError(4242, 'Test Toto Exception');
        },
      });
      const dispatcher = new WorkerDispatcher({ methods, worker: null, loop, ...httpWorkerCodecs(jsonSerialization) });
      const server = new HttpWorkerServer({ transport: w.transport, routes: [{ serialization: jsonSerialization, dispatcher }], ...options });
      const address = await server.start('http://127.0.0.1:0');
      teardown.push(() => server.close());
      const conn = new HttpWorkerConnection({ transport: w.transport, loop, random: new Random(3), address, timeoutMs: 60_000 });
      teardown.push(() => conn.close());
      const post = (body: Uint8Array, headers: Record<string, string> = JSON_TYPE): Promise<HttpResponse> =>
        w.settle(w.transport.httpRequest(address, { method: 'POST', headers, body }));
      const failure = async (work: Promise<unknown>): Promise<TotoError> => {
        const error = await w.settle(work).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(TotoError);
        return error as TotoError;
      };
      return { w, server, address, conn, post, failure };
    }

    /** Status, content type and the decoded JSON body. */
    function seen(res: HttpResponse): [number, string | undefined, unknown] {
      return [res.status, res.headers['content-type'], JSON.parse(dec.decode(res.body))];
    }
    const call = (method: string, parameters: unknown): Uint8Array => encodeInvocation({ method, parameters }, { serialization: jsonSerialization, compression: noCompression });

    it('200: the value; through the connection: the value', async () => {
      const { post, conn, w } = await serve();
      expect(seen(await post(call('return_value', { a: 1 })))).toEqual([200, 'application/json', { parameters: { a: 1 } }]);
      expect(await w.settle(conn.invoke('return_value', { a: 1 }))).toEqual({ parameters: { a: 1 } });
    });

    it('404 {code 1002} naming the method; 500 {code 1000} with the message; 500 keeping a TotoError code; the connection keeps code and value', async () => {
      const { post, conn, failure } = await serve();
      const cases: [string, number, { code: number; value: string }][] = [
        ['bad_method', 404, { code: ErrorCode.MISSING_METHOD, value: 'unknown method "bad_method"' }],
        ['throw_exception', 500, { code: ErrorCode.SERVER, value: 'Test Exception' }],
        ['throw_toto_exception', 500, { code: 4242, value: 'Test Toto Exception' }],
      ];
      for (const [method, status, error] of cases) {
        expect(seen(await post(call(method, {})))).toEqual([status, 'application/json', { error }]);
        const got = await failure(conn.invoke(method, {}));
        expect([got.code, got.value]).toEqual([error.code, error.value]);
      }
      expect(conn.stats).toMatchObject({ settledError: 3, malformedReplies: 0 });
    });

    it('400 and 415: the JSON {error} a raw client sees', async () => {
      const { post } = await serve();
      const [status, type, body] = seen(await post(enc.encode('{"method": ')));
      expect([status, type, (body as { error: { code: number } }).error.code]).toEqual([400, 'application/json', 1000]);
      expect(seen(await post(call('return_value', 1), { 'content-type': 'text/plain' }))).toEqual([
        415,
        'application/json',
        { error: { code: 1000, value: 'content-type: expected one of "application/json", got "text/plain"' } },
      ]);
    });

    it("413 from the server's maxBodyBytes, and from the transport's own limit before the server sees the body: both JSON {error}", async () => {
      const { w, post, conn, failure, server } = await serve({ maxBodyBytes: 1024 });
      expect(seen(await post(call('return_value', 'x'.repeat(2000))))).toEqual([413, 'application/json', { error: { code: 1000, value: 'request body of 2041 bytes exceeds maxBodyBytes (1024)' } }]);
      const got = await failure(conn.invoke('return_value', 'x'.repeat(2000)));
      expect([got.code, got.value]).toEqual([1000, 'request body of 2041 bytes exceeds maxBodyBytes (1024)']);
      // Over the transport's limit (16 MiB in both worlds): refused before the handler, still the server's JSON.
      const huge = new Uint8Array(HTTP_MAX_BODY_BYTES_DEFAULT + 1);
      expect(seen(await post(huge))).toEqual([413, 'application/json', { error: { code: 1000, value: `request body exceeds the transport's maxBodyBytes (${HTTP_MAX_BODY_BYTES_DEFAULT})` } }]);
      expect(server.stats.refused[413]).toBe(3);
      // The real server's graceful close() waits ~3 s on the connection that sent 16 MiB; the transport's close destroys it.
      await w.close();
    });

    it("a handler's payloadTooLarge hook that throws or answers another status falls back to the transport's own text 413", async () => {
      const w: World = made.make();
      teardown.push(() => w.close());
      const huge = new Uint8Array(HTTP_MAX_BODY_BYTES_DEFAULT + 1);
      const hooks = [
        () => {
          throw new Error('hook bug');
        },
        () => ({ status: 200, headers: {}, body: new Uint8Array(0) }),
      ];
      for (const payloadTooLarge of hooks) {
        const handler = Object.assign(() => ({ status: 200, headers: {}, body: new Uint8Array(0) }), { payloadTooLarge });
        const server = await w.transport.httpListen('http://127.0.0.1:0', handler);
        const res = await w.settle(w.transport.httpRequest(server.address, { method: 'POST', body: huge }));
        expect([res.status, res.headers['content-type'], dec.decode(res.body)]).toEqual([413, 'text/plain; charset=utf-8', `Payload Too Large: request body exceeds maxBodyBytes=${HTTP_MAX_BODY_BYTES_DEFAULT}`]);
      }
      // As above: the transport's close destroys what a graceful close would wait on.
      await w.close();
    });

    it('nothing listening: the connection rejects CONNECTION_REFUSED (-3); a body that is no reply is a SERVER error naming the status', async () => {
      const { w, address, server, failure } = await serve();
      const loop = loopOf(w);
      await server.close();
      const conn = new HttpWorkerConnection({ transport: w.transport, loop, random: new Random(3), address, timeoutMs: 60_000 });
      teardown.push(() => conn.close());
      const refused = await failure(conn.invoke('return_value', 1));
      expect(refused.code).toBe(ErrorCode.CONNECTION_REFUSED);
      expect(conn.stats).toMatchObject({ connectionFailures: 1, settledError: 1 });
      // A plain HTTP server (a proxy's error page) answering 502 text.
      const proxy = await w.transport.httpListen('http://127.0.0.1:0', () => ({ status: 502, headers: { 'content-type': 'text/html' }, body: enc.encode('<h1>Bad Gateway</h1>') }));
      teardown.push(() => proxy.close());
      conn.setConnections(proxy.address);
      const bad = await failure(conn.invoke('return_value', 1));
      expect([bad.code, bad.value]).toEqual([ErrorCode.SERVER, `HTTP 502 from ${proxy.address} without a worker error: "<h1>Bad Gateway</h1>"`]);
      expect(conn.stats.malformedReplies).toBe(1);
    });
  });
}
