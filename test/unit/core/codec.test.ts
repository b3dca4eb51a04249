// Proves jsonSerialization round-trips JSON values as UTF-8 bytes, rejects what JSON cannot carry with a named error, and never accepts invalid UTF-8 or invalid JSON; noCompression is the identity.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH_DEFAULT, jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { WireFormatError } from '../../../src/core/errors.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);
const bytes = (...values: number[]) => new Uint8Array(values);

describe('jsonSerialization', () => {
  it('names itself and its content type', () => {
    expect(jsonSerialization.name).toBe('json');
    expect(jsonSerialization.mime).toBe('application/json');
  });

  it('encodes as UTF-8 JSON text', () => {
    const out = jsonSerialization.dumps({ name: 'é', args: [1, null] });
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Array.from(out)).toEqual(Array.from(new TextEncoder().encode('{"name":"é","args":[1,null]}')));
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // The model is JSON's own round trip, which turns -0 into 0 (msgpackr does the same).
        expect(jsonSerialization.loads(jsonSerialization.dumps(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed, numRuns },
    );
  });

  it('rejects values JSON cannot represent, naming the problem', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => jsonSerialization.dumps(10n)).toThrow(new TypeError('json: cannot encode value: Do not know how to serialize a BigInt'));
    expect(() => jsonSerialization.dumps(cyclic)).toThrow(/^json: cannot encode value: Converting circular structure to JSON/);
    expect(() => jsonSerialization.dumps(cyclic)).toThrow(TypeError);
    expect(() => jsonSerialization.dumps(undefined)).toThrow(
      new TypeError('json: cannot encode undefined: JSON has no representation for it'),
    );
    expect(() => jsonSerialization.dumps(function handler() {})).toThrow(
      new TypeError('json: cannot encode function handler: JSON has no representation for it'),
    );
  });

  it('rejects invalid JSON and invalid UTF-8 with "json: cannot decode payload"', () => {
    expect(() => jsonSerialization.loads(new TextEncoder().encode('{"a":'))).toThrow(/^json: cannot decode payload: .*JSON/);
    expect(() => jsonSerialization.loads(new Uint8Array())).toThrow(/^json: cannot decode payload: /);
    expect(() => jsonSerialization.loads(bytes(0x22, 0xff, 0x22))).toThrow(
      new WireFormatError('BAD_ENCODING', 'json: cannot decode payload: not valid UTF-8'),
    );
    expect(() => jsonSerialization.loads('{}' as never)).toThrow(
      new TypeError('json: cannot decode payload: expected a Uint8Array, got "{}"'),
    );
  });

  it('never evaluates the payload: code-looking text is a decode error', () => {
    const payload = new TextEncoder().encode('(() => { globalThis.pwned = true; return 1 })()');
    expect(() => jsonSerialization.loads(payload)).toThrow(/^json: cannot decode payload/);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });
});

describe('jsonSerialization nesting bound', () => {
  /** Containers on the deepest path: a scalar is 0, [] is 1. */
  const depthOf = (value: unknown): number =>
    value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
  // Strings full of what could fool a byte scan: brackets, quotes, backslashes.
  const trickyString = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', 'é') });
  const tricky = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, trickyString, fc.integer(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(trickyString, tie('value'), { maxKeys: 3 })),
  })).value;

  it('refuses exactly the payloads nested deeper than maxDepth, whatever their strings hold', () => {
    fc.assert(
      fc.property(tricky, fc.integer({ min: 1, max: 6 }), (value, maxDepth) => {
        // Padded past the size under which the scan is skipped (2 x maxDepth bytes).
        const payload = new TextEncoder().encode(JSON.stringify(value).padEnd(16, ' '));
        const deep = depthOf(value) > maxDepth;
        if (deep) {
          expect(() => jsonSerialization.loads(payload, { maxDepth })).toThrow(
            new WireFormatError('TOO_DEEP', `json: cannot decode payload: nested deeper than maxDepth (${maxDepth})`),
          );
        } else {
          expect(jsonSerialization.loads(payload, { maxDepth })).toEqual(value);
        }
      }),
      { seed, numRuns: numRuns * 5 },
    );
  });

  it('defaults to 256 and refuses a 4,105-deep payload as TOO_DEEP, not a stack overflow later', () => {
    expect(MAX_DEPTH_DEFAULT).toBe(256);
    const nested = (n: number) => new TextEncoder().encode(`${'['.repeat(n)}${']'.repeat(n)}`);
    expect(depthOf(jsonSerialization.loads(nested(256)))).toBe(256);
    expect(() => jsonSerialization.loads(nested(4105))).toThrow(new WireFormatError('TOO_DEEP', 'json: cannot decode payload: nested deeper than maxDepth (256)'));
    // An escaped quote does not end a string; an escaped backslash before a quote does.
    const text = (s: string) => new TextEncoder().encode(s.padEnd(16, ' '));
    expect(jsonSerialization.loads(text('["\\"[[[[["]'), { maxDepth: 1 })).toEqual(['"[[[[[']);
    expect(jsonSerialization.loads(text('["\\\\",[1]]'), { maxDepth: 2 })).toEqual(['\\', [1]]);
    expect(() => jsonSerialization.loads(text('["\\\\",[1]]'), { maxDepth: 1 })).toThrow(/TOO_DEEP|nested deeper/);
  });
});

describe('noCompression', () => {
  it('is the identity', () => {
    const data = bytes(1, 2, 3);
    expect(noCompression.name).toBe('none');
    expect(noCompression.compress(data)).toBe(data);
    expect(noCompression.decompress(data)).toBe(data);
  });
});
