// Proves the worker dispatcher over the real codecs (msgpack, zlib, JSON): seeded random payloads and issue 7's adversarial ones (msgpackr self-referencing extensions, a zlib bomb, deep nesting, impossible lengths, msgpack's never-used 0xc1) each get a bounded error reply quickly, and a valid call right after is served.
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodecs, type CompressionName, type SerializationName } from '../../../src/adapters/codecs.js';
import { encodeInvocation } from '../../../src/core/wire.js';
import { WorkerDispatcher, type WorkerReply } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const text = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const MAX_PAYLOAD_BYTES = 1 << 20;
/** Per case: generous for a loaded machine, far below a hang or a multi-second decode. */
const CASE_MS_MAX = 2000;

function makeDispatcher(serialization: SerializationName, compression: CompressionName) {
  const codecs = createCodecs({ serialization, compression });
  const dispatcher = new WorkerDispatcher({
    methods: WorkerMethods.fromMap({ echo: (_w, p) => ({ echo: p }) }),
    worker: null,
    codecs,
    loop: new LoopSim(new SimKernel()),
    wire: { maxPayloadBytes: MAX_PAYLOAD_BYTES },
    idempotency: { ttlMs: 60_000 },
  });
  let n = 0;
  /** Dispatches a hostile payload, checks the error reply and the time, then serves a valid call. */
  const attack = async (payload: Uint8Array): Promise<{ code: number; value: string }> => {
    const started = performance.now();
    const outcome = (await dispatcher.dispatchFrames([text(`bad-${n}`), payload])) as WorkerReply;
    expect(performance.now() - started).toBeLessThan(CASE_MS_MAX);
    expect(outcome.kind).toBe('reply');
    expect(outcome.error).toBeDefined();
    expect(outcome.error!.value.length).toBeLessThanOrEqual(1100);
    const valid = (await dispatcher.dispatchFrames([text(`ok-${n}`), encodeInvocation({ method: 'echo', parameters: n }, codecs)])) as WorkerReply;
    expect(valid.error).toBeUndefined();
    n++;
    return outcome.error!.toJSON();
  };
  return { dispatcher, attack, codecs };
}

const combos: [SerializationName, CompressionName][] = [
  ['msgpack', 'zlib'],
  ['msgpack', 'none'],
  ['json', 'zlib'],
];

describe('WorkerDispatcher over the real codecs', () => {
  it.each(combos)('%s + %s: random payloads always get an error reply, and valid calls go on', async (serialization, compression) => {
    const { attack, dispatcher } = makeDispatcher(serialization, compression);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (payload) => {
        expect([1000, 1002]).toContain((await attack(payload)).code);
      }),
      { seed, numRuns },
    );
    expect(dispatcher.stats.values).toBe(numRuns);
  }, 120_000);

  it('msgpack: msgpackr reference extensions (the 19-byte self-referencing array of issue 7) are refused, not followed', async () => {
    const { attack } = makeDispatcher('msgpack', 'none');
    const error = await attack(hex('d6690000000192d67000000001d67000000001'));
    expect(error.code).toBe(1000);
    expect(error.value).toMatch(/^invocation: msgpack: /);
  });

  it('zlib: a bomb is refused at maxPayloadBytes while inflating', async () => {
    const { attack } = makeDispatcher('json', 'zlib');
    const bomb = new Uint8Array(deflateSync(Buffer.alloc(64 << 20)));
    expect(bomb.byteLength).toBeLessThan(MAX_PAYLOAD_BYTES);
    const error = await attack(bomb);
    expect(error.code).toBe(1000);
    expect(error.value).toMatch(/^invocation: /);
  });

  it('deep nesting and a huge integer are refused or bounded', async () => {
    const { attack } = makeDispatcher('json', 'none');
    expect((await attack(text(`{"method":"echo","parameters":${'['.repeat(100_000)}${']'.repeat(100_000)}}`))).code).toBe(1000);
    const packed = makeDispatcher('msgpack', 'none');
    // A msgpack array header claiming 2^32-1 elements with none present.
    expect((await packed.attack(hex('dd ffffffff'.replace(' ', '')))).code).toBe(1000);
    expect((await packed.attack(new Uint8Array([0xc1])))).toMatchObject({ code: 1000 });
  });
});
