// The call table of a worker connection as a sans-IO state machine (as quinn-proto and h11): inputs
// carry the time (register, onReply, onTimer, cancel, fail, close), decisions come out of poll()
// ("send call X, attempt n", "settle call X"), and nextDeadlineMs() says when onTimer is due. No
// clock, timer or socket here, so the same rules run in the simulation and in production, and a
// property test drives them directly. Unlike Toto's sweep, each deadline is exact: one heap entry
// per call (the shared Scheduler, O(log n)) and the driver arms one timer for the earliest.

import {
  backoffDelayMs,
  checkCallTableOptions,
  resolveCallOptions,
  type CallOptions,
  type CallTableOptions,
  type CallTableSettings,
  type ResolvedCallOptions,
} from './call-options.js';
import { ErrorCode, TotoError } from './errors.js';
import { Scheduler, type ScheduledTask } from './scheduler.js';
import { checkFinite, checkString, expected } from './validate.js';

/** What the table knows of one call, as actions show it. */
export interface CallInfo {
  readonly id: string;
  readonly method: string;
  /** The encoded request, opaque to the table: what each attempt sends. */
  readonly payload: unknown;
  /** Whatever the caller passed to register (a driver keeps its resolve/reject here). */
  readonly context: unknown;
  /** The attempt in flight or last sent, from 1. */
  readonly attempt: number;
}

/** A decision: send an attempt, or settle a call (exactly once per call). */
export type CallAction =
  | { readonly kind: 'send'; readonly call: CallInfo; readonly attempt: number }
  | { readonly kind: 'settle'; readonly call: CallInfo; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'settle'; readonly call: CallInfo; readonly ok: false; readonly error: TotoError };

/** A decoded reply: the worker's value, or its error (which keeps the worker's code and value). */
export type CallReply =
  | { readonly callId: string; readonly value: unknown; readonly error?: undefined }
  | { readonly callId: string; readonly error: TotoError };

export interface CallStats {
  /** Attempts handed out by poll(), first sends and retries. */
  sent: number;
  /** Attempts after the first. */
  retried: number;
  settledOk: number;
  /** Settled with an error reply, or by fail() (the send failed). */
  settledError: number;
  settledTimeout: number;
  settledAborted: number;
  settledClosed: number;
  /** Replies for a call already settled without an answer (timed out, aborted, closed, failed). */
  lateReplies: number;
  /** Second (and later) answers to a call already answered: a retry and its original both came back. */
  duplicateReplies: number;
  /** Replies for an id never registered, or settled so long ago that it is forgotten (recentMax). */
  unknownReplies: number;
}

/** Thrown by register when pendingMax calls are already in flight. */
export class CallTableFullError extends Error {
  constructor(readonly pendingMax: number) {
    super(`call table full: pendingMax=${pendingMax} calls already in flight`);
    this.name = 'CallTableFullError';
  }
}

/** Waiting for a reply until deadlineMs (Infinity: forever), or waiting out a backoff before the next attempt. */
type Phase = 'waiting' | 'backoff';

class Entry implements CallInfo {
  attempt = 1;
  phase: Phase = 'waiting';
  /** The heap entry for the current deadline or end of backoff; undefined while waiting forever. */
  task: ScheduledTask | undefined = undefined;
  constructor(
    readonly id: string,
    readonly method: string,
    readonly payload: unknown,
    readonly context: unknown,
    readonly timeoutMs: number,
    readonly autoRetry: boolean,
    readonly attemptsMax: number,
  ) {}
}

/** How a remembered settled call ended: with an answer, or without one. */
const ANSWERED = 1;
const ABANDONED = 2;

/** The heap's entries carry the call as owner; the callback is never run (the table pops, not the loop). */
const unused = (): void => {};

export class CallTable {
  private readonly settings: CallTableSettings;
  private readonly pending = new Map<string, Entry>();
  private readonly deadlines = new Scheduler();
  /**
   * Recently settled ids, in two generations: settling adds to the young one; when it holds
   * recentMax/2 it becomes the old one and the previous old one is dropped whole. So between
   * recentMax/2 and recentMax ids are remembered, with no per-settle delete (a FIFO Map evicting
   * its oldest key cost more than the rest of a call's life, measured).
   */
  private recentYoung = new Map<string, number>();
  private recentOld = new Map<string, number>();
  /** Decisions not yet polled: a queue in actions[actionsHead, actionsTail); polled slots are cleared. */
  private readonly actions: Array<CallAction | undefined> = [];
  private actionsHead = 0;
  private actionsTail = 0;
  private idCounter = 0;
  private closedWith: TotoError | undefined = undefined;
  private memoOptions: CallOptions | undefined = undefined;
  private memoResolved: ResolvedCallOptions | undefined = undefined;
  private readonly counters: CallStats = {
    sent: 0,
    retried: 0,
    settledOk: 0,
    settledError: 0,
    settledTimeout: 0,
    settledAborted: 0,
    settledClosed: 0,
    lateReplies: 0,
    duplicateReplies: 0,
    unknownReplies: 0,
  };

  constructor(options?: CallTableOptions) {
    this.settings = checkCallTableOptions(options);
  }

  /** Calls in flight (waiting for a reply or for their next attempt). */
  get length(): number {
    return this.pending.size;
  }

  /** A copy of the counters. */
  get stats(): CallStats {
    return { ...this.counters };
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  has(callId: string): boolean {
    return this.pending.has(callId);
  }

  /** When onTimer must next run (absolute ms on the caller's clock); undefined: no deadline pending. */
  nextDeadlineMs(): number | undefined {
    return this.deadlines.peek()?.deadlineMs;
  }

  /**
   * The next decision, in the order taken; undefined when there is none. A send decided for a
   * call that settled before it was polled (cancelled, closed) is dropped here, never delivered.
   */
  poll(): CallAction | undefined {
    while (this.actionsHead < this.actionsTail) {
      const action = this.actions[this.actionsHead] as CallAction;
      this.actions[this.actionsHead++] = undefined;
      if (this.actionsHead === this.actionsTail) {
        // Drained: reuse the slots from the start (truncating on every drain cost 4% of a call),
        // but give back what a burst (close() of many calls) grew.
        this.actionsHead = this.actionsTail = 0;
        if (this.actions.length > 1024) this.actions.length = 0;
      }
      if (action.kind === 'settle') return action;
      if (this.pending.get(action.call.id) !== action.call) continue;
      this.counters.sent++;
      if (action.attempt > 1) this.counters.retried++;
      return action;
    }
    return undefined;
  }

  /**
   * Adds a call and decides its first send (attempt 1). Throws the close error once closed,
   * CallTableFullError at pendingMax, TypeError/RangeError for bad arguments.
   */
  register(method: string, payload: unknown, options: CallOptions | undefined, nowMs: number, context?: unknown): CallInfo {
    checkString('method', method);
    const resolved = this.resolve(options);
    checkFinite('nowMs', nowMs);
    if (this.closedWith !== undefined) throw this.closedWith;
    if (this.pending.size >= this.settings.pendingMax) throw new CallTableFullError(this.settings.pendingMax);
    const id = this.settings.nextId === undefined ? String(++this.idCounter) : this.settings.nextId();
    if (typeof id !== 'string') throw new TypeError(expected('nextId()', 'a string', id));
    if (this.pending.has(id)) throw new Error(`nextId(): returned ${JSON.stringify(id)}, already in flight`);
    // A reused id needs no forgetting of how its previous call ended: while the new call is in
    // flight its replies find it in `pending`, and once it settles its own ending goes into the
    // young generation, which is read first. (Deleting it from both generations on every register
    // was 7% of a worker connection's CPU at 256 in flight: two misses in maps of thousands.)
    const { timeoutMs, autoRetry, attemptsMax } = resolved;
    const entry = new Entry(id, method, payload, context, timeoutMs, autoRetry, attemptsMax);
    this.pending.set(id, entry);
    this.startAttempt(entry, nowMs);
    return entry;
  }

  /**
   * A reply arrived at nowMs. Deadlines due by nowMs are applied first, so a reply never beats
   * a deadline that has passed. Returns true if it settled a call; otherwise it is dropped and counted.
   */
  onReply(reply: CallReply, nowMs: number): boolean {
    if (reply === null || typeof reply !== 'object') throw new TypeError(expected('reply', 'an object', reply));
    checkString('reply.callId', reply.callId);
    if (reply.error !== undefined && !(reply.error instanceof TotoError)) {
      throw new TypeError(expected('reply.error', 'a TotoError or undefined', reply.error));
    }
    checkFinite('nowMs', nowMs);
    this.onTimer(nowMs);
    const entry = this.pending.get(reply.callId);
    if (entry === undefined) {
      const how = this.recentYoung.get(reply.callId) ?? this.recentOld.get(reply.callId);
      if (how === ANSWERED) this.counters.duplicateReplies++;
      else if (how === ABANDONED) this.counters.lateReplies++;
      else this.counters.unknownReplies++;
      return false;
    }
    if (reply.error === undefined) {
      this.counters.settledOk++;
      this.settle(entry, ANSWERED, { kind: 'settle', call: entry, ok: true, value: reply.value });
    } else {
      this.counters.settledError++;
      this.settle(entry, ANSWERED, { kind: 'settle', call: entry, ok: false, error: reply.error });
    }
    return true;
  }

  /** Applies every deadline due by nowMs: timeouts, retries, and sends after a backoff. */
  onTimer(nowMs: number): void {
    checkFinite('nowMs', nowMs);
    for (let task = this.deadlines.popDue(nowMs); task !== undefined; task = this.deadlines.popDue(nowMs)) {
      const entry = task.owner as Entry;
      entry.task = undefined;
      if (entry.phase === 'backoff') {
        entry.attempt++;
        this.startAttempt(entry, nowMs);
      } else if (entry.autoRetry && entry.attempt < entry.attemptsMax) {
        entry.phase = 'backoff';
        // A zero delay lands at nowMs, so this same loop sends the retry.
        entry.task = this.deadlines.schedule(nowMs + backoffDelayMs(this.settings, entry.attempt), unused, entry);
      } else {
        this.counters.settledTimeout++;
        const error = new TotoError(ErrorCode.TIMEOUT, timeoutMessage(entry));
        this.settle(entry, ABANDONED, { kind: 'settle', call: entry, ok: false, error });
      }
    }
  }

  /** The caller gave up: settles the call with `error` (default ABORTED). False if it is not in flight. */
  cancel(callId: string, error?: TotoError): boolean {
    checkString('callId', callId);
    if (error !== undefined && !(error instanceof TotoError)) throw new TypeError(expected('error', 'a TotoError', error));
    const entry = this.pending.get(callId);
    if (entry === undefined) return false;
    this.counters.settledAborted++;
    const reason = error ?? new TotoError(ErrorCode.ABORTED, `call ${callId} (${entry.method}) aborted`);
    this.settle(entry, ABANDONED, { kind: 'settle', call: entry, ok: false, error: reason });
    return true;
  }

  /** Sending failed for good (the driver's send threw): settles the call with `error`. */
  fail(callId: string, error: TotoError): boolean {
    checkString('callId', callId);
    if (!(error instanceof TotoError)) throw new TypeError(expected('error', 'a TotoError', error));
    const entry = this.pending.get(callId);
    if (entry === undefined) return false;
    this.counters.settledError++;
    this.settle(entry, ABANDONED, { kind: 'settle', call: entry, ok: false, error });
    return true;
  }

  /**
   * Attempt `attempt` failed before its deadline (the connection was refused or reset): the next
   * attempt starts after the backoff, as after a timeout, so an HTTP call moves on to the next
   * worker at once. False, with nothing done, when the call is not in flight, `attempt` is not
   * its current one, or it has no attempt left (the caller then settles it with its error).
   */
  retryNow(callId: string, attempt: number, nowMs: number): boolean {
    checkFinite('nowMs', nowMs);
    const entry = this.pending.get(callId);
    if (entry === undefined || entry.attempt !== attempt || entry.phase !== 'waiting') return false;
    if (!entry.autoRetry || entry.attempt >= entry.attemptsMax) return false;
    if (entry.task !== undefined) this.deadlines.cancel(entry.task);
    entry.phase = 'backoff';
    entry.task = this.deadlines.schedule(nowMs + backoffDelayMs(this.settings, entry.attempt), unused, entry);
    return true;
  }

  /** Settles every call in flight with `error` (default CLOSED) and refuses new ones with it. Idempotent. */
  close(error?: TotoError): void {
    if (error !== undefined && !(error instanceof TotoError)) throw new TypeError(expected('error', 'a TotoError', error));
    if (this.closedWith !== undefined) return;
    const reason = error ?? new TotoError(ErrorCode.CLOSED, 'call table closed');
    this.closedWith = reason;
    for (const entry of [...this.pending.values()]) {
      this.counters.settledClosed++;
      this.settle(entry, ABANDONED, { kind: 'settle', call: entry, ok: false, error: reason });
    }
  }

  /**
   * A call's options against the table's. A connection passes one frozen object for every call
   * made without options; its resolution is kept (checking its keys each time showed in the RPC
   * bench's profile). Objects that can change are resolved every time.
   */
  private resolve(options: CallOptions | undefined): ResolvedCallOptions {
    if (options === this.memoOptions && this.memoResolved !== undefined) return this.memoResolved;
    const resolved = resolveCallOptions(options, this.settings);
    if (options === undefined || Object.isFrozen(options)) {
      this.memoOptions = options;
      this.memoResolved = resolved;
    }
    return resolved;
  }

  private startAttempt(entry: Entry, nowMs: number): void {
    entry.phase = 'waiting';
    if (entry.timeoutMs !== Infinity) entry.task = this.deadlines.schedule(nowMs + entry.timeoutMs, unused, entry);
    this.actions[this.actionsTail++] = { kind: 'send', call: entry, attempt: entry.attempt };
  }

  private settle(entry: Entry, how: number, action: CallAction): void {
    if (entry.task !== undefined) this.deadlines.cancel(entry.task);
    entry.task = undefined;
    this.pending.delete(entry.id);
    const recentMax = this.settings.recentMax;
    if (recentMax > 0) {
      this.recentYoung.set(entry.id, how);
      if (this.recentYoung.size >= Math.ceil(recentMax / 2)) {
        this.recentOld = this.recentYoung;
        this.recentYoung = new Map();
      }
    }
    this.actions[this.actionsTail++] = action;
  }
}

function timeoutMessage(entry: Entry): string {
  const attempts = entry.attempt === 1 ? '' : ` after ${entry.attempt} attempts`;
  return `Timeout: call ${entry.id} (${entry.method}) got no reply within ${entry.timeoutMs}ms${attempts}`;
}
