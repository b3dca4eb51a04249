// Proves a running HTTP worker process (HttpWorkerServer on TransportHttp; one server per compression, each reading JSON and msgpack) answers every class of bad request with the exact JSON {error: {code, value}} and status shown in its table, and survives a seeded campaign -- adversarial bodies per codec, wrong Content-Types, broken JSON, wrong methods, oversize bodies, raw bytes, slowloris connections -- without crashing, hanging or growing, while valid calls through a real HttpWorkerConnection go on being served.
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompressionName, SerializationName } from '../../src/adapters/codecs.js';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { HttpWorkerConnection } from '../../src/core/http-worker-connection.js';
import { Random } from '../../src/core/random.js';
import { numRuns, seed } from '../unit/adapters/wire-fuzz-inputs.js';
import { HTTP_MAX_BODY_BYTES, HTTP_TRANSPORT_MAX_BODY_BYTES, MAX_PAYLOAD_BYTES, type FixtureStats } from './fixtures/bad-input-common.js';
import { HEAP_GROWTH_BOUND_BYTES, MiB, startFixture, type Fixture } from './fixtures/bad-input-harness.js';
import { checkProcess, codecsFor, httpCaseArb, RSS_BOUND_BYTES, runHttpCase, type HttpTally } from './fixtures/bad-input-http-campaign.js';
import { rawExchange, send, slowloris } from './fixtures/bad-input-http-probe.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const json = (v: unknown) => utf8(JSON.stringify(v));
const BATCH = 50;
/** numRuns cases for the process (1,000 in CI, >= 10,000 in the long run), shared by its two servers. */
const RUNS_PER_SERVER = Math.ceil(numRuns / 2);
const CALL_TIMEOUT_MS = 5_000;

let fixture: Fixture;
const agent = new Agent({ keepAliveTimeout: 1_000 });
const transport = new TransportHttp();
const loop = new LoopNode();
const connections = new Map<string, HttpWorkerConnection>();
/** Calls made through the connections, per server: what `count` must reach, bar bad requests that ran a method. */
const connCalls: Record<string, number> = { none: 0, zlib: 0 };

beforeAll(async () => {
  fixture = await startFixture('http');
  for (const compression of ['none', 'zlib'] as const) {
    for (const serialization of ['json', 'msgpack'] as const) {
      const address = fixture.endpoints[compression] as string;
      connections.set(`${serialization}+${compression}`, new HttpWorkerConnection({ transport, loop, random: new Random(seed), address, codecs: codecsFor(serialization, compression), timeoutMs: CALL_TIMEOUT_MS }));
    }
  }
}, 60_000);

afterAll(async () => {
  await fixture?.stop();
  for (const conn of connections.values()) await conn.close();
  await transport.close();
  await agent.close();
  loop.close();
});

/** A valid call through one serialization of server `compression`: answered exactly. */
async function validCall(serialization: SerializationName, compression: CompressionName, n: number): Promise<void> {
  const value = { n, text: 'é✓', list: [1, 2.5, null, true], nested: { deep: [[n]] } };
  expect(await connections.get(`${serialization}+${compression}`)!.invoke('echo', value)).toEqual(value);
  connCalls[compression]!++;
}

/** Valid calls through both serializations of server `compression`. */
async function validCalls(compression: CompressionName, n: number): Promise<void> {
  for (const serialization of ['json', 'msgpack'] as SerializationName[]) await validCall(serialization, compression, n);
}

async function stats(compression: CompressionName): Promise<FixtureStats> {
  connCalls[compression]!++;
  return (await connections.get(`json+${compression}`)!.invoke('stats', {})) as FixtureStats;
}

interface HttpRow {
  input: string;
  server: CompressionName;
  method?: string;
  contentType: string | undefined;
  body: Uint8Array;
  status: number;
  error: { code: number; value: string | RegExp };
  /** The WireFormatError code the worker logs ("worker: malformed request", once). */
  logged?: string;
}

const JSON_MIME = 'application/json';
const MSGPACK_MIME = 'application/msgpack';
const valid = json({ method: 'echo', parameters: 1 });
const ONE_OF = 'one of "application/json", "application/msgpack"';

/** What an HTTP client sees for each class of bad request (BAD-INPUT.md shows the same rows). */
const HTTP_REPLY_TABLE: HttpRow[] = [
  { input: 'GET', server: 'none', method: 'GET', contentType: JSON_MIME, body: valid, status: 405, error: { code: 1000, value: 'method GET not allowed: a worker call is a POST' } },
  { input: 'PUT', server: 'none', method: 'PUT', contentType: JSON_MIME, body: valid, status: 405, error: { code: 1000, value: 'method PUT not allowed: a worker call is a POST' } },
  { input: 'no Content-Type', server: 'none', contentType: undefined, body: valid, status: 415, error: { code: 1000, value: `content-type: expected ${ONE_OF}, got undefined` } },
  { input: 'Content-Type text/plain', server: 'none', contentType: 'text/plain', body: valid, status: 415, error: { code: 1000, value: `content-type: expected ${ONE_OF}, got "text/plain"` } },
  { input: 'Content-Type application/x-msgpack', server: 'none', contentType: 'application/x-msgpack', body: valid, status: 415, error: { code: 1000, value: `content-type: expected ${ONE_OF}, got "application/x-msgpack"` } },
  { input: 'broken JSON', server: 'none', contentType: JSON_MIME, body: utf8('{"method":"echo","parameters":'), status: 400, error: { code: 1000, value: /^invocation: json: cannot decode payload: Unexpected end of JSON input/ }, logged: 'MALFORMED' },
  { input: 'empty body', server: 'none', contentType: JSON_MIME, body: new Uint8Array(0), status: 400, error: { code: 1000, value: /^invocation: json: cannot decode payload: Unexpected end of JSON input/ }, logged: 'MALFORMED' },
  { input: 'JSON body that is not UTF-8', server: 'none', contentType: JSON_MIME, body: hex('22ff22'), status: 400, error: { code: 1000, value: 'invocation: json: cannot decode payload: not valid UTF-8' }, logged: 'BAD_ENCODING' },
  { input: 'JSON nested 10,000 deep', server: 'none', contentType: JSON_MIME, body: utf8(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), status: 400, error: { code: 1000, value: 'invocation: json: cannot decode payload: nested deeper than maxDepth (256)' }, logged: 'TOO_DEEP' },
  { input: 'JSON array, not an invocation', server: 'none', contentType: JSON_MIME, body: json([1, 2]), status: 400, error: { code: 1000, value: 'invocation: expected an object {method, parameters}, got array of length 2' }, logged: 'BAD_SHAPE' },
  { input: 'no parameters', server: 'none', contentType: JSON_MIME, body: json({ method: 'echo' }), status: 400, error: { code: 1000, value: 'invocation.parameters: missing (Toto always sends it; {} for none)' }, logged: 'BAD_SHAPE' },
  { input: 'unknown method', server: 'none', contentType: JSON_MIME, body: json({ method: 'nope', parameters: {} }), status: 404, error: { code: 1002, value: 'unknown method "nope"' } },
  { input: 'JSON body sent as msgpack', server: 'none', contentType: MSGPACK_MIME, body: valid, status: 400, error: { code: 1000, value: 'invocation: msgpack: cannot decode payload: 31 bytes after the value (at byte 1)' }, logged: 'MALFORMED' },
  { input: 'msgpackr self-referencing array', server: 'none', contentType: MSGPACK_MIME, body: hex('d6690000000192d67000000001d67000000001'), status: 400, error: { code: 1000, value: 'invocation: msgpack: cannot decode payload: extension type 105 (4 bytes) at byte 0: only plain msgpack is accepted' }, logged: 'UNSUPPORTED_TYPE' },
  { input: `body of ${HTTP_MAX_BODY_BYTES + 1} bytes (over the server's maxBodyBytes)`, server: 'none', contentType: JSON_MIME, body: new Uint8Array(HTTP_MAX_BODY_BYTES + 1).fill(0x20), status: 413, error: { code: 1000, value: `request body of ${HTTP_MAX_BODY_BYTES + 1} bytes exceeds maxBodyBytes (${HTTP_MAX_BODY_BYTES})` } },
  { input: `body of ${HTTP_TRANSPORT_MAX_BODY_BYTES + 1} bytes (over the transport's limit)`, server: 'none', contentType: JSON_MIME, body: new Uint8Array(HTTP_TRANSPORT_MAX_BODY_BYTES + 1).fill(0x20), status: 413, error: { code: 1000, value: `request body exceeds the transport's maxBodyBytes (${HTTP_TRANSPORT_MAX_BODY_BYTES})` } },
  { input: 'zlib server: uncompressed JSON', server: 'zlib', contentType: JSON_MIME, body: valid, status: 400, error: { code: 1000, value: 'invocation: zlib: cannot decompress payload (not zlib data or truncated): incorrect header check' }, logged: 'MALFORMED' },
  { input: 'zlib server: zip bomb (64 MiB of zeros in 64 KB)', server: 'zlib', contentType: JSON_MIME, body: deflateSync(new Uint8Array(64 * MiB)), status: 400, error: { code: 1000, value: `invocation: zlib: decompressed payload exceeds the limit (${MAX_PAYLOAD_BYTES} bytes); inflating stopped there` }, logged: 'TOO_LARGE' },
];

describe('what an HTTP client sees for each class of bad request', () => {
  for (const row of HTTP_REPLY_TABLE) {
    it(`${row.server}: ${row.input} -> ${row.status} ${row.error.code} ${String(row.error.value).slice(0, 60)}`, async () => {
      const before = await stats(row.server);
      const response = await send(agent, fixture.endpoints[row.server] as string, { method: row.method ?? 'POST', contentType: row.contentType, body: row.body }, 15_000);
      expect(response.status).toBe(row.status);
      expect(response.contentType).toBe(JSON_MIME);
      const body = JSON.parse(response.body.toString('utf8')) as { error: { code: number; value: string } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe(row.error.code);
      if (typeof row.error.value === 'string') expect(body.error.value).toBe(row.error.value);
      else expect(body.error.value).toMatch(row.error.value);
      const after = await stats(row.server);
      const logged = Object.entries(after.wireCodes).flatMap(([code, n]) => Array.from({ length: n - (before.wireCodes[code] ?? 0) }, () => code));
      expect(logged).toEqual(row.logged === undefined ? [] : [row.logged]);
    });
  }

  it('bytes that are not HTTP: node:http answers 400 Bad Request (text) and closes', async () => {
    const answer = await rawExchange(Number(new URL(fixture.endpoints.none as string).port), utf8('\u0000\u0001 hello\r\n\r\n'), 10_000);
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  it('200 slowloris connections holding partial requests: no answer to them, valid calls still served, the process stays within its memory bound', async () => {
    const port = Number(new URL(fixture.endpoints.none as string).port);
    const head = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
    const held = await Promise.all(
      Array.from({ length: 200 }, (_, i) => slowloris(port, utf8(i % 2 === 0 ? head : `${head}Content-Length: 1000\r\n\r\n{"method":`), 10_000)),
    );
    try {
      await validCalls('none', -1);
      expect(held.every((h) => h.received() === '' && !h.closed())).toBe(true);
      expect(fixture.alive()).toBe(true);
      expect(fixture.rssBytes()).toBeLessThan(RSS_BOUND_BYTES);
    } finally {
      for (const h of held) h.destroy();
    }
    await validCalls('none', -2);
  });
});

for (const compression of ['none', 'zlib'] as const) {
  describe(`bad requests against the running HTTP worker, server "${compression}" (seed ${seed}, ${RUNS_PER_SERVER} cases)`, () => {
    it('never crashes, hangs or grows the process, and valid calls go on being served', async () => {
      const url = fixture.endpoints[compression] as string;
      const tally: HttpTally = { cases: 0, byLabel: {}, statuses: {}, runs: 0, rssMaxBytes: 0, slowestMs: 0 };
      const start = await stats(compression);
      const connCallsBefore = connCalls[compression]!;
      await fc.assert(
        fc.asyncProperty(httpCaseArb(compression), async (c) => {
          const startedMs = performance.now();
          await runHttpCase(c, agent, url, tally, () => validCalls(compression, tally.cases));
          tally.slowestMs = Math.max(tally.slowestMs, performance.now() - startedMs);
          tally.byLabel[c.label] = (tally.byLabel[c.label] ?? 0) + 1;
          checkProcess(fixture, tally);
          // After every case a valid call (CALL_TIMEOUT_MS deadline), through both serializations every BATCH cases.
          if (++tally.cases % BATCH === 0) await validCalls(compression, tally.cases);
          else await validCall(tally.cases % 2 === 0 ? 'json' : 'msgpack', compression, tally.cases);
        }),
        { seed, numRuns: RUNS_PER_SERVER },
      );
      await validCalls(compression, -1);
      const end = await stats(compression);
      // Every method run is a call we made or a bad request that happened to be a valid call (a 200).
      expect(end.calls - start.calls).toBe(connCalls[compression]! - connCallsBefore + tally.runs);
      expect(end.heapUsedBytes - start.heapUsedBytes).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);
      console.log(
        `bad-input http ${compression}: ${tally.cases} cases ${JSON.stringify(tally.byLabel)}; statuses ${JSON.stringify(tally.statuses)}; ` +
          `server logged ${JSON.stringify(end.wireCodes)}; slowest case ${tally.slowestMs.toFixed(0)} ms; rss max ${(tally.rssMaxBytes / MiB).toFixed(0)} MiB (bound ${RSS_BOUND_BYTES / MiB}); ` +
          `heap after GC ${(start.heapUsedBytes / MiB).toFixed(1)} -> ${(end.heapUsedBytes / MiB).toFixed(1)} MiB`,
      );
    }, 600_000);
  });
}
