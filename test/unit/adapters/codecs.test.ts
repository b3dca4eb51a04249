// Proves the zlib and msgpack codecs round-trip (zlib in Toto's zlib format, msgpack interoperable), zlib decompression is bounded, createCodecs picks and validates codecs, and every error message reads as documented.
import { constants as bufferConstants } from 'node:buffer';
import { deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msgpackSerialization } from '../../../src/adapters/codec-msgpack.js';
import { ZLIB_MAX_OUTPUT_BYTES_DEFAULT, createZlibCompression, zlibCompression } from '../../../src/adapters/codec-zlib.js';
import { createCodecs } from '../../../src/adapters/codecs.js';
import { jsonSerialization, noCompression, type Compression, type Serialization } from '../../../src/core/codec.js';
import { WireFormatError } from '../../../src/core/errors.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);

/** True for a Uint8Array that is not a Buffer: callers must not come to rely on Buffer methods. */
const isPlain = (bytes: Uint8Array) => Object.getPrototypeOf(bytes) === Uint8Array.prototype;

describe('zlibCompression', () => {
  it('writes zlib format (what Python zlib.compress reads) and reads it back', () => {
    const data = new TextEncoder().encode('hello hello hello hello');
    const packed = zlibCompression.compress(data);
    expect(zlibCompression.name).toBe('zlib');
    expect(packed[0]).toBe(0x78); // zlib header: deflate, 32 KiB window
    expect(Array.from(inflateSync(packed))).toEqual(Array.from(data));
    expect(Array.from(zlibCompression.decompress(deflateSync(data)))).toEqual(Array.from(data));
    expect(isPlain(packed)).toBe(true);
    expect(isPlain(zlibCompression.decompress(packed))).toBe(true);
  });

  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        expect(Array.from(zlibCompression.decompress(zlibCompression.compress(data)))).toEqual(Array.from(data));
      }),
      { seed, numRuns },
    );
  });

  it('bounds decompressed size: a 1 MiB bomb against a 64 KiB limit is refused', () => {
    const small = createZlibCompression({ maxOutputBytes: 64 * 1024 });
    const bomb = deflateSync(new Uint8Array(1024 * 1024));
    expect(bomb.length).toBeLessThan(2048);
    expect(() => small.decompress(bomb)).toThrow(
      new WireFormatError('TOO_LARGE', 'zlib: decompressed payload exceeds maxOutputBytes (65536 bytes); inflating stopped there'),
    );
    // The caller's limit (the wire passes maxPayloadBytes) wins when it is smaller.
    expect(() => small.decompress(bomb, 1000)).toThrow(
      new WireFormatError('TOO_LARGE', 'zlib: decompressed payload exceeds the limit (1000 bytes); inflating stopped there'),
    );
    expect(() => small.decompress(bomb, 0)).toThrow(new RangeError('zlib.decompress: maxOutputBytes: expected an integer >= 1, got 0'));
    expect(small.decompress(deflateSync(new Uint8Array(64 * 1024)))).toHaveLength(64 * 1024);
    expect(ZLIB_MAX_OUTPUT_BYTES_DEFAULT).toBe(64 * 1024 * 1024);
  });

  it('refuses data that is not zlib, or truncated, with a clear error', () => {
    const data = new TextEncoder().encode('payload');
    expect(() => zlibCompression.decompress(data)).toThrow(
      new WireFormatError('MALFORMED', 'zlib: cannot decompress payload (not zlib data or truncated): incorrect header check'),
    );
    expect(() => zlibCompression.decompress(deflateRawSync(data))).toThrow(/^zlib: cannot decompress payload \(not zlib data/);
    const whole = zlibCompression.compress(data);
    expect(() => zlibCompression.decompress(whole.subarray(0, whole.length - 3))).toThrow(
      new WireFormatError('MALFORMED', 'zlib: cannot decompress payload (not zlib data or truncated): unexpected end of file'),
    );
    expect(() => zlibCompression.decompress('x' as never)).toThrow(new TypeError('zlib.decompress: expected a Uint8Array, got string'));
    expect(() => zlibCompression.compress(null as never)).toThrow(new TypeError('zlib.compress: expected a Uint8Array, got null'));
  });

  it('validates its options', () => {
    expect(() => createZlibCompression({ level: 10 })).toThrow(new RangeError('level: expected an integer in [-1, 9], got 10'));
    expect(() => createZlibCompression({ maxOutputBytes: 0 })).toThrow(
      new RangeError(`maxOutputBytes: expected an integer in [1, ${bufferConstants.MAX_LENGTH}], got 0`),
    );
    expect(() => createZlibCompression({ maxOutputBytes: Number.NaN })).toThrow(new RangeError('maxOutputBytes: expected a number, got NaN'));
    expect(() => createZlibCompression({ maxOutputLength: 5 } as never)).toThrow(
      new RangeError('zlib options: unknown option "maxOutputLength" (known: level, maxOutputBytes)'),
    );
    expect(createZlibCompression({ level: 9 }).compress(new Uint8Array(10)).length).toBeGreaterThan(0);
  });
});

describe('msgpackSerialization', () => {
  it('names itself and returns plain Uint8Arrays', () => {
    expect(msgpackSerialization.name).toBe('msgpack');
    expect(msgpackSerialization.mime).toBe('application/msgpack');
    expect(isPlain(msgpackSerialization.dumps({ a: 1 }))).toBe(true);
  });

  it('writes standard msgpack maps (no msgpackr records), readable by any implementation', () => {
    // {"a": 1} as a standard map; msgpackr's default would use its records extension instead.
    expect(Array.from(msgpackSerialization.dumps({ a: 1 })).slice(-3)).toEqual([0xa1, 0x61, 0x01]);
    expect(msgpackSerialization.loads(new Uint8Array([0x81, 0xa1, 0x61, 0x01]))).toEqual({ a: 1 });
    // uint64 from another implementation: a number when safe, a BigInt beyond 2^53.
    expect(msgpackSerialization.loads(new Uint8Array([0xcf, 0, 0, 0, 0, 0, 0, 0, 0xff]))).toBe(255);
    expect(msgpackSerialization.loads(new Uint8Array([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(2n ** 64n - 1n);
  });

  it('reads every plain msgpack type as the spec writes it (what another implementation sends)', () => {
    const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
    const cases: [string, unknown][] = [
      ['c0', null], ['c2', false], ['c3', true], ['7f', 127], ['e0', -32], ['cc ff', 255], ['cd ffff', 65535],
      ['ce ffffffff', 4294967295], ['d0 80', -128], ['d1 8000', -32768], ['d2 80000000', -2147483648],
      ['d3 ffffffffffffffff', -1], ['ca 3fc00000', 1.5], ['cb 3ff8000000000000', 1.5], ['a3 616263', 'abc'],
      ['d9 03 616263', 'abc'], ['da 0003 616263', 'abc'], ['db 00000003 616263', 'abc'], ['a2 c3a9', 'é'],
      ['c4 02 0102', new Uint8Array([1, 2])], ['c5 0002 0102', new Uint8Array([1, 2])], ['c6 00000002 0102', new Uint8Array([1, 2])],
      ['92 01 02', [1, 2]], ['dc 0002 01 02', [1, 2]], ['dd 00000002 01 02', [1, 2]], ['90', []], ['80', {}],
      ['81 a161 01', { a: 1 }], ['de 0001 a161 01', { a: 1 }], ['df 00000001 a161 01', { a: 1 }], ['81 01 a161', { 1: 'a' }],
      // The timestamp extension (-1) in its three sizes.
      ['d6 ff 00000001', new Date(1000)], ['d7 ff 00000000 00000001', new Date(1000)], ['c7 0c ff 00000000 0000000000000001', new Date(1000)],
    ];
    for (const [bytes, value] of cases) {
      const decoded = msgpackSerialization.loads(hex(bytes.replace(/ /g, '')));
      if (value instanceof Uint8Array) expect(Array.from(decoded as Uint8Array)).toEqual(Array.from(value));
      else expect(decoded).toEqual(value);
    }
  });

  it('refuses exactly the msgpack values nested deeper than maxDepth', () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 6 }), (value, maxDepth) => {
        const bytes = msgpackSerialization.dumps(value);
        if (depthOf(value) > maxDepth) {
          expect(() => msgpackSerialization.loads(bytes, { maxDepth })).toThrow(
            new WireFormatError('TOO_DEEP', `msgpack: cannot decode payload: nested deeper than maxDepth (${maxDepth})`),
          );
        } else {
          expect(msgpackSerialization.loads(bytes, { maxDepth })).toEqual(JSON.parse(JSON.stringify(value)));
        }
      }),
      { seed, numRuns: numRuns * 2 },
    );
  });

  it('sends only plain msgpack: a value msgpackr would write as its own extension is refused on encode', () => {
    // msgpackr writes these without extensions when configured plain: a Set as an array, a Map as a map.
    expect(msgpackSerialization.loads(msgpackSerialization.dumps(new Set([1, 2])))).toEqual([1, 2]);
    expect(msgpackSerialization.loads(msgpackSerialization.dumps(new Map([['a', 1]])))).toEqual({ a: 1 });
    expect(msgpackSerialization.loads(msgpackSerialization.dumps(new Date(1000)))).toEqual(new Date(1000));
    // Nested deeper than the encoder's own bound (1,024): refused rather than sent.
    let deep: unknown = 1;
    for (let i = 0; i < 1100; i++) deep = [deep];
    expect(() => msgpackSerialization.dumps(deep)).toThrow(/^msgpack: cannot encode array of length 1 as plain msgpack: nested deeper than maxDepth \(1024\)/);
  });

  it('round-trips any JSON value without a "__proto__" key', () => {
    fc.assert(
      fc.property(fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__"')), (value) => {
        // The model is JSON's own round trip, which turns -0 into 0 (msgpackr does the same).
        expect(msgpackSerialization.loads(msgpackSerialization.dumps(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed, numRuns },
    );
  });

  it('renames a "__proto__" key on decode (msgpackr guards against prototype pollution)', () => {
    const decoded = msgpackSerialization.loads(msgpackSerialization.dumps(JSON.parse('{"__proto__": 1, "a": 2}'))) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto_', 'a']);
  });

  it('keeps encodings independent: an earlier result is not overwritten by a later dumps', () => {
    const first = msgpackSerialization.dumps({ first: 'x'.repeat(100) });
    const copy = Array.from(first);
    for (let i = 0; i < 200; i++) msgpackSerialization.dumps({ i, filler: 'y'.repeat(100) });
    expect(Array.from(first)).toEqual(copy);
  });

  it('encodes undefined as nil', () => {
    expect(msgpackSerialization.loads(msgpackSerialization.dumps([undefined, { a: undefined }]))).toEqual([null, { a: null }]);
  });

  it('rejects what it cannot encode or decode, with the codec named', () => {
    expect(() => msgpackSerialization.dumps(2n ** 70n)).toThrow(/^msgpack: cannot encode value: .*too large/);
    expect(() => msgpackSerialization.dumps(Symbol('s'))).toThrow(new TypeError('msgpack: cannot encode value: Unknown type: symbol'));
    expect(() => msgpackSerialization.loads(new Uint8Array())).toThrow(
      new WireFormatError('MALFORMED', 'msgpack: cannot decode payload: truncated: value expected at byte 0'),
    );
    expect(() => msgpackSerialization.loads(new Uint8Array([0x92, 0x01]))).toThrow(
      new WireFormatError('MALFORMED', 'msgpack: cannot decode payload: array of 2 entries at byte 1 but only 1 bytes left'),
    );
    expect(() => msgpackSerialization.loads(new Uint8Array([0x93, 0x01, 0x02, 0x03, 0x04]))).toThrow(
      new WireFormatError('MALFORMED', 'msgpack: cannot decode payload: 1 bytes after the value (at byte 4)'),
    );
    expect(() => msgpackSerialization.loads(new Uint8Array([0xc1]))).toThrow(
      new WireFormatError('MALFORMED', 'msgpack: cannot decode payload: reserved byte 0xc1 at byte 0'),
    );
    expect(() => msgpackSerialization.loads(new Uint8Array([0x91, 0x81, 0xa1, 0x61, 0xc1]))).toThrow(
      new WireFormatError('MALFORMED', 'msgpack: cannot decode payload: reserved byte 0xc1 at byte 4'),
    );
    expect(() => msgpackSerialization.loads([1] as never)).toThrow(
      new TypeError('msgpack: cannot decode payload: expected a Uint8Array, got array of length 1'),
    );
  });
});

describe('createCodecs', () => {
  it('defaults to json and no compression', () => {
    expect(createCodecs()).toEqual({ serialization: jsonSerialization, compression: noCompression });
    expect(createCodecs({})).toEqual({ serialization: jsonSerialization, compression: noCompression });
  });

  it('picks by name', () => {
    const codecs = createCodecs({ serialization: 'msgpack', compression: 'zlib' });
    expect(codecs.serialization).toBe(msgpackSerialization);
    expect(codecs.compression).toBe(zlibCompression);
    const wire = codecs.compression.compress(codecs.serialization.dumps({ name: 'ping', args: [1] }));
    expect(codecs.serialization.loads(codecs.compression.decompress(wire))).toEqual({ name: 'ping', args: [1] });
  });

  it('accepts custom implementations', () => {
    const custom: Serialization = { name: 'custom', mime: 'text/plain', dumps: () => new Uint8Array(), loads: () => null };
    const identity: Compression = { name: 'id', compress: (b) => b, decompress: (b) => b };
    expect(createCodecs({ serialization: custom, compression: identity })).toEqual({ serialization: custom, compression: identity });
  });

  it('rejects unknown names and incomplete implementations', () => {
    expect(() => createCodecs({ serialization: 'pickle' as never })).toThrow(
      new RangeError('serialization: expected one of "json", "msgpack", got "pickle"'),
    );
    expect(() => createCodecs({ compression: 'gzip' as never })).toThrow(
      new RangeError('compression: expected one of "none", "zlib", got "gzip"'),
    );
    expect(() => createCodecs({ serialization: 5 as never })).toThrow(new RangeError('serialization: expected one of "json", "msgpack", got 5'));
    expect(() => createCodecs({ serialization: { name: 'x', mime: 'y', dumps: () => new Uint8Array() } as never })).toThrow(
      new TypeError('serialization.loads: expected a function, got undefined'),
    );
    expect(() => createCodecs({ serialization: { dumps: () => 1 } as never })).toThrow(
      new TypeError('serialization.name: expected a string, got undefined'),
    );
    expect(() => createCodecs({ compression: { name: 'x', compress: 3 } as never })).toThrow(
      new TypeError('compression.compress: expected a function, got 3'),
    );
    expect(() => createCodecs({ serialisation: 'json' } as never)).toThrow(
      new RangeError('codecs options: unknown option "serialisation" (known: serialization, compression)'),
    );
    expect(() => createCodecs(null as never)).toThrow(new TypeError('codecs options: expected an options object, got null'));
  });
});
