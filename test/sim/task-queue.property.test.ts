// Proves, for random arrivals of sync/async/failing/aborted tasks in virtual time, that TaskQueue never runs more than `concurrency` at once, starts tasks FIFO, runs each exactly once (an aborted queued one never), retires an idle runner exactly idleTimeoutMs after it went idle, and keeps length = runners + queued at every step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoopPort } from '../../src/core/ports.js';
import { TaskQueue } from '../../src/core/task-queue.js';
import { LoopSim } from '../../src/sim/loop-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';

interface TaskSpec {
  arrivalMs: number;
  /** undefined: completes synchronously. */
  durationMs: number | undefined;
  fails: boolean;
  api: 'add' | 'yield' | 'abortable';
  /** For 'abortable': when its signal is aborted. */
  abortAtMs: number;
}

const taskArb: fc.Arbitrary<TaskSpec> = fc.record({
  arrivalMs: fc.integer({ min: 0, max: 60 }),
  durationMs: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
  fails: fc.boolean(),
  api: fc.constantFrom('add' as const, 'yield' as const, 'abortable' as const),
  abortAtMs: fc.integer({ min: 0, max: 80 }),
});

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);

interface Retirement {
  scheduledAtMs: number;
  firedAtMs: number;
  runnersDropped: number;
}

describe('TaskQueue in virtual time (property)', () => {
  it('bounds concurrency, starts FIFO, runs each task once, retires idle runners on time, keeps length = runners + queued', async () => {
    console.log(`task-queue.property: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 40 }),
        fc.array(taskArb, { minLength: 1, maxLength: 30 }),
        async (concurrency, idleTimeoutMs, specs) => {
          const kernel = new SimKernel();
          const loop = new LoopSim(kernel);
          const violations: string[] = [];
          const retirements: Retirement[] = [];
          const endTimesMs = new Set<number>();

          // The queue's only timers are idle retirements: watch them through a wrapping port.
          const watched: LoopPort = {
            now: () => loop.now(),
            callAt: (whenMs, cb) => loop.callAt(whenMs, cb),
            addCallback: (cb) => loop.addCallback(cb),
            cancel: (handle) => loop.cancel(handle),
            callLater: (delayMs, cb) => {
              const scheduledAtMs = loop.now();
              if (queue.queued !== 0) violations.push(`runner went idle at ${scheduledAtMs} with ${queue.queued} queued`);
              if (queue.runners - queue.busy < 1) violations.push(`retirement scheduled at ${scheduledAtMs} with no idle runner`);
              return loop.callLater(delayMs, () => {
                const before = queue.runners;
                cb();
                retirements.push({ scheduledAtMs, firedAtMs: loop.now(), runnersDropped: before - queue.runners });
              });
            },
          };
          const queue = new TaskQueue({ loop: watched, concurrency, idleTimeoutMs, name: 'prop' });

          const submitted: number[] = [];
          const started: number[] = [];
          const runs = new Array<number>(specs.length).fill(0);
          const abortedQueued = new Set<number>();
          const settled: Array<Promise<unknown>> = [];
          let running = 0;

          const body = (i: number): unknown => {
            const spec = specs[i] as TaskSpec;
            started.push(i);
            runs[i]!++;
            running++;
            if (running > concurrency) violations.push(`${running} tasks running with concurrency ${concurrency}`);
            const finish = (): void => {
              running--;
              endTimesMs.add(loop.now());
              if (spec.fails) throw new Error(`task ${i} failed`);
            };
            if (spec.durationMs === undefined) return finish();
            return new Promise<void>((resolve, reject) => {
              loop.callLater(spec.durationMs as number, () => {
                try {
                  finish();
                  resolve();
                } catch (error) {
                  reject(error);
                }
              });
            });
          };

          specs.forEach((spec, i) => {
            loop.callAt(spec.arrivalMs, () => {
              submitted.push(i);
              if (spec.api === 'add') {
                queue.addTask(body, i);
              } else if (spec.api === 'yield') {
                settled.push(queue.yieldTask(body, i).catch(() => undefined));
              } else {
                const controller = new AbortController();
                settled.push(
                  queue.yieldTaskWith({ signal: controller.signal }, body, i).catch((error: unknown) => {
                    if (error === 'aborted') abortedQueued.add(i);
                  }),
                );
                loop.callAt(Math.max(spec.abortAtMs, spec.arrivalMs), () => controller.abort('aborted'));
              }
            });
          });

          kernel.setBetween(() => {
            const queuedModel = submitted.length - started.length - abortedQueued.size;
            if (queue.length !== queue.runners + queue.queued) violations.push(`length ${queue.length} != runners ${queue.runners} + queued ${queue.queued}`);
            if (queue.busy !== running) violations.push(`busy ${queue.busy} but ${running} tasks running at ${loop.now()}`);
            if (queue.runners > concurrency) violations.push(`${queue.runners} runners with concurrency ${concurrency}`);
            if (queue.queued !== queuedModel) violations.push(`queued ${queue.queued}, model says ${queuedModel} at ${loop.now()}`);
            try {
              queue.run(); // asserts no task waits while a runner is free
            } catch (error) {
              violations.push(String(error));
            }
            return false;
          });
          await kernel.run({ stepsMax: 100_000 });
          await Promise.all(settled);

          expect(violations).toEqual([]);
          // FIFO: tasks start in the order they were submitted, skipping those aborted while queued.
          expect(started).toEqual(submitted.filter((i) => !abortedQueued.has(i)));
          // Exactly once each, never for a task aborted while queued.
          runs.forEach((count, i) => expect(count).toBe(abortedQueued.has(i) ? 0 : 1));
          // Each retirement removes one runner exactly idleTimeoutMs after it went idle (a task ended then).
          for (const r of retirements) {
            expect(r.runnersDropped).toBe(1);
            expect(r.firedAtMs - r.scheduledAtMs).toBe(idleTimeoutMs);
            expect(endTimesMs.has(r.scheduledAtMs)).toBe(true);
          }
          // With no work left every runner has retired, and nothing lingers on the loop.
          expect([queue.length, queue.runners, kernel.pending]).toEqual([0, 0, 0]);
        },
      ),
      { seed, numRuns },
    );
  });
});
