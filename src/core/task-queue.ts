// TaskQueue: Toto's bounded background runner. Up to `concurrency` tasks run at once, FIFO;
// a runner with nothing to do retires after `idleTimeoutMs`. Tasks start directly on the
// caller's stack (no loop hop per task), queued tasks sit in a ring buffer, and a runner
// drains synchronous tasks in a loop so a million of them never grow the stack.

import type { LoopPort, Logger, TimerHandle } from './ports.js';
import { silentLogger } from './ports.js';
import { TaskRing, type Reject, type Resolve, type Task, type TaskSlot, type Ticket } from './task-ring.js';
import { assert, checkFunction, checkInteger, checkNonNegative, checkOptions, checkString, expected } from './validate.js';

/** The part of AbortSignal the queue uses (the core has no DOM or Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface TaskQueueOptions {
  /** The loop whose clock retires idle runners. Required. */
  loop: LoopPort;
  /** Most tasks running at once (Toto's thread_count). Integer >= 1; default 1. */
  concurrency?: number;
  /** An idle runner retires this long after it went idle (ms). Default 60 000. */
  idleTimeoutMs?: number;
  /** Used in logs and errors. Default "TaskQueue". */
  name?: string;
  /** Most tasks waiting to start; adding one more throws QueueFullError. Default Infinity. */
  maxQueued?: number;
  /** Where failures of fire-and-forget tasks go. Default silent. */
  logger?: Logger;
}

export interface YieldTaskOptions {
  /** Aborting it while the task is still queued removes the task and rejects with `signal.reason`. */
  signal?: AbortSignalLike;
}

/** Thrown by addTask/yieldTask when `maxQueued` tasks are already waiting. */
export class QueueFullError extends Error {
  constructor(
    readonly queueName: string,
    readonly maxQueued: number,
  ) {
    super(`${queueName}: queue full, maxQueued=${maxQueued} tasks already waiting`);
    this.name = 'QueueFullError';
  }
}

/** A runner (Toto's thread). Its fields hold the task it is running, to spare a closure per task. */
class Runner implements TaskSlot {
  fn: Task | undefined = undefined;
  args: unknown[] | undefined = undefined;
  resolve: Resolve | undefined = undefined;
  reject: Reject | undefined = undefined;
  timer: TimerHandle | undefined = undefined;
  constructor(
    readonly onFulfilled: (value: unknown) => void,
    readonly onRejected: (error: unknown) => void,
    readonly retire: () => void,
  ) {}
}

const KNOWN_OPTIONS = ['loop', 'concurrency', 'idleTimeoutMs', 'name', 'maxQueued', 'logger'] as const;

const registries = new WeakMap<LoopPort, Map<string, TaskQueue>>();

export function checkLoop(name: string, value: unknown): asserts value is LoopPort {
  const loop = value as LoopPort | null | undefined;
  if (loop === null || typeof loop !== 'object' || typeof loop.callLater !== 'function' || typeof loop.cancel !== 'function') {
    throw new TypeError(expected(name, 'a LoopPort', value));
  }
}

function checkMaxQueued(value: unknown): asserts value is number {
  if (value !== Infinity) checkInteger('maxQueued', value, 0);
}

function checkSignal(value: unknown): asserts value is AbortSignalLike {
  const signal = value as AbortSignalLike | null | undefined;
  if (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw new TypeError(expected('signal', 'an AbortSignal', value));
  }
}

export class TaskQueue {
  readonly name: string;
  readonly concurrency: number;
  readonly idleTimeoutMs: number;
  readonly maxQueued: number;
  private readonly loop: LoopPort;
  private readonly logger: Logger;
  private runnerCount = 0;
  /** Idle runners, most recently idle last: reuse takes the freshest, so old ones retire. */
  private readonly idle: Runner[] = [];
  private readonly waiting = new TaskRing();
  private idleWaiters: Array<() => void> | undefined = undefined;
  private emptyWaiters: Array<() => void> | undefined = undefined;

  constructor(options: TaskQueueOptions) {
    checkOptions('TaskQueue options', options, KNOWN_OPTIONS);
    if (options === undefined) throw new TypeError(expected('TaskQueue options', 'an options object with a loop', options));
    const { loop, concurrency = 1, idleTimeoutMs = 60_000, name = 'TaskQueue', maxQueued = Infinity, logger = silentLogger } = options;
    checkLoop('loop', loop);
    checkInteger('concurrency', concurrency, 1);
    checkNonNegative('idleTimeoutMs', idleTimeoutMs);
    checkString('name', name);
    checkMaxQueued(maxQueued);
    if (logger === null || typeof logger !== 'object' || typeof logger.error !== 'function') {
      throw new TypeError(expected('logger', 'a Logger', logger));
    }
    this.loop = loop;
    this.concurrency = concurrency;
    this.idleTimeoutMs = idleTimeoutMs;
    this.name = name;
    this.maxQueued = maxQueued;
    this.logger = logger;
  }

  /**
   * The shared queue called `name` on this loop (Toto's TaskQueue.instance). Options other than
   * `loop` only count when the queue is created; later calls ignore them. Each loop has its own
   * registry, so simulated hosts never share a queue.
   */
  static instance(name: string, options: Omit<TaskQueueOptions, 'name'>): TaskQueue {
    checkString('name', name);
    checkLoop('loop', options?.loop);
    let registry = registries.get(options.loop);
    if (registry === undefined) registries.set(options.loop, (registry = new Map()));
    let queue = registry.get(name);
    if (queue === undefined) {
      checkOptions('TaskQueue.instance options', options, KNOWN_OPTIONS.filter((k) => k !== 'name'));
      queue = new TaskQueue({ ...options, name });
      registry.set(name, queue);
    }
    return queue;
  }

  /** Live runners (busy, or idle and not yet retired): Toto's active threads. */
  get runners(): number {
    return this.runnerCount;
  }

  /** Runners running a task right now. */
  get busy(): number {
    return this.runnerCount - this.idle.length;
  }

  /** Tasks waiting to start. */
  get queued(): number {
    return this.waiting.live;
  }

  /** Toto's len(queue): live runners plus queued tasks. */
  get length(): number {
    return this.runnerCount + this.waiting.live;
  }

  /**
   * Runs `fn(...args)` in the queue, fire-and-forget. If a runner is free the task starts before
   * addTask returns. A throw or rejection is logged with the queue's name; the queue goes on.
   */
  addTask<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    if (typeof fn !== 'function') checkFunction('fn', fn);
    this.submit(fn as Task, args, undefined, undefined, undefined);
  }

  /** Runs `fn(...args)` in the queue; the promise settles with its (awaited) result or error. */
  yieldTask<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
    if (typeof fn !== 'function') checkFunction('fn', fn);
    let resolve!: Resolve;
    let reject!: Reject;
    const promise = new Promise<Awaited<R>>((res, rej) => {
      resolve = res as Resolve;
      reject = rej;
    });
    this.submit(fn as Task, args, resolve, reject, undefined);
    return promise;
  }

  /**
   * yieldTask with options: `yieldTaskWith({ signal }, fn, ...args)`. Aborting `signal` while the
   * task is still queued removes it and rejects with `signal.reason`; once it runs, abort does nothing.
   */
  yieldTaskWith<A extends unknown[], R>(options: YieldTaskOptions, fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
    checkOptions('yieldTaskWith options', options, ['signal']);
    checkFunction('fn', fn);
    const signal = options?.signal;
    if (signal === undefined) return this.yieldTask(fn, ...args);
    checkSignal(signal);
    if (signal.aborted) return Promise.reject(signal.reason);
    let resolve!: Resolve;
    let reject!: Reject;
    const promise = new Promise<Awaited<R>>((res, rej) => {
      resolve = res as Resolve;
      reject = rej;
    });
    if (this.startDirectly(fn as Task, args, resolve, reject)) return promise;
    const ticket: Ticket = { done: false, signal, listener: () => this.abort(ticket, reject) };
    this.enqueue(fn as Task, args, resolve, reject, ticket);
    signal.addEventListener('abort', ticket.listener, { once: true });
    return promise;
  }

  /**
   * Toto's run(): starts runners for queued tasks. addTask and yieldTask start a task themselves
   * whenever a runner is free, so a task only waits while every runner is busy and this has
   * nothing to do; it checks that invariant.
   */
  run(): void {
    assert(this.queued === 0 || this.busy === this.concurrency, `${this.name}: tasks queued while a runner is free`);
  }

  /** Resolves when no task runs and none is queued (at once if that is already so). */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiters ??= []).push(resolve));
  }

  /** Resolves when no task is queued (at once if that is already so); some may still run. */
  onEmpty(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => (this.emptyWaiters ??= []).push(resolve));
  }

  private isIdle(): boolean {
    return this.idle.length === this.runnerCount && this.waiting.live === 0;
  }

  private submit(fn: Task, args: unknown[], resolve: Resolve | undefined, reject: Reject | undefined, ticket: Ticket | undefined): void {
    if (!this.startDirectly(fn, args, resolve, reject)) this.enqueue(fn, args, resolve, reject, ticket);
  }

  /** Starts the task on a free runner if nothing is queued ahead of it (FIFO); false if it must wait. */
  private startDirectly(fn: Task, args: unknown[], resolve: Resolve | undefined, reject: Reject | undefined): boolean {
    if (this.waiting.live !== 0) return false;
    const runner = this.freeRunner();
    if (runner === undefined) return false;
    runner.fn = fn;
    runner.args = args;
    runner.resolve = resolve;
    runner.reject = reject;
    this.drive(runner);
    return true;
  }

  /** An idle runner (its retirement cancelled) or a new one if under `concurrency`. */
  private freeRunner(): Runner | undefined {
    const runner = this.idle.pop();
    if (runner !== undefined) {
      if (runner.timer !== undefined) this.loop.cancel(runner.timer);
      runner.timer = undefined;
      return runner;
    }
    if (this.runnerCount >= this.concurrency) return undefined;
    this.runnerCount++;
    const fresh: Runner = new Runner(
      (value) => this.finished(fresh, true, value),
      (error) => this.finished(fresh, false, error),
      () => this.retire(fresh),
    );
    return fresh;
  }

  /** Runs the runner's task, then every queued task that completes synchronously, in a loop. */
  private drive(runner: Runner): void {
    for (;;) {
      let result: unknown;
      try {
        result = (runner.fn as Task)(...(runner.args as unknown[]));
        if (result instanceof Promise) {
          result.then(runner.onFulfilled, runner.onRejected);
          return;
        }
        if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as PromiseLike<unknown>).then === 'function') {
          Promise.resolve(result).then(runner.onFulfilled, runner.onRejected);
          return;
        }
      } catch (error) {
        this.settle(runner, false, error);
        if (this.load(runner)) continue;
        this.goIdle(runner);
        return;
      }
      this.settle(runner, true, result);
      if (!this.load(runner)) {
        this.goIdle(runner);
        return;
      }
    }
  }

  private finished(runner: Runner, ok: boolean, value: unknown): void {
    this.settle(runner, ok, value);
    if (this.load(runner)) this.drive(runner);
    else this.goIdle(runner);
  }

  private settle(runner: Runner, ok: boolean, value: unknown): void {
    const { resolve, reject } = runner;
    runner.fn = runner.args = runner.resolve = runner.reject = undefined;
    if (ok) {
      if (resolve !== undefined) resolve(value);
    } else if (reject !== undefined) {
      reject(value);
    } else {
      this.logger.error({ err: value, queue: this.name }, `${this.name}: task failed`);
    }
  }

  private goIdle(runner: Runner): void {
    this.idle.push(runner);
    try {
      runner.timer = this.loop.callLater(this.idleTimeoutMs, runner.retire);
    } catch (error) {
      // The loop refuses timers (it was closed): nothing can time the retirement, so retire now
      // rather than throw here, where it would be an unhandled rejection and leave onIdle waiting.
      this.retire(runner);
      this.logger.warn({ err: error, queue: this.name }, `${this.name}: loop refused the idle timer; runner retired at once`);
    }
    if (this.idleWaiters !== undefined && this.isIdle()) this.flushIdle();
  }

  private retire(runner: Runner): void {
    const i = this.idle.lastIndexOf(runner);
    if (i < 0) return;
    this.idle.splice(i, 1);
    runner.timer = undefined;
    this.runnerCount--;
  }

  private enqueue(fn: Task, args: unknown[], resolve: Resolve | undefined, reject: Reject | undefined, ticket: Ticket | undefined): void {
    if (this.waiting.live >= this.maxQueued) throw new QueueFullError(this.name, this.maxQueued);
    this.waiting.push(fn, args, resolve, reject, ticket);
  }

  /** Moves the oldest live queued task into the runner; false if none is left. */
  private load(runner: Runner): boolean {
    if (!this.waiting.shiftInto(runner)) return false;
    if (this.emptyWaiters !== undefined && this.waiting.live === 0) this.flushEmpty();
    return true;
  }

  private abort(ticket: Ticket, reject: Reject): void {
    if (ticket.done) return;
    ticket.done = true;
    this.waiting.tombstone();
    reject(ticket.signal.reason);
    if (this.waiting.live === 0) {
      if (this.emptyWaiters !== undefined) this.flushEmpty();
      if (this.idleWaiters !== undefined && this.isIdle()) this.flushIdle();
    }
  }

  private flushIdle(): void {
    const waiters = this.idleWaiters as Array<() => void>;
    this.idleWaiters = undefined;
    for (const resolve of waiters) resolve();
  }

  private flushEmpty(): void {
    const waiters = this.emptyWaiters as Array<() => void>;
    this.emptyWaiters = undefined;
    for (const resolve of waiters) resolve();
  }
}
