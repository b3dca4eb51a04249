// The LoopPort on Node's real event loop. It owns the same core Scheduler the simulation
// uses, so callbacks run in (deadline, insertion) order exactly as in virtual time; Node
// only provides one real timer armed for the earliest deadline and a setImmediate chain
// that runs due callbacks one per macrotask (so every microtask drains between two).
// Future timers never hold the process open by themselves (they are unref'd); ref()
// does, and IOLoop.start()/runSync use it while started.

import { performance } from 'node:perf_hooks';
import { IOLoop } from '../core/io-loop.js';
import { silentLogger, type Logger, type LoopPort, type TimerHandle } from '../core/ports.js';
import { Scheduler, type ScheduledTask } from '../core/scheduler.js';
import { checkFinite, checkFunction, checkNonNegative, checkOptions } from '../core/validate.js';

/** Node refuses timer delays above 2^31-1 ms (it fires after 1 ms instead); longer waits re-arm. */
const TIMER_DELAY_MS_MAX = 2 ** 31 - 1;

export interface LoopNodeOptions {
  /** Where a throwing callback is reported (error level). Silent by default. */
  logger?: Logger;
}

export class LoopNode implements LoopPort {
  private readonly scheduler = new Scheduler();
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private timerDeadlineMs = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private refCount = 0;
  private closed = false;

  constructor(options: LoopNodeOptions = {}) {
    checkOptions('LoopNode options', options, ['logger']);
    this.logger = options.logger ?? silentLogger;
  }

  /** Milliseconds since the Unix epoch on a monotonic clock (never steps backwards). */
  now(): number {
    return performance.timeOrigin + performance.now();
  }

  callAt(whenMs: number, callback: () => void): TimerHandle {
    checkFinite('whenMs', whenMs);
    checkFunction('callback', callback);
    return this.schedule(whenMs, callback);
  }

  callLater(delayMs: number, callback: () => void): TimerHandle {
    checkNonNegative('delayMs', delayMs);
    checkFunction('callback', callback);
    return this.schedule(this.now() + delayMs, callback);
  }

  addCallback(callback: () => void): TimerHandle {
    checkFunction('callback', callback);
    return this.schedule(this.now(), callback);
  }

  cancel(handle: TimerHandle): void {
    // A cancelled earliest task leaves the real timer armed; it finds nothing due and re-arms.
    this.scheduler.cancel(handle);
  }

  /** Callbacks waiting to run. */
  get pending(): number {
    return this.scheduler.size;
  }

  /** Keeps the process alive until a matching unref() (counted: n refs need n unrefs). */
  ref(): void {
    if (this.closed) return;
    if (this.refCount++ === 0) {
      // One idle ref'd handle is enough: the scheduling timer itself stays unref'd.
      this.keepAliveTimer = setInterval(() => {}, TIMER_DELAY_MS_MAX);
    }
  }

  unref(): void {
    if (this.refCount === 0) return;
    if (--this.refCount === 0) this.clearKeepAlive();
  }

  /** Drops every pending callback and releases every real handle. Later scheduling throws. */
  close(): void {
    this.closed = true;
    this.scheduler.removeWhere(() => true);
    this.refCount = 0;
    this.clearKeepAlive();
    this.clearTimer();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private schedule(whenMs: number, callback: () => void): ScheduledTask {
    if (this.closed) throw new Error('LoopNode is closed: cannot schedule a callback');
    // A deadline in the past runs as soon as possible, after what is already due (as in the simulation).
    const task = this.scheduler.schedule(Math.max(whenMs, this.now()), callback);
    this.arm();
    return task;
  }

  /** Makes sure something real will wake us for the earliest task. */
  private arm(): void {
    if (this.immediate || this.closed) return;
    const next = this.scheduler.peek();
    if (!next) return this.clearTimer();
    const nowMs = this.now();
    if (next.deadlineMs <= nowMs) {
      this.clearTimer();
      // A due callback holds the process like a setImmediate would; only future timers are unref'd.
      this.immediate = setImmediate(this.runOne);
      return;
    }
    if (this.timer && this.timerDeadlineMs <= next.deadlineMs) return;
    this.clearTimer();
    const delayMs = Math.min(Math.ceil(next.deadlineMs - nowMs), TIMER_DELAY_MS_MAX);
    this.timerDeadlineMs = next.deadlineMs;
    this.timer = setTimeout(this.onTimer, delayMs);
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerDeadlineMs = Infinity;
    this.arm();
  };

  private readonly runOne = (): void => {
    this.immediate = undefined;
    const task = this.scheduler.popDue(this.now());
    if (task) {
      try {
        task.callback();
      } catch (error) {
        this.logger.error({ err: error, callback: task.callback.name || '(anonymous)' }, 'LoopNode: callback threw');
      }
    }
    this.arm();
  };

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDeadlineMs = Infinity;
  }

  private clearKeepAlive(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }
}

/**
 * Registers the process-wide default IOLoop factory: IOLoop.instance() then builds an
 * IOLoop over a fresh LoopNode (which it owns and closes). Call once at start-up.
 */
export function installNodeDefaultLoop(options: { logger?: Logger } = {}): void {
  checkOptions('installNodeDefaultLoop options', options, ['logger']);
  IOLoop.setDefaultFactory(() => {
    const port = new LoopNode({ logger: options.logger });
    return new IOLoop({ port, keepAlive: port, logger: options.logger, ownsPort: true });
  });
}
