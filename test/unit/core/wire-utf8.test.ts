// Proves the pooled UTF-8 encoder gives TextEncoder's bytes for any string (ASCII, multi-byte, lone surrogates, past the pool's size), and that a slice handed out earlier keeps its bytes while later strings are encoded into the same slab.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../../src/core/wire-utf8.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
const reference = new TextEncoder();

describe('encodeUtf8', () => {
  it("gives TextEncoder's bytes for any string", () => {
    const strings = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ maxLength: 5_000 }));
    fc.assert(
      fc.property(strings, (text) => {
        expect(Array.from(encodeUtf8(text))).toEqual(Array.from(reference.encode(text)));
      }),
      { seed, numRuns: numRuns * 5 },
    );
  });

  it('never hands out bytes another string overwrites later', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 900 }), { minLength: 1, maxLength: 200 }), (texts) => {
        const encoded = texts.map((text) => encodeUtf8(text));
        texts.forEach((text, i) => expect(Array.from(encoded[i] as Uint8Array)).toEqual(Array.from(reference.encode(text))));
      }),
      { seed, numRuns },
    );
  });

  it('encodes the empty string, a lone surrogate and a string past the pool on its own', () => {
    expect(encodeUtf8('')).toHaveLength(0);
    expect(Array.from(encodeUtf8('\ud800'))).toEqual([0xef, 0xbf, 0xbd]);
    const long = 'é'.repeat(3_000);
    const bytes = encodeUtf8(long);
    expect(bytes.byteLength).toBe(6_000);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(6_000);
  });
});
