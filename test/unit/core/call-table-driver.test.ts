// Proves the CallTableDriver binds the table to a LoopPort in both worlds: on the simulation's loop (exact virtual times) and on LoopNode with short real timeouts, it keeps at most one timer armed, expires calls exactly at their deadline, retries on the backoff schedule, resolves values, keeps a worker's error, and settles aborted, closed, refused and failed-to-send calls with the right TotoError.
import { afterEach, describe, expect, it } from 'vitest';
import { LoopNode } from '../../../src/adapters/loop-node.js';
import { CallTableDriver } from '../../../src/core/call-table-driver.js';
import type { CallTableOptions } from '../../../src/core/call-options.js';
import { CallTable, CallTableFullError, type CallInfo } from '../../../src/core/call-table.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import type { LoopPort } from '../../../src/core/ports.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { counting } from '../../support/counting-loop.js';


interface Sent {
  id: string;
  attempt: number;
  atMs: number;
}

/** A driver on the simulation's loop; `answer` decides what a simulated worker does with each attempt. */
function simWorld(options: CallTableOptions, answer: (sent: Sent, driver: CallTableDriver) => void = () => {}) {
  const kernel = new SimKernel();
  const loop = new LoopSim(kernel, { offsetMs: 5_000 });
  const counted = counting(loop);
  const sent: Sent[] = [];
  const driver: CallTableDriver = new CallTableDriver({
    loop: counted.port,
    table: new CallTable({ jitter: 'none', ...options }),
    send: (call: CallInfo, attempt: number) => {
      const s = { id: call.id, attempt, atMs: loop.now() };
      sent.push(s);
      answer(s, driver);
    },
  });
  return { kernel, loop, driver, sent, ...counted };
}

/** The outcome of a call and the loop time it settled at. */
function outcome(loop: LoopPort, promise: Promise<unknown>): Promise<{ atMs: number; value?: unknown; error?: TotoError }> {
  return promise.then(
    (value) => ({ atMs: loop.now(), value }),
    (error: TotoError) => ({ atMs: loop.now(), error }),
  );
}

describe('CallTableDriver on the simulation loop', () => {
  it('arms one timer for 1,000 calls and expires each exactly at its deadline', async () => {
    const w = simWorld({ timeoutMs: 1_000 });
    const results = Array.from({ length: 1_000 }, (_, i) => outcome(w.loop, w.driver.call('m', i, { timeoutMs: 100 + (i % 10) * 7 })));
    expect(w.driver.length).toBe(1_000);
    expect(w.armed()).toBe(1);
    expect(w.driver.timerDeadlineMs).toBe(5_100);
    await w.kernel.run({ stepsMax: 10_000 });
    const settled = await Promise.all(results);
    settled.forEach((r, i) => {
      expect(r.error?.code).toBe(ErrorCode.TIMEOUT);
      expect(r.atMs).toBe(5_000 + 100 + (i % 10) * 7);
    });
    expect(w.maxArmed()).toBe(1);
    expect(w.armed()).toBe(0);
    expect(w.driver.length).toBe(0);
    expect(w.driver.stats).toMatchObject({ sent: 1_000, settledTimeout: 1_000 });
  });

  it('resolves values, keeps a worker error, retries on the backoff schedule, and counts the duplicate answer', async () => {
    // The worker answers after 10 ms, but ignores attempt 1 of "slow" and answers both attempts of "dup".
    const w = simWorld({ timeoutMs: 50, retryDelayMs: 20 }, (s, driver) => {
      if (s.id === '2' && s.attempt === 1) return;
      const reply = s.id === '3' ? { callId: s.id, error: new TotoError(ErrorCode.INVALID_USER_ID, 'who?') } : { callId: s.id, value: `v${s.id}#${s.attempt}` };
      const delayMs = s.id === '4' && s.attempt === 1 ? 75 : 10;
      void w.loop.callLater(delayMs, () => driver.onReply(reply));
    });
    const ok = outcome(w.loop, w.driver.call('a', null));
    const slow = outcome(w.loop, w.driver.call('b', null, { autoRetry: true }));
    const failed = outcome(w.loop, w.driver.call('c', null));
    const dup = outcome(w.loop, w.driver.call('d', null, { autoRetry: true }));
    await w.kernel.run({ stepsMax: 10_000 });
    expect(await ok).toEqual({ atMs: 5_010, value: 'v1#1' });
    // Attempt 1 expires at 5_050, backoff 20: attempt 2 at 5_070, answered at 5_080.
    expect(await slow).toEqual({ atMs: 5_080, value: 'v2#2' });
    const error = (await failed).error as TotoError;
    expect([error.code, error.value]).toEqual([ErrorCode.INVALID_USER_ID, 'who?']);
    // "dup": attempt 1 expires at 5_050, attempt 2 goes at 5_070; attempt 1's answer (5_075) wins, attempt 2's (5_080) is a duplicate.
    expect(await dup).toEqual({ atMs: 5_075, value: 'v4#1' });
    expect(w.sent.filter((s) => s.attempt > 1)).toEqual([
      { id: '2', attempt: 2, atMs: 5_070 },
      { id: '4', attempt: 2, atMs: 5_070 },
    ]);
    expect(w.driver.stats).toMatchObject({ sent: 6, retried: 2, settledOk: 3, settledError: 1, duplicateReplies: 1, lateReplies: 0 });
    expect(w.maxArmed()).toBe(1);
  });

  it('an abort settles with ABORTED and the reply after it is late; an aborted signal never sends', async () => {
    const w = simWorld({ timeoutMs: 1_000 }, (s, driver) => void w.loop.callLater(30, () => driver.onReply({ callId: s.id, value: 1 })));
    const controller = new AbortController();
    const aborted = outcome(w.loop, w.driver.call('m', null, { signal: controller.signal }));
    void w.loop.callLater(10, () => controller.abort(new Error('user left')));
    const gone = new AbortController();
    gone.abort();
    const never = outcome(w.loop, w.driver.call('n', null, { signal: gone.signal }));
    await w.kernel.run({ stepsMax: 1_000 });
    const error = (await aborted).error as TotoError;
    expect([error.code, error.value, (await aborted).atMs]).toEqual([ErrorCode.ABORTED, 'call (m) aborted: user left', 5_010]);
    expect((await never).error?.code).toBe(ErrorCode.ABORTED);
    expect(w.sent.map((s) => s.id)).toEqual(['1']);
    expect(w.driver.stats).toMatchObject({ settledAborted: 1, lateReplies: 1 });
    expect(w.armed()).toBe(0);
  });

  it('close rejects calls in flight and later ones with CLOSED; a full table and a throwing send reject', async () => {
    const w = simWorld({ timeoutMs: 1_000, pendingMax: 2 }, (s) => {
      if (s.id === '2') throw new Error('socket closed');
    });
    const first = outcome(w.loop, w.driver.call('m', null));
    const broken = outcome(w.loop, w.driver.call('m', null));
    const third = outcome(w.loop, w.driver.call('m', null));
    const full = outcome(w.loop, w.driver.call('m', null));
    expect((await broken).error).toMatchObject({ code: ErrorCode.SERVER, value: 'socket closed' });
    expect((await full).error).toBeInstanceOf(CallTableFullError);
    w.driver.close();
    expect((await first).error?.code).toBe(ErrorCode.CLOSED);
    expect((await third).error?.code).toBe(ErrorCode.CLOSED);
    expect((await outcome(w.loop, w.driver.call('m', null))).error?.code).toBe(ErrorCode.CLOSED);
    expect(w.armed()).toBe(0);
    expect(w.driver.timerDeadlineMs).toBeUndefined();
  });

  it('moves its one timer to an earlier deadline; when that call settles first, the timer fires with nothing due and moves back', async () => {
    const w = simWorld({ timeoutMs: 1_000 }, (s, driver) => {
      if (s.id === '2') void w.loop.callLater(10, () => driver.onReply({ callId: s.id, value: 'quick' }));
    });
    const long = outcome(w.loop, w.driver.call('m', null, { timeoutMs: 500 }));
    expect(w.driver.timerDeadlineMs).toBe(5_500);
    const short = outcome(w.loop, w.driver.call('m', null, { timeoutMs: 100 }));
    expect([w.driver.timerDeadlineMs, w.armed()]).toEqual([5_100, 1]);
    await w.kernel.run({ untilMs: 20 });
    expect(await short).toEqual({ atMs: 5_010, value: 'quick' });
    // Kept, not moved on every reply: it wakes once at 5,100 and re-arms for the next deadline.
    expect([w.driver.timerDeadlineMs, w.armed()]).toEqual([5_100, 1]);
    await w.kernel.run({ untilMs: 200 });
    expect([w.driver.timerDeadlineMs, w.armed()]).toEqual([5_500, 1]);
    expect(w.driver.length).toBe(1);
    await w.kernel.run({ stepsMax: 1_000 });
    expect((await long).atMs).toBe(5_500);
    expect(w.maxArmed()).toBe(1);
  });

  it('takes a reply given synchronously inside send', async () => {
    const w = simWorld({ timeoutMs: 100 }, (s, driver) => driver.onReply({ callId: s.id, value: 'at once' }));
    expect(await outcome(w.loop, w.driver.call('m', null))).toEqual({ atMs: 5_000, value: 'at once' });
    expect(w.armed()).toBe(0);
  });

  it('checks its arguments', () => {
    const table = new CallTable({ jitter: 'none' });
    const loop = new LoopSim(new SimKernel());
    expect(() => new CallTableDriver({ loop, table: {} as CallTable, send: () => {} })).toThrow('table: expected a CallTable, got object Object');
    expect(() => new CallTableDriver({ loop: 1 as unknown as LoopPort, table, send: () => {} })).toThrow('loop: expected a LoopPort, got 1');
    expect(() => new CallTableDriver({ loop, table, send: 'x' as never })).toThrow('send: expected a function, got "x"');
    const driver = new CallTableDriver({ loop, table, send: () => {} });
    expect(() => driver.call('m', null, { signal: 5 as never })).toThrow('signal: expected an AbortSignal, got 5');
    expect(() => driver.call('m', null, { timeoutMs: 'x' as never })).toThrow('timeoutMs: expected a number (0: default, < 0: never), got "x"');
    expect(driver.length).toBe(0);
  });
});

describe('CallTableDriver on LoopNode (real time)', () => {
  const ports: LoopNode[] = [];
  afterEach(() => {
    for (const port of ports.splice(0)) port.close();
  });

  it('expires each call at its deadline, never early, with one real timer at a time', async () => {
    const node = new LoopNode();
    ports.push(node);
    const counted = counting(node);
    const driver: CallTableDriver = new CallTableDriver({
      loop: counted.port,
      table: new CallTable({ jitter: 'none', timeoutMs: 5_000 }),
      // Call "2" is answered after 20 ms; the others never.
      send: (call) => {
        if (call.id === '2') void node.callLater(20, () => driver.onReply({ callId: call.id, value: 'pong' }));
      },
    });
    const startMs = node.now();
    const timeoutsMs = [40, 5_000, 80, 120];
    const results = timeoutsMs.map((timeoutMs) => outcome(node, driver.call('m', null, { timeoutMs })));
    expect(node.pending).toBeLessThanOrEqual(2);
    const settled = await Promise.all(results);
    expect(settled[1]?.value).toBe('pong');
    for (const i of [0, 2, 3]) {
      const r = settled[i] as { atMs: number; error?: TotoError };
      expect(r.error?.code).toBe(ErrorCode.TIMEOUT);
      const elapsedMs = r.atMs - startMs;
      expect(elapsedMs).toBeGreaterThanOrEqual(timeoutsMs[i] as number);
      // Generous: a loaded machine may run the timer late, but not by seconds.
      expect(elapsedMs).toBeLessThan((timeoutsMs[i] as number) + 2_000);
    }
    expect(counted.maxArmed()).toBe(1);
    expect(counted.armed()).toBe(0);
    expect(node.pending).toBe(0);
    expect(driver.length).toBe(0);
  });

  it('re-sends an autoRetry call after timeout + backoff in real time', async () => {
    const node = new LoopNode();
    ports.push(node);
    const sentAtMs: number[] = [];
    const driver: CallTableDriver = new CallTableDriver({
      loop: node,
      table: new CallTable({ jitter: 'none', timeoutMs: 30, retryDelayMs: 20 }),
      send: (call, attempt) => {
        sentAtMs.push(node.now());
        if (attempt === 3) void node.callLater(5, () => driver.onReply({ callId: call.id, value: attempt }));
      },
    });
    const result = await outcome(node, driver.call('m', null, { autoRetry: true }));
    expect(result.value).toBe(3);
    expect(sentAtMs).toHaveLength(3);
    // Attempt 2 no earlier than 30 + 20 after attempt 1; attempt 3 no earlier than 30 + 40 after attempt 2.
    expect((sentAtMs[1] as number) - (sentAtMs[0] as number)).toBeGreaterThanOrEqual(50);
    expect((sentAtMs[2] as number) - (sentAtMs[1] as number)).toBeGreaterThanOrEqual(70);
    expect(driver.stats).toMatchObject({ sent: 3, retried: 2, settledOk: 1 });
  });
});
