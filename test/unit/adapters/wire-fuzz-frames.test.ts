// Proves, by a seeded fuzz campaign, that parseRepRequest and parseDealerReply take any frame list a peer can send (wrong counts, empty or oversized ids, non-empty delimiters, non-bytes, sparse or non-arrays) and then the whole receive path (parse, decode) either yields a valid request/reply or throws a WireFormatError with a documented code, each case within a time bound.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_MESSAGE_ID_BYTES,
  decodeInvocation,
  decodeReply,
  isMethodName,
  parseDealerReply,
  parseRepRequest,
} from '../../../src/core/wire.js';
import { CODEC_PATHS, CaseStats, checkPlain, checkReply, decodeCase, hostilePayloadArb, numRuns, propertyTimeoutMs, seed, type CodecPath } from './wire-fuzz-inputs.js';

const report: string[] = [];
afterAll(() => {
  console.log(`wire frame fuzz (seed ${seed}, ${numRuns} runs per property)\n  ${report.join('\n  ')}`);
});

const pathArb = fc.constantFrom(...(Object.keys(CODEC_PATHS) as CodecPath[]));

/** One frame: mostly bytes (empty, an id-sized run, over MAX_MESSAGE_ID_BYTES, a hostile payload), sometimes not bytes at all. */
function frameArb(path: CodecPath): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.constant(new Uint8Array(0)), weight: 3 },
    { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }), weight: 4 },
    { arbitrary: fc.uint8Array({ minLength: MAX_MESSAGE_ID_BYTES, maxLength: MAX_MESSAGE_ID_BYTES + 2 }), weight: 1 },
    { arbitrary: hostilePayloadArb(path), weight: 4 },
    { arbitrary: fc.constantFrom<unknown>('', 'id', null, undefined, 0, [], {}, new ArrayBuffer(4), new Uint16Array(2), Buffer.from('x')), weight: 1 },
  );
}

const idArb = fc.uint8Array({ minLength: 1, maxLength: 36 });

/**
 * A frame list: well-formed frames around a hostile payload (so decoding is reached often), 0 to
 * 5 arbitrary frames, now and then sparse or not an array.
 */
function framesArb(path: CodecPath, shape: 'rep' | 'dealer'): fc.Arbitrary<unknown> {
  const wellFormed =
    shape === 'rep'
      ? fc.tuple(idArb, hostilePayloadArb(path)).map(([id, payload]) => [id, payload])
      : fc.tuple(idArb, hostilePayloadArb(path)).map(([id, payload]) => [new Uint8Array(0), id, payload]);
  return fc.oneof(
    { arbitrary: wellFormed, weight: 8 },
    { arbitrary: fc.array(frameArb(path), { maxLength: 5 }), weight: 12 },
    { arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => new Array<unknown>(n)), weight: 1 },
    { arbitrary: fc.constantFrom<unknown>(null, undefined, 'frames', new Uint8Array(3), { length: 2 }), weight: 1 },
  );
}

describe('receiving frames from any peer', () => {
  it('parseRepRequest + decodeInvocation: a valid request or a coded WireFormatError', () => {
    const parse = new CaseStats();
    const decode = new CaseStats();
    fc.assert(
      fc.property(
        pathArb.chain((path) => fc.tuple(fc.constant(path), framesArb(path, 'rep'))),
        ([path, frames]) => {
          decodeCase(parse, () => parseRepRequest(frames), (request) => {
            expect(request.id.byteLength).toBeGreaterThan(0);
            expect(request.id.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_ID_BYTES);
            decodeCase(decode, () => decodeInvocation(request.payload, CODEC_PATHS[path]), (invocation) => {
              expect(isMethodName(invocation.method)).toBe(true);
              checkPlain(invocation.parameters);
            });
          });
        },
      ),
      { seed, numRuns },
    );
    report.push(parse.summary('parseRepRequest'), decode.summary('  then decodeInvocation'));
    expect(parse.accepted).toBeGreaterThan(0);
    expect(parse.refused.get('BAD_FRAMES')).toBeGreaterThan(0);
    expect(parse.refused.size).toBe(1); // frames are only ever BAD_FRAMES
    expect(decode.accepted).toBeGreaterThan(0);
    expect(decode.refused.size).toBeGreaterThanOrEqual(3);
  }, propertyTimeoutMs);

  it('parseDealerReply + decodeReply: a valid reply or ack, or a coded WireFormatError', () => {
    const parse = new CaseStats();
    const decode = new CaseStats();
    let acks = 0;
    fc.assert(
      fc.property(
        pathArb.chain((path) => fc.tuple(fc.constant(path), framesArb(path, 'dealer'))),
        ([path, frames]) => {
          decodeCase(parse, () => parseDealerReply(frames), (reply) => {
            expect(reply.id.byteLength).toBeGreaterThan(0);
            if (reply.kind === 'ack') {
              acks++;
              return;
            }
            decodeCase(decode, () => decodeReply(reply.payload, CODEC_PATHS[path]), (decoded) => checkReply(decoded));
          });
        },
      ),
      { seed: seed + 1, numRuns },
    );
    report.push(parse.summary('parseDealerReply'), `  of which acknowledgements: ${acks}`, decode.summary('  then decodeReply'));
    expect(parse.accepted).toBeGreaterThan(0);
    expect(parse.refused.size).toBe(1);
    expect(acks).toBeGreaterThan(0);
    expect(decode.accepted).toBeGreaterThan(0);
  }, propertyTimeoutMs);
});
