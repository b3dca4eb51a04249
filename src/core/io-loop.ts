// Tornado's IOLoop API, in camelCase, over an injected LoopPort. The port decides when
// callbacks run (virtual time in the simulation, Node's loop in production); the IOLoop
// adds Tornado's guarantees on top: every callback it runs is wrapped so a throw or a
// rejected promise goes to handleCallbackException and the loop goes on, blocking
// callbacks are reported, and start/stop/close/runSync follow Tornado's lifecycle.
//
// One deliberate difference: Node has one event loop per process, so the port keeps
// running callbacks whether or not this IOLoop is started. start() is where a program
// waits (and stays alive) until stop(); it does not gate callbacks.

import { TimeoutError } from './errors.js';
import { silentLogger, type Logger, type LoopPort, type TimerHandle } from './ports.js';
import { checkBoolean, checkFinite, checkFunction, checkLogger, checkLoopPort, checkNonNegative, checkOptions, expected } from './validate.js';

/** Something that keeps the host process alive while counted up (LoopNode implements it). */
export interface KeepAlive {
  ref(): void;
  unref(): void;
}

export type CallbackExceptionHandler = (error: unknown, callback: (...args: any[]) => unknown) => void;

export interface IOLoopOptions {
  /** The loop/clock the callbacks run on. */
  port: LoopPort;
  /** Where exceptions and blocking warnings go. Silent by default. */
  logger?: Logger;
  /** Held while start() or runSync() waits, so the process does not exit under them. */
  keepAlive?: KeepAlive;
  /** Replaces the default handleCallbackException (which logs at error level). */
  handleCallbackException?: CallbackExceptionHandler;
  /** close() also closes the port (when the port has a close() method). */
  ownsPort?: boolean;
}

/** A relative deadline for addTimeout (Tornado's timedelta). */
export interface RelativeDeadline {
  delayMs: number;
}

const noKeepAlive: KeepAlive = { ref() {}, unref() {} };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function nameOf(callback: (...args: any[]) => unknown): string {
  return callback.name || '(anonymous)';
}

export class IOLoop implements LoopPort {
  private static defaultFactory: (() => IOLoop) | undefined;
  private static instanceLoop: IOLoop | undefined;
  private static madeCurrent: IOLoop | undefined;
  private static runningCallbackLoop: IOLoop | undefined;

  readonly port: LoopPort;
  private readonly logger: Logger;
  private readonly keepAlive: KeepAlive;
  private readonly ownsPort: boolean;
  private blockingThresholdMs: number | undefined;
  private running = false;
  private stopRequested = false;
  private closed = false;
  private resolveStart: (() => void) | undefined;
  private currentBeforeStart: IOLoop | undefined;

  constructor(options: IOLoopOptions) {
    checkOptions('IOLoop options', options, ['port', 'logger', 'keepAlive', 'handleCallbackException', 'ownsPort']);
    if (options === undefined) throw new TypeError(expected('IOLoop options', 'an options object { port }', options));
    // Every method, not just one: a port missing now() would fail later as "x is not a function".
    checkLoopPort('port', options.port);
    const { logger = silentLogger, keepAlive = noKeepAlive } = options;
    checkLogger('logger', logger);
    if (options.ownsPort !== undefined) checkBoolean('ownsPort', options.ownsPort);
    // Checked here: start() calls ref() after marking the loop running, so a bad one would wedge it.
    if (keepAlive === null || typeof keepAlive !== 'object' || typeof keepAlive.ref !== 'function' || typeof keepAlive.unref !== 'function') {
      throw new TypeError(expected('keepAlive', 'an object with ref() and unref()', keepAlive));
    }
    this.port = options.port;
    this.logger = logger;
    this.keepAlive = keepAlive;
    this.ownsPort = options.ownsPort ?? false;
    if (options.handleCallbackException !== undefined) {
      checkFunction('handleCallbackException', options.handleCallbackException);
      this.handleCallbackException = options.handleCallbackException;
    }
  }

  // ---- process-wide loops (Tornado's current()/instance()) ----

  /** Registers how instance() builds the process-wide loop (installNodeDefaultLoop does this on Node). */
  static setDefaultFactory(factory: (() => IOLoop) | undefined): void {
    if (factory !== undefined) checkFunction('factory', factory);
    IOLoop.defaultFactory = factory;
  }

  /** The process-wide default loop, built on first use by the registered factory. */
  static instance(): IOLoop {
    if (IOLoop.instanceLoop) return IOLoop.instanceLoop;
    const factory = IOLoop.defaultFactory;
    if (!factory) {
      throw new Error(
        'IOLoop.instance: no default loop factory registered; call installNodeDefaultLoop() from src/adapters/loop-node.ts, ' +
          'IOLoop.setDefaultFactory(fn), or loop.install()',
      );
    }
    const loop = factory();
    if (!(loop instanceof IOLoop)) throw new TypeError(expected('IOLoop default factory result', 'an IOLoop', loop));
    IOLoop.instanceLoop = loop;
    return loop;
  }

  /** True once the process-wide loop exists. */
  static initialized(): boolean {
    return IOLoop.instanceLoop !== undefined;
  }

  /** Forgets the process-wide loop (it is not closed). */
  static clearInstance(): void {
    IOLoop.instanceLoop = undefined;
  }

  /**
   * The loop running a callback right now, else the one made current (or started), else
   * instance() — or undefined when `instance` is false. "Right now" is the synchronous part
   * of a callback: after an await, pass the loop explicitly.
   */
  static current(): IOLoop;
  static current(instance: false): IOLoop | undefined;
  static current(instance = true): IOLoop | undefined {
    return IOLoop.runningCallbackLoop ?? IOLoop.madeCurrent ?? (instance ? IOLoop.instance() : undefined);
  }

  static clearCurrent(): void {
    IOLoop.madeCurrent = undefined;
  }

  makeCurrent(): void {
    IOLoop.madeCurrent = this;
  }

  /** Makes this loop the process-wide instance(). Throws if one already exists. */
  install(): void {
    if (IOLoop.instanceLoop && IOLoop.instanceLoop !== this) throw new Error('IOLoop.install: a process-wide instance already exists');
    IOLoop.instanceLoop = this;
  }

  // ---- time ----

  /** Current time on this loop's clock, in ms (Tornado's time(), in ms rather than seconds). */
  time(): number {
    return this.port.now();
  }

  now(): number {
    return this.port.now();
  }

  // ---- scheduling ----

  /**
   * Runs `callback(...args)` on the next loop iteration, after callbacks already due. On a
   * closed loop the callback is dropped, as Tornado's asyncio loop drops add_callback after
   * close (a late completion must not crash its caller); the handle then cancels nothing.
   */
  addCallback<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkFunction('callback', callback);
    if (this.closed) return { deadlineMs: this.port.now() };
    return this.port.addCallback(this.wrap(callback, args));
  }

  /** Same as addCallback (Node signal handlers already run on the loop). */
  addCallbackFromSignal<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): TimerHandle {
    return this.addCallback(callback, ...args);
  }

  /** Fire-and-forget addCallback: no handle; dropped on a closed loop, as addCallback. */
  spawnCallback<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): void {
    this.addCallback(callback, ...args);
  }

  /** A number is an absolute time on time()'s clock; `{ delayMs }` is relative to now. */
  addTimeout<A extends unknown[]>(deadline: number | RelativeDeadline, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    if (typeof deadline === 'number') return this.callAt(deadline, callback, ...args);
    if (deadline !== null && typeof deadline === 'object' && 'delayMs' in deadline) {
      return this.callLater(deadline.delayMs, callback, ...args);
    }
    throw new TypeError(expected('deadline', 'a number (absolute ms) or { delayMs }', deadline));
  }

  callAt<A extends unknown[]>(whenMs: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkFinite('whenMs', whenMs);
    checkFunction('callback', callback);
    this.checkOpen();
    return this.port.callAt(whenMs, this.wrap(callback, args));
  }

  callLater<A extends unknown[]>(delayMs: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkNonNegative('delayMs', delayMs);
    checkFunction('callback', callback);
    this.checkOpen();
    return this.port.callLater(delayMs, this.wrap(callback, args));
  }

  /** Cancels a timeout. Safe after it ran or was already removed. */
  removeTimeout(handle: TimerHandle): void {
    this.port.cancel(handle);
  }

  cancel(handle: TimerHandle): void {
    this.port.cancel(handle);
  }

  /**
   * Calls `callback(promise)` on the loop once `promise` settles, Tornado-style: the callback
   * receives the settled promise itself (await it to get the value or the error). A rejection
   * is thereby handled; if the callback ignores it, nobody hears of it.
   */
  addFuture<T>(promise: PromiseLike<T>, callback: (settled: Promise<T>) => unknown): void {
    if (!isThenable(promise)) throw new TypeError(expected('promise', 'a promise', promise));
    checkFunction('callback', callback);
    const settled = Promise.resolve(promise);
    const deliver = (): void => {
      if (!this.closed) this.addCallback(callback, settled);
    };
    settled.then(deliver, deliver);
  }

  // ---- exceptions and blocking ----

  /**
   * Called with every error a callback throws or rejects with. Logs it by default;
   * override in a subclass or pass `handleCallbackException` in the options.
   */
  handleCallbackException(error: unknown, callback: (...args: any[]) => unknown): void {
    this.logger.error({ err: error, callback: nameOf(callback) }, `Exception in callback ${nameOf(callback)}`);
  }

  /** Warns when one callback runs longer than `thresholdMs` on this loop's clock; undefined disables. */
  setBlockingLogThreshold(thresholdMs: number | undefined): void {
    if (thresholdMs !== undefined) checkNonNegative('thresholdMs', thresholdMs);
    this.blockingThresholdMs = thresholdMs;
  }

  private wrap(callback: (...args: any[]) => unknown, args: unknown[]): () => void {
    const run = (): void => this.runCallback(callback, args);
    // Keep the user's name visible to ports that log it.
    Object.defineProperty(run, 'name', { value: nameOf(callback) });
    return run;
  }

  private runCallback(callback: (...args: any[]) => unknown, args: unknown[]): void {
    if (this.closed) return;
    this.enter(callback, () => {
      try {
        const result = callback(...args);
        if (isThenable(result)) result.then(undefined, (error: unknown) => this.reportException(error, callback));
      } catch (error) {
        this.reportException(error, callback);
      }
    });
  }

  /** Runs `body` as this loop's callback: current() is this loop, and blocking is measured. */
  private enter(callback: (...args: any[]) => unknown, body: () => void): void {
    const outer = IOLoop.runningCallbackLoop;
    IOLoop.runningCallbackLoop = this;
    const thresholdMs = this.blockingThresholdMs;
    const startMs = thresholdMs === undefined ? 0 : this.port.now();
    try {
      body();
    } finally {
      IOLoop.runningCallbackLoop = outer;
      if (thresholdMs !== undefined) this.checkBlocking(callback, this.port.now() - startMs, thresholdMs);
    }
  }

  private reportException(error: unknown, callback: (...args: any[]) => unknown): void {
    try {
      this.handleCallbackException(error, callback);
    } catch (handlerError) {
      // The handler itself failed: still never let it escape into the port.
      this.logger.error({ err: handlerError, original: error, callback: nameOf(callback) }, 'handleCallbackException threw');
    }
  }

  private checkBlocking(callback: (...args: any[]) => unknown, elapsedMs: number, thresholdMs: number): void {
    if (elapsedMs <= thresholdMs) return;
    const name = nameOf(callback);
    this.logger.warn(
      { callback: name, elapsedMs, thresholdMs },
      `IOLoop blocked for ${elapsedMs.toFixed(1)}ms by callback ${name} (threshold ${thresholdMs}ms)`,
    );
  }

  // ---- lifecycle ----

  get isRunning(): boolean {
    return this.running;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Resolves when stop() is called; while started, the loop is current and keeps the
   * process alive. If stop() came first, returns at once. Rejects if already started or closed.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('IOLoop.start: the loop is closed'));
    if (this.running) return Promise.reject(new Error('IOLoop.start: the loop is already running'));
    if (this.stopRequested) {
      this.stopRequested = false;
      return Promise.resolve();
    }
    this.running = true;
    this.currentBeforeStart = IOLoop.madeCurrent;
    IOLoop.madeCurrent = this;
    this.keepAlive.ref();
    return new Promise<void>((resolve) => {
      this.resolveStart = resolve;
    });
  }

  /** Makes start() return; if not started, the next start() returns at once. */
  stop(): void {
    if (!this.running) {
      this.stopRequested = true;
      return;
    }
    this.running = false;
    if (IOLoop.madeCurrent === this) IOLoop.madeCurrent = this.currentBeforeStart;
    this.currentBeforeStart = undefined;
    this.keepAlive.unref();
    const resolve = this.resolveStart;
    this.resolveStart = undefined;
    resolve?.();
  }

  /**
   * Frees the loop: pending callbacks never run; addCallback/spawnCallback drop theirs, and
   * callAt/callLater/addTimeout throw (as asyncio's call_at on a closed loop). The loop must be stopped first.
   */
  close(): void {
    if (this.running) throw new Error('IOLoop.close: the loop is running; call stop() and let start() return first');
    if (this.closed) return;
    this.closed = true;
    if (IOLoop.madeCurrent === this) IOLoop.madeCurrent = undefined;
    if (IOLoop.instanceLoop === this) IOLoop.instanceLoop = undefined;
    if (this.ownsPort) (this.port as Partial<{ close(): void }>).close?.();
  }

  /**
   * Starts the loop, runs `fn` (sync or async) on it and resolves with its result, then stops.
   * Rejects with fn's error, with a TimeoutError when `timeoutMs` passes first, or if stop()
   * is called before fn completes.
   */
  async runSync<T>(fn: () => T | PromiseLike<T>, options: { timeoutMs?: number } = {}): Promise<Awaited<T>> {
    checkFunction('fn', fn);
    checkOptions('runSync options', options, ['timeoutMs']);
    const { timeoutMs } = options;
    if (timeoutMs !== undefined) checkNonNegative('timeoutMs', timeoutMs);
    type Outcome = { ok: true; value: Awaited<T> } | { ok: false; error: unknown };
    let outcome: Outcome | undefined;
    let timedOut = false;
    // Set once start() returned: a late fn result or timer must not stop a later start().
    let over = false;
    let timer: TimerHandle | undefined;
    const finish = (result: Outcome): void => {
      if (outcome || timedOut || over) return;
      outcome = result;
      if (timer) this.port.cancel(timer);
      this.stop();
    };
    if (this.closed) throw new Error('IOLoop.runSync: the loop is closed');
    if (this.running) throw new Error('IOLoop.runSync: the loop is already running');
    // A stop() left over from before must not abort this run before fn even starts.
    this.stopRequested = false;
    const started = this.start();
    this.port.addCallback(() =>
      this.enter(fn, () => {
        try {
          Promise.resolve(fn()).then(
            (value) => finish({ ok: true, value: value as Awaited<T> }),
            (error: unknown) => finish({ ok: false, error }),
          );
        } catch (error) {
          finish({ ok: false, error });
        }
      }),
    );
    if (timeoutMs !== undefined) {
      timer = this.port.callLater(timeoutMs, () => {
        if (outcome || over) return;
        timedOut = true;
        this.stop();
      });
    }
    await started;
    over = true;
    if (timer) this.port.cancel(timer);
    if (timedOut) throw new TimeoutError(`IOLoop.runSync: operation timed out after timeoutMs=${timeoutMs}ms`);
    const result = outcome as Outcome | undefined;
    if (!result) throw new Error('IOLoop.runSync: the loop was stopped before fn completed');
    if (!result.ok) throw result.error;
    return result.value;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('IOLoop is closed: cannot schedule a callback');
  }
}
