// Proves the idempotency window: replies kept by call id for ttlMs on the injected clock, a retry during the first run joins it, bounded size with oldest-first eviction, O(1) amortized expiry, exact stats and option messages; and, as a property over random request/clock sequences, each call id runs at most once within the TTL and every request gets its first reply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdempotencyWindow } from '../../../src/core/idempotency-window.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);

function setup(ttlMs = 100, entriesMax?: number) {
  const kernel = new SimKernel();
  const loop = new LoopSim(kernel);
  const window = new IdempotencyWindow<string>({ loop, ttlMs, ...(entriesMax === undefined ? {} : { entriesMax }) });
  return { kernel, loop, window };
}

describe('IdempotencyWindow', () => {
  it('returns the stored reply within the TTL and runs again after it', async () => {
    const { kernel, window } = setup(100);
    let runs = 0;
    const compute = () => `run ${++runs}`;
    expect(await window.run('a', compute)).toBe('run 1');
    await kernel.run({ forMs: 99 });
    expect(await window.run('a', compute)).toBe('run 1');
    await kernel.run({ forMs: 1 });
    expect(await window.run('a', compute)).toBe('run 2');
    expect(window.stats).toMatchObject({ hits: 1, inFlightJoins: 0, evictions: 0, expirations: 1, size: 1, inFlight: 0 });
  });

  it('the TTL runs from when the reply was stored, not from when the call arrived', async () => {
    const { kernel, loop, window } = setup(100);
    const slow = window.run('s', () => new Promise<string>((resolve) => loop.callLater(500, () => resolve('late'))));
    await kernel.run({ forMs: 500 });
    expect(await slow).toBe('late');
    await kernel.run({ forMs: 99 });
    expect(window.has('s')).toBe(true);
    await kernel.run({ forMs: 1 });
    expect(window.has('s')).toBe(false);
  });

  it('a call id seen while its run is going waits for that run', async () => {
    const { kernel, loop, window } = setup(100);
    let runs = 0;
    const compute = () => new Promise<string>((resolve) => loop.callLater(10, () => resolve(`run ${++runs}`)));
    const first = window.run('x', compute);
    const second = window.run('x', compute);
    const third = window.run('x', compute);
    await kernel.run();
    expect(await Promise.all([first, second, third])).toEqual(['run 1', 'run 1', 'run 1']);
    expect(window.stats).toMatchObject({ inFlightJoins: 2, hits: 0, inFlight: 0, size: 1 });
  });

  it('by default a run that never finishes holds its id: every retry waits on it', async () => {
    const { kernel, window } = setup(100);
    let runs = 0;
    const never = () => new Promise<string>(() => void runs++);
    const calls = [window.run('h', never)];
    await kernel.run({ forMs: 60_000 });
    calls.push(window.run('h', never));
    expect([runs, window.stats.inFlightJoins, window.stats.inFlight]).toEqual([1, 1, 1]);
  });

  it('inFlightMaxMs: a retry after that long starts a new run; a late first run still stores its reply', async () => {
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    const window = new IdempotencyWindow<string>({ loop, ttlMs: 10_000, inFlightMaxMs: 500 });
    const resolvers: ((v: string) => void)[] = [];
    const hanging = () => new Promise<string>((resolve) => resolvers.push(resolve));
    const first = window.run('r', hanging);
    await kernel.run({ forMs: 500 });
    const joined = window.run('r', hanging); // 500 ms: still waits
    await kernel.run({ forMs: 1 });
    const second = window.run('r', hanging); // 501 ms: the first is abandoned, a new run starts
    expect(resolvers).toHaveLength(2);
    expect(window.stats).toMatchObject({ inFlightJoins: 1, inFlightAbandoned: 1, inFlight: 1 });
    const third = window.run('r', hanging); // joins the new run
    resolvers[1]!('second');
    expect([await second, await third]).toEqual(['second', 'second']);
    expect(window.stats.inFlight).toBe(0);
    resolvers[0]!('first, late');
    expect([await first, await joined]).toEqual(['first, late', 'first, late']);
    expect(await window.run('r', hanging)).toBe('first, late');
    expect(window.stats).toMatchObject({ size: 1, hits: 1, inFlight: 0 });
    expect(resolvers).toHaveLength(2);
  });

  it('a failed run is not stored: joiners share the failure, the next call runs again', async () => {
    const { window } = setup(100);
    let runs = 0;
    const failing = () => {
      runs++;
      throw new Error('nope');
    };
    const a = window.run('f', failing);
    const b = window.run('f', failing);
    await expect(a).rejects.toThrow('nope');
    await expect(b).rejects.toThrow('nope');
    expect(await window.run('f', () => 'ok')).toBe('ok');
    expect(runs).toBe(1);
    expect(window.stats).toMatchObject({ inFlightJoins: 1, size: 1 });
  });

  it('holds at most entriesMax replies, evicting the oldest first, and counts evictions', async () => {
    const { window } = setup(1000, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await window.run(key, () => key);
    expect(window.stats).toMatchObject({ size: 3, evictions: 2, expirations: 0 });
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => window.has(k))).toEqual([false, false, true, true, true]);
    expect(await window.run('a', () => 'a again')).toBe('a again');
    expect(window.has('c')).toBe(false);
  });

  it('expiry pops from the front only: bounded work per call, however many entries are stored', async () => {
    // A counting clock and the expiry-check counter: a full scan would examine 10,000 entries per call.
    const kernel = new SimKernel();
    const inner = new LoopSim(kernel);
    let reads = 0;
    const loop: LoopPort = {
      now: () => (reads++, inner.now()),
      callAt: (w, f) => inner.callAt(w, f),
      callLater: (d, f) => inner.callLater(d, f),
      addCallback: (f) => inner.addCallback(f),
      cancel: (h) => inner.cancel(h),
    };
    const window = new IdempotencyWindow<number>({ loop, ttlMs: 1_000_000 });
    for (let i = 0; i < 10_000; i++) await window.run(`k${i}`, () => i);
    reads = 0;
    const checksBefore = window.stats.expiryChecks;
    for (let i = 0; i < 1000; i++) await window.run(`k${i}`, () => -1);
    expect(reads).toBeLessThanOrEqual(1000 * 3);
    expect(window.stats.expiryChecks - checksBefore).toBe(1000);
    expect(window.stats.hits).toBe(1000);
    await kernel.run({ forMs: 1_000_000 });
    window.purge();
    expect(window.stats).toMatchObject({ size: 0, expirations: 10_000 });
    // Each call examines at most one live entry on arrival and one when it stores; the rest are expirations.
    const calls = 10_000 + 1000;
    expect(window.stats.expiryChecks).toBeLessThanOrEqual(window.stats.expirations + 2 * calls + 1);
  });

  it('stays fast at capacity: 300,000 calls through a full 50,000-entry window', async () => {
    // Regression: with the Map's own order as the queue, each eviction walked every deleted slot
    // before the oldest live one; this took ~50x longer (20 s here). The deadline is generous for a loaded machine.
    const { window } = setup(1_000_000, 50_000);
    const started = performance.now();
    for (let i = 0; i < 300_000; i++) await window.run(`id-${i}`, () => 'r');
    const elapsedMs = performance.now() - started;
    expect(window.stats).toMatchObject({ size: 50_000, evictions: 250_000 });
    expect(elapsedMs).toBeLessThan(4000);
  });

  it('a clock that goes back is survived: an expired entry behind a live one is not served, its stale slot is skipped', async () => {
    let nowMs = 1000;
    const inner = new LoopSim(new SimKernel());
    const loop: LoopPort = { ...inner, now: () => nowMs, callAt: inner.callAt.bind(inner), callLater: inner.callLater.bind(inner), addCallback: inner.addCallback.bind(inner), cancel: inner.cancel.bind(inner) };
    const window = new IdempotencyWindow<string>({ loop, ttlMs: 100, entriesMax: 2 });
    await window.run('a', () => 'a1'); // expires at 1100
    nowMs = 0;
    await window.run('b', () => 'b1'); // expires at 100, queued behind a
    nowMs = 150;
    expect(await window.run('b', () => 'b2')).toBe('b2'); // b expired though a is still live at the front
    expect(window.stats).toMatchObject({ expirations: 1, size: 2, hits: 0 });
    await window.run('c', () => 'c1'); // full: the oldest live entry (a) goes, b's stale slot is skipped
    expect(window.stats).toMatchObject({ evictions: 1, size: 2 });
    expect([window.has('a'), window.has('b'), window.has('c')]).toEqual([false, true, true]);
    expect(await window.run('b', () => 'b3')).toBe('b2');
    nowMs = 5000;
    window.purge();
    expect(window.stats).toMatchObject({ size: 0, expirations: 3, evictions: 1, hits: 1 });
  });

  it('rejects bad options and arguments with exact messages', () => {
    const loop = new LoopSim(new SimKernel());
    const bad: [unknown, string][] = [
      [undefined, 'IdempotencyWindow options: expected an options object, got undefined'],
      [{ loop: {}, ttlMs: 1 }, 'loop: expected a LoopPort, got object Object'],
      [{ loop, ttlMs: 0 }, 'ttlMs: expected a finite number > 0, got 0'],
      [{ loop, ttlMs: Infinity }, 'ttlMs: expected a finite number >= 0, got Infinity'],
      [{ loop, ttlMs: '5' }, 'ttlMs: expected a number, got "5"'],
      [{ loop, ttlMs: 5, entriesMax: 0 }, 'entriesMax: expected an integer >= 1, got 0'],
      [{ loop, ttlMs: 5, entriesMax: 1.5 }, 'entriesMax: expected an integer, got 1.5'],
      [{ loop, ttlMs: 5, ttl: 5 }, 'IdempotencyWindow options: unknown option "ttl" (known: loop, ttlMs, entriesMax, inFlightMaxMs)'],
      [{ loop, ttlMs: 5, inFlightMaxMs: -1 }, 'inFlightMaxMs: expected a number >= 0 (Infinity: always wait), got -1'],
      [{ loop, ttlMs: 5, inFlightMaxMs: NaN }, 'inFlightMaxMs: expected a number >= 0 (Infinity: always wait), got NaN'],
    ];
    for (const [options, message] of bad) expect(() => new IdempotencyWindow(options as never)).toThrow(message);
    const window = new IdempotencyWindow<number>({ loop, ttlMs: 5 });
    expect(() => window.run('', () => 1)).toThrow('key: expected a non-empty string, got ""');
    expect(() => window.run(3 as never, () => 1)).toThrow('key: expected a string, got 3');
    expect(() => window.run('k', 1 as never)).toThrow('compute: expected a function, got 1');
  });
});

describe('IdempotencyWindow property', () => {
  type Step = { kind: 'call'; id: number; durationMs: number } | { kind: 'advance'; ms: number };
  const ttlMs = 1000;
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('call' as const), id: fc.integer({ min: 0, max: 5 }), durationMs: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15 }) }),
  );

  it('within the TTL, each call id runs at most once and every request gets the first reply', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const kernel = new SimKernel();
        const loop = new LoopSim(kernel);
        const window = new IdempotencyWindow<string>({ loop, ttlMs });
        const runsById = new Map<number, number>();
        const replies: [number, Promise<string>][] = [];
        let serial = 0;
        for (const s of steps) {
          if (s.kind === 'advance') {
            await kernel.run({ forMs: s.ms });
            continue;
          }
          const { id, durationMs } = s;
          replies.push([
            id,
            window.run(`call-${id}`, () => {
              runsById.set(id, (runsById.get(id) ?? 0) + 1);
              const reply = `reply ${++serial} for ${id}`;
              return new Promise<string>((resolve) => loop.callLater(durationMs, () => resolve(reply)));
            }),
          ]);
        }
        // At most 60 advances of 15 ms plus a 50 ms run: always inside the TTL.
        await kernel.run();
        expect(kernel.now()).toBeLessThan(ttlMs);
        const settled = await Promise.all(replies.map(async ([id, reply]) => [id, await reply] as const));
        for (const [id, count] of runsById) expect(count, `runs of call ${id}`).toBe(1);
        const first = new Map<number, string>();
        for (const [id, reply] of settled) {
          if (!first.has(id)) first.set(id, reply);
          expect(reply).toBe(first.get(id));
        }
        const { hits, inFlightJoins } = window.stats;
        const runs = [...runsById.values()].reduce((a, b) => a + b, 0);
        expect(hits + inFlightJoins + runs).toBe(replies.length);
      }),
      { seed, numRuns },
    );
  });
});
