// Proves, against a simple model, that for any interleaving of registers, replies (late, duplicate, for unknown ids), timer firings, cancels and a close, the CallTable settles every call exactly once, never lets a call outlive its deadline without a retry, re-sends within the backoff bounds, keeps length equal to the model's pending count and its counters equal to the model's, and is empty once everything settled.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffRangeMs, checkCallTableOptions, type Jitter } from '../../../src/core/call-options.js';
import { CallTable, type CallAction, type CallStats } from '../../../src/core/call-table.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';

type Command =
  | { kind: 'register'; timeoutMs: number; autoRetry: boolean; attemptsMax: number | undefined }
  | { kind: 'reply'; target: number; unknown: boolean; fails: boolean; atNextDeadline: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'cancel'; target: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('register' as const),
    // 0: the table default; negative: never expires.
    timeoutMs: fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: 1, max: 40 })),
    autoRetry: fc.boolean(),
    attemptsMax: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  }),
  // atNextDeadline: the reply is stamped with the next deadline before the timer for it fired.
  fc.record({ kind: fc.constant('reply' as const), target: fc.nat(), unknown: fc.boolean(), fails: fc.boolean(), atNextDeadline: fc.boolean() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant('cancel' as const), target: fc.nat() }),
);

const configArb = fc.record({
  seed: fc.integer(),
  defaultTimeoutMs: fc.integer({ min: 1, max: 30 }),
  retryDelayMs: fc.integer({ min: 0, max: 20 }),
  extraCapMs: fc.integer({ min: 0, max: 80 }),
  jitter: fc.constantFrom<Jitter>('full', 'equal', 'none'),
  closeAtEnd: fc.boolean(),
});

interface ModelCall {
  id: string;
  timeoutMs: number;
  autoRetry: boolean;
  attemptsMax: number;
  phase: 'new' | 'waiting' | 'backoff' | 'settled';
  attempt: number;
  sentAtMs: number;
  expiredAtMs: number;
  how: 'answered' | 'abandoned' | undefined;
  settles: number;
}

/** What the harness expects the next settlement to be, set by the command that causes it. */
type Expect = { reason: 'reply'; id: string; ok: boolean; value: unknown } | { reason: 'cancel'; id: string } | { reason: 'close' } | { reason: 'timer' };

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 300);

describe('CallTable against a model (property)', () => {
  it('settles each call once, on time, retries within bounds, keeps length and counters as the model', () => {
    console.log(`call-table.property: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
    fc.assert(
      fc.property(configArb, fc.array(commandArb, { maxLength: 60 }), (config, commands) => {
        const options = {
          timeoutMs: config.defaultTimeoutMs,
          retryDelayMs: config.retryDelayMs,
          retryDelayMsMax: config.retryDelayMs + config.extraCapMs,
          jitter: config.jitter,
          random: new Random(config.seed),
          attemptsMax: 4,
        };
        const table = new CallTable(options);
        const settings = checkCallTableOptions({ ...options, random: new Random(0) });
        const calls: ModelCall[] = [];
        const byId = new Map<string, ModelCall>();
        const stats: CallStats = {
          sent: 0, retried: 0, settledOk: 0, settledError: 0, settledTimeout: 0, settledAborted: 0, settledClosed: 0,
          lateReplies: 0, duplicateReplies: 0, unknownReplies: 0,
        };
        let nowMs = 1_000;
        let expecting: Expect = { reason: 'timer' };
        const pendingCount = () => calls.filter((c) => c.phase !== 'settled').length;

        const observe = (action: CallAction): void => {
          const m = byId.get(action.call.id);
          expect(m, `action for unknown call ${action.call.id}`).toBeDefined();
          const call = m as ModelCall;
          expect(call.phase, `action for settled call ${call.id}`).not.toBe('settled');
          if (action.kind === 'send') {
            stats.sent++;
            if (action.attempt === 1) {
              expect(call.phase).toBe('new');
            } else {
              stats.retried++;
              expect(call.phase).toBe('backoff');
              expect(action.attempt).toBe(call.attempt + 1);
              const { lowMs, highMs } = backoffRangeMs(settings, call.attempt);
              expect(nowMs - call.expiredAtMs).toBeGreaterThanOrEqual(lowMs);
              expect(nowMs - call.expiredAtMs).toBeLessThanOrEqual(highMs);
            }
            call.phase = 'waiting';
            call.attempt = action.attempt;
            call.sentAtMs = nowMs;
            return;
          }
          call.settles++;
          call.phase = 'settled';
          const cause = expecting.reason === 'close' || ('id' in expecting && expecting.id === call.id) ? expecting.reason : 'timer';
          if (action.ok) {
            expect(expecting).toEqual({ reason: 'reply', id: call.id, ok: true, value: action.value });
            stats.settledOk++;
            call.how = 'answered';
          } else if (cause === 'reply' && expecting.reason === 'reply') {
            expect(expecting).toMatchObject({ id: call.id, ok: false });
            expect(action.error).toBe(expecting.value);
            stats.settledError++;
            call.how = 'answered';
          } else if (cause === 'cancel') {
            expect(action.error.code).toBe(ErrorCode.ABORTED);
            stats.settledAborted++;
            call.how = 'abandoned';
          } else if (cause === 'close') {
            expect(action.error.code).toBe(ErrorCode.CLOSED);
            stats.settledClosed++;
            call.how = 'abandoned';
          } else {
            // A timeout: exactly at the deadline of an attempt that may not be retried.
            expect(action.error.code).toBe(ErrorCode.TIMEOUT);
            expect(nowMs).toBe(call.sentAtMs + call.timeoutMs);
            expect(call.autoRetry && call.attempt < call.attemptsMax).toBe(false);
            stats.settledTimeout++;
            call.how = 'abandoned';
          }
        };
        const drain = (): void => {
          for (let a = table.poll(); a !== undefined; a = table.poll()) observe(a);
        };
        const check = (): void => {
          expect(table.length).toBe(pendingCount());
          expect(table.stats).toEqual(stats);
          for (const c of calls) {
            // Nothing outlives its deadline: a waiting call is before it; a backing-off one before its latest re-send.
            if (c.phase === 'waiting') expect(c.sentAtMs + c.timeoutMs).toBeGreaterThan(nowMs);
            if (c.phase === 'backoff') expect(c.expiredAtMs + backoffRangeMs(settings, c.attempt).highMs).toBeGreaterThanOrEqual(nowMs);
          }
          const next = table.nextDeadlineMs();
          if (next !== undefined) expect(next).toBeGreaterThan(nowMs);
        };
        // The model's own rule: a retryable attempt expiring now starts its backoff now.
        const startBackoffs = (): void => {
          for (const c of calls) {
            if (c.phase === 'waiting' && c.sentAtMs + c.timeoutMs === nowMs && c.autoRetry && c.attempt < c.attemptsMax) {
              c.phase = 'backoff';
              c.expiredAtMs = nowMs;
            }
          }
        };
        // As the driver: onTimer exactly at each deadline up to the target time.
        const advanceTo = (targetMs: number): void => {
          expecting = { reason: 'timer' };
          for (let d = table.nextDeadlineMs(); d !== undefined && d <= targetMs; d = table.nextDeadlineMs()) {
            nowMs = d;
            startBackoffs();
            table.onTimer(nowMs);
            drain();
          }
          nowMs = targetMs;
        };

        for (const command of commands) {
          if (command.kind === 'register') {
            const info = table.register('m', null, { timeoutMs: command.timeoutMs, autoRetry: command.autoRetry, attemptsMax: command.attemptsMax }, nowMs);
            const timeoutMs = command.timeoutMs === 0 ? config.defaultTimeoutMs : command.timeoutMs < 0 ? Infinity : command.timeoutMs;
            const call: ModelCall = {
              id: info.id, timeoutMs, autoRetry: command.autoRetry, attemptsMax: command.attemptsMax ?? 4,
              phase: 'new', attempt: 1, sentAtMs: nowMs, expiredAtMs: NaN, how: undefined, settles: 0,
            };
            calls.push(call);
            byId.set(call.id, call);
            drain();
            expect(call.phase).toBe('waiting');
          } else if (command.kind === 'advance') {
            advanceTo(nowMs + command.ms);
          } else if (command.kind === 'reply') {
            const target = calls[command.target % Math.max(1, calls.length)];
            const id = command.unknown || target === undefined ? `unknown-${command.target}` : target.id;
            const value = command.fails ? new TotoError(ErrorCode.USER_NOT_FOUND, `v${command.target}`) : `v${command.target}`;
            expecting = { reason: 'reply', id, ok: !command.fails, value };
            const next = table.nextDeadlineMs();
            if (command.atNextDeadline && next !== undefined) {
              // The reply and a deadline at the same instant: the table applies the deadline first.
              nowMs = next;
              startBackoffs();
            }
            const m = byId.get(id);
            const expiresFirst = m !== undefined && m.phase === 'waiting' && m.sentAtMs + m.timeoutMs <= nowMs;
            const before = expiresFirst ? 'settled' : m?.phase;
            const how = expiresFirst ? 'abandoned' : m?.how;
            // A call expiring at this instant settles by its timeout; the reply is then a late one.
            if (expiresFirst) expecting = { reason: 'timer' };
            const accepted = table.onReply(command.fails ? { callId: id, error: value as TotoError } : { callId: id, value }, nowMs);
            drain();
            expect(accepted).toBe(m !== undefined && before !== 'settled');
            if (m === undefined) stats.unknownReplies++;
            else if (before === 'settled' && how === 'answered') stats.duplicateReplies++;
            else if (before === 'settled') stats.lateReplies++;
          } else {
            const target = calls[command.target % Math.max(1, calls.length)];
            if (target === undefined) continue;
            expecting = { reason: 'cancel', id: target.id };
            const before = target.phase;
            expect(table.cancel(target.id)).toBe(before !== 'settled');
            drain();
          }
          check();
        }

        // The end: let every finite deadline play out, then close (or cancel what never expires).
        for (let d = table.nextDeadlineMs(); d !== undefined; d = table.nextDeadlineMs()) {
          advanceTo(d);
          check();
        }
        expect(calls.filter((c) => c.phase !== 'settled').every((c) => c.timeoutMs === Infinity)).toBe(true);
        if (config.closeAtEnd) {
          expecting = { reason: 'close' };
          table.close();
          drain();
        } else {
          for (const c of calls) {
            if (c.phase === 'settled') continue;
            expecting = { reason: 'cancel', id: c.id };
            table.cancel(c.id);
            drain();
          }
        }
        check();
        expect(table.length).toBe(0);
        expect(table.nextDeadlineMs()).toBeUndefined();
        expect(table.poll()).toBeUndefined();
        for (const c of calls) expect(c.settles).toBe(1);
      }),
      { seed, numRuns },
    );
  });
});
