// The simulation kernel: one virtual clock and one scheduler shared by every host, and
// the run loop that drives them. Each event runs in its own real macrotask (a batch of
// real setImmediate calls), so every microtask an event causes, however deep its await
// chain, runs before the next event and before virtual time moves, exactly as Node
// drains microtasks between two timer callbacks.

import { Scheduler, type ScheduledTask } from '../core/scheduler.js';
import { checkFinite, checkInteger, checkNonNegative, checkOptions } from '../core/validate.js';

// Captured at load time: the fake-timers bridge replaces the global during a run, and
// the kernel itself must keep stepping on real macrotasks.
const realSetImmediate = globalThis.setImmediate;

/**
 * The real immediates every kernel steps on, while some run's hazard detector needs to tell them
 * from foreign work: shared, because a simulation running at the same time without fake timers
 * steps on real immediates too, and they are no more a hazard than the watched run's own.
 */
let kernelImmediates: WeakSet<object> | undefined;
/** Kernels that asked for tracking (trackOwnImmediates(true)) and have not released it. */
let trackingKernels = 0;

/** Default step budget of one run: a runaway workload stops with an error, not a hang. */
export const DEFAULT_STEPS_MAX = 50_000_000;
const BATCH_MAX = 1024;

export interface RunLimits {
  /** Stop when virtual time would pass this absolute time (ms). */
  untilMs?: number;
  /** Stop after this much virtual time (ms) from now. */
  forMs?: number;
  /** Stop when no event is left (the default when neither untilMs nor forMs is given). */
  untilIdle?: boolean;
  /** The most events this run may execute before it fails. */
  stepsMax?: number;
}

export interface RunSummary {
  /** Events executed by this run. */
  steps: number;
  /** Virtual time when the run stopped (ms). */
  nowMs: number;
  /** Why it stopped. */
  reason: 'idle' | 'time' | 'stopped';
}

/** Thrown when a run exceeds its step budget. */
export class StepBudgetError extends Error {
  constructor(
    readonly stepsMax: number,
    readonly nowMs: number,
  ) {
    super(`simulation stopped: step budget stepsMax=${stepsMax} exhausted at virtual time ${nowMs}ms (raise stepsMax or look for a busy loop)`);
    this.name = 'StepBudgetError';
  }
}

/** Told of each timer (a task scheduled with scheduleTimer) as it is set, fires and is cancelled; `id` stays the same when a pause defers it. */
export interface TimerTracer {
  set(task: ScheduledTask, id: number): void;
  fire(task: ScheduledTask, id: number): void;
  cancel(task: ScheduledTask, id: number): void;
}

/** Decides, just before a due task runs, whether it must wait (a paused host): returns the time to defer it to. */
export type TaskGate = (task: ScheduledTask) => number | undefined;

interface ActiveRun {
  resolve(summary: RunSummary): void;
  reject(error: unknown): void;
  untilMs: number;
  stepsMax: number;
  steps: number;
}

export class SimKernel {
  private readonly scheduler = new Scheduler();
  private nowMsValue: number;
  private active: ActiveRun | undefined;
  private generation = 0;
  private batchLeft = 0;
  private stopRequested = false;
  private gate: TaskGate | undefined;
  private observer: ((task: ScheduledTask) => void) | undefined;
  private between: (() => boolean) | undefined;
  /** True while this kernel counts in trackingKernels. */
  private tracking = false;
  /** Timer lines for the trace (only when a run keeps every line: a sweep pays one undefined check per event). */
  private timerTracer: TimerTracer | undefined;
  /** The timers being traced, task -> timer id (the first task's seq, kept across deferrals). */
  private timerIds: WeakMap<ScheduledTask, number> | undefined;
  /** Tasks a gate deferred, old handle -> new task, so a handle stays cancellable across a pause. */
  private moved: WeakMap<ScheduledTask, ScheduledTask> | undefined;
  /** The task running right now, if any (its owner is the current host). */
  current: ScheduledTask | undefined;
  /** Events executed over the kernel's whole life. */
  stepsTotal = 0;

  constructor(options: { startMs?: number } = {}) {
    checkOptions('SimKernel options', options, ['startMs']);
    const startMs = options.startMs ?? 0;
    checkFinite('startMs', startMs);
    this.nowMsValue = startMs;
  }

  /** Virtual time, in ms. Never moves during an event. */
  now(): number {
    return this.nowMsValue;
  }

  /** Events waiting. */
  get pending(): number {
    return this.scheduler.size;
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  schedule(deadlineMs: number, callback: () => void, owner?: unknown): ScheduledTask {
    // A deadline in the past runs as soon as possible, but never rewinds time.
    return this.scheduler.schedule(Math.max(deadlineMs, this.nowMsValue), callback, owner);
  }

  /** Like schedule(), for a timer a loop sets (callAt, callLater): traced as one when a TimerTracer is set. */
  scheduleTimer(deadlineMs: number, callback: () => void, owner?: unknown): ScheduledTask {
    const task = this.schedule(deadlineMs, callback, owner);
    if (this.timerTracer !== undefined) {
      (this.timerIds as WeakMap<ScheduledTask, number>).set(task, task.seq);
      this.timerTracer.set(task, task.seq);
    }
    return task;
  }

  /** Traces timers from now on (undefined: stops). */
  setTimerTracer(tracer: TimerTracer | undefined): void {
    this.timerTracer = tracer;
    this.timerIds = tracer === undefined ? undefined : new WeakMap();
  }

  cancel(task: ScheduledTask): boolean {
    if (this.scheduler.cancel(task)) {
      if (this.timerTracer !== undefined) {
        const id = (this.timerIds as WeakMap<ScheduledTask, number>).get(task);
        if (id !== undefined) this.timerTracer.cancel(task, id);
      }
      return true;
    }
    const moved = this.moved?.get(task);
    return moved !== undefined && this.cancel(moved);
  }

  isPending(task: ScheduledTask): boolean {
    if (this.scheduler.isPending(task)) return true;
    const moved = this.moved?.get(task);
    return moved !== undefined && this.isPending(moved);
  }

  /** Drops every pending task for which `predicate` holds (used when a host crashes). */
  removeWhere(predicate: (task: ScheduledTask) => boolean): number {
    return this.scheduler.removeWhere(predicate);
  }

  /** Deadline of the next event, if any. */
  nextDeadline(): number | undefined {
    return this.scheduler.peek()?.deadlineMs;
  }

  setGate(gate: TaskGate | undefined): void {
    this.gate = gate;
  }

  /** Called before each task runs (the trace hooks in here). */
  setObserver(observer: ((task: ScheduledTask) => void) | undefined): void {
    this.observer = observer;
  }

  /**
   * Called between two events, once every microtask of the previous one has run (assertions
   * such as `eventually` check their condition here). Returning true makes the kernel yield
   * one more real macrotask before the next event, so what the hook resolved runs first.
   */
  setBetween(hook: (() => boolean) | undefined): void {
    this.between = hook;
  }

  /** Starts (or stops) recording the real immediates kernels step on, for isOwnImmediate(); recording lasts while any kernel asks. */
  trackOwnImmediates(on: boolean): void {
    if (on === this.tracking) return;
    this.tracking = on;
    trackingKernels += on ? 1 : -1;
    if (trackingKernels === 0) kernelImmediates = undefined;
    else kernelImmediates ??= new WeakSet();
  }

  /** True for a real Immediate a kernel queued (this one or another simulation's) while recording. */
  isOwnImmediate(resource: object): boolean {
    return kernelImmediates?.has(resource) ?? false;
  }

  private realImmediate(callback: () => void): void {
    const immediate = realSetImmediate(callback);
    kernelImmediates?.add(immediate);
  }

  /** Asks the current run to stop after the event now running. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Runs events in virtual time until a limit is reached. Resolves after all their microtasks. */
  run(limits: RunLimits = {}): Promise<RunSummary> {
    let untilMs: number;
    let stepsMax: number;
    try {
      ({ untilMs, stepsMax } = this.checkLimits(limits));
    } catch (error) {
      return Promise.reject(error);
    }
    this.stopRequested = false;
    return new Promise<RunSummary>((resolve, reject) => {
      this.active = { resolve, reject, untilMs, stepsMax, steps: 0 };
      this.queueBatch();
    });
  }

  private checkLimits(limits: RunLimits): { untilMs: number; stepsMax: number } {
    checkOptions('run options', limits, ['untilMs', 'forMs', 'untilIdle', 'stepsMax']);
    if (this.active) throw new Error('SimKernel.run: a run is already in progress');
    if (limits.untilMs !== undefined) checkFinite('untilMs', limits.untilMs);
    if (limits.forMs !== undefined) checkNonNegative('forMs', limits.forMs);
    if (limits.untilMs !== undefined && limits.forMs !== undefined) {
      throw new RangeError('run options: give untilMs or forMs, not both');
    }
    const stepsMax = limits.stepsMax ?? DEFAULT_STEPS_MAX;
    checkInteger('stepsMax', stepsMax, 1);
    const untilMs = limits.untilMs ?? (limits.forMs !== undefined ? this.nowMsValue + limits.forMs : Infinity);
    return { untilMs, stepsMax };
  }

  /** Runs exactly one event (if any) and waits for its microtasks. Returns whether one ran. */
  async step(): Promise<boolean> {
    if (this.active) throw new Error('SimKernel.step: a run is in progress');
    let task = this.scheduler.pop();
    while (task !== undefined && this.deferred(task)) task = this.scheduler.pop();
    if (!task) return false;
    this.execute(task);
    await new Promise<void>((resolve) => this.realImmediate(resolve));
    while (this.between?.()) await new Promise<void>((resolve) => this.realImmediate(resolve));
    return true;
  }

  private queueBatch(): void {
    const generation = ++this.generation;
    const n = Math.min(BATCH_MAX, Math.max(8, this.scheduler.size));
    this.batchLeft = n;
    const onImmediate = (): void => this.onImmediate(generation);
    if (kernelImmediates === undefined) for (let i = 0; i < n; i++) realSetImmediate(onImmediate);
    else for (let i = 0; i < n; i++) this.realImmediate(onImmediate);
  }

  private onImmediate(generation: number): void {
    if (generation !== this.generation) return;
    this.batchLeft--;
    const run = this.active;
    if (!run) return;
    try {
      const reason = this.stepWithin(run);
      if (reason) return this.finish({ steps: run.steps, nowMs: this.nowMsValue, reason });
    } catch (error) {
      this.active = undefined;
      this.generation++;
      run.reject(error);
      return;
    }
    if (this.batchLeft === 0) this.queueBatch();
  }

  /** Runs the next event if the run's limits allow; returns a reason to stop, or undefined. */
  private stepWithin(run: ActiveRun): RunSummary['reason'] | undefined {
    if (this.stopRequested) return 'stopped';
    if (this.between !== undefined && this.between()) return undefined;
    const next = this.scheduler.peek();
    if (!next) return run.untilMs === Infinity ? 'idle' : this.advanceTo(run.untilMs);
    if (next.deadlineMs > run.untilMs) return this.advanceTo(run.untilMs);
    if (run.steps >= run.stepsMax) throw new StepBudgetError(run.stepsMax, this.nowMsValue);
    const task = this.scheduler.pop() as ScheduledTask;
    if (this.deferred(task)) return undefined;
    run.steps++;
    this.execute(task);
    return undefined;
  }

  /** Moves time to a popped task's deadline; true if the gate deferred it (requeued) instead of letting it run. */
  private deferred(task: ScheduledTask): boolean {
    if (task.deadlineMs > this.nowMsValue) this.nowMsValue = task.deadlineMs;
    if (this.gate === undefined) return false;
    const deferToMs = this.gate(task);
    if (deferToMs === undefined || deferToMs <= this.nowMsValue) return false;
    const requeued = this.scheduler.schedule(deferToMs, task.callback, task.owner);
    (this.moved ??= new WeakMap()).set(task, requeued);
    const timerId = this.timerIds?.get(task);
    if (timerId !== undefined) this.timerIds?.set(requeued, timerId);
    return true;
  }

  private advanceTo(untilMs: number): 'time' {
    if (untilMs > this.nowMsValue) this.nowMsValue = untilMs;
    return 'time';
  }

  private execute(task: ScheduledTask): void {
    this.stepsTotal++;
    this.current = task;
    try {
      this.observer?.(task);
      if (this.timerTracer !== undefined) {
        const id = (this.timerIds as WeakMap<ScheduledTask, number>).get(task);
        if (id !== undefined) this.timerTracer.fire(task, id);
      }
      task.callback();
    } finally {
      this.current = undefined;
    }
  }

  private finish(summary: RunSummary): void {
    const run = this.active as ActiveRun;
    this.active = undefined;
    this.generation++;
    run.resolve(summary);
  }
}
