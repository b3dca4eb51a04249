// Tornado 6's PeriodicCallback schedule, on an injected LoopPort. The period runs from the
// start of one call to the start of the next; a call that overruns skips whole cycles to
// land back on the original grid; a clock that moved backwards just adds one period. If
// the callback returns a promise it is awaited (as Tornado 6 awaits awaitables) and the
// next call is scheduled when it settles, so calls never overlap.

import { IOLoop } from './io-loop.js';
import { silentLogger, type Logger, type LoopPort, type RandomPort, type TimerHandle } from './ports.js';
import { checkFunction, checkLogger, checkLoopPort, checkOptions, checkRandomPort, checkRange, expected } from './validate.js';

export interface PeriodicCallbackOptions {
  /** The loop to run on; IOLoop.current() at start() when omitted (Tornado's behaviour). */
  loop?: LoopPort;
  /** Each period is scaled by 1 + jitter * (random.float() - 0.5); 0 (no jitter) by default. */
  jitter?: number;
  /** Required when jitter > 0: the source of the jitter. */
  random?: RandomPort;
  /** Where a failing call is reported (error level). Silent by default. */
  logger?: Logger;
}

export class PeriodicCallback {
  readonly periodMs: number;
  readonly jitter: number;
  private readonly callback: () => unknown;
  private readonly random: RandomPort | undefined;
  private readonly logger: Logger;
  private readonly configuredLoop: LoopPort | undefined;
  private loop: LoopPort | undefined;
  private running = false;
  private timeout: TimerHandle | undefined;
  private nextTimeoutMs = 0;
  /** Bumped by start/stop so a call still in flight from an earlier run does not reschedule. */
  private generation = 0;

  constructor(callback: () => unknown, periodMs: number, options: PeriodicCallbackOptions = {}) {
    checkFunction('callback', callback);
    if (typeof periodMs !== 'number') throw new TypeError(expected('periodMs', 'a finite number > 0', periodMs));
    if (!(periodMs > 0) || !Number.isFinite(periodMs)) throw new RangeError(expected('periodMs', 'a finite number > 0', periodMs));
    checkOptions('PeriodicCallback options', options, ['loop', 'jitter', 'random', 'logger']);
    const jitter = options.jitter ?? 0;
    checkRange('jitter', jitter, 0, 1);
    if (jitter > 0 && options.random === undefined) throw new TypeError(expected('random', 'a RandomPort when jitter > 0', options.random));
    if (options.random !== undefined) checkRandomPort('random', options.random);
    if (options.loop !== undefined) checkLoopPort('loop', options.loop);
    if (options.logger !== undefined) checkLogger('logger', options.logger);
    this.callback = callback;
    this.periodMs = periodMs;
    this.jitter = jitter;
    this.random = options.random;
    this.logger = options.logger ?? silentLogger;
    this.configuredLoop = options.loop;
  }

  /** Starts calling: the first call comes one period from now. A second start() is a no-op. */
  start(): void {
    if (this.running) return;
    this.loop = this.configuredLoop ?? IOLoop.current();
    this.running = true;
    this.generation++;
    this.nextTimeoutMs = this.loop.now();
    try {
      this.scheduleNext();
    } catch (error) {
      // The loop refused the timer (closed): stay stopped, or every later start() would be a no-op.
      this.stop();
      throw error;
    }
  }

  /** Stops calling. A call in flight finishes but is not followed by another. */
  stop(): void {
    this.running = false;
    this.generation++;
    if (this.timeout !== undefined) this.loop?.cancel(this.timeout);
    this.timeout = undefined;
  }

  isRunning(): boolean {
    return this.running;
  }

  private readonly run = (): void => {
    this.timeout = undefined;
    if (!this.running) return;
    const generation = this.generation;
    let result: unknown;
    try {
      result = this.callback();
    } catch (error) {
      this.logError(error);
      return this.afterCall(generation);
    }
    if (!isThenable(result)) return this.afterCall(generation);
    result.then(
      () => this.afterCall(generation),
      (error: unknown) => {
        this.logError(error);
        this.afterCall(generation);
      },
    );
  };

  /** Tornado's `finally: _schedule_next()`, unless the callback restarted or stopped us. */
  private afterCall(generation: number): void {
    if (generation !== this.generation) return;
    try {
      this.scheduleNext();
    } catch (error) {
      // The loop refused the timer (closed under an async call): here a throw would be an
      // unhandled rejection, so stop and say so.
      this.stop();
      this.logger.error({ err: error }, 'PeriodicCallback: cannot schedule the next call; stopped');
    }
  }

  private scheduleNext(): void {
    if (!this.running) return;
    const loop = this.loop as LoopPort;
    this.updateNext(loop.now());
    this.timeout = loop.callAt(this.nextTimeoutMs, this.run);
  }

  /** Tornado's _update_next, in ms. */
  private updateNext(nowMs: number): void {
    let periodMs = this.periodMs;
    if (this.jitter > 0) periodMs *= 1 + this.jitter * ((this.random as RandomPort).float() - 0.5);
    if (this.nextTimeoutMs <= nowMs) {
      this.nextTimeoutMs += (Math.floor((nowMs - this.nextTimeoutMs) / periodMs) + 1) * periodMs;
    } else {
      // We ran before our own deadline: the clock moved backwards. Tornado adds one period to the
      // deadline (no burst of catch-up calls); on the stepped-back clock the wait is step + period.
      this.nextTimeoutMs += periodMs;
    }
  }

  private logError(error: unknown): void {
    const name = this.callback.name || '(anonymous)';
    this.logger.error({ err: error, callback: name }, `Exception in periodic callback ${name}`);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
