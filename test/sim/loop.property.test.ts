// Proves, for random programs of callAt/callLater/addCallback/cancel (also from inside callbacks) on the virtual loop, that timers fire in (deadline, insertion) order at their deadline, a removed timer never fires and every other timer fires exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IOLoop } from '../../src/core/io-loop.js';
import type { TimerHandle } from '../../src/core/ports.js';
import { LoopSim } from '../../src/sim/loop-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';

type Op =
  | { kind: 'callAt'; atMs: number; then: Op[] }
  | { kind: 'callLater'; delayMs: number; then: Op[] }
  | { kind: 'addCallback'; then: Op[] }
  | { kind: 'cancel'; pick: number };

// Small time ranges make equal deadlines (the interesting case) common.
const { op: opArb } = fc.letrec<{ op: Op }>((tie) => ({
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('callAt' as const), atMs: fc.integer({ min: -5, max: 30 }), then: fc.array(tie('op'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('callLater' as const), delayMs: fc.integer({ min: 0, max: 15 }), then: fc.array(tie('op'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('addCallback' as const), then: fc.array(tie('op'), { maxLength: 3 }) }),
  ),
}));

interface Timer {
  insertion: number;
  handle: TimerHandle;
  removed: boolean;
  firedAtMs: number[];
}

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);

describe('virtual loop ordering (property)', () => {
  it('fires in (deadline, insertion) order, never a removed timer, every other one exactly once', async () => {
    console.log(`loop.property: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (program) => {
        const kernel = new SimKernel();
        const loop = new IOLoop({ port: new LoopSim(kernel) });
        const timers: Timer[] = [];
        const fired: Timer[] = [];

        const execute = (ops: Op[]): void => {
          for (const op of ops) {
            if (op.kind === 'cancel') {
              if (timers.length === 0) continue;
              const victim = timers[op.pick % timers.length] as Timer;
              // Removing a timer that already ran is allowed and changes nothing.
              if (victim.firedAtMs.length === 0) victim.removed = true;
              loop.removeTimeout(victim.handle);
              continue;
            }
            const timer: Timer = { insertion: timers.length, handle: undefined as unknown as TimerHandle, removed: false, firedAtMs: [] };
            const callback = (): void => {
              timer.firedAtMs.push(loop.now());
              fired.push(timer);
              execute(op.then);
            };
            if (op.kind === 'callAt') timer.handle = loop.callAt(op.atMs, callback);
            else if (op.kind === 'callLater') timer.handle = loop.callLater(op.delayMs, callback);
            else timer.handle = loop.addCallback(callback);
            timers.push(timer);
          }
        };

        execute(program);
        await kernel.run({ stepsMax: 100_000 });

        for (const timer of timers) {
          if (timer.removed) expect(timer.firedAtMs).toEqual([]);
          else expect(timer.firedAtMs).toEqual([timer.handle.deadlineMs]);
        }
        for (let i = 1; i < fired.length; i++) {
          const a = fired[i - 1] as Timer;
          const b = fired[i] as Timer;
          const inOrder = a.handle.deadlineMs < b.handle.deadlineMs || (a.handle.deadlineMs === b.handle.deadlineMs && a.insertion < b.insertion);
          expect(inOrder).toBe(true);
        }
        expect(kernel.pending).toBe(0);
      }),
      { seed, numRuns },
    );
  });
});
