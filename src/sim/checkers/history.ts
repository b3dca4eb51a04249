// A history of calls as a client saw them: each invoke, ok and fail stamped with virtual
// time, in the order they happened. Checkers read it after a run; components of any kind
// (RPC client, task queue, event bus) record into the same shape.

import { checkFunction, checkInteger, checkOptions, expected } from '../../core/validate.js';

export type CallId = string | number;

/** What happened: the call was made, it succeeded, it failed, or some other callback ran for it. */
export type HistoryEventType = 'invoke' | 'ok' | 'fail' | 'event';

export interface HistoryEntry {
  /** Position in the history, from 0. */
  index: number;
  /** Virtual time when it was recorded (ms). */
  tMs: number;
  callId: CallId;
  type: HistoryEventType;
  /** The call's arguments (invoke), value (ok), error (fail) or the callback's label and data (event). */
  data?: unknown;
  /** For `event`: what ran (e.g. "progress"). */
  label?: string;
}

/** How a call recorded by History.call ended: its value, or the error it failed with. */
export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface HistoryOptions {
  /** The clock entries are stamped with (a host's loop.now or kernel.now). */
  now: () => number;
  /** Most entries kept; recording past it throws (a runaway workload). Default 1,000,000. */
  entriesMax?: number;
}

export class History {
  private readonly now: () => number;
  private readonly entriesMax: number;
  private readonly list: HistoryEntry[] = [];

  constructor(options: HistoryOptions | (() => number)) {
    const o = typeof options === 'function' ? { now: options } : options;
    checkOptions('History options', o, ['now', 'entriesMax']);
    if (o === undefined) throw new TypeError(expected('History options', 'a clock function or an options object { now }', o));
    checkFunction('now', o.now);
    if (o.entriesMax !== undefined) checkInteger('entriesMax', o.entriesMax, 1);
    this.now = o.now;
    this.entriesMax = o.entriesMax ?? 1_000_000;
  }

  /** The call was made. */
  invoke(callId: CallId, details?: unknown): void {
    this.push(callId, 'invoke', details);
  }

  /** The call succeeded with `value`. */
  ok(callId: CallId, value?: unknown): void {
    this.push(callId, 'ok', value);
  }

  /** The call failed with `error`. */
  fail(callId: CallId, error?: unknown): void {
    this.push(callId, 'fail', error);
  }

  /**
   * Records a whole call: invoke now, then ok with the value `run` resolves to, or fail with the
   * message of the error it rejects (or throws) with. Never rejects, so a workload can start many
   * calls and await them all; the outcome says how each ended.
   */
  async call<T>(callId: CallId, run: () => PromiseLike<T> | T, details?: unknown): Promise<CallOutcome<T>> {
    checkFunction('run', run);
    this.invoke(callId, details);
    let value: T;
    try {
      value = await run();
    } catch (error) {
      this.fail(callId, error instanceof Error ? error.message : error);
      return { ok: false, error };
    }
    this.ok(callId, value);
    return { ok: true, value };
  }

  /** Some other callback ran for the call (progress, a late reply...): it must not come after the call settled. */
  event(callId: CallId, label: string, data?: unknown): void {
    this.push(callId, 'event', data, label);
  }

  /** Every entry, in order. */
  get entries(): readonly HistoryEntry[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** The entries of one call, in order. */
  forCall(callId: CallId): HistoryEntry[] {
    return this.list.filter((e) => e.callId === callId);
  }

  private push(callId: CallId, type: HistoryEventType, data: unknown, label?: string): void {
    if (typeof callId !== 'string' && typeof callId !== 'number') {
      throw new TypeError(`callId: expected a string or number, got ${callId === null ? 'null' : typeof callId}`);
    }
    if (this.list.length >= this.entriesMax) throw new RangeError(`History: entriesMax=${this.entriesMax} reached (raise entriesMax or bound the workload)`);
    const entry: HistoryEntry = { index: this.list.length, tMs: this.now(), callId, type };
    if (data !== undefined) entry.data = data;
    if (label !== undefined) entry.label = label;
    this.list.push(entry);
  }
}
