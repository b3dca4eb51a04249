// Proves the sans-IO CallTable's rules with exact values: argument checks and their messages, exact per-call deadlines (0 = default, negative = never), settlement exactly once (value, worker error, TIMEOUT, ABORTED, CLOSED), late/duplicate/unknown replies dropped and counted, the backoff sequence under a seeded Random for each jitter, attemptsMax, pendingMax, and an empty table after everything settles.
import { describe, expect, it } from 'vitest';
import { backoffRangeMs, checkCallTableOptions, type CallTableOptions } from '../../../src/core/call-options.js';
import { CallTable, CallTableFullError, type CallAction } from '../../../src/core/call-table.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';

function drain(table: CallTable): CallAction[] {
  const out: CallAction[] = [];
  for (let a = table.poll(); a !== undefined; a = table.poll()) out.push(a);
  return out;
}

/** Actions as short strings: "send 1#2" (call 1, attempt 2), "ok 1=v", "err 1 -1". */
function show(actions: CallAction[]): string[] {
  return actions.map((a) => {
    if (a.kind === 'send') return `send ${a.call.id}#${a.attempt}`;
    return a.ok ? `ok ${a.call.id}=${String(a.value)}` : `err ${a.call.id} ${a.error.code}`;
  });
}

function table(options: CallTableOptions = {}): CallTable {
  return new CallTable({ jitter: 'none', timeoutMs: 1_000, ...options });
}

describe('CallTable options', () => {
  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs: expected a finite number > 0, got 0'],
    [{ timeoutMs: -5 }, 'timeoutMs: expected a finite number > 0, got -5'],
    [{ timeoutMs: '10' }, 'timeoutMs: expected a number, got "10"'],
    [{ retryDelayMs: 1.5 }, 'retryDelayMs: expected an integer, got 1.5'],
    [{ retryDelayMs: 100, retryDelayMsMax: 50 }, 'retryDelayMsMax: expected an integer in [100, 9007199254740991], got 50'],
    [{ jitter: 'half' }, 'jitter: expected one of "full", "equal", "none", got "half"'],
    [{ attemptsMax: 0 }, 'attemptsMax: expected an integer in [1, 9007199254740991], got 0'],
    [{ pendingMax: 0 }, 'pendingMax: expected an integer in [1, 9007199254740991], got 0'],
    [{ recentMax: -1 }, 'recentMax: expected an integer in [0, 9007199254740991], got -1'],
    [{ nextId: 'x' }, 'nextId: expected a function, got "x"'],
    [{ random: 3 }, 'random: expected a RandomPort, got 3'],
    [{ timeoutMs: 10, retryDelayMs: 1, jitter: 'full', random: undefined }, 'random: expected a RandomPort (jitter is "full"), got undefined'],
    [{ timeout: 5 }, 'CallTable options: unknown option "timeout" (known: timeoutMs, retryDelayMs, retryDelayMsMax, jitter, random, attemptsMax, pendingMax, recentMax, nextId)'],
  ])('refuses %j', (options, message) => {
    expect(() => new CallTable({ jitter: 'none', ...options } as CallTableOptions)).toThrow(message);
  });

  it('defaults: 10 s timeout, 100 ms base, 30 s cap, full jitter, unbounded attempts and table, 4096 remembered ids', () => {
    const s = checkCallTableOptions({ random: new Random(1) });
    expect(s).toMatchObject({ timeoutMs: 10_000, retryDelayMs: 100, retryDelayMsMax: 30_000, jitter: 'full', attemptsMax: Infinity, pendingMax: Infinity, recentMax: 4096 });
  });

  it('checks register and reply arguments', () => {
    const t = table();
    expect(() => t.register(5 as unknown as string, null, {}, 0)).toThrow('method: expected a string, got 5');
    expect(() => t.register('m', null, { timeoutMs: NaN }, 0)).toThrow('timeoutMs: expected a number (0: default, < 0: never), got NaN');
    expect(() => t.register('m', null, { autoRetry: 1 as unknown as boolean }, 0)).toThrow('autoRetry: expected a boolean, got 1');
    expect(() => t.register('m', null, { attemptsMax: 2.5 }, 0)).toThrow('attemptsMax: expected an integer, got 2.5');
    expect(() => t.register('m', null, { retries: 1 } as never, 0)).toThrow('call options: unknown option "retries" (known: timeoutMs, autoRetry, attemptsMax)');
    expect(() => t.register('m', null, {}, Infinity)).toThrow('nowMs: expected a finite number, got Infinity');
    expect(() => t.onReply({ callId: 7 } as never, 0)).toThrow('reply.callId: expected a string, got 7');
    expect(() => t.onReply({ callId: '1', error: 'boom' } as never, 0)).toThrow('reply.error: expected a TotoError or undefined, got "boom"');
    expect(() => t.onTimer(NaN)).toThrow('nowMs: expected a number, got NaN');
    expect(t.length).toBe(0);
  });
});

describe('CallTable deadlines and settlement', () => {
  it('sends attempt 1 at once and times out exactly at register time + timeoutMs', () => {
    const t = table();
    const call = t.register('a.b', 'payload', { timeoutMs: 500 }, 1_000);
    expect(call).toMatchObject({ id: '1', method: 'a.b', payload: 'payload', attempt: 1 });
    expect(show(drain(t))).toEqual(['send 1#1']);
    expect(t.nextDeadlineMs()).toBe(1_500);
    t.onTimer(1_499.999);
    expect(drain(t)).toEqual([]);
    t.onTimer(1_500);
    const [settle] = drain(t);
    expect(settle).toMatchObject({ kind: 'settle', ok: false });
    const error = (settle as { error: TotoError }).error;
    expect(error).toBeInstanceOf(TotoError);
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.value).toBe('Timeout: call 1 (a.b) got no reply within 500ms');
    expect(t.length).toBe(0);
    expect(t.nextDeadlineMs()).toBeUndefined();
    expect(t.stats).toMatchObject({ sent: 1, retried: 0, settledTimeout: 1 });
  });

  it('timeoutMs 0 means the table default; a negative one never expires nor retries', () => {
    const t = table({ timeoutMs: 250 });
    t.register('a', 1, { timeoutMs: 0 }, 0);
    t.register('b', 2, { timeoutMs: -1, autoRetry: true }, 0);
    expect(show(drain(t))).toEqual(['send 1#1', 'send 2#1']);
    expect(t.nextDeadlineMs()).toBe(250);
    t.onTimer(1e12);
    expect(show(drain(t))).toEqual(['err 1 -1']);
    expect(t.length).toBe(1);
    expect(t.nextDeadlineMs()).toBeUndefined();
    expect(t.onReply({ callId: '2', value: 'late but welcome' }, 2e12)).toBe(true);
    expect(show(drain(t))).toEqual(['ok 2=late but welcome']);
  });

  it('settles with the value or the worker error (code and value kept), then counts duplicate, late and unknown replies', () => {
    const t = table();
    t.register('m', null, {}, 0);
    t.register('m', null, {}, 0);
    t.register('m', null, { timeoutMs: 10 }, 0);
    drain(t);
    expect(t.onReply({ callId: '1', value: 42 }, 5)).toBe(true);
    const workerError = new TotoError(ErrorCode.USER_NOT_FOUND, 'no such user');
    expect(t.onReply({ callId: '2', error: workerError }, 6)).toBe(true);
    const [ok, err] = drain(t);
    expect(ok).toMatchObject({ ok: true, value: 42 });
    expect((err as { error: TotoError }).error).toBe(workerError);
    // Call 3's deadline (10) is applied before a reply stamped 10: it is late, not an answer.
    expect(t.onReply({ callId: '3', value: 'x' }, 10)).toBe(false);
    expect(show(drain(t))).toEqual(['err 3 -1']);
    expect(t.onReply({ callId: '1', value: 42 }, 11)).toBe(false);
    expect(t.onReply({ callId: '2', value: 1 }, 11)).toBe(false);
    expect(t.onReply({ callId: '99', value: 1 }, 11)).toBe(false);
    expect(drain(t)).toEqual([]);
    expect(t.stats).toEqual({
      sent: 3, retried: 0, settledOk: 1, settledError: 1, settledTimeout: 1, settledAborted: 0, settledClosed: 0,
      lateReplies: 1, duplicateReplies: 2, unknownReplies: 1,
    });
  });

  it('forgets settled ids beyond recentMax (two generations of recentMax/2): their replies count as unknown', () => {
    const t = table({ recentMax: 4 });
    const ids = ['1', '2', '3', '4', '5'];
    for (const id of ids) t.register('m', id, {}, 0);
    for (const id of ids) t.onReply({ callId: id, value: id }, 1);
    // Generations {1, 2} then {3, 4} (which drops {1, 2}), then {5}: 3, 4 and 5 are remembered.
    for (const id of ids) t.onReply({ callId: id, value: id }, 2);
    expect(t.stats).toMatchObject({ duplicateReplies: 3, unknownReplies: 2 });
    const none = table({ recentMax: 0 });
    none.register('m', 0, {}, 0);
    none.onReply({ callId: '1', value: 0 }, 1);
    none.onReply({ callId: '1', value: 0 }, 1);
    expect(none.stats).toMatchObject({ duplicateReplies: 0, unknownReplies: 1 });
  });

  it('uses the injected id source and refuses an id still in flight', () => {
    const ids = ['a', 'b', 'a'];
    const t = table({ nextId: () => ids.shift() as string });
    expect(t.register('m', 0, {}, 0).id).toBe('a');
    expect(t.register('m', 0, {}, 0).id).toBe('b');
    expect(() => t.register('m', 0, {}, 0)).toThrow('nextId(): returned "a", already in flight');
    expect(t.length).toBe(2);
  });
});

describe('CallTable retries', () => {
  it('backs off exponentially with jitter "none": 100, 200, 400, then the 500 cap', () => {
    const t = table({ timeoutMs: 50, retryDelayMs: 100, retryDelayMsMax: 500 });
    t.register('m', 'p', { autoRetry: true, attemptsMax: 5 }, 0);
    drain(t);
    const sends: number[] = [];
    let now = 0;
    const log: string[] = [];
    for (let deadline = t.nextDeadlineMs(); deadline !== undefined; deadline = t.nextDeadlineMs()) {
      now = deadline;
      t.onTimer(now);
      for (const a of drain(t)) {
        if (a.kind === 'send') sends.push(now);
        log.push(show([a])[0] as string);
      }
    }
    // Sent at 0; expires 50 + 100 -> 150; expires 200 + 200 -> 400; 450 + 400 -> 850; 900 + 500 -> 1400; expires 1450.
    expect(sends).toEqual([150, 400, 850, 1_400]);
    expect(now).toBe(1_450);
    expect(log).toEqual(['send 1#2', 'send 1#3', 'send 1#4', 'send 1#5', 'err 1 -1']);
    expect(t.stats).toMatchObject({ sent: 5, retried: 4, settledTimeout: 1 });
  });

  it.each(['full', 'equal'] as const)('draws %s jitter from the injected Random: the same seed gives the same sequence', (jitter) => {
    const t = table({ timeoutMs: 10, retryDelayMs: 64, retryDelayMsMax: 1_000, jitter, random: new Random(7), attemptsMax: 8 });
    t.register('m', 'p', { autoRetry: true }, 0);
    drain(t);
    const mirror = new Random(7);
    const settings = checkCallTableOptions({ retryDelayMs: 64, retryDelayMsMax: 1_000, jitter, random: mirror });
    let expectedSendMs = 0;
    for (let attempt = 1; attempt < 8; attempt++) {
      const expiredMs = expectedSendMs + 10;
      const { lowMs, highMs } = backoffRangeMs(settings, attempt);
      expect(highMs).toBe(Math.min(1_000, 64 * 2 ** (attempt - 1)));
      expect(lowMs).toBe(jitter === 'full' ? 0 : Math.floor(highMs / 2));
      expectedSendMs = expiredMs + mirror.int(lowMs, highMs);
      expect(t.nextDeadlineMs()).toBe(expiredMs);
      t.onTimer(expiredMs);
      if (expectedSendMs > expiredMs) {
        expect(drain(t)).toEqual([]);
        expect(t.nextDeadlineMs()).toBe(expectedSendMs);
        t.onTimer(expectedSendMs);
      }
      expect(show(drain(t))).toEqual([`send 1#${attempt + 1}`]);
    }
    t.onTimer(expectedSendMs + 10);
    expect(show(drain(t))).toEqual(['err 1 -1']);
  });

  it('a reply during the backoff settles the call and cancels the pending re-send; the timeout message counts attempts', () => {
    const t = table({ timeoutMs: 10, retryDelayMs: 100 });
    t.register('m', 'p', { autoRetry: true }, 0);
    t.register('n', 'p', { autoRetry: true, attemptsMax: 2 }, 0);
    drain(t);
    t.onTimer(10);
    expect(t.nextDeadlineMs()).toBe(110);
    expect(t.onReply({ callId: '1', value: 'v' }, 50)).toBe(true);
    expect(show(drain(t))).toEqual(['ok 1=v']);
    t.onTimer(110);
    expect(show(drain(t))).toEqual(['send 2#2']);
    t.onTimer(120);
    const [timeout] = drain(t);
    expect((timeout as { error: TotoError }).error.value).toBe('Timeout: call 2 (n) got no reply within 10ms after 2 attempts');
    expect(t.length).toBe(0);
    expect(t.nextDeadlineMs()).toBeUndefined();
  });

  it('counts the second answer of a retried call as a duplicate', () => {
    const t = table({ timeoutMs: 10, retryDelayMs: 0 });
    t.register('m', 'p', { autoRetry: true }, 0);
    t.onTimer(10);
    expect(show(drain(t))).toEqual(['send 1#1', 'send 1#2']);
    t.onReply({ callId: '1', value: 'first' }, 12);
    t.onReply({ callId: '1', value: 'second' }, 13);
    expect(show(drain(t))).toEqual(['ok 1=first']);
    expect(t.stats).toMatchObject({ sent: 2, retried: 1, settledOk: 1, duplicateReplies: 1 });
  });
});

describe('CallTable cancel, fail, bounds and close', () => {
  it('cancel settles with ABORTED once, drops its unsent attempt, and a later reply is late', () => {
    const t = table();
    t.register('m', 'p', {}, 0);
    expect(t.cancel('1')).toBe(true);
    expect(t.cancel('1')).toBe(false);
    const actions = drain(t);
    expect(show(actions)).toEqual(['err 1 -6']);
    expect((actions[0] as { error: TotoError }).error.value).toBe('call 1 (m) aborted');
    expect(t.onReply({ callId: '1', value: 1 }, 1)).toBe(false);
    expect(t.stats).toMatchObject({ sent: 0, settledAborted: 1, lateReplies: 1 });
    expect(t.nextDeadlineMs()).toBeUndefined();
  });

  it('fail settles with the given error', () => {
    const t = table();
    t.register('m', 'p', {}, 0);
    drain(t);
    const error = new TotoError(ErrorCode.NO_CONNECTIONS, 'no connections');
    expect(t.fail('1', error)).toBe(true);
    expect(drain(t)).toMatchObject([{ kind: 'settle', ok: false, error }]);
    expect(t.stats.settledError).toBe(1);
  });

  it('refuses the call beyond pendingMax with an error naming the limit, and accepts again once one settles', () => {
    const t = table({ pendingMax: 2 });
    t.register('m', 1, {}, 0);
    t.register('m', 2, {}, 0);
    expect(() => t.register('m', 3, {}, 0)).toThrow(new CallTableFullError(2));
    expect(() => t.register('m', 3, {}, 0)).toThrow('call table full: pendingMax=2 calls already in flight');
    t.onReply({ callId: '1', value: 1 }, 1);
    expect(t.register('m', 3, {}, 1).id).toBe('3');
  });

  it('close settles every call in flight with CLOSED (or the given error) and refuses new calls', () => {
    const t = table();
    for (let i = 0; i < 3; i++) t.register('m', i, { autoRetry: true }, 0);
    drain(t);
    t.close();
    t.close();
    expect(show(drain(t))).toEqual(['err 1 -7', 'err 2 -7', 'err 3 -7']);
    expect(t.length).toBe(0);
    expect(t.nextDeadlineMs()).toBeUndefined();
    expect(() => t.register('m', 0, {}, 1)).toThrow('call table closed (CLOSED -7)');
    expect(t.stats.settledClosed).toBe(3);
    const other = table();
    other.register('m', 0, {}, 0);
    other.close(new TotoError(ErrorCode.NO_CONNECTIONS, 'connection closed'));
    // Closed before its first send was polled: the send is dropped, only the settlement remains.
    expect(drain(other)).toHaveLength(1);
    expect(other.stats.sent).toBe(0);
    expect(drain(other)).toEqual([]);
    expect(other.stats.settledClosed).toBe(1);
    const third = table();
    third.register('m', 0, {}, 0);
    drain(third);
    third.close(new TotoError(ErrorCode.NO_CONNECTIONS, 'connection closed'));
    expect(drain(third)[0]).toMatchObject({ ok: false, error: { code: ErrorCode.NO_CONNECTIONS } });
  });

  it('keeps nothing once 10,000 calls of every kind settle', () => {
    const t = table({ timeoutMs: 100, retryDelayMs: 10, retryDelayMsMax: 40 });
    for (let i = 0; i < 10_000; i++) t.register('m', i, { autoRetry: i % 2 === 0, attemptsMax: 3, timeoutMs: 50 + (i % 7) }, i % 13);
    for (let i = 1; i <= 10_000; i += 3) t.onReply({ callId: String(i), value: i }, 20);
    for (let i = 2; i <= 10_000; i += 5) t.cancel(String(i));
    const actions = drain(t);
    // As a driver would: onTimer at each deadline in turn.
    for (let d = t.nextDeadlineMs(); d !== undefined; d = t.nextDeadlineMs()) {
      t.onTimer(d);
      actions.push(...drain(t));
    }
    const settled = actions.filter((a) => a.kind === 'settle');
    expect(settled.length).toBe(10_000);
    expect(new Set(settled.map((a) => a.call.id)).size).toBe(10_000);
    expect(t.length).toBe(0);
    expect(t.nextDeadlineMs()).toBeUndefined();
  });
});
