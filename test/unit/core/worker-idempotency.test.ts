// Proves, as a property over random REP request sequences (repeated call ids, slow, failing and @asynchronous methods, clock advances within the TTL), that with the idempotency window each call id runs its method at most once and every request gets byte-for-byte the reply of the first; and, without the window, the same sequences do run duplicates (so the property can fail).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { TotoError } from '../../../src/core/errors.js';
import { encodeInvocation, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher, type WorkerOutcome } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);
const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const text = (s: string) => new TextEncoder().encode(s);
const ttlMs = 1000;

type Step = { kind: 'call'; id: number } | { kind: 'advance'; ms: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('call' as const), id: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15 }) }) },
);

// A retry re-sends the same payload, so each call id always names the same method and parameters.
const METHODS = ['slow', 'instant', 'fails', 'fire'] as const;
const methodOf = (id: number) => METHODS[id % METHODS.length] as string;

function world(idempotency: boolean) {
  const kernel = new SimKernel();
  const loop = new LoopSim(kernel);
  const runs = new Map<string, number>();
  let serial = 0;
  const count = (p: unknown) => {
    const key = String((p as { id: number }).id);
    runs.set(key, (runs.get(key) ?? 0) + 1);
    return ++serial;
  };
  const methods = WorkerMethods.fromMap({
    slow: (_w, p) => {
      const n = count(p);
      return new Promise((resolve) => loop.callLater(7, () => resolve({ n })));
    },
    instant: (_w, p) => ({ n: count(p) }),
    fails: (_w, p) => {
      throw new TotoError(4000 + count(p), 'failed');
    },
    fire: asynchronous((_w, p) => void count(p)),
  });
  const dispatcher = new WorkerDispatcher({
    methods,
    worker: null,
    codecs: json,
    loop,
    ...(idempotency ? { idempotency: { ttlMs } } : {}),
  });
  return { kernel, runs, dispatcher };
}

async function play(steps: Step[], idempotency: boolean) {
  const { kernel, runs, dispatcher } = world(idempotency);
  const outcomes: [number, Promise<WorkerOutcome>][] = [];
  for (const s of steps) {
    if (s.kind === 'advance') {
      await kernel.run({ forMs: s.ms });
      continue;
    }
    const payload = encodeInvocation({ method: methodOf(s.id), parameters: { id: s.id } }, json);
    outcomes.push([s.id, dispatcher.dispatchFrames([text(`call-${s.id}`), payload])]);
  }
  await kernel.run();
  const settled = await Promise.all(outcomes.map(async ([id, o]) => [id, await o] as const));
  return { runs, settled, elapsedMs: kernel.now(), stats: dispatcher.stats };
}

describe('WorkerDispatcher idempotency property', () => {
  it('within the TTL, each call id runs at most once and every request gets the first reply, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const { runs, settled, elapsedMs, stats } = await play(steps, true);
        expect(elapsedMs).toBeLessThan(ttlMs);
        for (const [id, count] of runs) expect(count, `runs of call ${id}`).toBe(1);
        const first = new Map<number, WorkerOutcome>();
        for (const [id, outcome] of settled) {
          const earlier = first.get(id);
          if (earlier === undefined) {
            first.set(id, outcome);
            continue;
          }
          expect(outcome.kind).toBe(earlier.kind);
          expect(outcome.frames).toEqual(earlier.frames);
        }
        const window = stats.idempotency!;
        expect(window.hits + window.inFlightJoins + stats.runs).toBe(settled.length);
        expect(stats.runs).toBe(first.size);
      }),
      { seed, numRuns },
    );
  });

  it('without the window, the same kind of sequence runs a retried call twice (the property is not vacuous)', async () => {
    const steps: Step[] = [{ kind: 'call', id: 1 }, { kind: 'advance', ms: 3 }, { kind: 'call', id: 1 }];
    const without = await play(steps, false);
    expect(without.runs.get('1')).toBe(2);
    const withWindow = await play(steps, true);
    expect(withWindow.runs.get('1')).toBe(1);
  });
});
