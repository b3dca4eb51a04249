// Checkers over a call history: every call settles exactly once, and nothing happens to a
// call after it settled. They report every violation, each naming the call and the times,
// so one failing run says everything that went wrong rather than the first thing.

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

function entriesOf(history: Entries): readonly HistoryEntry[] {
  return Array.isArray(history) ? history : (history as History).entries;
}

function name(callId: CallId): string {
  return `call ${JSON.stringify(callId)}`;
}

function at(entry: HistoryEntry): string {
  return `${entry.type === 'event' ? `event ${JSON.stringify(entry.label)}` : entry.type} at ${entry.tMs}ms`;
}

/**
 * Every invoked call settles (ok or fail) exactly once: no second settle, no settle without an
 * invoke, no second invoke of one id, and (requireSettled) no call left pending.
 */
export function checkSettlesExactlyOnce(history: Entries, options: SettleOptions = {}): CheckResult {
  const requireSettled = options.requireSettled ?? true;
  const invoked = new Map<CallId, HistoryEntry>();
  const settled = new Map<CallId, HistoryEntry>();
  const violations: string[] = [];
  for (const entry of entriesOf(history)) {
    const id = entry.callId;
    if (entry.type === 'invoke') {
      const first = invoked.get(id);
      if (first) violations.push(`${name(id)}: invoked twice: at ${first.tMs}ms and again at ${entry.tMs}ms`);
      else invoked.set(id, entry);
    } else if (entry.type === 'ok' || entry.type === 'fail') {
      const first = settled.get(id);
      if (!invoked.has(id)) violations.push(`${name(id)}: ${at(entry)} without an invoke`);
      else if (first) violations.push(`${name(id)}: settled twice: ${at(first)}, then ${at(entry)}`);
      if (!first) settled.set(id, entry);
    }
  }
  if (requireSettled) {
    for (const [id, entry] of invoked) {
      if (!settled.has(id)) violations.push(`${name(id)}: invoked at ${entry.tMs}ms, never settled`);
    }
  }
  return { ok: violations.length === 0, violations };
}

/** Nothing (a second settle, an event, a re-invoke) happens to a call after it first settled. */
export function checkNoCallbackAfterSettle(history: Entries): CheckResult {
  const settled = new Map<CallId, HistoryEntry>();
  const violations: string[] = [];
  for (const entry of entriesOf(history)) {
    const first = settled.get(entry.callId);
    if (first) violations.push(`${name(entry.callId)}: ${at(entry)} after it settled (${at(first)})`);
    else if (entry.type === 'ok' || entry.type === 'fail') settled.set(entry.callId, entry);
  }
  return { ok: violations.length === 0, violations };
}

/** Thrown by assertHistory: `violations` lists every problem found. */
export class HistoryViolationError extends Error {
  constructor(readonly violations: string[]) {
    super(`history check failed with ${violations.length} violation${violations.length === 1 ? '' : 's'}:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'HistoryViolationError';
  }
}

/** Runs both checkers and throws a HistoryViolationError listing every violation (duplicates once). */
export function assertHistory(history: Entries, options: SettleOptions = {}): void {
  const all = [...checkSettlesExactlyOnce(history, options).violations, ...checkNoCallbackAfterSettle(history).violations];
  const unique = [...new Set(all)];
  if (unique.length > 0) throw new HistoryViolationError(unique);
}
