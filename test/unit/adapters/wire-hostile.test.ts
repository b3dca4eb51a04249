// Proves each payload the attacker-style fuzz campaign found is now refused (or read) quickly as a WireFormatError with a code and a bounded message, never a hang, a raw TypeError/RangeError or a 60 MiB inflation: msgpackr reference extensions (cyclic and shared), a toString key, 4,105-deep errors, a zlib bomb and a 4 MiB BigInt.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { msgpackSerialization } from '../../../src/adapters/codec-msgpack.js';
import { createCodecs } from '../../../src/adapters/codecs.js';
import { MAX_CONTAINERS_DEFAULT, MAX_DEPTH_DEFAULT } from '../../../src/core/codec.js';
import { ErrorCode, MESSAGE_ECHO_CHARS, TotoError, WIRE_FORMAT_CODES, WireFormatError, preview } from '../../../src/core/errors.js';
import { decodeInvocation, decodeReply, type WireCodecs } from '../../../src/core/wire.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const text = (s: string) => new TextEncoder().encode(s);
const json = createCodecs({ serialization: 'json' });
const jsonZlib = createCodecs({ serialization: 'json', compression: 'zlib' });
const msgpack = createCodecs({ serialization: 'msgpack' });

/** Runs fn, returns what it threw and how long it took (ms). */
function attempt(fn: () => unknown): { error: unknown; value: unknown; ms: number } {
  const start = performance.now();
  try {
    const value = fn();
    return { error: undefined, value, ms: performance.now() - start };
  } catch (error) {
    return { error, value: undefined, ms: performance.now() - start };
  }
}

function refused(codecs: WireCodecs, payload: Uint8Array, decoder: typeof decodeReply | typeof decodeInvocation = decodeReply) {
  const { error, ms } = attempt(() => decoder(payload, codecs));
  expect(error).toBeInstanceOf(WireFormatError);
  const wire = error as WireFormatError;
  expect(WIRE_FORMAT_CODES).toContain(wire.code);
  expect(wire.message).not.toMatch(/Cannot read properties|is not a function|Maximum call stack|Cannot convert/);
  return { error: wire, ms };
}

// msgpackr's structured-clone extensions: 0xd6 0x69 <id> declares a referable object, 0xd6 0x70
// <id> points back at one. Here an array holds itself twice.
const CYCLIC = hex('d6690000000192d67000000001d67000000001');

// Packr({structuredClone: true}).pack({error: {code: 1, value: x}}) with x = [x', x'] 24 times
// over [1]: 338 bytes, no cycle, but 2^24 paths through shared references -- any walk of it
// (our 0xc1 scan, String() in TotoError.fromJSON) was exponential.
const SHARED = [
  'de0001a56572726f72de0002a4636f646501a576616c756592d6690000001892d6690000001792d6690000001692d669',
  '0000001592d6690000001492d6690000001392d6690000001292d6690000001192d6690000001092d6690000000f92d6',
  '690000000e92d6690000000d92d6690000000c92d6690000000b92d6690000000a92d6690000000992d6690000000892',
  'd6690000000792d6690000000692d6690000000592d6690000000492d6690000000392d6690000000292d66900000001',
  '9101d67000000001d67000000002d67000000003d67000000004d67000000005d67000000006d67000000007d6700000',
  '0008d67000000009d6700000000ad6700000000bd6700000000cd6700000000dd6700000000ed6700000000fd6700000',
  '0010d67000000011d67000000012d67000000013d67000000014d67000000015d67000000016d67000000017d6700000',
  '0018',
].join('');

describe('msgpackr reference extensions (finding 1)', () => {
  it('refuses the 19-byte self-referencing array at once', () => {
    expect(CYCLIC).toHaveLength(19);
    const { error, ms } = refused(msgpack, CYCLIC);
    expect(error.code).toBe('UNSUPPORTED_TYPE');
    expect(error.message).toBe(
      'reply: msgpack: cannot decode payload: extension type 105 (4 bytes) at byte 0: only plain msgpack is accepted',
    );
    expect(ms).toBeLessThan(100);
    expect(refused(msgpack, CYCLIC, decodeInvocation).error.code).toBe('UNSUPPORTED_TYPE');
  });

  it('refuses the non-cyclic shared-reference payload at once', () => {
    const payload = hex(SHARED);
    expect(payload).toHaveLength(338);
    const { error, ms } = refused(msgpack, payload);
    expect(error.code).toBe('UNSUPPORTED_TYPE');
    expect(ms).toBeLessThan(100);
  });

  it('refuses msgpackr records, typed arrays and unknown extensions; keeps the standard timestamp', () => {
    // 0xd4 0x72: a record definition; 0xd7 0x74: msgpackr's typed-array extension; 0xc7 01 05 xx: an app ext.
    for (const bytes of ['d47200', 'd7740000000000000000', 'c7010500', 'c800010700', 'd84200000010000000000000000000000000']) {
      expect(refused(msgpack, hex(bytes)).error.code).toBe('UNSUPPORTED_TYPE');
    }
    expect(decodeReply(hex('d6ff00000001'), msgpack)).toEqual({ ok: true, value: new Date(1000) });
  });

  it('refuses declared lengths the bytes cannot hold before anything is allocated', () => {
    // array32 of 2^32-1 items, map32 of 2^32-1 entries, str32 of 4 GiB, bin32 of 4 GiB: 6 bytes each.
    for (const bytes of ['ddffffffff01', 'dfffffffff01', 'dbffffffff61', 'c6ffffffff00']) {
      const { error, ms } = refused(msgpack, hex(bytes));
      expect(error.code).toBe('MALFORMED');
      expect(ms).toBeLessThan(100);
    }
  });
});

describe('malformed errors (finding 2)', () => {
  it('reads {"toString": 1} as an error value without calling it', () => {
    const reply = decodeReply(text('{"error":{"code":1,"value":{"toString":1}}}'), json);
    expect(reply).toEqual({ ok: false, error: new TotoError(1, '{"toString":1}') });
    expect(TotoError.fromJSON({ code: 1, value: { toString: 1, valueOf: 2 } }).value).toBe('{"toString":1,"valueOf":2}');
    expect(TotoError.fromJSON({ toString: 1 }).value).toBe('malformed error: {"toString":1}');
    // A getter is never run.
    const trap = Object.defineProperty({}, 'code', { get: () => { throw new TypeError('boom'); }, enumerable: true });
    expect(TotoError.fromJSON(trap)).toEqual(new TotoError(ErrorCode.SERVER, 'malformed error: {"code":undefined}'));
  });

  it('refuses an error 4,105 arrays deep as TOO_DEEP, and fromJSON survives any depth', () => {
    const deep = `{"error":{"code":1,"value":${'['.repeat(4105)}${']'.repeat(4105)}}}`;
    const { error } = refused(json, text(deep));
    expect(error).toEqual(new WireFormatError('TOO_DEEP', `reply: json: cannot decode payload: nested deeper than maxDepth (${MAX_DEPTH_DEFAULT})`));
    // Built in memory, 100,000 deep: fromJSON previews 8 levels and stops.
    let value: unknown = [];
    for (let i = 0; i < 100_000; i++) value = [value];
    const rebuilt = TotoError.fromJSON({ code: 7, value });
    expect(rebuilt.code).toBe(7);
    expect(rebuilt.value).toBe('[[[[[[[[[...]]]]]]]]]');
    // Same for msgpack: 4,105 fixarray headers.
    const packed = new Uint8Array(4106).fill(0x91);
    packed[4105] = 0x01;
    expect(refused(msgpack, packed).error.code).toBe('TOO_DEEP');
  });

  it('accepts nesting exactly at maxDepth and one level less than the refusal', () => {
    const at = `${'['.repeat(MAX_DEPTH_DEFAULT)}${']'.repeat(MAX_DEPTH_DEFAULT)}`;
    expect(decodeReply(text(at), json).ok).toBe(true);
    expect(refused(json, text(`[${at}]`)).error.code).toBe('TOO_DEEP');
    // Brackets inside strings do not count.
    expect(decodeReply(text(JSON.stringify('['.repeat(10_000))), json)).toEqual({ ok: true, value: '['.repeat(10_000) });
    expect(decodeReply(text(`[${'{"a":'.repeat(10)}1${'}'.repeat(10)}]`), json, { maxDepth: 11 }).ok).toBe(true);
  });
});

describe('zlib bomb (finding 3)', () => {
  // 60 MiB of zeros deflated at level 9: 61,161 bytes. The bytes are made here (a 61 KB literal
  // would say nothing more); what matters is that inflating stops at the bound.
  const bomb = deflateSync(Buffer.alloc(60 * 1024 * 1024), { level: 9 });

  it('stops inflating at maxPayloadBytes instead of inflating 60 MiB first', () => {
    expect(bomb.length).toBeLessThan(62 * 1024);
    const { error } = refused(jsonZlib, bomb, decodeInvocation);
    expect(error).toEqual(
      new WireFormatError('TOO_LARGE', 'invocation: zlib: decompressed payload exceeds the limit (16777216 bytes); inflating stopped there'),
    );
    // At a 1 MiB bound it costs what 1 MiB costs: compare with inflating to 16 MiB.
    const small = attempt(() => decodeInvocation(bomb, jsonZlib, { maxPayloadBytes: 1024 * 1024 }));
    expect((small.error as WireFormatError).code).toBe('TOO_LARGE');
    expect(small.ms).toBeLessThan(1000);
  });
});

describe('memory amplification (found while fixing the above)', () => {
  it('refuses 16 MiB of empty msgpack arrays (16.7 million objects: 2.1 s, 800 MB) after 1,000,000 containers', () => {
    const n = 16 * 1024 * 1024 - 5;
    const payload = new Uint8Array(n + 5).fill(0x90); // array32 header, then n empty arrays
    payload.set([0xdd, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255], 0);
    const { error, ms } = refused(msgpack, payload);
    expect(error).toEqual(
      new WireFormatError('TOO_LARGE', `reply: msgpack: cannot decode payload: more than maxContainers (${MAX_CONTAINERS_DEFAULT}) arrays and maps`),
    );
    expect(ms).toBeLessThan(1000);
  });

  it('refuses JSON holding more arrays and objects than maxContainers; accepts exactly maxContainers', () => {
    const list = (count: number) => text(`[${'[],'.repeat(count - 2)}[]]`);
    expect(decodeReply(list(1000), json, { maxContainers: 1000 }).ok).toBe(true);
    expect(() => decodeReply(list(1001), json, { maxContainers: 1000 })).toThrow(
      new WireFormatError('TOO_LARGE', 'reply: json: cannot decode payload: more than maxContainers (1000) arrays and objects'),
    );
    expect(() => decodeReply(hex('9190'), msgpack, { maxContainers: 1 })).toThrow(
      new WireFormatError('TOO_LARGE', 'reply: msgpack: cannot decode payload: more than maxContainers (1) arrays and maps'),
    );
  });
});

describe('huge BigInts and strings (finding 4)', () => {
  it('refuses msgpackr\'s 4 MiB BigInt extension at once', () => {
    // {error: {code: 1, value: <ext32 type 0x42, 4 MiB>}}: how msgpackr's useBigIntExtension sends a BigInt.
    const size = 4 * 1024 * 1024;
    const head = hex(`82a5636f646501a576616c7565`); // {code: 1, value: ...} (as the inner map)
    const payload = new Uint8Array(7 + head.length + 6 + size).fill(0x7f);
    payload.set(hex('81a56572726f72'), 0); // {error: ...}
    payload.set(head, 7);
    payload.set(hex(`c9${size.toString(16).padStart(8, '0')}42`), 7 + head.length);
    const { error, ms } = refused(msgpack, payload);
    expect(error.code).toBe('UNSUPPORTED_TYPE');
    expect(error.message.length).toBeLessThan(4 * MESSAGE_ECHO_CHARS + 40);
    expect(ms).toBeLessThan(1000);
  });

  it('previews a 4 MiB BigInt by its size, fast, and bounds every echo', () => {
    const big = 1n << (4n * 1024n * 1024n * 8n);
    const start = performance.now();
    const error = TotoError.fromJSON({ code: 1, value: big });
    expect(performance.now() - start).toBeLessThan(1000);
    expect(error.value).toBe('<bigint of 33554433 bits>');
    expect(preview('x'.repeat(5000))).toBe(`"${'x'.repeat(MESSAGE_ECHO_CHARS - 1)}...`);
    expect(TotoError.fromJSON('y'.repeat(1_000_000)).value.length).toBeLessThanOrEqual('malformed error: '.length + MESSAGE_ECHO_CHARS + 3);
    // A method name of 1 MB is echoed as 40 characters.
    const { error: bad } = refused(json, text(JSON.stringify({ method: 'a-'.repeat(500_000), parameters: {} })), decodeInvocation);
    expect(bad.code).toBe('BAD_SHAPE');
    expect(bad.message.length).toBeLessThan(200);
  });

  it('msgpack never decodes to anything but plain values', () => {
    expect(msgpackSerialization.loads(hex('cfffffffffffffffff'))).toBe(2n ** 64n - 1n);
    expect(() => msgpackSerialization.dumps(new Set([1]))).not.toThrow();
    expect(() => msgpackSerialization.dumps(new Int32Array(2))).not.toThrow();
  });
});
