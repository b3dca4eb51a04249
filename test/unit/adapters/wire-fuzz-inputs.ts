// Inputs and the invariant for the wire fuzz campaign (wire-fuzz-*.test.ts): what an attacker
// sends (random bytes, mutated valid payloads, adversarial payloads per codec, wrong frames) and
// the one rule every decode must keep -- a valid value or a coded WireFormatError, quickly.
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { expect } from 'vitest';
import { createCodecs } from '../../../src/adapters/codecs.js';
import { MAX_DEPTH_DEFAULT } from '../../../src/core/codec.js';
import { TotoError, WIRE_FORMAT_CODES, WireFormatError } from '../../../src/core/errors.js';
import { encodeInvocation, encodeReply, type WireCodecs, type WireOptions } from '../../../src/core/wire.js';

export const seed = Number(process.env.FC_SEED ?? 42);
/** 1,000 cases per property in CI; any FC_NUM_RUNS (test:long sets one) asks for the full run, at least 10,000. */
export const numRuns = process.env.FC_NUM_RUNS === undefined ? 1000 : Math.max(10_000, Number(process.env.FC_NUM_RUNS));
/** Vitest's timeout for one property: 30 ms a case (the zlib paths average 2-4 ms a case, plus generation). */
export const propertyTimeoutMs = Math.max(30_000, numRuns * 30);

/** Generous: a case takes well under 50 ms; this only catches a hang or a quadratic blow-up on a loaded machine. */
export const CASE_BOUND_MS = 2000;

export const CODEC_PATHS = {
  json: createCodecs({ serialization: 'json' }),
  'json+zlib': createCodecs({ serialization: 'json', compression: 'zlib' }),
  msgpack: createCodecs({ serialization: 'msgpack' }),
  'msgpack+zlib': createCodecs({ serialization: 'msgpack', compression: 'zlib' }),
} as const satisfies Record<string, WireCodecs>;
export type CodecPath = keyof typeof CODEC_PATHS;

/** Limits a case decodes under: the defaults, or tight ones so the bounds themselves are crossed often. */
export const limitsArb: fc.Arbitrary<WireOptions | undefined> = fc.constantFrom(undefined, { maxPayloadBytes: 64 * 1024, maxDepth: 32 });

/** Statistics a campaign reports at its end. */
export class CaseStats {
  cases = 0;
  accepted = 0;
  refused = new Map<string, number>();
  maxMs = 0;
  totalMs = 0;
  summary(name: string): string {
    const codes = [...this.refused].map(([code, n]) => `${code} ${n}`).join(', ');
    return `${name}: ${this.cases} cases, ${this.accepted} decoded, refused {${codes}}, slowest ${this.maxMs.toFixed(1)} ms, total ${this.totalMs.toFixed(0)} ms`;
  }
}

const INTERNAL_TEXT = /Cannot read properties|is not a function|is not iterable|Maximum call stack|Cannot convert|Invalid array length|undefined is not/;
/** Longest message a WireFormatError may have (errors.ts bounds it to 4 x 200 plus the size suffix). */
const MESSAGE_MAX = 4 * 200 + 40;

/** Runs one decode: it returns a value `check` accepts, or throws a coded, bounded WireFormatError, within CASE_BOUND_MS. */
export function decodeCase<T>(stats: CaseStats, run: () => T, check: (value: T) => void): void {
  const start = performance.now();
  let value: T | undefined;
  let failure: unknown;
  let threw = false;
  try {
    value = run();
  } catch (error) {
    threw = true;
    failure = error;
  }
  const ms = performance.now() - start;
  stats.cases++;
  stats.totalMs += ms;
  stats.maxMs = Math.max(stats.maxMs, ms);
  expect(ms).toBeLessThan(CASE_BOUND_MS);
  if (threw) {
    if (!(failure instanceof WireFormatError)) throw new Error(`not a WireFormatError: ${String(failure)}`, { cause: failure });
    expect(WIRE_FORMAT_CODES).toContain(failure.code);
    expect(failure.message).not.toMatch(INTERNAL_TEXT);
    expect(failure.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
    stats.refused.set(failure.code, (stats.refused.get(failure.code) ?? 0) + 1);
    return;
  }
  stats.accepted++;
  check(value as T);
}

/**
 * A decoded value is plain data: no cycles and no shared objects (each object reached once), no
 * nesting past maxDepth, only JSON/msgpack types. Walked iteratively, so the check cannot overflow.
 */
export function checkPlain(value: unknown, maxDepth = MAX_DEPTH_DEFAULT): void {
  const seen = new Set<object>();
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof item)) continue;
    if (item instanceof Uint8Array || item instanceof Date) continue;
    expect(typeof item).toBe('object');
    const object = item as object;
    expect(seen.has(object)).toBe(false);
    seen.add(object);
    expect(depth + 1).toBeLessThanOrEqual(maxDepth);
    const proto: unknown = Object.getPrototypeOf(object);
    expect(Array.isArray(object) || proto === Object.prototype).toBe(true);
    for (const child of Object.values(object)) stack.push([child, depth + 1]);
  }
}

export function checkReply(reply: { ok: boolean; value?: unknown; error?: TotoError }, maxDepth?: number): void {
  if (reply.ok) return checkPlain(reply.value, maxDepth);
  expect(reply.error).toBeInstanceOf(TotoError);
  expect(Number.isSafeInteger(reply.error?.code)).toBe(true);
  expect(typeof reply.error?.value).toBe('string');
}

// ---------------------------------------------------------------------------------------------
// Payloads

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
const utf8 = (s: string) => new TextEncoder().encode(s);

const valueArb = fc.jsonValue({ maxDepth: 5 });
const methodArb = fc.stringMatching(/^[A-Za-z0-9_]{1,6}(\.[A-Za-z0-9_]{1,6}){0,2}$/);

/** A payload a correct peer would send over `path`: an invocation, a reply or an error reply. */
export function validPayloadArb(path: CodecPath): fc.Arbitrary<Uint8Array> {
  const codecs = CODEC_PATHS[path];
  return fc.oneof(
    fc.record({ method: methodArb, parameters: valueArb }).map((inv) => encodeInvocation(inv, codecs)),
    valueArb.map((value) => encodeReply(value, codecs)),
    fc.record({ code: fc.integer(), value: fc.string() }).map(({ code, value }) => encodeReply(new TotoError(code, value), codecs)),
  );
}

type Mutation = { at: number; kind: 'flip' | 'set' | 'insert' | 'delete' | 'truncate' | 'duplicate'; byte: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'duplicate'),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(payload: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Array.from(payload);
  for (const { at, kind, byte } of mutations) {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 'flip') bytes[i] = (bytes[i] ?? 0) ^ (1 << (byte % 8));
    else if (kind === 'set') bytes[i] = byte;
    else if (kind === 'insert') bytes.splice(i, 0, byte);
    else if (kind === 'delete') bytes.splice(i, 1);
    else if (kind === 'truncate') bytes = bytes.slice(0, i);
    else bytes = [...bytes.slice(0, i), ...bytes.slice(i, i + 1 + (byte % 16)), ...bytes.slice(i)];
  }
  return Uint8Array.from(bytes);
}

export function mutatedPayloadArb(path: CodecPath): fc.Arbitrary<Uint8Array> {
  return fc.tuple(validPayloadArb(path), fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([p, m]) => mutate(p, m));
}

// Zip bombs, made once: zeros, an opening-bracket flood (deep JSON), a huge JSON string, a huge
// msgpack str32, array32 of nils, and floods of empty arrays in both formats.
const MiB = 1024 * 1024;
const bombs = {
  zeros: deflateSync(new Uint8Array(20 * MiB), { level: 9 }),
  brackets: deflateSync(new Uint8Array(4 * MiB).fill(0x5b), { level: 9 }),
  jsonString: deflateSync(utf8(`{"method":"a","parameters":"${'a'.repeat(8 * MiB)}"}`), { level: 9 }),
  msgpackStr: deflateSync(concat(hex('db00800000'), new Uint8Array(8 * MiB).fill(0x61)), { level: 9 }),
  msgpackNils: deflateSync(concat(hex('dd00100000'), new Uint8Array(MiB).fill(0xc0)), { level: 9 }),
  // Millions of empty containers: ~50 bytes of decoded object per byte of input (maxContainers).
  msgpackArrays: deflateSync(concat(hex('dd00f00000'), new Uint8Array(15 * MiB).fill(0x90)), { level: 9 }),
  jsonArrays: deflateSync(utf8(`[${'[],'.repeat(4 * MiB)}[]]`), { level: 9 }),
};

/** msgpackr's structured-clone references: a self-referencing array, and 2^20 paths through shared ones. */
const CYCLIC = hex('d6690000000192d67000000001d67000000001');
const shared = (levels: number) =>
  concat(
    ...Array.from({ length: levels }, (_, i) => hex(`92d669${(levels - i).toString(16).padStart(8, '0')}`)),
    hex('9101'),
    ...Array.from({ length: levels }, (_, i) => hex(`d670${(i + 1).toString(16).padStart(8, '0')}`)),
  );

const nest = (open: string, close: string, depth: number, inner = '1') => utf8(`${open.repeat(depth)}${inner}${close.repeat(depth)}`);

/** `big` caps the large sizes: smaller when the payload is also deflated per case (deflating MiBs per case is the campaign's main cost). */
const jsonAdversarial = (big: number): fc.Arbitrary<Uint8Array>[] => [
  fc.integer({ min: 1, max: 6000 }).map((d) => nest('[', ']', d)),
  fc.integer({ min: 1, max: 6000 }).map((d) => nest('{"a":', '}', d)),
  fc.integer({ min: 1, max: 6000 }).map((d) => utf8(`{"error":{"code":1,"value":${'['.repeat(d)}${']'.repeat(d)}}}`)),
  fc.integer({ min: 1, max: 6000 }).map((d) => utf8('['.repeat(d))), // unclosed
  fc.integer({ min: 1, max: big / 4 }).map((n) => utf8(`{"error":{"code":1,"value":${'9'.repeat(n)}}}`)),
  fc.constantFrom('1e999999', '-1e-999999', '123456789012345678901234567890', '{"error":{"code":1e300,"value":"x"}}').map(utf8),
  fc.integer({ min: 0, max: big }).map((n) => utf8(JSON.stringify({ method: 'a', parameters: 'x'.repeat(n) }))),
  fc.integer({ min: 0, max: big / 8 }).map((n) => utf8(JSON.stringify({ method: `${'a.'.repeat(n)}b`, parameters: {} }))),
  fc.constantFrom(
    '{"error":{"code":1,"value":{"toString":1}}}',
    '{"error":{"code":1,"value":{"toString":1,"valueOf":1}}}',
    '{"error":{"toString":1}}',
    '{"__proto__":{"method":"a"},"parameters":{}}',
    '{"method":"a","parameters":{},"__proto__":null}',
    '{"method":"constructor","parameters":{"__proto__":{"polluted":1}}}',
    '"\\ud800"',
    '{"method":"a","parameters":"\\u0000"}',
    `"${'['.repeat(1000)}"`,
    '{"error":{"code":1,"value":"\\"]]]]]"}}',
  ).map(utf8),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => concat(utf8('{"method":"a","parameters":"'), b, utf8('"}'))),
];

/** Heads of msgpack containers and lengths that lie, extension types of every id, keys of every kind. */
const msgpackAdversarial = (big: number): fc.Arbitrary<Uint8Array>[] => [
  fc.constant(CYCLIC),
  fc.integer({ min: 1, max: 20 }).map(shared),
  fc.integer({ min: 1, max: 6000 }).map((d) => concat(new Uint8Array(d).fill(0x91), hex('01'))),
  fc.integer({ min: 1, max: 6000 }).map((d) => concat(...Array.from({ length: d }, () => hex('81a161')), hex('01'))),
  fc.tuple(fc.constantFrom('dc', 'dd', 'de', 'df', 'd9', 'da', 'db', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'), fc.uint8Array({ minLength: 0, maxLength: 8 })).map(
    ([head, rest]) => concat(hex(head), rest),
  ),
  fc.tuple(fc.integer({ min: -128, max: 127 }), fc.constantFrom(1, 2, 4, 8, 16), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(
    ([type, size, data]) => concat(hex((0xd4 + Math.log2(size)).toString(16)), Uint8Array.of(type & 0xff), data.subarray(0, size)),
  ),
  fc.tuple(fc.integer({ min: -128, max: 127 }), fc.integer({ min: 0, max: 300 })).map(([type, n]) =>
    concat(hex('c9'), Uint8Array.of(0, 0, n >> 8, n & 0xff, type & 0xff), new Uint8Array(n).fill(0x42)),
  ),
  // Map keys that are arrays, maps, bin, extensions, nil, floats, "__proto__".
  fc.constantFrom('819101c0', '8180c0', '81c40100c0', '81d6ff00000001c0', '81c001', '81cb3ff000000000000001', '81a95f5f70726f746f5f5f81a16101').map(hex),
  fc.constantFrom('cfffffffffffffffff', 'd38000000000000000', 'cb7ff8000000000000', 'ca7f800000', 'c1', '91c1', 'a2fffe', 'd90341e282').map(hex),
  // The 4 MiB BigInt extension msgpackr would send (0x42), inside an error reply.
  fc.integer({ min: 1, max: 4 * big }).map((n) =>
    concat(hex(`81a56572726f7282a4636f646501a576616c7565c9${n.toString(16).padStart(8, '0')}42`), new Uint8Array(n).fill(0x7f)),
  ),
  fc.integer({ min: 0, max: big }).map((n) => concat(hex('82a66d6574686f64a161aa706172616d6574657273db'), Uint8Array.of(n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255), new Uint8Array(n).fill(0x61))),
];

/** zlib-specific: bombs, truncated, raw deflate, gzip, and any adversarial payload wrapped. */
function zlibAdversarial(inner: fc.Arbitrary<Uint8Array>[]): fc.Arbitrary<Uint8Array>[] {
  return [
    fc.constantFrom(...Object.values(bombs)),
    fc.tuple(fc.constantFrom(...Object.values(bombs)), fc.nat()).map(([b, at]) => b.subarray(0, at % b.length)),
    fc.oneof(...inner).map((payload) => deflateSync(payload)),
    fc.oneof(...inner).map((payload) => deflateRawSync(payload)),
    fc.oneof(...inner).map((payload) => gzipSync(payload)),
    fc.constant(hex('789c')),
  ];
}

export function adversarialArb(path: CodecPath): fc.Arbitrary<Uint8Array> {
  const inner = path.startsWith('json') ? jsonAdversarial : msgpackAdversarial;
  return fc.oneof(...(path.endsWith('zlib') ? zlibAdversarial(inner(64 * 1024)) : inner(MiB)));
}

/** Everything an attacker sends over one codec path. */
export function hostilePayloadArb(path: CodecPath): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 512 }), weight: 2 },
    { arbitrary: mutatedPayloadArb(path), weight: 3 },
    { arbitrary: validPayloadArb(path), weight: 1 },
    { arbitrary: adversarialArb(path), weight: 4 },
  );
}
