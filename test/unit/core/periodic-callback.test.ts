// Proves PeriodicCallback follows Tornado 6's schedule on virtual time: start-to-start periods, whole skipped cycles on overrun, backwards clocks, deterministic jitter, awaited async calls, logged errors and every bad-input message.
import { afterEach, describe, expect, it } from 'vitest';
import { IOLoop } from '../../../src/core/io-loop.js';
import { PeriodicCallback } from '../../../src/core/periodic-callback.js';
import { Random } from '../../../src/core/random.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { recordingLogger } from '../../support/recording-logger.js';

function setup() {
  const kernel = new SimKernel();
  const loop = new LoopSim(kernel);
  return { kernel, loop };
}

afterEach(() => {
  IOLoop.clearCurrent();
  IOLoop.clearInstance();
});

describe('PeriodicCallback schedule', () => {
  it('calls one period after start, then every period measured start to start', async () => {
    const { kernel, loop } = setup();
    const calls: number[] = [];
    const pc = new PeriodicCallback(() => calls.push(loop.now()), 10, { loop });
    loop.callAt(3, () => pc.start());
    await kernel.run({ untilMs: 45 });
    expect(calls).toEqual([13, 23, 33, 43]);
    expect(pc.isRunning()).toBe(true);
  });

  it('an overrunning call skips whole cycles back onto the original schedule', async () => {
    const { kernel, loop } = setup();
    const calls: number[] = [];
    // jump() moves this host's clock forward, as a callback busy for that long would.
    const overrunMs = [25, 0, 10, 0];
    const pc = new PeriodicCallback(
      () => {
        calls.push(loop.now());
        loop.jump(overrunMs[calls.length - 1] ?? 0);
      },
      10,
      { loop },
    );
    pc.start();
    await kernel.run({ forMs: 40 });
    // 10 runs until 35: 20 and 30 are skipped. 50 runs until exactly 60: 60 is skipped too (Tornado's floor + 1).
    expect(calls).toEqual([10, 40, 50, 70]);
  });

  it('a clock that moved backwards adds one period: no burst of calls, no repeat', async () => {
    const { kernel, loop } = setup();
    const hostTimes: number[] = [];
    const kernelTimes: number[] = [];
    const pc = new PeriodicCallback(
      () => {
        hostTimes.push(loop.now());
        kernelTimes.push(kernel.now());
        if (hostTimes.length === 1) loop.jump(-5);
      },
      10,
      { loop },
    );
    pc.start();
    await kernel.run({ untilMs: 36 });
    expect(hostTimes).toEqual([10, 20, 30]);
    // On the stepped-back clock the first wait is the step plus one period, as in Tornado.
    expect(kernelTimes).toEqual([10, 25, 35]);
  });

  it('jitter scales each period by 1 + jitter * (random.float() - 0.5), deterministically per seed', async () => {
    async function callTimes(seed: number): Promise<number[]> {
      const { kernel, loop } = setup();
      const calls: number[] = [];
      const pc = new PeriodicCallback(() => calls.push(loop.now()), 100, { loop, jitter: 0.5, random: new Random(seed) });
      pc.start();
      await kernel.run({ untilMs: 1000 });
      pc.stop();
      return calls;
    }
    const first = await callTimes(7);
    expect(await callTimes(7)).toEqual(first);
    expect(await callTimes(8)).not.toEqual(first);
    const model = new Random(7);
    let next = 0;
    const expected: number[] = [];
    while (true) {
      next += 100 * (1 + 0.5 * (model.float() - 0.5));
      if (next > 1000) break;
      expected.push(next);
    }
    expect(first.length).toBe(expected.length);
    first.forEach((t, i) => expect(t).toBeCloseTo(expected[i] as number, 9));
    for (let i = 1; i < first.length; i++) {
      const gap = (first[i] as number) - (first[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(75);
      expect(gap).toBeLessThanOrEqual(125);
    }
  });
});

describe('PeriodicCallback calls', () => {
  it('logs a throwing call and keeps the schedule', async () => {
    const { kernel, loop } = setup();
    const { logger, lines } = recordingLogger();
    const calls: number[] = [];
    const pc = new PeriodicCallback(
      function flaky() {
        calls.push(loop.now());
        if (calls.length === 1) throw new Error('tick failed');
      },
      10,
      { loop, logger },
    );
    pc.start();
    await kernel.run({ untilMs: 30 });
    expect(calls).toEqual([10, 20, 30]);
    expect(lines.map((l) => [l.level, l.message, l.context.err.message, l.context.callback])).toEqual([
      ['error', 'Exception in periodic callback flaky', 'tick failed', 'flaky'],
    ]);
  });

  it('awaits a returned promise: the next call is scheduled when it settles, skipping cycles it overran', async () => {
    const { kernel, loop } = setup();
    const { logger, lines } = recordingLogger();
    const calls: number[] = [];
    let inFlight = 0;
    let overlap = false;
    const pc = new PeriodicCallback(
      async function slow() {
        calls.push(loop.now());
        if (++inFlight > 1) overlap = true;
        await new Promise<void>((resolve) => loop.callLater(calls.length === 1 ? 25 : 3, resolve));
        inFlight--;
        if (calls.length === 2) throw new Error('async tick failed');
      },
      10,
      { loop, logger },
    );
    pc.start();
    await kernel.run({ untilMs: 65 });
    expect(calls).toEqual([10, 40, 50, 60]);
    expect(overlap).toBe(false);
    expect(lines.map((l) => l.context.err.message)).toEqual(['async tick failed']);
  });

  it('stop() cancels the next call; a call in flight across stop/start does not schedule a second chain', async () => {
    const { kernel, loop } = setup();
    const calls: number[] = [];
    const pc = new PeriodicCallback(
      async () => {
        calls.push(loop.now());
        await new Promise<void>((resolve) => loop.callLater(5, resolve));
      },
      10,
      { loop },
    );
    pc.start();
    pc.start();
    loop.callAt(12, () => {
      pc.stop();
      expect(pc.isRunning()).toBe(false);
      pc.start();
    });
    loop.callAt(50, () => pc.stop());
    await kernel.run({ untilMs: 100 });
    expect(calls).toEqual([10, 22, 32, 42]);
    expect(pc.isRunning()).toBe(false);
  });

  it('stop() from inside the callback ends the schedule', async () => {
    const { kernel, loop } = setup();
    const calls: number[] = [];
    const pc = new PeriodicCallback(
      () => {
        calls.push(loop.now());
        if (calls.length === 2) pc.stop();
      },
      10,
      { loop },
    );
    pc.start();
    await kernel.run({ untilMs: 100 });
    expect(calls).toEqual([10, 20]);
    expect(kernel.pending).toBe(0);
  });

  it('without a loop option it runs on IOLoop.current() at start()', async () => {
    const kernel = new SimKernel();
    const io = new IOLoop({ port: new LoopSim(kernel) });
    const calls: number[] = [];
    const pc = new PeriodicCallback(() => calls.push(io.now()), 10);
    io.makeCurrent();
    pc.start();
    IOLoop.clearCurrent();
    await kernel.run({ untilMs: 20 });
    expect(calls).toEqual([10, 20]);
  });
});

describe('PeriodicCallback on a loop that refuses timers', () => {
  it('start() that throws leaves it stopped, so a later start() on a working loop runs', async () => {
    const { kernel, loop } = setup();
    let refuse = true;
    const flaky = {
      now: () => loop.now(),
      callAt: (whenMs: number, cb: () => void) => {
        if (refuse) throw new Error('IOLoop is closed: cannot schedule a callback');
        return loop.callAt(whenMs, cb);
      },
      callLater: (delayMs: number, cb: () => void) => loop.callLater(delayMs, cb),
      addCallback: (cb: () => void) => loop.addCallback(cb),
      cancel: (handle: Parameters<typeof loop.cancel>[0]) => loop.cancel(handle),
    };
    const calls: number[] = [];
    const pc = new PeriodicCallback(() => calls.push(loop.now()), 10, { loop: flaky });
    expect(() => pc.start()).toThrow('IOLoop is closed: cannot schedule a callback');
    expect(pc.isRunning()).toBe(false);
    refuse = false;
    pc.start();
    await kernel.run({ untilMs: 20 });
    expect(calls).toEqual([10, 20]);
  });
});

describe('PeriodicCallback when its loop closes under an async call', () => {
  it('stops and logs instead of rejecting unhandled when the next call cannot be scheduled', async () => {
    const { kernel, loop } = setup();
    const io = new IOLoop({ port: loop });
    const { logger, lines } = recordingLogger();
    let finishCall!: () => void;
    const pc = new PeriodicCallback(() => new Promise<void>((resolve) => (finishCall = resolve)), 10, { loop: io, logger });
    pc.start();
    await kernel.run({ untilMs: 10 });
    io.close();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      finishCall();
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(pc.isRunning()).toBe(false);
    expect(lines.map((l) => [l.level, l.message, (l.context.err as Error).message])).toEqual([
      ['error', 'PeriodicCallback: cannot schedule the next call; stopped', 'IOLoop is closed: cannot schedule a callback'],
    ]);
  });
});

describe('PeriodicCallback bad input', () => {
  const { loop } = setup();
  it.each([
    ['periodMs 0', () => new PeriodicCallback(() => {}, 0, { loop }), new RangeError('periodMs: expected a finite number > 0, got 0')],
    ['negative periodMs', () => new PeriodicCallback(() => {}, -5, { loop }), new RangeError('periodMs: expected a finite number > 0, got -5')],
    ['NaN periodMs', () => new PeriodicCallback(() => {}, Number.NaN, { loop }), new RangeError('periodMs: expected a finite number > 0, got NaN')],
    ['string periodMs', () => new PeriodicCallback(() => {}, '10' as never, { loop }), new TypeError('periodMs: expected a finite number > 0, got "10"')],
    ['jitter 2', () => new PeriodicCallback(() => {}, 10, { loop, jitter: 2, random: new Random(1) }), new RangeError('jitter: expected a number in [0, 1], got 2')],
    ['jitter without random', () => new PeriodicCallback(() => {}, 10, { loop, jitter: 0.1 }), new TypeError('random: expected a RandomPort when jitter > 0, got undefined')],
    ['non-function callback', () => new PeriodicCallback(5 as never, 10, { loop }), new TypeError('callback: expected a function, got 5')],
    ['bad loop', () => new PeriodicCallback(() => {}, 10, { loop: {} as never }), new TypeError('loop: expected a LoopPort, got object Object')],
    ['unknown option', () => new PeriodicCallback(() => {}, 10, { loop, period: 3 } as never), new RangeError('PeriodicCallback options: unknown option "period" (known: loop, jitter, random, logger)')],
  ])('%s', (_name, act, error) => {
    expect(act).toThrow(error);
  });
});
