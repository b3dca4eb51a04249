// Proves, by a seeded fuzz campaign over each codec path (json, json+zlib, msgpack, msgpack+zlib), that decodeInvocation and decodeReply either return plain data (no cycles, no shared objects, nesting within maxDepth) or throw a WireFormatError with a documented code and a bounded message, each case within a time bound, for random bytes, mutated valid payloads and adversarial ones (msgpack references, deep nesting, zip bombs, huge numbers, BigInts and strings).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_DEPTH_DEFAULT } from '../../../src/core/codec.js';
import { decodeInvocation, decodeReply, isMethodName } from '../../../src/core/wire.js';
import { CODEC_PATHS, CaseStats, checkPlain, checkReply, decodeCase, hostilePayloadArb, limitsArb, numRuns, propertyTimeoutMs, seed, type CodecPath } from './wire-fuzz-inputs.js';

const report: string[] = [];
afterAll(() => {
  // The figures the campaign is judged by: cases, what was refused and why, the slowest case.
  console.log(`wire fuzz (seed ${seed}, ${numRuns} runs per property)\n  ${report.join('\n  ')}`);
});

describe('decoding payloads from any peer', () => {
  for (const path of Object.keys(CODEC_PATHS) as CodecPath[]) {
    it(`${path}: every payload decodes to plain data or is a coded WireFormatError, in bounded time`, () => {
      const codecs = CODEC_PATHS[path];
      const invocations = new CaseStats();
      const replies = new CaseStats();
      const heapBefore = process.memoryUsage().heapUsed;
      fc.assert(
        fc.property(hostilePayloadArb(path), limitsArb, (payload, limits) => {
          const maxDepth = limits?.maxDepth ?? MAX_DEPTH_DEFAULT;
          decodeCase(invocations, () => decodeInvocation(payload, codecs, limits), (invocation) => {
            expect(isMethodName(invocation.method)).toBe(true);
            checkPlain(invocation.parameters, maxDepth);
          });
          decodeCase(replies, () => decodeReply(payload, codecs, limits), (reply) => checkReply(reply, maxDepth));
        }),
        { seed, numRuns },
      );
      report.push(invocations.summary(`${path} decodeInvocation`), replies.summary(`${path} decodeReply`));
      // Both outcomes happen: the campaign is not all refusals (or all successes).
      expect(invocations.accepted).toBeGreaterThan(0);
      expect(replies.accepted).toBeGreaterThan(0);
      expect(replies.refused.size).toBeGreaterThanOrEqual(3);
      // Nothing a case allocated outlives it in bulk (a coarse bound: payloads are <= 16 MiB).
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
    }, propertyTimeoutMs);
  }
});
