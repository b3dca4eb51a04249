// Proves the worker wire format: invocations and replies round-trip through any codecs, Toto's {error: {code, value}} form is kept, ZeroMQ frame lists are built and parsed as Toto's DEALER/REP exchange them, HTTP headers and content types are chosen faithfully, payloads are bounded, and every error message reads exactly as documented.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression, type Compression, type Serialization } from '../../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import {
  MAX_MESSAGE_ID_BYTES,
  MAX_PAYLOAD_BYTES_DEFAULT,
  WireFormatError,
  dealerRequestFrames,
  decodeInvocation,
  decodeReply,
  encodeErrorReply,
  encodeInvocation,
  encodeReply,
  httpReplyCodecs,
  httpRequestHeaders,
  isMethodName,
  messageIdKey,
  parseDealerReply,
  parseRepRequest,
  repAckFrames,
  repReplyFrames,
  serializationForContentType,
  type WireCodecs,
} from '../../../src/core/wire.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };

/** A reversible "compression" (xor + a marker byte) so the tests see that compression wraps serialization. */
const xorCompression: Compression = {
  name: 'xor',
  compress: (bytes) => Uint8Array.from([0xfe, ...bytes.map((b) => b ^ 0x5a)]),
  decompress: (bytes) => {
    if (bytes[0] !== 0xfe) throw new Error('bad marker');
    return bytes.subarray(1).map((b) => b ^ 0x5a);
  },
};
const xor: WireCodecs = { serialization: jsonSerialization, compression: xorCompression };

/** JSON's own round trip (-0 becomes 0, undefined properties vanish): the model for any JSON codec. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const segment = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
const methodName = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const messageId = fc.uint8Array({ minLength: 1, maxLength: MAX_MESSAGE_ID_BYTES });

/** The error a function throws, for checking its class and exact message together. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('invocations', () => {
  it('encodes {method, parameters} as plain JSON, then compresses', () => {
    const payload = encodeInvocation({ method: 'a.b', parameters: { x: 1 } }, json);
    expect(str(payload)).toBe('{"method":"a.b","parameters":{"x":1}}');
    const packed = encodeInvocation({ method: 'a.b', parameters: { x: 1 } }, xor);
    expect(Array.from(packed)).toEqual(Array.from(xorCompression.compress(payload)));
  });

  it('sends {} for undefined parameters, as Toto defaulted them', () => {
    expect(str(encodeInvocation({ method: 'ping', parameters: undefined }, json))).toBe('{"method":"ping","parameters":{}}');
  });

  it('round-trips any method name and JSON parameters', () => {
    fc.assert(
      fc.property(methodName, fc.jsonValue(), fc.boolean(), (method, parameters, compressed) => {
        const codecs = compressed ? xor : json;
        const decoded = decodeInvocation(encodeInvocation({ method, parameters }, codecs), codecs);
        expect(decoded).toEqual({ method, parameters: viaJson(parameters) });
      }),
      { seed, numRuns },
    );
  });

  it('accepts Toto-style method names only', () => {
    for (const ok of ['a', 'a.b.c', 'account.create', 'A_1.b2', '_']) expect(isMethodName(ok)).toBe(true);
    for (const bad of ['', '.', 'a.', '.a', 'a..b', 'a b', 'a-b', 'a/b', 'é', 'a.b\n', 5, null, undefined]) {
      expect(isMethodName(bad)).toBe(false);
    }
  });

  it('ignores extra keys a newer peer may send', () => {
    expect(decodeInvocation(text('{"method":"a","parameters":1,"extra":true}'), json)).toEqual({ method: 'a', parameters: 1 });
  });

  it('rejects a bad method on decode with a WireFormatError that says what was wrong', () => {
    const cases: [string, string][] = [
      ['{"method":"","parameters":{}}', '""'],
      ['{"method":"a..b","parameters":{}}', '"a..b"'],
      ['{"method":"a b","parameters":{}}', '"a b"'],
      ['{"method":5,"parameters":{}}', '5'],
      ['{"method":null,"parameters":{}}', 'null'],
      ['{"parameters":{}}', 'undefined'],
    ];
    for (const [body, got] of cases) {
      const error = thrown(() => decodeInvocation(text(body), json));
      expect(error).toBeInstanceOf(WireFormatError);
      expect(error.name).toBe('WireFormatError');
      expect(error.message).toBe(`invocation.method: expected a dotted method name like "a.b.c", got ${got}`);
    }
  });

  it('rejects a payload that is not an invocation object', () => {
    expect(() => decodeInvocation(text('[1,2]'), json)).toThrow(
      new WireFormatError('BAD_SHAPE', 'invocation: expected an object {method, parameters}, got array of length 2'),
    );
    expect(() => decodeInvocation(text('null'), json)).toThrow(
      new WireFormatError('BAD_SHAPE', 'invocation: expected an object {method, parameters}, got null'),
    );
    expect(() => decodeInvocation(text('"a.b"'), json)).toThrow(
      new WireFormatError('BAD_SHAPE', 'invocation: expected an object {method, parameters}, got "a.b"'),
    );
    expect(() => decodeInvocation(text('{"method":"a.b"}'), json)).toThrow(
      new WireFormatError('BAD_SHAPE', 'invocation.parameters: missing (Toto always sends it; {} for none)'),
    );
  });

  it('names the codec that could not read the payload', () => {
    const notJson = text('{"method": nope}');
    const jsonMessage = thrown(() => jsonSerialization.loads(notJson)).message; // "json: cannot decode payload: ..."
    const error = thrown(() => decodeInvocation(notJson, json));
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error.message).toBe(`invocation: ${jsonMessage}`);
    expect(error.message.startsWith('invocation: json: cannot decode payload: ')).toBe(true);
    expect(error.cause).toBeInstanceOf(Error);

    expect(() => decodeInvocation(Uint8Array.of(0xff, 0xfe), json)).toThrow(
      new WireFormatError('BAD_ENCODING', 'invocation: json: cannot decode payload: not valid UTF-8'),
    );
    // A custom codec whose messages do not name it gets its name added.
    expect(() => decodeInvocation(text('{}'), xor)).toThrow(
      new WireFormatError('MALFORMED', 'invocation: xor: cannot decompress payload: bad marker'),
    );
    const silent: Serialization = { ...jsonSerialization, name: 'quiet', loads: () => { throw 'nope'; } };
    expect(() => decodeInvocation(text('{}'), { serialization: silent, compression: noCompression })).toThrow(
      new WireFormatError('MALFORMED', 'invocation: quiet: cannot decode payload: "nope"'),
    );
  });

  it('never repeats an engine error from a custom codec; keeps it as the cause', () => {
    const buggy: Serialization = { ...jsonSerialization, name: 'buggy', loads: () => (undefined as unknown as { x: { y: 1 } }).x.y };
    const error = thrown(() => decodeReply(text('{}'), { serialization: buggy, compression: noCompression }));
    expect(error).toEqual(new WireFormatError('MALFORMED', 'reply: buggy: cannot decode payload: the codec failed (TypeError, see cause)'));
    expect(error.cause).toBeInstanceOf(TypeError);
    const recursive: Serialization = { ...jsonSerialization, name: 'recursive', loads: function again(): unknown { return again(); } };
    expect(thrown(() => decodeReply(text('{}'), { serialization: recursive, compression: noCompression }))).toEqual(
      new WireFormatError('TOO_LARGE', 'reply: recursive: cannot decode payload: input too large or too deep for the decoder (maxPayloadBytes 16777216)'),
    );
  });

  it('rejects what it cannot encode, naming the codec', () => {
    expect(() => encodeInvocation({ method: 'a', parameters: { n: 10n } }, json)).toThrow(
      new WireFormatError('UNENCODABLE', 'invocation: json: cannot encode value: Do not know how to serialize a BigInt'),
    );
    const failing: Compression = { ...noCompression, name: 'broken', compress: () => { throw new Error('disk full'); } };
    expect(() => encodeInvocation({ method: 'a', parameters: {} }, { serialization: jsonSerialization, compression: failing })).toThrow(
      new WireFormatError('UNENCODABLE', 'invocation: broken: cannot compress payload: disk full'),
    );
  });

  it('rejects a bad method or invocation on encode as a caller error', () => {
    const error = thrown(() => encodeInvocation({ method: 'a.', parameters: {} }, json));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('invocation.method: expected a dotted method name like "a.b.c", got "a."');
    expect(() => encodeInvocation(null as never, json)).toThrow(
      new TypeError('invocation: expected an object {method, parameters}, got null'),
    );
  });

  it('checks its codecs and options', () => {
    expect(() => encodeInvocation({ method: 'a', parameters: {} }, undefined as never)).toThrow(
      new TypeError('codecs: expected an object {serialization, compression} (see createCodecs), got undefined'),
    );
    expect(() => decodeInvocation(text('{}'), { serialization: jsonSerialization } as never)).toThrow(
      new TypeError('codecs: expected an object {serialization, compression} (see createCodecs), got object Object'),
    );
    expect(() => decodeInvocation(text('{}'), json, { maxPayloadBytes: 0 })).toThrow(
      new RangeError('maxPayloadBytes: expected an integer >= 1, got 0'),
    );
    expect(() => decodeInvocation(text('{}'), json, { max: 1 } as never)).toThrow(
      new RangeError('wire options: unknown option "max" (known: maxPayloadBytes, maxDepth, maxContainers)'),
    );
    expect(() => decodeInvocation('{}' as never, json)).toThrow(
      new WireFormatError('MALFORMED', 'invocation payload: expected a Uint8Array, got "{}"'),
    );
  });
});

describe('payload bound', () => {
  const body = '{"method":"a","parameters":{}}'; // 30 bytes

  it('defaults to 16 MiB', () => {
    expect(MAX_PAYLOAD_BYTES_DEFAULT).toBe(16 * 1024 * 1024);
    expect(() => decodeInvocation(new Uint8Array(MAX_PAYLOAD_BYTES_DEFAULT + 1), json)).toThrow(
      new WireFormatError('TOO_LARGE', 'invocation: payload of 16777217 bytes exceeds maxPayloadBytes (16777216)'),
    );
  });

  it('accepts a payload exactly at the bound and rejects one byte more', () => {
    expect(decodeInvocation(text(body), json, { maxPayloadBytes: 30 }).method).toBe('a');
    expect(() => decodeInvocation(text(body), json, { maxPayloadBytes: 29 })).toThrow(
      new WireFormatError('TOO_LARGE', 'invocation: payload of 30 bytes exceeds maxPayloadBytes (29)'),
    );
    expect(() => decodeReply(text('[1,2,3]'), json, { maxPayloadBytes: 6 })).toThrow(
      new WireFormatError('TOO_LARGE', 'reply: payload of 7 bytes exceeds maxPayloadBytes (6)'),
    );
  });

  it('bounds the decompressed size too', () => {
    const inflating: Compression = { name: 'x10', compress: (b) => b, decompress: (b) => new Uint8Array(b.length * 10) };
    expect(() => decodeInvocation(new Uint8Array(5), { serialization: jsonSerialization, compression: inflating }, { maxPayloadBytes: 49 })).toThrow(
      new WireFormatError('TOO_LARGE', 'invocation: decompressed payload of 50 bytes exceeds maxPayloadBytes (49)'),
    );
  });

  it('refuses to encode what the peer would refuse', () => {
    expect(() => encodeInvocation({ method: 'a', parameters: {} }, json, { maxPayloadBytes: 29 })).toThrow(
      new WireFormatError('UNENCODABLE', 'invocation: encoded payload of 30 bytes exceeds maxPayloadBytes (29)'),
    );
    expect(() => encodeReply('abcdef', json, { maxPayloadBytes: 7 })).toThrow(
      new WireFormatError('UNENCODABLE', 'reply: encoded payload of 8 bytes exceeds maxPayloadBytes (7)'),
    );
  });
});

describe('replies', () => {
  const isErrorForm = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'error' in v;

  it('round-trips any JSON result', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, compressed) => {
        fc.pre(!isErrorForm(value));
        const codecs = compressed ? xor : json;
        expect(decodeReply(encodeReply(value, codecs), codecs)).toEqual({ ok: true, value: viaJson(value) });
      }),
      { seed, numRuns },
    );
  });

  it("writes errors in Toto's {error: {code, value}} form", () => {
    expect(str(encodeReply(new TotoError(ErrorCode.NOT_AUTHORIZED, 'no'), json))).toBe('{"error":{"code":1004,"value":"no"}}');
    expect(str(encodeReply(new Error('boom'), json))).toBe('{"error":{"code":1000,"value":"boom"}}');
    expect(str(encodeErrorReply('thrown string', json))).toBe('{"error":{"code":1000,"value":"thrown string"}}');
    expect(str(encodeErrorReply(new TotoError(4242, 'custom'), json))).toBe('{"error":{"code":4242,"value":"custom"}}');
  });

  it('sends undefined as null, as a Python method returning None', () => {
    expect(str(encodeReply(undefined, json))).toBe('null');
    expect(decodeReply(encodeReply(undefined, json), json)).toEqual({ ok: true, value: null });
  });

  it('round-trips any TotoError', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 100_000 }), fc.string(), fc.boolean(), (code, value, compressed) => {
        const codecs = compressed ? xor : json;
        const reply = decodeReply(encodeReply(new TotoError(code, value), codecs), codecs);
        expect(reply.ok).toBe(false);
        if (reply.ok) return;
        expect(reply.error).toBeInstanceOf(TotoError);
        expect(reply.error.toJSON()).toEqual({ code, value });
      }),
      { seed, numRuns },
    );
  });

  it('reads a malformed error as a SERVER error describing it', () => {
    const reply = decodeReply(text('{"error":"timeout"}'), json);
    expect(reply).toEqual({ ok: false, error: new TotoError(ErrorCode.SERVER, 'malformed error: "timeout"') });
    if (!reply.ok) expect(reply.error.code).toBe(1000);
  });

  it('treats an object with more keys than error as a value', () => {
    expect(decodeReply(text('{"error":{"code":1},"data":2}'), json)).toEqual({ ok: true, value: { error: { code: 1 }, data: 2 } });
    expect(decodeReply(text('[{"error":{"code":1,"value":"x"}}]'), json).ok).toBe(true);
  });

  it('names the codec that could not read a reply', () => {
    expect(() => decodeReply(Uint8Array.of(0xc3), json)).toThrow(
      new WireFormatError('BAD_ENCODING', 'reply: json: cannot decode payload: not valid UTF-8'),
    );
    expect(() => encodeReply({ big: 1n }, json)).toThrow(
      new WireFormatError('UNENCODABLE', 'reply: json: cannot encode value: Do not know how to serialize a BigInt'),
    );
  });

  it('makes a decode failure answerable as a SERVER error, as Toto did', () => {
    const error = thrown(() => decodeInvocation(text('{"method":"a.","parameters":{}}'), json));
    const reply = decodeReply(encodeErrorReply(error, json), json);
    expect(reply).toEqual({
      ok: false,
      error: new TotoError(1000, 'invocation.method: expected a dotted method name like "a.b.c", got "a."'),
    });
  });
});

describe('ZeroMQ frames', () => {
  const id = text('5f0c6a4e-2b3d-4c1e-9f00-0123456789ab'); // str(uuid4()), as Toto sent it
  const payload = text('{"method":"a","parameters":{}}');
  /** What a REP socket does to an incoming message: strip the envelope up to the empty delimiter. */
  const repReceives = (frames: Uint8Array[]) => frames.slice(frames.findIndex((f) => f.length === 0) + 1);
  /** What a DEALER receives after the REP re-adds the envelope: the delimiter, then the reply. */
  const dealerReceives = (frames: Uint8Array[]) => [new Uint8Array(0), ...frames];

  it("builds the DEALER's ['', id, payload]", () => {
    const frames = dealerRequestFrames(id, payload);
    expect(frames.map((f) => Array.from(f))).toEqual([[], Array.from(id), Array.from(payload)]);
  });

  it('round-trips request and reply through the REP envelope for any id', () => {
    fc.assert(
      fc.property(messageId, fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (mid, request, response) => {
        const received = parseRepRequest(repReceives(dealerRequestFrames(mid, request)));
        expect(received).toEqual({ id: mid, payload: request });
        const reply = parseDealerReply(dealerReceives(repReplyFrames(received.id, response)));
        expect(reply).toEqual({ kind: 'reply', id: mid, payload: response });
      }),
      { seed, numRuns },
    );
  });

  it("reads Toto's bare [id] acknowledgement of an @asynchronous method", () => {
    expect(repAckFrames(id).map((f) => Array.from(f))).toEqual([Array.from(id)]);
    expect(parseDealerReply(dealerReceives(repAckFrames(id)))).toEqual({ kind: 'ack', id });
  });

  it('keeps an empty reply payload (distinct from an acknowledgement)', () => {
    expect(parseDealerReply([new Uint8Array(0), id, new Uint8Array(0)])).toEqual({ kind: 'reply', id, payload: new Uint8Array(0) });
  });

  it('rejects every malformed REP request, saying what was wrong', () => {
    const e = (frames: unknown) => thrown(() => parseRepRequest(frames));
    expect(e([id])).toEqual(new WireFormatError('BAD_FRAMES', 'rep request: expected 2 frames [id, payload], got 1'));
    expect(e([new Uint8Array(0), id, payload])).toEqual(new WireFormatError('BAD_FRAMES', 'rep request: expected 2 frames [id, payload], got 3'));
    expect(e([])).toEqual(new WireFormatError('BAD_FRAMES', 'rep request: expected 2 frames [id, payload], got 0'));
    expect(e([new Uint8Array(0), payload]).message).toBe('rep request: message id: expected 1 to 255 bytes, got 0');
    expect(e([new Uint8Array(256), payload]).message).toBe('rep request: message id: expected 1 to 255 bytes, got 256');
    expect(e([id, 'text']).message).toBe('rep request: frame 1: expected a Uint8Array, got "text"');
    expect(e('frames').message).toBe('rep request: expected an array of frames, got "frames"');
    expect(e([id])).toBeInstanceOf(WireFormatError);
  });

  it('rejects every malformed DEALER reply, saying what was wrong', () => {
    const e = (frames: unknown) => thrown(() => parseDealerReply(frames));
    const count = (n: number) =>
      `dealer reply: expected 3 frames ['', id, payload] (or 2 frames ['', id] for an acknowledgement), got ${n}`;
    expect(e([id])).toEqual(new WireFormatError('BAD_FRAMES', count(1)));
    expect(e([])).toEqual(new WireFormatError('BAD_FRAMES', count(0)));
    expect(e([new Uint8Array(0), id, payload, payload])).toEqual(new WireFormatError('BAD_FRAMES', count(4)));
    expect(e([id, payload]).message).toBe('dealer reply: expected an empty delimiter frame first, got 36 bytes');
    expect(e([text('x'), id, payload]).message).toBe('dealer reply: expected an empty delimiter frame first, got 1 bytes');
    expect(e([new Uint8Array(0), new Uint8Array(0), payload]).message).toBe(
      'dealer reply: message id: expected 1 to 255 bytes, got 0',
    );
    expect(e([new Uint8Array(0), new Uint8Array(300)]).message).toBe('dealer reply: message id: expected 1 to 255 bytes, got 300');
    expect(e([new Uint8Array(0), id, null]).message).toBe('dealer reply: frame 2: expected a Uint8Array, got null');
    expect(e(undefined).message).toBe('dealer reply: expected an array of frames, got undefined');
    expect(e([id])).toBeInstanceOf(WireFormatError);
    // A sparse array: forEach skips its holes, so a hole must still be caught as a missing frame.
    const sparse: Uint8Array[] = [];
    sparse[1] = id;
    sparse[2] = payload;
    expect(e(sparse)).toEqual(new WireFormatError('BAD_FRAMES', 'dealer reply: frame 0: expected a Uint8Array, got undefined'));
  });

  it('rejects a bad id or payload when building frames, as a caller error', () => {
    expect(() => dealerRequestFrames(new Uint8Array(0), payload)).toThrow(
      new TypeError('dealer request: message id: expected 1 to 255 bytes, got 0'),
    );
    expect(() => dealerRequestFrames(new Uint8Array(256), payload)).toThrow(
      new TypeError('dealer request: message id: expected 1 to 255 bytes, got 256'),
    );
    expect(() => dealerRequestFrames('id' as never, payload)).toThrow(
      new TypeError('dealer request: message id: expected a Uint8Array, got "id"'),
    );
    expect(() => dealerRequestFrames(id, {} as never)).toThrow(
      new TypeError('dealer request: payload: expected a Uint8Array, got object Object'),
    );
    expect(() => repReplyFrames(new Uint8Array(0), payload)).toThrow(
      new TypeError('rep reply: message id: expected 1 to 255 bytes, got 0'),
    );
    expect(() => repReplyFrames(id, 'x' as never)).toThrow(new TypeError('rep reply: payload: expected a Uint8Array, got "x"'));
    expect(() => repAckFrames(new Uint8Array(0))).toThrow(new TypeError('rep ack: message id: expected 1 to 255 bytes, got 0'));
    expect(dealerRequestFrames(new Uint8Array(MAX_MESSAGE_ID_BYTES), payload)).toHaveLength(3);
  });
});

describe('messageIdKey', () => {
  it("keeps Toto's uuid string ids readable and writes other ids as hex", () => {
    expect(messageIdKey(text('5f0c6a4e-2b3d-4c1e-9f00-0123456789ab'))).toBe('5f0c6a4e-2b3d-4c1e-9f00-0123456789ab');
    expect(messageIdKey(Uint8Array.of(0, 1, 0xab))).toBe('0x0001ab');
    expect(messageIdKey(text('0x12'))).toBe('0x30783132');
    expect(messageIdKey(text('a b'))).toBe('0x612062');
    expect(() => messageIdKey(new Uint8Array(0))).toThrow(new TypeError('messageIdKey: message id: expected 1 to 255 bytes, got 0'));
  });

  it('gives distinct ids distinct keys', () => {
    fc.assert(
      fc.property(messageId, messageId, (a, b) => {
        const same = a.length === b.length && a.every((byte, i) => byte === b[i]);
        expect(messageIdKey(a) === messageIdKey(b)).toBe(same);
      }),
      { seed, numRuns },
    );
    expect(messageIdKey(text('0x41'))).not.toBe(messageIdKey(Uint8Array.of(0x41)));
  });
});

describe('HTTP', () => {
  const msgpackLike: Serialization = { ...jsonSerialization, name: 'msgpack', mime: 'application/msgpack' };

  it('sends only Content-Type: the serialization mime, compressed or not, as Toto did', () => {
    expect(httpRequestHeaders(json)).toEqual({ 'content-type': 'application/json' });
    expect(httpRequestHeaders(xor)).toEqual({ 'content-type': 'application/json' });
    expect(httpRequestHeaders({ serialization: msgpackLike, compression: noCompression })).toEqual({
      'content-type': 'application/msgpack',
    });
    expect(() => httpRequestHeaders({} as never)).toThrow(
      new TypeError('codecs: expected an object {serialization, compression} (see createCodecs), got object Object'),
    );
  });

  it('reads reply bodies uncompressed, as Toto\'s HTTP connection did', () => {
    const replyCodecs = httpReplyCodecs(xor);
    expect(replyCodecs).toEqual({ serialization: jsonSerialization, compression: noCompression });
    expect(decodeReply(text('{"parameters":{"a":1}}'), replyCodecs)).toEqual({ ok: true, value: { parameters: { a: 1 } } });
  });

  it('picks the serialization for a Content-Type, ignoring case and parameters', () => {
    const available = [jsonSerialization, msgpackLike];
    expect(serializationForContentType('application/json', available)).toBe(jsonSerialization);
    expect(serializationForContentType('application/json; charset=UTF-8', available)).toBe(jsonSerialization);
    expect(serializationForContentType(' Application/JSON ', available)).toBe(jsonSerialization);
    expect(serializationForContentType('application/msgpack', available)).toBe(msgpackLike);
  });

  it('rejects an unsupported or missing Content-Type, listing what is supported', () => {
    const available = [jsonSerialization, msgpackLike];
    const list = '"application/json", "application/msgpack"';
    expect(() => serializationForContentType('application/pickle', available)).toThrow(
      new WireFormatError('UNSUPPORTED_TYPE', `content-type: expected one of ${list}, got "application/pickle"`),
    );
    expect(() => serializationForContentType(undefined, available)).toThrow(
      new WireFormatError('UNSUPPORTED_TYPE', `content-type: expected one of ${list}, got undefined`),
    );
    expect(() => serializationForContentType('  ', available)).toThrow(
      new WireFormatError('UNSUPPORTED_TYPE', `content-type: expected one of ${list}, got "  "`),
    );
    expect(() => serializationForContentType('application/json', [])).toThrow(
      new WireFormatError('UNSUPPORTED_TYPE', 'content-type: expected one of (none), got "application/json"'),
    );
  });
});
