// Proves IOLoop keeps Tornado's API and guarantees on virtual time: scheduling, removal, exceptions, blocking logs, lifecycle, runSync, current/instance and every bad-input message.
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError } from '../../../src/core/errors.js';
import { IOLoop } from '../../../src/core/io-loop.js';
import type { LoopPort, TimerHandle } from '../../../src/core/ports.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { recordingLogger } from '../../support/recording-logger.js';

function setup(options: { startMs?: number } = {}) {
  const kernel = new SimKernel(options);
  const port = new LoopSim(kernel);
  const { logger, lines } = recordingLogger();
  const refs: string[] = [];
  const keepAlive = { ref: () => refs.push('ref'), unref: () => refs.push('unref') };
  const loop = new IOLoop({ port, logger, keepAlive });
  return { kernel, port, loop, lines, refs };
}

afterEach(() => {
  IOLoop.clearInstance();
  IOLoop.clearCurrent();
  IOLoop.setDefaultFactory(undefined);
});

describe('IOLoop scheduling', () => {
  it('addCallback runs FIFO with its arguments, after callbacks already due', async () => {
    const { kernel, loop } = setup();
    const seen: string[] = [];
    loop.callAt(0, () => seen.push('due timer'));
    loop.addCallback((a: string, b: number) => seen.push(`${a}${b}`), 'a', 1);
    loop.addCallbackFromSignal((a: string) => seen.push(a), 'signal');
    loop.spawnCallback(() => seen.push('spawned'));
    loop.addCallback(() => loop.addCallback(() => seen.push('nested')));
    loop.addCallback(() => seen.push('last'));
    await kernel.run();
    expect(seen).toEqual(['due timer', 'a1', 'signal', 'spawned', 'last', 'nested']);
  });

  it('callAt, callLater and addTimeout (absolute or { delayMs }) fire at their deadline with their arguments', async () => {
    const { kernel, loop } = setup({ startMs: 100 });
    const seen: Array<[string, number]> = [];
    const at = loop.callAt(130, (tag: string) => seen.push([tag, loop.time()]), 'callAt');
    const later = loop.callLater(20, (tag: string) => seen.push([tag, loop.now()]), 'callLater');
    const abs = loop.addTimeout(110, (tag: string) => seen.push([tag, loop.time()]), 'absolute');
    const rel = loop.addTimeout({ delayMs: 5 }, (tag: string) => seen.push([tag, loop.time()]), 'relative');
    expect([at.deadlineMs, later.deadlineMs, abs.deadlineMs, rel.deadlineMs]).toEqual([130, 120, 110, 105]);
    await kernel.run();
    expect(seen).toEqual([
      ['relative', 105],
      ['absolute', 110],
      ['callLater', 120],
      ['callAt', 130],
    ]);
  });

  it('equal deadlines run in insertion order; a deadline in the past runs after what is already due', async () => {
    const { kernel, loop } = setup({ startMs: 50 });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) loop.callAt(60, () => seen.push(i));
    loop.addCallback(() => seen.push(-1));
    loop.callAt(10, () => seen.push(-2));
    await kernel.run();
    expect(seen).toEqual([-1, -2, 0, 1, 2, 3, 4]);
  });

  it('removeTimeout and cancel prevent a callback; both are safe after it ran and twice', async () => {
    const { kernel, loop } = setup();
    const seen: string[] = [];
    const removed = loop.callLater(10, () => seen.push('removed'));
    const cancelled = loop.addTimeout({ delayMs: 5 }, () => seen.push('cancelled'));
    const ran = loop.callLater(1, () => seen.push('ran'));
    loop.removeTimeout(removed);
    loop.cancel(cancelled);
    loop.removeTimeout(removed);
    await kernel.run();
    loop.removeTimeout(ran);
    loop.removeTimeout(ran);
    loop.cancel(ran);
    expect(seen).toEqual(['ran']);
  });

  it('a callback can remove a timer due at the same time', async () => {
    const { kernel, loop } = setup();
    const seen: string[] = [];
    const handles: { victim?: TimerHandle } = {};
    loop.callAt(5, () => {
      seen.push('first');
      if (handles.victim) loop.removeTimeout(handles.victim);
    });
    handles.victim = loop.callAt(5, () => seen.push('victim'));
    await kernel.run();
    expect(seen).toEqual(['first']);
  });

  it('addFuture calls back on the loop with the settled promise itself, resolved or rejected', async () => {
    const { kernel, loop, lines } = setup();
    const seen: unknown[] = [];
    const ok = new Promise<number>((resolve) => loop.callLater(10, () => resolve(42)));
    const bad = new Promise<number>((_, reject) => loop.callLater(20, () => reject(new Error('boom'))));
    loop.addFuture(ok, async (settled) => {
      expect(settled).toBeInstanceOf(Promise);
      seen.push(['ok', loop.now(), await settled]);
    });
    loop.addFuture(bad, async (settled) => {
      await settled.catch((error: Error) => seen.push(['bad', loop.now(), error.message]));
    });
    await kernel.run();
    expect(seen).toEqual([
      ['ok', 10, 42],
      ['bad', 20, 'boom'],
    ]);
    expect(lines).toEqual([]);
  });

  it('addFuture: a callback that rethrows the rejection reaches handleCallbackException', async () => {
    const { kernel, loop, lines } = setup();
    loop.addFuture(Promise.reject(new Error('nope')), function rethrow(settled) {
      return settled;
    });
    await kernel.run();
    expect(lines.map((l) => l.message)).toEqual(['Exception in callback rethrow']);
    expect((lines[0]?.context?.err as Error).message).toBe('nope');
  });

  it('time() and now() read the port clock', () => {
    const { loop, port } = setup({ startMs: 1234 });
    expect(loop.time()).toBe(1234);
    expect(loop.now()).toBe(port.now());
  });
});

describe('IOLoop exceptions', () => {
  it('a throw and a rejected promise both go to handleCallbackException (logged) and the loop goes on', async () => {
    const { kernel, loop, lines } = setup();
    const seen: string[] = [];
    loop.addCallback(function thrower() {
      throw new Error('sync boom');
    });
    loop.callLater(1, async function rejecter() {
      await Promise.resolve();
      throw new Error('async boom');
    });
    loop.callLater(2, () => seen.push('after'));
    await kernel.run();
    expect(seen).toEqual(['after']);
    expect(lines.map((l) => [l.level, l.message, (l.context?.err as Error).message, l.context?.callback])).toEqual([
      ['error', 'Exception in callback thrower', 'sync boom', 'thrower'],
      ['error', 'Exception in callback rejecter', 'async boom', 'rejecter'],
    ]);
  });

  it('handleCallbackException can be replaced by an option or a subclass; a throwing handler is logged', async () => {
    const kernel = new SimKernel();
    const port = new LoopSim(kernel);
    const { logger, lines } = recordingLogger();
    const byOption: unknown[] = [];
    const viaOption = new IOLoop({ port, logger, handleCallbackException: (error, callback) => byOption.push([(error as Error).message, callback.name]) });
    class Custom extends IOLoop {
      readonly caught: unknown[] = [];
      override handleCallbackException(error: unknown): void {
        this.caught.push(error);
      }
    }
    const custom = new Custom({ port, logger });
    const failing = new IOLoop({
      port,
      logger,
      handleCallbackException: () => {
        throw new Error('handler broke');
      },
    });
    viaOption.addCallback(function one() {
      throw new Error('1');
    });
    custom.addCallback(() => {
      throw 'two';
    });
    failing.addCallback(() => {
      throw new Error('3');
    });
    failing.addCallback(() => byOption.push('still running'));
    await kernel.run();
    expect(byOption).toEqual([['1', 'one'], 'still running']);
    expect(custom.caught).toEqual(['two']);
    expect(lines.map((l) => [l.message, (l.context?.err as Error).message, (l.context?.original as Error).message])).toEqual([
      ['handleCallbackException threw', 'handler broke', '3'],
    ]);
  });
});

/** A port whose clock advances while a callback runs, as a busy callback advances a real clock. */
function busyClock(port: LoopPort): { port: LoopPort; burn(ms: number): void } {
  let burnedMs = 0;
  return {
    burn: (ms) => {
      burnedMs += ms;
    },
    port: {
      now: () => port.now() + burnedMs,
      callAt: (whenMs, cb) => port.callAt(whenMs - burnedMs, cb),
      callLater: (delayMs, cb) => port.callLater(delayMs, cb),
      addCallback: (cb) => port.addCallback(cb),
      cancel: (handle) => port.cancel(handle),
    },
  };
}

describe('IOLoop blocking log', () => {
  it('warns with the callback name and duration when one callback runs longer than the threshold', async () => {
    const kernel = new SimKernel();
    const clock = busyClock(new LoopSim(kernel));
    const { logger, lines } = recordingLogger();
    const loop = new IOLoop({ port: clock.port, logger });
    loop.setBlockingLogThreshold(20);
    loop.addCallback(function slowOne() {
      clock.burn(35);
    });
    loop.addCallback(function quickOne() {
      clock.burn(20);
    });
    await kernel.run();
    loop.setBlockingLogThreshold(undefined);
    loop.addCallback(function unwatched() {
      clock.burn(100);
    });
    await kernel.run();
    expect(lines).toEqual([
      {
        level: 'warn',
        context: { callback: 'slowOne', elapsedMs: 35, thresholdMs: 20 },
        message: 'IOLoop blocked for 35.0ms by callback slowOne (threshold 20ms)',
      },
    ]);
  });

  it('rejects a bad threshold', () => {
    const { loop } = setup();
    expect(() => loop.setBlockingLogThreshold(-1)).toThrow(new RangeError('thresholdMs: expected a finite number >= 0, got -1'));
  });
});

describe('IOLoop lifecycle', () => {
  it('start() resolves when a callback calls stop(); the loop is current and kept alive meanwhile', async () => {
    const { kernel, loop, refs } = setup();
    let currentInside: IOLoop | undefined;
    const started = loop.start();
    expect(loop.isRunning).toBe(true);
    expect(IOLoop.current()).toBe(loop);
    loop.callLater(10, () => {
      currentInside = IOLoop.current();
      loop.stop();
    });
    await kernel.run();
    await started;
    expect(currentInside).toBe(loop);
    expect(loop.isRunning).toBe(false);
    expect(IOLoop.current(false)).toBeUndefined();
    expect(refs).toEqual(['ref', 'unref']);
  });

  it('stop() before start() makes the next start() return at once, and only that one', async () => {
    const { kernel, loop } = setup();
    loop.stop();
    await loop.start();
    expect(loop.isRunning).toBe(false);
    const second = loop.start();
    expect(loop.isRunning).toBe(true);
    loop.callLater(5, () => loop.stop());
    await kernel.run();
    await second;
  });

  it('start() twice rejects; close() while running throws; close() after stop works and drops pending callbacks', async () => {
    const { kernel, loop } = setup();
    const seen: string[] = [];
    const started = loop.start();
    await expect(loop.start()).rejects.toThrow(new Error('IOLoop.start: the loop is already running'));
    expect(() => loop.close()).toThrow(new Error('IOLoop.close: the loop is running; call stop() and let start() return first'));
    loop.callLater(10, () => seen.push('dropped'));
    loop.stop();
    await started;
    loop.close();
    loop.close();
    expect(loop.isClosed).toBe(true);
    await kernel.run();
    expect(seen).toEqual([]);
    // Tornado's asyncio loop drops add_callback on a closed loop; timers still refuse.
    const handle = loop.addCallback(() => seen.push('dropped callback'));
    loop.spawnCallback(() => seen.push('dropped spawn'));
    loop.addCallbackFromSignal(() => seen.push('dropped signal'));
    loop.cancel(handle);
    await kernel.run();
    expect(seen).toEqual([]);
    expect(kernel.pending).toBe(0);
    expect(() => loop.callLater(1, () => {})).toThrow(new Error('IOLoop is closed: cannot schedule a callback'));
    expect(() => loop.callAt(1, () => {})).toThrow(new Error('IOLoop is closed: cannot schedule a callback'));
    await expect(loop.start()).rejects.toThrow(new Error('IOLoop.start: the loop is closed'));
    await expect(loop.runSync(() => 1)).rejects.toThrow(new Error('IOLoop.runSync: the loop is closed'));
  });

  it('close() closes a port it owns and forgets itself as instance and current', () => {
    const closed: string[] = [];
    const port = Object.assign(new LoopSim(new SimKernel()), { close: () => closed.push('port') });
    const loop = new IOLoop({ port, ownsPort: true });
    loop.install();
    loop.makeCurrent();
    loop.close();
    expect(closed).toEqual(['port']);
    expect(IOLoop.initialized()).toBe(false);
    expect(IOLoop.current(false)).toBeUndefined();
  });
});

describe('IOLoop.runSync', () => {
  it('resolves with the result of a sync or async fn, runs it on the loop, and holds keepAlive meanwhile', async () => {
    const { kernel, loop, refs } = setup();
    const sync = loop.runSync(() => IOLoop.current() === loop);
    await kernel.run();
    expect(await sync).toBe(true);
    const async = loop.runSync(async () => {
      await new Promise<void>((resolve) => loop.callLater(30, resolve));
      return loop.now();
    });
    await kernel.run();
    expect(await async).toBe(30);
    expect(refs).toEqual(['ref', 'unref', 'ref', 'unref']);
    expect(loop.isRunning).toBe(false);
  });

  it('rejects with the error fn throws or rejects with', async () => {
    const { kernel, loop } = setup();
    // The expectation is attached before the kernel runs, as a caller awaiting runSync would be.
    const thrown = expect(
      loop.runSync(() => {
        throw new Error('sync fail');
      }),
    ).rejects.toThrow('sync fail');
    await kernel.run();
    await thrown;
    const rejected = expect(loop.runSync(() => Promise.reject(new Error('async fail')), { timeoutMs: 100 })).rejects.toThrow('async fail');
    await kernel.run();
    await rejected;
  });

  it('rejects with a TimeoutError naming timeoutMs when fn takes longer', async () => {
    const { kernel, loop } = setup();
    const slow = loop.runSync(() => new Promise((resolve) => loop.callLater(1000, () => resolve('late'))), { timeoutMs: 100 });
    const outcome = slow.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await kernel.run({ untilMs: 150 });
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('IOLoop.runSync: operation timed out after timeoutMs=100ms (TIMEOUT -1)');
    expect((error as TimeoutError).value).toBe('IOLoop.runSync: operation timed out after timeoutMs=100ms');
    expect(loop.isRunning).toBe(false);
  });

  it('rejects when stop() comes before fn completes, and when the loop already runs', async () => {
    const { kernel, loop } = setup();
    const started = loop.start();
    await expect(loop.runSync(() => 1)).rejects.toThrow(new Error('IOLoop.runSync: the loop is already running'));
    loop.stop();
    await started;
    const stopped = expect(loop.runSync(() => new Promise(() => {}))).rejects.toThrow(
      new Error('IOLoop.runSync: the loop was stopped before fn completed'),
    );
    loop.callLater(5, () => loop.stop());
    await kernel.run();
    await stopped;
  });

  it('a runSync ended by stop() leaves no timer behind, and neither its timer nor a late fn result stops a later start()', async () => {
    const { kernel, loop } = setup();
    let resolveFn!: (value: string) => void;
    const stopped = loop.runSync(() => new Promise<string>((resolve) => (resolveFn = resolve)), { timeoutMs: 100 }).catch((error: unknown) => error);
    loop.callLater(5, () => loop.stop());
    await kernel.run({ untilMs: 10 });
    expect(((await stopped) as Error).message).toBe('IOLoop.runSync: the loop was stopped before fn completed');
    expect(kernel.pending).toBe(0);
    const started = loop.start();
    let returned = false;
    void started.then(() => (returned = true));
    resolveFn('late');
    await kernel.run({ untilMs: 200 });
    expect(returned).toBe(false);
    expect(loop.isRunning).toBe(true);
    loop.stop();
    await started;
  });

  it('ignores a stale stop() from before the call', async () => {
    const { kernel, loop } = setup();
    loop.stop();
    const result = loop.runSync(() => 'ran');
    await kernel.run();
    expect(await result).toBe('ran');
  });
});

describe('IOLoop.current and instance', () => {
  it('instance() throws a clear error when no factory is registered', () => {
    expect(() => IOLoop.instance()).toThrow(
      new Error(
        'IOLoop.instance: no default loop factory registered; call installNodeDefaultLoop() from src/adapters/loop-node.ts, IOLoop.setDefaultFactory(fn), or loop.install()',
      ),
    );
    expect(() => IOLoop.current()).toThrow(/no default loop factory registered/);
    expect(IOLoop.current(false)).toBeUndefined();
  });

  it('instance() builds the process-wide loop once with the registered factory', () => {
    let built = 0;
    const port = new LoopSim(new SimKernel());
    IOLoop.setDefaultFactory(() => {
      built++;
      return new IOLoop({ port });
    });
    expect(IOLoop.initialized()).toBe(false);
    const first = IOLoop.instance();
    expect(IOLoop.instance()).toBe(first);
    expect(IOLoop.current()).toBe(first);
    expect(IOLoop.initialized()).toBe(true);
    expect(built).toBe(1);
    IOLoop.clearInstance();
    expect(IOLoop.instance()).not.toBe(first);
    expect(built).toBe(2);
  });

  it('a factory returning something else, a bad factory and a second install are refused', () => {
    IOLoop.setDefaultFactory(() => ({}) as IOLoop);
    expect(() => IOLoop.instance()).toThrow(new TypeError('IOLoop default factory result: expected an IOLoop, got object Object'));
    expect(() => IOLoop.setDefaultFactory(5 as never)).toThrow(new TypeError('factory: expected a function, got 5'));
    const port = new LoopSim(new SimKernel());
    new IOLoop({ port }).install();
    expect(() => new IOLoop({ port }).install()).toThrow(new Error('IOLoop.install: a process-wide instance already exists'));
  });

  it('current() is the loop running a callback, else the one made current, else instance()', async () => {
    const kernel = new SimKernel();
    const port = new LoopSim(kernel);
    const a = new IOLoop({ port });
    const b = new IOLoop({ port });
    const fallback = new IOLoop({ port });
    fallback.install();
    const seen: IOLoop[] = [];
    a.makeCurrent();
    b.addCallback(() => seen.push(IOLoop.current()));
    await kernel.run();
    seen.push(IOLoop.current());
    IOLoop.clearCurrent();
    seen.push(IOLoop.current());
    expect(seen[0]).toBe(b);
    expect(seen[1]).toBe(a);
    expect(seen[2]).toBe(fallback);
  });
});

describe('IOLoop bad input', () => {
  const { loop } = setup();
  it.each([
    ['negative delay', () => loop.callLater(-1, () => {}), new RangeError('delayMs: expected a finite number >= 0, got -1')],
    ['relative negative delay', () => loop.addTimeout({ delayMs: -5 }, () => {}), new RangeError('delayMs: expected a finite number >= 0, got -5')],
    ['NaN deadline', () => loop.callAt(Number.NaN, () => {}), new RangeError('whenMs: expected a number, got NaN')],
    ['NaN addTimeout deadline', () => loop.addTimeout(Number.NaN, () => {}), new RangeError('whenMs: expected a number, got NaN')],
    ['infinite deadline', () => loop.callAt(Infinity, () => {}), new RangeError('whenMs: expected a finite number, got Infinity')],
    ['deadline of the wrong type', () => loop.addTimeout('soon' as never, () => {}), new TypeError('deadline: expected a number (absolute ms) or { delayMs }, got "soon"')],
    ['non-function callback', () => loop.addCallback(5 as never), new TypeError('callback: expected a function, got 5')],
    ['non-function timer callback', () => loop.callLater(1, 'x' as never), new TypeError('callback: expected a function, got "x"')],
    ['addFuture of a non-promise', () => loop.addFuture(3 as never, () => {}), new TypeError('promise: expected a promise, got 3')],
    ['missing port', () => new IOLoop({} as never), new TypeError('port: expected a LoopPort, got undefined')],
    ['keepAlive without ref/unref', () => new IOLoop({ port: loop.port, keepAlive: {} as never }), new TypeError('keepAlive: expected an object with ref() and unref(), got object Object')],
    ['logger without error()', () => new IOLoop({ port: loop.port, logger: 'stdout' as never }), new TypeError('logger: expected a Logger, got "stdout"')],
    ['unknown option', () => new IOLoop({ port: loop.port, colour: 1 } as never), new RangeError('IOLoop options: unknown option "colour" (known: port, logger, keepAlive, handleCallbackException, ownsPort)')],
  ])('%s', (_name, act, error) => {
    expect(act).toThrow(error);
  });

  it('runSync: non-function fn and negative timeoutMs', async () => {
    await expect(loop.runSync(7 as never)).rejects.toThrow(new TypeError('fn: expected a function, got 7'));
    await expect(loop.runSync(() => 1, { timeoutMs: -1 })).rejects.toThrow(new RangeError('timeoutMs: expected a finite number >= 0, got -1'));
  });
});
