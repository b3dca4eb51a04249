// Checkers over a call history: every call settles exactly once, and nothing happens to a
// call after it settled. They report every violation, each naming the call and the times,
// so one failing run says everything that went wrong rather than the first thing.

import { checkBoolean, checkOptions } from '../../core/validate.js';
import type { CallId, History, HistoryEntry } from './history.js';

export interface CheckResult {
  ok: boolean;
  violations: string[];
}

export interface SettleOptions {
  /** A call invoked but never settled is a violation (at the end of a run that healed). Default true. */
  requireSettled?: boolean;
}

type Entries = History | readonly HistoryEntry[];

function checkSettleOptions(options: SettleOptions): void {
  checkOptions('settle options', options, ['requireSettled']);
  if (options.requireSettled !== undefined) checkBoolean('requireSettled', options.requireSettled);
}

function entriesOf(history: Entries): readonly HistoryEntry[] {
  return Array.isArray(history) ? history : (history as History).entries;
}

function name(callId: CallId): string {
  return `call ${JSON.stringify(callId)}`;
}

/** A virtual time as read: `592.67ms` (hosts' CPU time per event makes times fractional). */
function ms(tMs: number): string {
  return `${Number(tMs.toFixed(2))}ms`;
}

function at(entry: HistoryEntry): string {
  return `${entry.type === 'event' ? `event ${JSON.stringify(entry.label)}` : entry.type} at ${ms(entry.tMs)}`;
}

/** A violation and the position (from 1) of the entry it is about (-1: the end of the history, a call never settled). */
interface Violation {
  index: number;
  message: string;
}

function settleViolations(history: Entries, options: SettleOptions): Violation[] {
  const requireSettled = options.requireSettled ?? true;
  const invoked = new Map<CallId, HistoryEntry>();
  const settled = new Map<CallId, HistoryEntry>();
  const violations: Violation[] = [];
  let position = 0;
  const flag = (message: string): void => void violations.push({ index: position, message });
  for (const entry of entriesOf(history)) {
    position++;
    const id = entry.callId;
    if (entry.type === 'invoke') {
      const first = invoked.get(id);
      if (first) flag(`${name(id)}: invoked twice: at ${ms(first.tMs)} and again at ${ms(entry.tMs)}`);
      else invoked.set(id, entry);
    } else if (entry.type === 'ok' || entry.type === 'fail') {
      const first = settled.get(id);
      if (!invoked.has(id)) flag(`${name(id)}: ${at(entry)} without an invoke`);
      else if (first) flag(`${name(id)}: settled twice: ${at(first)}, then ${at(entry)}`);
      if (!first) settled.set(id, entry);
    }
  }
  if (requireSettled) {
    for (const [id, entry] of invoked) {
      if (!settled.has(id)) violations.push({ index: -1, message: `${name(id)}: invoked at ${ms(entry.tMs)}, never settled` });
    }
  }
  return violations;
}

function afterSettleViolations(history: Entries): Violation[] {
  const settled = new Map<CallId, HistoryEntry>();
  const violations: Violation[] = [];
  let position = 0;
  for (const entry of entriesOf(history)) {
    position++;
    const first = settled.get(entry.callId);
    if (first) violations.push({ index: position, message: `${name(entry.callId)}: ${at(entry)} after it settled (${at(first)})` });
    else if (entry.type === 'ok' || entry.type === 'fail') settled.set(entry.callId, entry);
  }
  return violations;
}

function resultOf(violations: readonly Violation[]): CheckResult {
  return { ok: violations.length === 0, violations: violations.map((v) => v.message) };
}

/**
 * Every invoked call settles (ok or fail) exactly once: no second settle, no settle without an
 * invoke, no second invoke of one id, and (requireSettled) no call left pending.
 */
export function checkSettlesExactlyOnce(history: Entries, options: SettleOptions = {}): CheckResult {
  checkSettleOptions(options);
  return resultOf(settleViolations(history, options));
}

/** Nothing (a second settle, an event, a re-invoke) happens to a call after it first settled. */
export function checkNoCallbackAfterSettle(history: Entries): CheckResult {
  return resultOf(afterSettleViolations(history));
}

/** Thrown by assertHistory: `violations` lists every problem found. */
export class HistoryViolationError extends Error {
  constructor(readonly violations: string[]) {
    super(`history check failed with ${violations.length} violation${violations.length === 1 ? '' : 's'}:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'HistoryViolationError';
  }
}

/**
 * Runs both checkers and throws a HistoryViolationError listing every violation. One wrong
 * entry counts once: a second settle is both "settled twice" and "after it settled", and is
 * reported as the first only.
 */
export function assertHistory(history: Entries, options: SettleOptions = {}): void {
  checkSettleOptions(options);
  const settle = settleViolations(history, options);
  const flagged = new Set(settle.map((v) => v.index));
  const after = afterSettleViolations(history).filter((v) => !flagged.has(v.index));
  const all = [...settle, ...after].map((v) => v.message);
  if (all.length > 0) throw new HistoryViolationError(all);
}
