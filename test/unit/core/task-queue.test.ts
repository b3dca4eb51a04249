// Proves TaskQueue runs at most `concurrency` tasks FIFO, settles yieldTask, logs addTask failures, retires idle runners on the loop's clock, bounds and aborts queued tasks, and rejects bad input with exact messages.
import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../../src/core/ports.js';
import { QueueFullError, TaskQueue } from '../../../src/core/task-queue.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

function world(): { kernel: SimKernel; loop: LoopSim } {
  const kernel = new SimKernel();
  return { kernel, loop: new LoopSim(kernel) };
}

function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function recordingLogger(): { logger: Logger; errors: unknown[][] } {
  const errors: unknown[][] = [];
  const log = (): void => {};
  const logger: Logger = {
    trace: log,
    debug: log,
    info: log,
    warn: log,
    error: (...args: unknown[]) => void errors.push(args),
    fatal: log,
    child: () => logger,
  };
  return { logger, errors };
}

describe('TaskQueue basics', () => {
  it('has Toto defaults and starts empty', () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    expect([queue.name, queue.concurrency, queue.idleTimeoutMs, queue.maxQueued]).toEqual(['TaskQueue', 1, 60_000, Infinity]);
    expect([queue.length, queue.runners, queue.busy, queue.queued]).toEqual([0, 0, 0, 0]);
  });

  it('starts a task before addTask returns when a runner is free', () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const seen: number[] = [];
    queue.addTask((a: number, b: number) => seen.push(a + b), 1, 2);
    expect(seen).toEqual([3]);
    expect([queue.runners, queue.busy, queue.length]).toEqual([1, 0, 1]);
  });

  it('never runs more than concurrency tasks and starts them FIFO', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop, concurrency: 2 });
    const gates = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    gates.forEach((gate, i) =>
      queue.addTask(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await gate.promise;
        running--;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect([queue.busy, queue.queued, queue.length]).toEqual([2, 3, 5]);
    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    await queue.onIdle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect([queue.busy, queue.queued, queue.runners]).toEqual([0, 0, 2]);
  });

  it('yieldTask resolves with sync, async and thenable results, and passes rejections through', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop, concurrency: 3 });
    const thenable = { then: (onFulfilled: (value: string) => void) => onFulfilled('thenable') };
    await expect(queue.yieldTask((x: number) => x * 2, 21)).resolves.toBe(42);
    await expect(queue.yieldTask(async (s: string) => s.toUpperCase(), 'ok')).resolves.toBe('OK');
    await expect(queue.yieldTask(() => thenable)).resolves.toBe('thenable');
    const boom = new Error('boom');
    await expect(
      queue.yieldTask(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(queue.yieldTask(async () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('logs addTask failures with the queue name and goes on', async () => {
    const { loop } = world();
    const { logger, errors } = recordingLogger();
    const queue = new TaskQueue({ loop, name: 'jobs', logger });
    const sync = new Error('sync');
    const async = new Error('async');
    const done: string[] = [];
    queue.addTask(() => {
      throw sync;
    });
    queue.addTask(async () => {
      await Promise.resolve();
      throw async;
    });
    queue.addTask(() => done.push('after'));
    await queue.onIdle();
    expect(done).toEqual(['after']);
    expect(errors).toEqual([
      [{ err: sync, queue: 'jobs' }, 'jobs: task failed'],
      [{ err: async, queue: 'jobs' }, 'jobs: task failed'],
    ]);
  });

  it('lets a task add tasks: they queue behind and run FIFO', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const order: string[] = [];
    queue.addTask(() => {
      order.push('a');
      queue.addTask(() => order.push('c'));
      order.push('b');
    });
    queue.addTask(() => order.push('d'));
    await queue.onIdle();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps FIFO across ring growth and wrap-around', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      const gate = deferred();
      queue.addTask(() => gate.promise);
      for (let i = 0; i < 10 + round * 40; i++) queue.addTask((n: number) => void seen.push(n), round * 1000 + i);
      gate.resolve();
      await queue.onIdle();
    }
    const expected = [0, 1, 2].flatMap((round) => Array.from({ length: 10 + round * 40 }, (_, i) => round * 1000 + i));
    expect(seen).toEqual(expected);
  });

  it('runs 1,000,000 synchronous tasks without growing the stack', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const gate = deferred();
    let count = 0;
    const bump = (): void => void count++;
    queue.addTask(() => gate.promise);
    for (let i = 0; i < 1_000_000; i++) queue.addTask(bump);
    expect(queue.queued).toBe(1_000_000);
    gate.resolve();
    await queue.onIdle();
    expect(count).toBe(1_000_000);
    let direct = 0;
    for (let i = 0; i < 1_000_000; i++) void queue.yieldTask(() => direct++);
    expect(direct).toBe(1_000_000);
  });

  it('run() has nothing to start: a task only waits while every runner is busy', () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop, concurrency: 2 });
    queue.run();
    expect(queue.length).toBe(0);
    const gate = deferred();
    for (let i = 0; i < 3; i++) queue.addTask(() => gate.promise);
    queue.run();
    expect([queue.busy, queue.queued, queue.length]).toEqual([2, 1, 3]);
  });
});

describe('TaskQueue idle runners', () => {
  it('retires an idle runner exactly idleTimeoutMs after it went idle, on the loop clock', async () => {
    const { kernel, loop } = world();
    const queue = new TaskQueue({ loop, concurrency: 2, idleTimeoutMs: 500 });
    const gate = deferred();
    loop.callAt(100, () => queue.addTask(() => gate.promise));
    loop.callAt(100, () => queue.addTask(() => {}));
    loop.callAt(300, () => gate.resolve());
    const retired: Array<[number, number]> = [];
    // Probes scheduled after the retirement timers, so at an equal deadline they run after them.
    loop.callAt(350, () => {
      for (const t of [599, 600, 799, 800]) loop.callAt(t, () => retired.push([t, queue.runners]));
    });
    await kernel.run();
    expect(retired).toEqual([
      [599, 2],
      [600, 1],
      [799, 1],
      [800, 0],
    ]);
  });

  it('reuses an idle runner, cancelling its retirement, and restarts the clock when it idles again', async () => {
    const { kernel, loop } = world();
    const queue = new TaskQueue({ loop, idleTimeoutMs: 100 });
    loop.callAt(0, () => queue.addTask(() => {}));
    loop.callAt(90, () => queue.addTask(() => {}));
    const runners: Array<[number, number]> = [];
    loop.callAt(95, () => {
      for (const t of [100, 189, 190]) loop.callAt(t, () => runners.push([t, queue.runners]));
    });
    await kernel.run();
    expect(runners).toEqual([
      [100, 1],
      [189, 1],
      [190, 0],
    ]);
    expect(kernel.pending).toBe(0);
  });

  it('idleTimeoutMs 0 retires on the next loop turn', async () => {
    const { kernel, loop } = world();
    const queue = new TaskQueue({ loop, idleTimeoutMs: 0 });
    queue.addTask(() => {});
    expect(queue.runners).toBe(1);
    await kernel.run();
    expect(queue.runners).toBe(0);
  });
});

describe('TaskQueue on a loop that closes under a running task', () => {
  it('delivers the result, retires the runner at once and reaches idle, with no unhandled rejection', async () => {
    const { loop } = world();
    let closed = false;
    // A closed loop (IOLoop.close, LoopNode.close) refuses timers.
    const closing = {
      now: () => loop.now(),
      callAt: (whenMs: number, cb: () => void) => loop.callAt(whenMs, cb),
      addCallback: (cb: () => void) => loop.addCallback(cb),
      cancel: (handle: Parameters<typeof loop.cancel>[0]) => loop.cancel(handle),
      callLater: (delayMs: number, cb: () => void) => {
        if (closed) throw new Error('IOLoop is closed: cannot schedule a callback');
        return loop.callLater(delayMs, cb);
      },
    };
    const queue = new TaskQueue({ loop: closing, concurrency: 2 });
    const gate = deferred<string>();
    const result = queue.yieldTask(() => gate.promise);
    const idle = queue.onIdle();
    closed = true;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      gate.resolve('done');
      expect(await result).toBe('done');
      await idle;
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect([queue.runners, queue.length]).toEqual([0, 0]);
    // A sync task on the closed loop still runs, and its runner retires at once too.
    expect(await queue.yieldTask(() => 7)).toBe(7);
    expect(queue.runners).toBe(0);
  });
});

describe('TaskQueue onIdle / onEmpty', () => {
  it('resolve at once when already true', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    let both = 0;
    void queue.onIdle().then(() => both++);
    void queue.onEmpty().then(() => both++);
    await flush();
    expect(both).toBe(2);
  });

  it('onEmpty resolves when the last queued task starts, onIdle when it ends', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const gates = [deferred(), deferred()];
    const events: string[] = [];
    queue.addTask(() => gates[0]!.promise);
    queue.addTask(() => {
      events.push('second started');
      return gates[1]!.promise;
    });
    void queue.onEmpty().then(() => events.push('empty'));
    void queue.onIdle().then(() => events.push('idle'));
    await flush();
    expect(events).toEqual([]);
    gates[0]!.resolve();
    await flush();
    expect(events).toEqual(['second started', 'empty']);
    gates[1]!.resolve();
    await flush();
    expect(events).toEqual(['second started', 'empty', 'idle']);
  });
});

describe('TaskQueue maxQueued', () => {
  it('throws QueueFullError naming the queue and the limit, and counts only waiting tasks', () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop, name: 'mail', maxQueued: 2 });
    const gate = deferred();
    queue.addTask(() => gate.promise);
    queue.addTask(() => {});
    void queue.yieldTask(() => {});
    expect(() => queue.addTask(() => {})).toThrow(QueueFullError);
    expect(() => queue.yieldTask(() => {})).toThrow('mail: queue full, maxQueued=2 tasks already waiting');
    try {
      queue.addTask(() => {});
    } catch (error) {
      expect(error).toMatchObject({ name: 'QueueFullError', queueName: 'mail', maxQueued: 2 });
    }
    expect(queue.length).toBe(3);
  });

  it('maxQueued 0 still starts tasks on free runners', () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop, concurrency: 1, maxQueued: 0 });
    const gate = deferred();
    queue.addTask(() => gate.promise);
    expect(() => queue.addTask(() => {})).toThrow('TaskQueue: queue full, maxQueued=0 tasks already waiting');
  });
});

describe('TaskQueue abort', () => {
  it('removes a queued task and rejects with the reason; the others still run in order', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const gate = deferred();
    const ran: string[] = [];
    queue.addTask(() => gate.promise);
    const controller = new AbortController();
    const aborted = queue.yieldTaskWith({ signal: controller.signal }, () => ran.push('aborted'));
    const kept = queue.yieldTaskWith({ signal: new AbortController().signal }, (s: string) => ran.push(s), 'kept');
    expect(queue.queued).toBe(2);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect([queue.queued, queue.length]).toEqual([1, 2]);
    gate.resolve();
    await expect(kept).resolves.toBe(1);
    expect(ran).toEqual(['kept']);
  });

  it('does nothing to a running task; an already-aborted signal rejects without running', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const controller = new AbortController();
    const gate = deferred<string>();
    const running = queue.yieldTaskWith({ signal: controller.signal }, () => gate.promise);
    controller.abort();
    gate.resolve('finished');
    await expect(running).resolves.toBe('finished');
    let ran = false;
    const late = queue.yieldTaskWith({ signal: controller.signal }, () => (ran = true));
    await expect(late).rejects.toMatchObject({ name: 'AbortError' });
    expect(ran).toBe(false);
    await expect(queue.yieldTaskWith({}, () => 'no signal')).resolves.toBe('no signal');
  });

  it('aborting every queued task makes the queue empty, then idle when the runner finishes', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const gate = deferred();
    queue.addTask(() => gate.promise);
    const controller = new AbortController();
    const tasks = Array.from({ length: 3000 }, (_, i) => queue.yieldTaskWith({ signal: controller.signal }, () => i));
    const survivors = [queue.yieldTask(() => 'a'), queue.yieldTask(() => 'b')];
    let empty = false;
    void queue.onEmpty().then(() => (empty = true));
    controller.abort('gone');
    const outcomes = await Promise.allSettled(tasks);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason === 'gone')).toBe(true);
    expect([queue.queued, empty]).toEqual([2, false]);
    gate.resolve();
    await expect(Promise.all(survivors)).resolves.toEqual(['a', 'b']);
    await queue.onIdle();
    expect(empty).toBe(true);
  });

  it('removes its abort listener once the task starts', async () => {
    const { loop } = world();
    const queue = new TaskQueue({ loop });
    const gate = deferred();
    queue.addTask(() => gate.promise);
    const signal = new AbortController().signal;
    const remove = vi.spyOn(signal, 'removeEventListener');
    const task = queue.yieldTaskWith({ signal }, () => 1);
    gate.resolve();
    await task;
    expect(remove).toHaveBeenCalledTimes(1);
  });
});

describe('TaskQueue.instance', () => {
  it('is one queue per (loop, name); options after the first call are ignored', () => {
    const a = world();
    const b = world();
    const first = TaskQueue.instance('q', { loop: a.loop, concurrency: 3 });
    const again = TaskQueue.instance('q', { loop: a.loop, concurrency: 9, idleTimeoutMs: 1 });
    expect(again).toBe(first);
    expect([again.name, again.concurrency, again.idleTimeoutMs]).toEqual(['q', 3, 60_000]);
    expect(TaskQueue.instance('q', { loop: b.loop })).not.toBe(first);
    expect(TaskQueue.instance('other', { loop: a.loop })).not.toBe(first);
  });
});

describe('TaskQueue bad input', () => {
  const { loop } = world();
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['no options', () => new TaskQueue(undefined as never), TypeError, 'TaskQueue options: expected an options object with a loop, got undefined'],
    ['options not an object', () => new TaskQueue(3 as never), TypeError, 'TaskQueue options: expected an options object, got 3'],
    ['missing loop', () => new TaskQueue({} as never), TypeError, 'loop: expected a LoopPort, got undefined'],
    ['negative concurrency', () => new TaskQueue({ loop, concurrency: -1 }), RangeError, 'concurrency: expected an integer >= 1, got -1'],
    ['zero concurrency', () => new TaskQueue({ loop, concurrency: 0 }), RangeError, 'concurrency: expected an integer >= 1, got 0'],
    ['NaN concurrency', () => new TaskQueue({ loop, concurrency: NaN }), RangeError, 'concurrency: expected a number, got NaN'],
    ['fractional concurrency', () => new TaskQueue({ loop, concurrency: 1.5 }), RangeError, 'concurrency: expected an integer, got 1.5'],
    ['string concurrency', () => new TaskQueue({ loop, concurrency: '2' as never }), TypeError, 'concurrency: expected a number, got "2"'],
    ['NaN idleTimeoutMs', () => new TaskQueue({ loop, idleTimeoutMs: NaN }), RangeError, 'idleTimeoutMs: expected a number, got NaN'],
    ['negative idleTimeoutMs', () => new TaskQueue({ loop, idleTimeoutMs: -1 }), RangeError, 'idleTimeoutMs: expected a finite number >= 0, got -1'],
    ['negative maxQueued', () => new TaskQueue({ loop, maxQueued: -1 }), RangeError, 'maxQueued: expected an integer >= 0, got -1'],
    ['non-string name', () => new TaskQueue({ loop, name: 3 as never }), TypeError, 'name: expected a string, got 3'],
    ['bad logger', () => new TaskQueue({ loop, logger: null as never }), TypeError, 'logger: expected a Logger, got null'],
    [
      'unknown option',
      () => new TaskQueue({ loop, threads: 2 } as never),
      RangeError,
      'TaskQueue options: unknown option "threads" (known: loop, concurrency, idleTimeoutMs, name, maxQueued, logger)',
    ],
    ['non-function addTask', () => new TaskQueue({ loop }).addTask(42 as never), TypeError, 'fn: expected a function, got 42'],
    ['non-function yieldTask', () => new TaskQueue({ loop }).yieldTask('f' as never), TypeError, 'fn: expected a function, got "f"'],
    ['non-function yieldTaskWith', () => new TaskQueue({ loop }).yieldTaskWith({}, null as never), TypeError, 'fn: expected a function, got null'],
    ['bad signal', () => new TaskQueue({ loop }).yieldTaskWith({ signal: {} as never }, () => 1), TypeError, 'signal: expected an AbortSignal, got object Object'],
    [
      'unknown yieldTaskWith option',
      () => new TaskQueue({ loop }).yieldTaskWith({ timeoutMs: 5 } as never, () => 1),
      RangeError,
      'yieldTaskWith options: unknown option "timeoutMs" (known: signal)',
    ],
    ['instance without loop', () => TaskQueue.instance('x', {} as never), TypeError, 'loop: expected a LoopPort, got undefined'],
    ['instance with bad name', () => TaskQueue.instance(5 as never, { loop }), TypeError, 'name: expected a string, got 5'],
    [
      'instance with name option',
      () => TaskQueue.instance('fresh', { loop, name: 'y' } as never),
      RangeError,
      'TaskQueue.instance options: unknown option "name" (known: loop, concurrency, idleTimeoutMs, maxQueued, logger)',
    ],
  ];
  it.each(cases)('%s', (_label, act, type, message) => {
    expect(act).toThrow(type);
    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect((error as Error).message).toBe(message);
    }
  });
});
