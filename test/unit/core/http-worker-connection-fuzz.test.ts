// Proves, over seeded random responses served by a real simulated HTTP peer, that HttpWorkerConnection's reply decoding is total: whatever the status, Content-Type and body (random bytes, JSON and msgpack values, worker errors, malformed errors, deep nesting, huge numbers), every call settles exactly once, a value only from a 2xx, a rejection always a TotoError with an integer code and a bounded message, a worker's {error} keeps its code and value, nothing is left in flight, and valid calls are served throughout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msgpackSerialization } from '../../../src/adapters/codec-msgpack.js';
import { zlibCompression } from '../../../src/adapters/codec-zlib.js';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { HttpWorkerConnection } from '../../../src/core/http-worker-connection.js';
import { Random } from '../../../src/core/random.js';
import type { HttpResponse } from '../../../src/core/transport.js';
import type { WireCodecs } from '../../../src/core/wire.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const enc = new TextEncoder();

/** What the generator knows the connection must make of a response, when it knows. */
type Expectation = { kind: 'value'; value: unknown } | { kind: 'error'; code: number; value: string } | { kind: 'any' };

interface Case {
  response: HttpResponse;
  expect: Expectation;
}

const TYPES = ['application/json', 'application/msgpack', 'text/plain', 'text/html', 'APPLICATION/JSON; charset=utf-8', 'application/octet-stream'];
const status = fc.oneof(fc.constantFrom(200, 201, 202, 204, 400, 404, 413, 415, 500, 502, 503), fc.integer({ min: 200, max: 599 }));
const headers = fc.option(fc.constantFrom(...TYPES), { nil: undefined }).map((type): Record<string, string> => (type === undefined ? {} : { 'content-type': type }));
const json = (value: unknown): Uint8Array => enc.encode(JSON.stringify(value) ?? 'null');

/** A JSON value with no "__proto__" key (JSON.parse and our loader agree on it, but toEqual compares prototypes). */
const plainJson = fc.jsonValue().filter((v) => !JSON.stringify(v)?.includes('"__proto__"'));

const cases: fc.Arbitrary<Case> = fc.oneof(
  // A value in a 2xx: the value.
  fc.tuple(plainJson, fc.constantFrom(200, 201)).map(([value, s]): Case => ({
    response: { status: s, headers: { 'content-type': 'application/json' }, body: json(value) },
    expect: isErrorShaped(value) ? { kind: 'any' } : { kind: 'value', value: JSON.parse(JSON.stringify(value) ?? 'null') },
  })),
  // A worker's error, any status: its code and value.
  fc.tuple(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.string({ maxLength: 300 }), status).map(([code, value, s]): Case => ({
    response: { status: s, headers: { 'content-type': 'application/json' }, body: json({ error: { code, value } }) },
    // 202 is an acknowledgement; 204 and 304 carry no body (the transport drops it in both worlds).
    expect: s === 202 || s === 204 || s === 304 ? { kind: 'any' } : { kind: 'error', code, value },
  })),
  // Malformed errors and hostile shapes.
  fc.tuple(fc.anything({ maxDepth: 3 }), status, headers).map(([inner, s, h]): Case => ({
    response: { status: s, headers: h, body: json({ error: inner }) },
    expect: { kind: 'any' },
  })),
  fc.constantFrom(
    enc.encode('{"error":{"code":1,"value":{"toString":1}}}'),
    enc.encode('['.repeat(5000) + ']'.repeat(5000)),
    enc.encode(`{"error":${'['.repeat(4105)}${']'.repeat(4105)}}`),
    enc.encode(`{"error":{"code":${'9'.repeat(400)},"value":"big"}}`),
    enc.encode('"\\ud800"'),
    new Uint8Array([0xc1]),
    new Uint8Array([0xd6, 0x69, 0x00, 0x00, 0x00, 0x01, 0x92, 0xd6, 0x70, 0x00, 0x00, 0x00, 0x01, 0xd6, 0x70, 0x00, 0x00, 0x00, 0x01]),
  ).chain((body) => fc.tuple(status, headers).map(([s, h]): Case => ({ response: { status: s, headers: h, body }, expect: { kind: 'any' } }))),
  // msgpack values and random bytes under any type.
  fc.tuple(plainJson, status, headers).map(([value, s, h]): Case => ({ response: { status: s, headers: h, body: msgpackSerialization.dumps(value) }, expect: { kind: 'any' } })),
  fc.tuple(fc.uint8Array({ maxLength: 400 }), status, headers).map(([body, s, h]): Case => ({ response: { status: s, headers: h, body }, expect: { kind: 'any' } })),
);

function isErrorShaped(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && Object.hasOwn(value, 'error');
}

/** A peer host answering whatever `next` holds, and a client on another host; `settle` steps virtual time until a call is done. */
function rig(codecs: WireCodecs) {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(9) });
  const state: { next: HttpResponse } = { next: { status: 200, headers: {}, body: new Uint8Array(0) } };
  void net.transport('peer').httpListen('http://peer:80', (request) => (request.path === '/valid' ? { status: 200, headers: { 'content-type': 'application/json' }, body: json('still here') } : state.next));
  const conn = new HttpWorkerConnection({ transport: net.transport('client'), loop: new LoopSim(kernel), random: new Random(4), address: 'http://peer:80/', codecs, timeoutMs: 60_000 });
  const settle = async <T>(work: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> => {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    let settlements = 0;
    work.then(
      (value) => ((outcome = { ok: true, value }), settlements++),
      (error: unknown) => ((outcome = { ok: false, error }), settlements++),
    );
    for (let steps = 0; outcome === undefined && steps < 10_000; steps++) {
      if (await kernel.step()) continue;
      await new Promise((resolve) => setImmediate(resolve));
      if (outcome === undefined && kernel.pending === 0) break;
    }
    if (outcome === undefined) throw new Error('the call never settled in virtual time');
    // Nothing more to run: a second settlement would have shown by now.
    while (await kernel.step());
    expect(settlements).toBe(1);
    return outcome;
  };
  return { conn, state, settle };
}

function checkCase(c: Case, outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
  const s = c.response.status;
  if (outcome.ok) {
    expect(s >= 200 && s < 300).toBe(true);
    if (s === 202) expect(outcome.value).toBeUndefined();
  } else {
    expect(outcome.error).toBeInstanceOf(TotoError);
    const error = outcome.error as TotoError;
    expect(Number.isSafeInteger(error.code)).toBe(true);
    expect(typeof error.value).toBe('string');
    // Bounded: a worker's own value up to what it sent (300 here), our words around a bounded echo.
    expect(error.value.length).toBeLessThanOrEqual(1100);
  }
  if (c.expect.kind === 'value') expect(outcome).toEqual({ ok: true, value: c.expect.value });
  if (c.expect.kind === 'error') {
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: TotoError }).error;
    expect([error.code, error.value]).toEqual([c.expect.code, c.expect.value]);
  }
}

describe('HttpWorkerConnection reply decoding fuzz', () => {
  it.each([
    ['JSON', { serialization: jsonSerialization, compression: noCompression }],
    ['msgpack+zlib', { serialization: msgpackSerialization, compression: zlibCompression }],
  ] as const)('%s client: any response settles the call once, as a value or a bounded TotoError; valid calls are served throughout', async (_label, codecs) => {
    const { conn, state, settle } = rig(codecs);
    let runs = 0;
    let values = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        state.next = c.response;
        const outcome = await settle(conn.invoke('fuzz.target', { n: runs }));
        runs++;
        if (outcome.ok) values++;
        checkCase(c, outcome);
        expect(conn.length).toBe(0);
      }),
      { seed, numRuns },
    );
    const stats = conn.stats;
    expect(stats.settledOk + stats.settledError).toBe(runs);
    expect([stats.settledTimeout, stats.lateReplies, stats.duplicateReplies, stats.connectionFailures]).toEqual([0, 0, 0, 0]);
    // The generators reach values, worker errors and bodies that are no reply.
    expect(values).toBeGreaterThan(runs / 20);
    expect(stats.malformedReplies).toBeGreaterThan(runs / 20);
    expect(stats.settledError - stats.malformedReplies).toBeGreaterThan(runs / 20);
    // A valid answer still reads right after all that.
    conn.setConnections('http://peer:80/valid');
    expect(await settle(conn.invoke('fuzz.target', {}))).toEqual({ ok: true, value: 'still here' });
    await conn.close();
  }, 120_000);

  it('the error codes of a TotoError from a peer survive exactly, negative ones too', async () => {
    const { conn, state, settle } = rig({ serialization: jsonSerialization, compression: noCompression });
    for (const code of [ErrorCode.TIMEOUT, ErrorCode.NO_CONNECTIONS, 0, 1000, 1010, 4242]) {
      state.next = { status: 500, headers: { 'content-type': 'application/json' }, body: json({ error: { code, value: `code ${code}` } }) };
      const outcome = await settle(conn.invoke('fuzz.target', {}));
      expect(outcome).toEqual({ ok: false, error: new TotoError(code, `code ${code}`) });
    }
    await conn.close();
  });
});
