// Proves the history recorder stamps calls with injected time in order, and the settle checkers flag double settles, settles without invoke, pending calls and callbacks after settle with exact messages.
import { describe, expect, it } from 'vitest';
import { History } from '../../../src/sim/checkers/history.js';
import { assertHistory, checkNoCallbackAfterSettle, checkSettlesExactlyOnce, HistoryViolationError } from '../../../src/sim/checkers/settle-checks.js';

function clocked(): { history: History; at(tMs: number): History } {
  let nowMs = 0;
  const history = new History(() => nowMs);
  return {
    history,
    at(tMs: number) {
      nowMs = tMs;
      return history;
    },
  };
}

describe('History', () => {
  it('keeps entries in order, stamped with the injected clock', () => {
    const { history, at } = clocked();
    at(0).invoke('c1', { method: 'ping' });
    at(5).invoke(2);
    at(7).event('c1', 'progress', 50);
    at(10).ok('c1', 'pong');
    at(12).fail(2, 'TIMEOUT');
    expect(history.entries).toEqual([
      { index: 0, tMs: 0, callId: 'c1', type: 'invoke', data: { method: 'ping' } },
      { index: 1, tMs: 5, callId: 2, type: 'invoke' },
      { index: 2, tMs: 7, callId: 'c1', type: 'event', data: 50, label: 'progress' },
      { index: 3, tMs: 10, callId: 'c1', type: 'ok', data: 'pong' },
      { index: 4, tMs: 12, callId: 2, type: 'fail', data: 'TIMEOUT' },
    ]);
    expect(history.forCall(2).map((e) => e.type)).toEqual(['invoke', 'fail']);
    expect(history.size).toBe(5);
  });

  it('rejects a bad clock, a bad call id, and stops at entriesMax', () => {
    expect(() => new History({ now: 5 as unknown as () => number })).toThrow('now: expected a function, got 5');
    const history = new History({ now: () => 0, entriesMax: 2 });
    expect(() => history.invoke({} as unknown as string)).toThrow('callId: expected a string or number, got object');
    history.invoke('a');
    history.ok('a');
    expect(() => history.invoke('b')).toThrow('History: entriesMax=2 reached (raise entriesMax or bound the workload)');
  });
});

describe('checkSettlesExactlyOnce', () => {
  it('passes a clean history', () => {
    const { history, at } = clocked();
    at(0).invoke('a');
    at(1).invoke('b');
    at(2).ok('b');
    at(3).fail('a', new Error('boom'));
    expect(checkSettlesExactlyOnce(history)).toEqual({ ok: true, violations: [] });
    expect(checkNoCallbackAfterSettle(history)).toEqual({ ok: true, violations: [] });
    expect(() => assertHistory(history)).not.toThrow();
  });

  it('flags a double settle, a settle without invoke, a double invoke and a pending call', () => {
    const { history, at } = clocked();
    at(0).invoke('a');
    at(10).ok('a');
    at(20).fail('a');
    at(25).ok('ghost');
    at(30).invoke(7);
    at(31).invoke(7);
    at(40).invoke('pending');
    expect(checkSettlesExactlyOnce(history)).toEqual({
      ok: false,
      violations: [
        'call "a": settled twice: ok at 10ms, then fail at 20ms',
        'call "ghost": ok at 25ms without an invoke',
        'call 7: invoked twice: at 30ms and again at 31ms',
        'call 7: invoked at 30ms, never settled',
        'call "pending": invoked at 40ms, never settled',
      ],
    });
    expect(checkSettlesExactlyOnce(history, { requireSettled: false }).violations).toEqual([
      'call "a": settled twice: ok at 10ms, then fail at 20ms',
      'call "ghost": ok at 25ms without an invoke',
      'call 7: invoked twice: at 30ms and again at 31ms',
    ]);
  });
});

describe('checkNoCallbackAfterSettle', () => {
  it('flags any event for a call after it settled', () => {
    const { history, at } = clocked();
    at(0).invoke('a');
    at(3).event('a', 'progress');
    at(5).fail('a', 'TIMEOUT');
    at(9).event('a', 'late reply');
    at(11).ok('a');
    expect(checkNoCallbackAfterSettle(history)).toEqual({
      ok: false,
      violations: ['call "a": event "late reply" at 9ms after it settled (fail at 5ms)', 'call "a": ok at 11ms after it settled (fail at 5ms)'],
    });
  });

  it('accepts a plain entry array as well as a History', () => {
    expect(checkNoCallbackAfterSettle([{ index: 0, tMs: 1, callId: 'x', type: 'ok' }, { index: 1, tMs: 2, callId: 'x', type: 'ok' }]).violations).toEqual([
      'call "x": ok at 2ms after it settled (ok at 1ms)',
    ]);
  });
});

describe('assertHistory', () => {
  it('throws one error listing every violation of both checkers', () => {
    const { history, at } = clocked();
    at(0).invoke('a');
    at(1).ok('a');
    at(2).ok('a');
    at(3).invoke('b');
    let error: unknown;
    try {
      assertHistory(history);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HistoryViolationError);
    expect((error as HistoryViolationError).violations).toHaveLength(3);
    expect((error as Error).message).toBe(
      'history check failed with 3 violations:\n' +
        '  - call "a": settled twice: ok at 1ms, then ok at 2ms\n' +
        '  - call "b": invoked at 3ms, never settled\n' +
        '  - call "a": ok at 2ms after it settled (ok at 1ms)',
    );
    expect(() => assertHistory(history, { requireSettled: false })).toThrow('history check failed with 2 violations');
  });
});
