// Proves the simulated HTTP and the real TransportHttp agree on httpListen's limits: bodies held by a server (received, with the handler until it answers) stay within bufferedBytesMax, a body past it gets the same 503 before the handler while bodyless and fitting requests are served, the budget frees when responses leave, the handler's transportRefusal hook shapes the 503 (a wrong or throwing hook falls back to the transport's text), and bad options read the same.
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_MAX_BODY_BYTES_DEFAULT, type TransportRefusalHook } from '../../src/core/http-message.js';
import type { HttpHandler, HttpRequest, HttpResponse } from '../../src/core/transport.js';
import { failure, worlds, type World } from './http-worlds.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ANY_PORT = 'http://127.0.0.1:0';
// The smallest budget both worlds accept: one body of the default maxBodyBytes.
const BUDGET = HTTP_MAX_BODY_BYTES_DEFAULT;
const BUSY = `request bodies held by this server would exceed bufferedBytesMax=${BUDGET}`;

/**
 * Lets the released handler's promise chain run before the simulation steps on: the sim world's
 * settle() executes the next kernel event first, which would be the held request's timeout.
 */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const teardown: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of teardown.splice(0)) await close();
});

/** A handler that holds /hold requests until released, and counts the calls it saw. */
function holdingHandler(): { handler: HttpHandler; seen: string[]; held: Promise<void>; release: () => void } {
  const seen: string[] = [];
  let release!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (arrived = resolve));
  const handler: HttpHandler = async (request: HttpRequest) => {
    seen.push(`${request.method} ${request.path} ${request.body.length}`);
    if (request.path === '/hold') {
      arrived();
      await gate;
    }
    return { status: 200, headers: {}, body: enc.encode(`${request.method} ${request.body.length}`) };
  };
  return { handler, seen, held, release };
}

for (const made of worlds) {
  describe(`HTTP limits contract (${made.name})`, () => {
    function open(): World {
      const world = made.make();
      teardown.push(() => world.close());
      return world;
    }

    it('a body that would take the held bodies past bufferedBytesMax gets 503 before the handler; others are served; the budget frees when the held response leaves', async () => {
      const w = open();
      const { handler, seen, held, release } = holdingHandler();
      const server = await w.transport.httpListen(ANY_PORT, handler, { bufferedBytesMax: BUDGET });
      const post = (path: string, bytes: number): Promise<HttpResponse> => w.settle(w.transport.httpRequest(`${server.address}${path}`, { method: 'POST', body: new Uint8Array(bytes), timeoutMs: 15_000 }));
      const holding = w.transport.httpRequest(`${server.address}/hold`, { method: 'POST', body: new Uint8Array(BUDGET - 10), timeoutMs: 15_000 });
      await w.settle(held);

      const busy = await post('/over', 11);
      expect({ status: busy.status, type: busy.headers['content-type'], body: dec.decode(busy.body) }).toEqual({ status: 503, type: 'text/plain; charset=utf-8', body: `Service Unavailable: ${BUSY}` });
      expect(dec.decode((await post('/fits', 10)).body)).toBe('POST 10');
      expect(dec.decode((await w.settle(w.transport.httpRequest(`${server.address}/get`, { timeoutMs: 15_000 }))).body)).toBe('GET 0');

      release();
      await flush();
      expect((await w.settle(holding)).status).toBe(200);
      expect(dec.decode((await post('/again', BUDGET - 10)).body)).toBe(`POST ${BUDGET - 10}`);
      expect(seen).toEqual([`POST /hold ${BUDGET - 10}`, 'POST /fits 10', 'GET /get 0', `POST /again ${BUDGET - 10}`]);
    });

    it("the handler's transportRefusal hook answers the 503; a hook with the wrong status or that throws gets the transport's text", async () => {
      const w = open();
      const hooks: Record<string, TransportRefusalHook['transportRefusal']> = {
        json: (status, reason) => ({ status, headers: { 'content-type': 'application/json' }, body: enc.encode(JSON.stringify({ error: { code: 1000, value: reason } })) }),
        wrong: () => ({ status: 500, headers: {}, body: new Uint8Array(0) }),
        throws: () => {
          throw new Error('hook boom');
        },
      };
      const answers: Record<string, { status: number; body: string }> = {};
      for (const [name, hook] of Object.entries(hooks)) {
        const { handler, held, release } = holdingHandler();
        const server = await w.transport.httpListen(ANY_PORT, Object.assign(handler, { transportRefusal: hook }), { bufferedBytesMax: BUDGET });
        const holding = w.transport.httpRequest(`${server.address}/hold`, { method: 'POST', body: new Uint8Array(BUDGET), timeoutMs: 15_000 });
        await w.settle(held);
        const busy = await w.settle(w.transport.httpRequest(`${server.address}/over`, { method: 'POST', body: new Uint8Array(1), timeoutMs: 15_000 }));
        answers[name] = { status: busy.status, body: dec.decode(busy.body) };
        release();
        await flush();
        await w.settle(holding);
      }
      expect(answers).toEqual({
        json: { status: 503, body: JSON.stringify({ error: { code: 1000, value: BUSY } }) },
        wrong: { status: 503, body: `Service Unavailable: ${BUSY}` },
        throws: { status: 503, body: `Service Unavailable: ${BUSY}` },
      });
    });

    it('a request that arrives whole within requestTimeoutMs is served, its handler may take longer', async () => {
      const w = open();
      const server = await w.transport.httpListen(ANY_PORT, (request) => ({ status: 200, headers: {}, body: enc.encode(`${request.body.length}`) }), { requestTimeoutMs: 1_000 });
      const response = await w.settle(w.transport.httpRequest(`${server.address}/x`, { method: 'POST', body: new Uint8Array(1000), timeoutMs: 15_000 }));
      expect(dec.decode(response.body)).toBe('1000');
    });

    it('refuses bad listen options with the same messages', async () => {
      const w = open();
      const ok: HttpHandler = () => ({ status: 200, headers: {}, body: new Uint8Array(0) });
      const cases: [unknown, ErrorConstructor, string][] = [
        ['fast', TypeError, 'httpListen options: expected an options object, got "fast"'],
        [{ requestTimeout: 5 }, RangeError, 'httpListen options: unknown option "requestTimeout" (known: requestTimeoutMs, bufferedBytesMax)'],
        [{ requestTimeoutMs: 0 }, RangeError, 'requestTimeoutMs: expected an integer in [1, 2147483647], got 0'],
        [{ requestTimeoutMs: '30s' }, TypeError, 'requestTimeoutMs: expected a number, got "30s"'],
        [{ bufferedBytesMax: 1.5 }, RangeError, 'bufferedBytesMax: expected an integer, got 1.5'],
        [{ bufferedBytesMax: BUDGET - 1 }, RangeError, `bufferedBytesMax: expected at least maxBodyBytes (${HTTP_MAX_BODY_BYTES_DEFAULT}), or a body the server accepts could never be received, got ${BUDGET - 1}`],
      ];
      for (const [options, type, message] of cases) {
        const error = await failure(w, w.transport.httpListen(ANY_PORT, ok, options as never));
        expect({ type: error.constructor.name, message: error.message }).toEqual({ type: type.name, message });
      }
    });
  });
}
