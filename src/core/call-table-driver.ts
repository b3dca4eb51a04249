// The thin driver that binds the sans-IO CallTable to the ports: it stamps every input with the
// loop's clock, keeps exactly one timer armed on the LoopPort for the table's next deadline,
// sends what the table decides through an injected send(), and turns settlements into promise
// outcomes. A connection plugs a socket in as send() and hands decoded replies to onReply().

import type { CallOptions } from './call-options.js';
import { CallTable, CallTableFullError, type CallAction, type CallInfo, type CallReply, type CallStats } from './call-table.js';
import { ErrorCode, TotoError } from './errors.js';
import type { Logger, LoopPort, TimerHandle } from './ports.js';
import { silentLogger } from './ports.js';
import type { AbortSignalLike } from './task-queue.js';
import { checkFunction, checkOptions, expected } from './validate.js';

export interface CallTableDriverOptions {
  /** The clock and the one timer. Required. */
  loop: LoopPort;
  /** The table to drive (its options hold timeouts, backoff and limits). Required. */
  table: CallTable;
  /**
   * Puts one attempt on the wire. A throw settles the call with it (as a TotoError): a send
   * that can fail for a while (a full queue) should queue, not throw.
   */
  send: (call: CallInfo, attempt: number) => void;
  /** Where a failed send is reported (warn). Silent by default. */
  logger?: Logger;
}

export interface DriverCallOptions extends CallOptions {
  /** Aborting it settles the call with an ABORTED TotoError (and a reply after that is a late one). */
  signal?: AbortSignalLike;
}

/** The driver's per-call context: the promise's settle functions and the abort wiring. */
interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: TotoError) => void;
  signal: AbortSignalLike | undefined;
  onAbort: (() => void) | undefined;
}

export class CallTableDriver {
  private readonly loop: LoopPort;
  private readonly table: CallTable;
  private readonly sendFn: (call: CallInfo, attempt: number) => void;
  private readonly logger: Logger;
  private timer: TimerHandle | undefined = undefined;
  /** The table deadline the timer is armed for (a loop may report handle deadlines on another clock). */
  private timerMs: number | undefined = undefined;
  private flushing = false;
  private readonly onTimerBound = (): void => this.onTimer();

  constructor(options: CallTableDriverOptions) {
    checkOptions('CallTableDriver options', options, ['loop', 'table', 'send', 'logger']);
    if (options === undefined) throw new TypeError(expected('CallTableDriver options', 'an options object', options));
    if (!(options.table instanceof CallTable)) throw new TypeError(expected('table', 'a CallTable', options.table));
    const loop = options.loop as LoopPort | undefined;
    if (loop === null || typeof loop !== 'object' || typeof loop.callAt !== 'function') {
      throw new TypeError(expected('loop', 'a LoopPort', loop));
    }
    checkFunction('send', options.send);
    this.loop = loop;
    this.table = options.table;
    this.sendFn = options.send;
    this.logger = options.logger ?? silentLogger;
  }

  /** Calls in flight. */
  get length(): number {
    return this.table.length;
  }

  get stats(): CallStats {
    return this.table.stats;
  }

  /** The deadline of the one armed timer, or undefined when none is armed (for tests and metrics). */
  get timerDeadlineMs(): number | undefined {
    return this.timerMs;
  }

  /**
   * Registers a call, sends attempt 1 at once, and settles with the reply's value or a TotoError
   * (the worker's, TIMEOUT, ABORTED, CLOSED). A full or closed table rejects; bad arguments throw.
   */
  call(method: string, payload: unknown, options?: DriverCallOptions): Promise<unknown> {
    let signal: AbortSignalLike | undefined;
    let callOptions: CallOptions | undefined = options;
    if (options !== undefined && options !== null && typeof options === 'object' && 'signal' in options) {
      ({ signal, ...callOptions } = options);
      if (signal !== undefined && (signal === null || typeof signal.addEventListener !== 'function')) {
        throw new TypeError(expected('signal', 'an AbortSignal', signal));
      }
    }
    const waiter: Waiter = { resolve: noop, reject: noop, signal, onAbort: undefined };
    const promise = new Promise<unknown>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    if (signal?.aborted === true) {
      // Never registered, never sent: the caller gave up before asking.
      waiter.reject(abortError(signal.reason, method));
      return promise;
    }
    let call: CallInfo;
    try {
      call = this.table.register(method, payload, callOptions, this.loop.now(), waiter);
    } catch (error) {
      if (error instanceof CallTableFullError) return Promise.reject(error);
      if (error instanceof TotoError && this.table.closed) return Promise.reject(error);
      throw error;
    }
    if (signal !== undefined) {
      const id = call.id;
      waiter.onAbort = () => {
        this.table.cancel(id, abortError(signal.reason, method));
        this.flush();
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    this.flush();
    return promise;
  }

  /** A decoded reply arrived. False if it was dropped (late, duplicate or unknown; see stats). */
  onReply(reply: CallReply): boolean {
    const accepted = this.table.onReply(reply, this.loop.now());
    this.flush();
    return accepted;
  }

  /** The attempt failed before its deadline: its next one starts after the backoff (CallTable.retryNow). */
  retryNow(callId: string, attempt: number): boolean {
    const retrying = this.table.retryNow(callId, attempt, this.loop.now());
    this.flush();
    return retrying;
  }

  /** Cancels a call by id (ABORTED unless `error` is given). */
  cancel(callId: string, error?: TotoError): boolean {
    const cancelled = this.table.cancel(callId, error);
    this.flush();
    return cancelled;
  }

  /** Settles every call in flight with `error` (default CLOSED), disarms the timer, refuses new calls. */
  close(error?: TotoError): void {
    this.table.close(error);
    this.flush();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerMs = undefined;
    this.table.onTimer(this.loop.now());
    this.flush();
  }

  /** Carries out every decision, then arms the one timer for the next deadline. */
  private flush(): void {
    // send() may feed a reply back synchronously; the outer flush carries out what that decides.
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let action = this.table.poll(); action !== undefined; action = this.table.poll()) this.apply(action);
    } finally {
      this.flushing = false;
    }
    this.rearm();
  }

  private apply(action: CallAction): void {
    if (action.kind === 'send') {
      try {
        this.sendFn(action.call, action.attempt);
      } catch (error) {
        const reason = TotoError.from(error);
        this.logger.warn({ callId: action.call.id, attempt: action.attempt, err: reason }, 'call send failed');
        this.table.fail(action.call.id, reason);
      }
      return;
    }
    const waiter = action.call.context as Waiter;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    if (action.ok) waiter.resolve(action.value);
    else waiter.reject(action.error);
  }

  private rearm(): void {
    const nextMs = this.table.nextDeadlineMs();
    if (this.timer !== undefined) {
      // A timer armed earlier than the next deadline is kept: it fires, finds nothing due and
      // re-arms then. Moving it later on every reply (the earliest call is usually the one just
      // answered) cost a cancel and a new loop timer per call, 4% of a connection's CPU at 256
      // in flight (bench rpc); this costs one early wake-up per timeout period.
      if (nextMs !== undefined && (this.timerMs as number) <= nextMs) return;
      this.loop.cancel(this.timer);
      this.timer = undefined;
      this.timerMs = undefined;
    }
    if (nextMs !== undefined) {
      this.timer = this.loop.callAt(nextMs, this.onTimerBound);
      this.timerMs = nextMs;
    }
  }
}

function noop(): void {}

function abortError(reason: unknown, method: string): TotoError {
  if (reason instanceof TotoError) return reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return new TotoError(ErrorCode.ABORTED, `call (${method}) aborted: ${why}`);
}
