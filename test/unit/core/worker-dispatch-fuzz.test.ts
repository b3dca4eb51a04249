// Proves, over seeded random input, that the worker dispatcher never throws or rejects: random frame lists, random bytes, random values and near-valid invocations always get an error reply (malformed, or MISSING_METHOD for a well-formed unknown method), and a valid request right after each one is still served.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { encodeInvocation, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher, type WorkerOutcome, type WorkerReply } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

// A name random input will not produce, so every random call is an error.
const TARGET = 'fuzz_target_9f3.echo';

function makeDispatcher(idempotency?: { ttlMs: number }) {
  const kernel = new SimKernel();
  return new WorkerDispatcher({
    methods: WorkerMethods.fromMap({ [TARGET]: (_w, p) => ({ echo: p }) }),
    worker: null,
    codecs: json,
    loop: new LoopSim(kernel),
    wire: { maxPayloadBytes: 64 * 1024 },
    ...(idempotency ? { idempotency } : {}),
  });
}

const bytes = fc.uint8Array({ minLength: 0, maxLength: 300 });
const frameList = fc.array(bytes, { minLength: 0, maxLength: 5 });
/** Frames whose payload is JSON-ish: random values, invocation-shaped objects with random fields. */
const nearValid = fc
  .tuple(
    fc.uint8Array({ minLength: 1, maxLength: 40 }),
    fc.oneof(
      fc.jsonValue(),
      fc.record({ method: fc.oneof(fc.string(), fc.jsonValue()), parameters: fc.jsonValue() }, { requiredKeys: [] }),
      fc.record({ method: fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,8}){0,2}$/), parameters: fc.jsonValue() }),
    ),
  )
  .map(([id, value]) => [id, text(JSON.stringify(value) ?? 'undefined')]);
const anything = fc.anything({ withTypedArray: true, withBigInt: true, withMap: true, withSet: true, withNullPrototype: true });
const input = fc.oneof(frameList, nearValid, anything, fc.array(anything, { maxLength: 4 }));

function errorOf(outcome: WorkerOutcome): { code: number; value: string } {
  expect(outcome.kind).toBe('reply');
  const reply = outcome as WorkerReply;
  expect(reply.frames).toHaveLength(2);
  const body = JSON.parse(str(reply.payload)) as { error: { code: number; value: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.value).toBe('string');
  expect(body.error.value.length).toBeLessThanOrEqual(1100);
  expect(reply.error?.code).toBe(body.error.code);
  return body.error;
}

async function checkStillServes(dispatcher: WorkerDispatcher, n: number): Promise<void> {
  const payload = encodeInvocation({ method: TARGET, parameters: n }, json);
  const outcome = (await dispatcher.dispatchFrames([text(`valid-${n}`), payload])) as WorkerReply;
  expect(str(outcome.frames[0] as Uint8Array)).toBe(`valid-${n}`);
  expect(JSON.parse(str(outcome.payload))).toEqual({ echo: n });
}

describe('WorkerDispatcher fuzz', () => {
  it.each([
    ['without', undefined],
    ['with', { ttlMs: 1000 }],
  ])('random REP input never throws and always gets an error reply (%s the idempotency window)', async (_label, idempotency) => {
    const dispatcher = makeDispatcher(idempotency);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(input, async (frames) => {
        let promise: Promise<WorkerOutcome> | undefined;
        expect(() => (promise = dispatcher.dispatchFrames(frames))).not.toThrow();
        const error = errorOf(await promise!);
        // Malformed input is SERVER (as Toto); a well-formed call to a method nobody registered is MISSING_METHOD.
        expect([1000, 1002]).toContain(error.code);
        await checkStillServes(dispatcher, n++);
      }),
      { seed, numRuns },
    );
    const stats = dispatcher.stats;
    expect(stats.values).toBe(n);
    expect(stats.requests).toBe(2 * n);
    // A random request repeating an earlier random id is answered from the window (a hit), not run again.
    expect(stats.errors + stats.malformed + (stats.idempotency?.hits ?? 0)).toBe(n);
    // The generators reach both the frame/decode checks and the method lookup behind them.
    expect(stats.malformed).toBeGreaterThan(n / 10);
    expect(stats.errors).toBeGreaterThan(n / 100);
  });

  it('hostile objects (throwing Proxies and getters, a method throwing one, a throwing logger) get an error reply too', async () => {
    const trap = () => {
      throw new Error('trap');
    };
    const hostileThrown = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
    const throwingLogger = { trace: trap, debug: trap, info: trap, warn: trap, error: trap, fatal: trap, child: trap };
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({
        [TARGET]: (_w, p) => ({ echo: p }),
        throws_proxy: () => {
          throw hostileThrown;
        },
      }),
      worker: null,
      codecs: json,
      loop: new LoopSim(new SimKernel()),
      logger: throwingLogger as never,
    });
    const hostileArray = new Proxy([text('id'), text('{}')], { get: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, has: trap });
    const hostileObject = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
    const throwingMessage = Object.defineProperty(new Error('x'), 'message', { get: trap });
    const cases: [string, () => Promise<WorkerOutcome>][] = [
      ['proxy frames', () => dispatcher.dispatchFrames(hostileArray)],
      ['proxy object frames', () => dispatcher.dispatchFrames(hostileObject)],
      ['proxy in a frame', () => dispatcher.dispatchFrames([text('id'), hostileObject])],
      ['proxy payload', () => dispatcher.dispatchPayload(hostileObject, 'id')],
      ['proxy id', () => dispatcher.dispatchPayload(text('{}'), hostileObject as never)],
      ['proxy invocation', () => dispatcher.dispatchInvocation(hostileObject, 'id')],
      ['error invocation', () => dispatcher.dispatchInvocation(throwingMessage, 'id')],
      ['method throws a proxy', () => dispatcher.dispatchInvocation({ method: 'throws_proxy', parameters: {} }, 'id2')],
    ];
    for (const [label, run] of cases) {
      let promise: Promise<WorkerOutcome> | undefined;
      expect(() => (promise = run()), label).not.toThrow();
      expect(errorOf(await promise!).code, label).toBe(1000);
    }
    await checkStillServes(dispatcher, 1);
  });

  it('random payloads and call ids on the HTTP path never throw and always get an error reply', async () => {
    const dispatcher = makeDispatcher({ ttlMs: 1000 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes, anything), fc.oneof(fc.constant(undefined), fc.string(), bytes, anything), async (payload, id) => {
        let promise: Promise<WorkerOutcome> | undefined;
        expect(() => (promise = dispatcher.dispatchPayload(payload, id as never))).not.toThrow();
        expect([1000, 1002]).toContain(errorOf(await promise!).code);
        let decoded: Promise<WorkerOutcome> | undefined;
        expect(() => (decoded = dispatcher.dispatchInvocation(payload, id as never))).not.toThrow();
        expect([1000, 1002]).toContain(errorOf(await decoded!).code);
        await checkStillServes(dispatcher, n++);
      }),
      { seed, numRuns: Math.max(1, Math.floor(numRuns / 2)) },
    );
  });
});
