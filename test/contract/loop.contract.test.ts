// Proves IOLoop behaves the same over the simulation (a simulated host's loop) and over Node's real loop (LoopNode): ordering, ties, cancel, microtask draining, exception handling, runSync results and timeouts, a self-rescheduling callback that does not starve a timer, callbacks dropped on a closed loop.
import { afterEach, describe, expect, it } from 'vitest';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TimeoutError } from '../../src/core/errors.js';
import { IOLoop } from '../../src/core/io-loop.js';
import type { Logger } from '../../src/core/ports.js';
import { Simulation } from '../../src/sim/simulation.js';

interface World {
  name: string;
  /** A fresh IOLoop in this world, plus how to drive a promise on it to completion. */
  make(logger: Logger): { loop: IOLoop; drive<T>(work: Promise<T>): Promise<T>; close(): void };
}

const worlds: World[] = [
  {
    name: 'sim',
    make(logger) {
      // A host's loop, so its events pay the host's (default) virtual CPU time as code on Node does.
      const sim = new Simulation({ seed: 1, fakeTimers: false });
      const host = sim.host('contract', () => {}, { offsetMs: 1_000 });
      const loop = new IOLoop({ port: host.loop, logger });
      return {
        loop,
        // Virtual time runs until nothing is left; the work settled on the way.
        async drive(work) {
          const [result] = await Promise.all([work, sim.run({ stepsMax: 10_000 })]);
          return result;
        },
        close: () => {},
      };
    },
  },
  {
    name: 'real',
    make(logger) {
      const port = new LoopNode({ logger });
      const loop = new IOLoop({ port, logger, keepAlive: port });
      return {
        loop,
        // Real time: the work's own runSync timeout bounds the wait.
        drive: (work) => work,
        close: () => port.close(),
      };
    },
  },
];

function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const ignore = (): void => {};
  const logger: Logger = {
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (a: string | object, b?: string) => errors.push(typeof a === 'string' ? a : (b ?? '')),
    fatal: ignore,
    child: () => logger,
  };
  return { logger, errors };
}

const teardown: Array<() => void> = [];
afterEach(() => {
  for (const close of teardown.splice(0)) close();
});

for (const world of worlds) {
  describe(`IOLoop contract (${world.name})`, () => {
    function open(): ReturnType<World['make']> & { errors: string[] } {
      const { logger, errors } = recordingLogger();
      const made = world.make(logger);
      teardown.push(made.close);
      return { ...made, errors };
    }

    it('orders callbacks by (deadline, insertion), skips removed ones, drains microtasks and survives exceptions', async () => {
      const { loop, drive, errors } = open();
      const seen: string[] = [];
      const result = loop.runSync(
        () =>
          new Promise<string[]>((resolve) => {
            loop.addCallback(() => {
              void (async () => {
                for (let i = 0; i < 20; i++) await Promise.resolve();
                seen.push('microtasks done');
              })();
            });
            loop.addCallback((tag: string) => seen.push(tag), 'next callback');
            // Deadlines are taken from here on, so the order holds however slowly the real world schedules them.
            const base = loop.now();
            for (const tag of ['tie-a', 'tie-b', 'tie-c']) loop.callAt(base + 10, () => seen.push(tag));
            const removed = loop.callAt(base + 10, () => seen.push('removed'));
            loop.addTimeout(base + 5, () => seen.push('absolute 5'));
            loop.addTimeout(base + 15, function thrower() {
              seen.push('thrower');
              throw new Error('contract boom');
            });
            loop.addTimeout({ delayMs: 15 }, async function rejecter() {
              seen.push('rejecter');
              throw new Error('contract async boom');
            });
            loop.callLater(20, () => resolve(seen));
            loop.removeTimeout(removed);
          }),
        { timeoutMs: 2_000 },
      );
      expect(await drive(result)).toEqual(['microtasks done', 'next callback', 'absolute 5', 'tie-a', 'tie-b', 'tie-c', 'thrower', 'rejecter']);
      expect(errors).toEqual(['Exception in callback thrower', 'Exception in callback rejecter']);
      expect(loop.isRunning).toBe(false);
    });

    it('runSync rejects with a TimeoutError naming timeoutMs, and stop() before start() returns at once', async () => {
      const { loop, drive } = open();
      const slow = loop.runSync(() => new Promise<void>((resolve) => loop.callLater(200, resolve)), { timeoutMs: 20 }).catch((e: unknown) => e);
      const error = await drive(slow);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toBe('IOLoop.runSync: operation timed out after timeoutMs=20ms (TIMEOUT -1)');
      loop.stop();
      await loop.start();
      expect(loop.isRunning).toBe(false);
      loop.close();
      expect(() => loop.callLater(1, () => {})).toThrow(new Error('IOLoop is closed: cannot schedule a callback'));
    });

    it('a callback that re-schedules itself (a polling loop) does not starve a timer due 5 ms later', async () => {
      const { loop, drive } = open();
      const result = loop.runSync(
        () =>
          new Promise<{ polls: number; elapsedMs: number; pollsAfter: number }>((resolve) => {
            let polls = 0;
            let pollsAfter = -1;
            const start = loop.now();
            const poll = (): void => {
              polls++;
              if (pollsAfter >= 0 && ++pollsAfter === 3) return resolve({ polls, elapsedMs, pollsAfter });
              loop.addCallback(poll);
            };
            let elapsedMs = 0;
            loop.addCallback(poll);
            loop.callLater(5, () => {
              elapsedMs = loop.now() - start;
              pollsAfter = 0;
            });
          }),
        { timeoutMs: 5_000 },
      );
      const { polls, elapsedMs, pollsAfter } = await drive(result);
      // On Node the timer fires once 5 ms have passed, however busy the loop; the poll keeps running after it.
      expect(elapsedMs).toBeGreaterThanOrEqual(5);
      expect(elapsedMs).toBeLessThan(2_000);
      expect(polls).toBeGreaterThan(3);
      expect(pollsAfter).toBe(3);
    });

    it('drops addCallback and spawnCallback on a closed loop, as Tornado does, while timers still refuse', async () => {
      const { loop, drive } = open();
      const seen: string[] = [];
      await drive(loop.runSync(() => seen.push('ran'), { timeoutMs: 2_000 }));
      loop.close();
      loop.addCallback(() => seen.push('dropped'));
      loop.spawnCallback(() => seen.push('dropped too'));
      expect(() => loop.callLater(1, () => {})).toThrow(new Error('IOLoop is closed: cannot schedule a callback'));
      // Give either world time to run anything that was (wrongly) scheduled.
      await drive(new Promise<void>((resolve) => globalThis.setTimeout(resolve, 20)));
      expect(seen).toEqual(['ran']);
    });
  });
}
