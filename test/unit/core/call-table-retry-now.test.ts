// Proves CallTable.retryNow (an attempt failed before its deadline: the next one after the backoff, not at the timeout): it acts only on the call's current attempt while it waits and has attempts left, and the retried call then keeps its rules (one deadline, settled once, its timeout after the last attempt).
import { expect, it } from 'vitest';
import { CallTable, type CallAction } from '../../../src/core/call-table.js';
import { ErrorCode } from '../../../src/core/errors.js';

function show(table: CallTable): string[] {
  const out: string[] = [];
  for (let a: CallAction | undefined = table.poll(); a !== undefined; a = table.poll()) {
    out.push(a.kind === 'send' ? `send ${a.call.id}#${a.attempt}` : a.ok ? `ok ${a.call.id}` : `err ${a.call.id} ${a.error.code}`);
  }
  return out;
}

it('starts the next attempt after the backoff; the timeout of the failed attempt is gone', () => {
  const table = new CallTable({ jitter: 'none', timeoutMs: 1_000, retryDelayMs: 50 });
  table.register('m', null, { autoRetry: true, attemptsMax: 3 }, 0);
  expect(show(table)).toEqual(['send 1#1']);
  expect(table.retryNow('1', 1, 10)).toBe(true);
  expect(table.nextDeadlineMs()).toBe(60);
  // A second failure report of the same attempt, or a stale one, changes nothing.
  expect([table.retryNow('1', 1, 20), table.retryNow('1', 2, 20)]).toEqual([false, false]);
  table.onTimer(60);
  expect(show(table)).toEqual(['send 1#2']);
  expect(table.nextDeadlineMs()).toBe(1_060);
  expect(table.retryNow('1', 2, 100)).toBe(true);
  table.onTimer(200);
  expect(show(table)).toEqual(['send 1#3']);
  // No attempt left: the caller settles the call itself.
  expect(table.retryNow('1', 3, 300)).toBe(false);
  table.onTimer(1_200);
  expect(show(table)).toEqual([`err 1 ${ErrorCode.TIMEOUT}`]);
  expect([table.length, table.nextDeadlineMs(), table.stats.sent, table.stats.retried]).toEqual([0, undefined, 3, 2]);
});

it('does nothing for a call without autoRetry, an unknown call, or a settled one', () => {
  const table = new CallTable({ jitter: 'none', timeoutMs: 1_000 });
  table.register('m', null, undefined, 0);
  show(table);
  expect([table.retryNow('1', 1, 5), table.retryNow('nope', 1, 5)]).toEqual([false, false]);
  expect(table.nextDeadlineMs()).toBe(1_000);
  table.onReply({ callId: '1', value: 1 }, 6);
  expect(table.retryNow('1', 1, 7)).toBe(false);
  expect(show(table)).toEqual(['ok 1']);
  expect(() => table.retryNow('1', 1, Number.NaN)).toThrow(/nowMs/);
});
