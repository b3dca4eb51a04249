// Proves the history recorder stamps calls with injected time in order (History.call records a whole call), and the settle checkers flag double settles, settles without invoke, pending calls and callbacks after settle with exact messages.
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
    expect((error as HistoryViolationError).violations).toHaveLength(2);
    expect((error as Error).message).toBe(
      'history check failed with 2 violations:\n' + '  - call "a": settled twice: ok at 1ms, then ok at 2ms\n' + '  - call "b": invoked at 3ms, never settled',
    );
    expect(() => assertHistory(history, { requireSettled: false })).toThrow('history check failed with 1 violation:');
  });

  it('counts one wrong entry once, and distinct wrong entries each', () => {
    const { history, at } = clocked();
    at(0).invoke('a');
    at(1).ok('a');
    at(2).invoke('a'); // invoked twice and after it settled: one violation
    at(3).event('a', 'late'); // only after it settled
    at(4).ok('ghost');
    at(5).ok('ghost'); // without an invoke and after it settled: one violation
    const violations = (() => {
      try {
        assertHistory(history);
      } catch (e) {
        return (e as HistoryViolationError).violations;
      }
      return [];
    })();
    expect(violations).toEqual([
      'call "a": invoked twice: at 0ms and again at 2ms',
      'call "ghost": ok at 4ms without an invoke',
      'call "ghost": ok at 5ms without an invoke',
      'call "a": event "late" at 3ms after it settled (ok at 1ms)',
    ]);
  });

  it('prints fractional times rounded', () => {
    const { history, at } = clocked();
    at(0.1 + 0.2).invoke('a');
    at(592.666666).ok('a');
    at(600.004).fail('a');
    expect(() => assertHistory(history)).toThrow('call "a": settled twice: ok at 592.67ms, then fail at 600ms');
  });
});

describe('History.call', () => {
  it('records invoke and ok with the value, or fail with the error message, and never rejects', async () => {
    const { history, at } = clocked();
    at(1);
    const good = await history.call('a', () => Promise.resolve(42), { n: 1 });
    const bad = await history.call('b', () => Promise.reject(new Error('boom')));
    const thrown = await history.call('c', () => {
      throw new RangeError('sync');
    });
    const plain = await history.call('d', () => 'now');
    expect(good).toEqual({ ok: true, value: 42 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && (bad.error as Error).message).toBe('boom');
    expect(thrown.ok).toBe(false);
    expect(plain).toEqual({ ok: true, value: 'now' });
    expect(history.entries.map((e) => [e.callId, e.type, e.data])).toEqual([
      ['a', 'invoke', { n: 1 }],
      ['a', 'ok', 42],
      ['b', 'invoke', undefined],
      ['b', 'fail', 'boom'],
      ['c', 'invoke', undefined],
      ['c', 'fail', 'sync'],
      ['d', 'invoke', undefined],
      ['d', 'ok', 'now'],
    ]);
    expect(() => assertHistory(history)).not.toThrow();
  });

  it('stamps the settle when the call settles, and refuses a run that is not a function', async () => {
    const { history, at } = clocked();
    at(10);
    const pending = history.call('a', () => new Promise<string>((resolve) => setImmediate(() => resolve('late'))));
    at(25);
    await pending;
    expect(history.entries.map((e) => e.tMs)).toEqual([10, 25]);
    await expect(history.call('b', 'x' as never)).rejects.toThrow('run: expected a function, got "x"');
    expect(history.size).toBe(2);
  });
});
