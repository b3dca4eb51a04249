// Proves, for random calls on the simulation's loop (timeouts default/finite/never, autoRetry with attempt limits, a worker that answers or drops each attempt after random latencies, aborts at random times, a close at the end), that the CallTableDriver settles each call exactly once with the outcome and at the exact virtual time a per-call model predicts, with never more than one timer armed and nothing left behind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallTableDriver } from '../../../src/core/call-table-driver.js';
import { CallTable } from '../../../src/core/call-table.js';
import { ErrorCode, type TotoError } from '../../../src/core/errors.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { counting } from '../../support/counting-loop.js';

interface CallSpec {
  startMs: number;
  /** 0: the default (20); -1: never. */
  timeoutMs: number;
  autoRetry: boolean;
  attemptsMax: number;
  /** The worker's latency for attempt k (index k-1); undefined: that attempt is lost. */
  latenciesMs: Array<number | undefined>;
  /** Abort time relative to the start; x.5 so it never ties with an integer-time event. */
  abortAfterMs: number | undefined;
}

const callArb: fc.Arbitrary<CallSpec> = fc.record({
  startMs: fc.integer({ min: 0, max: 100 }),
  timeoutMs: fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: 1, max: 40 })),
  autoRetry: fc.boolean(),
  attemptsMax: fc.integer({ min: 1, max: 4 }),
  latenciesMs: fc.array(fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }), { minLength: 4, maxLength: 4 }),
  abortAfterMs: fc.option(fc.integer({ min: 0, max: 150 }).map((n) => n + 0.5), { nil: undefined }),
});

const DEFAULT_TIMEOUT_MS = 20;
const RETRY_DELAY_MS = 5;
const RETRY_DELAY_MS_MAX = 12;
const END_MS = 10_000;

type Predicted = { atMs: number; kind: 'ok'; attempts: number[] } | { atMs: number; kind: 'timeout' | 'aborted' | 'closed' };

/** The per-call model, in plain event order: calls do not interact, so each is predicted alone. */
function predict(spec: CallSpec): Predicted {
  const timeoutMs = spec.timeoutMs === 0 ? DEFAULT_TIMEOUT_MS : spec.timeoutMs < 0 ? Infinity : spec.timeoutMs;
  const arrivals: Array<{ atMs: number; attempt: number }> = [];
  const sendAt = (attempt: number, atMs: number) => {
    const latency = spec.latenciesMs[attempt - 1];
    if (latency !== undefined) arrivals.push({ atMs: atMs + latency, attempt });
  };
  const answered = (atMs: number): Predicted => ({ atMs, kind: 'ok', attempts: arrivals.filter((a) => a.atMs === atMs).map((a) => a.attempt) });
  const firstArrival = () => Math.min(...arrivals.map((a) => a.atMs));
  let outcome: Predicted | undefined;
  let attempt = 1;
  let sentMs = spec.startMs;
  sendAt(1, sentMs);
  while (outcome === undefined) {
    const deadlineMs = sentMs + timeoutMs;
    const retryable = spec.autoRetry && attempt < spec.attemptsMax && timeoutMs !== Infinity;
    const a = firstArrival();
    if (a < deadlineMs || (a === deadlineMs && retryable)) {
      // At a tie the deadline is applied first: a retryable call is then backing off and still takes the answer.
      outcome = answered(a);
    } else if (deadlineMs === Infinity) {
      outcome = { atMs: END_MS, kind: 'closed' };
    } else if (!retryable) {
      outcome = { atMs: deadlineMs, kind: 'timeout' };
    } else {
      const resendMs = deadlineMs + Math.min(RETRY_DELAY_MS_MAX, RETRY_DELAY_MS * 2 ** (attempt - 1));
      if (a <= resendMs) outcome = answered(a);
      else {
        attempt++;
        sentMs = resendMs;
        sendAt(attempt, sentMs);
      }
    }
  }
  if (spec.abortAfterMs !== undefined && spec.startMs + spec.abortAfterMs < outcome.atMs) {
    return { atMs: spec.startMs + spec.abortAfterMs, kind: 'aborted' };
  }
  return outcome;
}

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);

describe('CallTableDriver in virtual time (property)', () => {
  it('settles every call once, as and when the model says, with one timer at most', async () => {
    console.log(`call-table-driver.property: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
    await fc.assert(
      fc.asyncProperty(fc.array(callArb, { minLength: 1, maxLength: 25 }), async (specs) => {
        const kernel = new SimKernel();
        const loop = new LoopSim(kernel);
        const { port, armed, maxArmed } = counting(loop);
        const specOf = new Map<string, CallSpec>();
        const driver: CallTableDriver = new CallTableDriver({
          loop: port,
          table: new CallTable({ timeoutMs: DEFAULT_TIMEOUT_MS, retryDelayMs: RETRY_DELAY_MS, retryDelayMsMax: RETRY_DELAY_MS_MAX, jitter: 'none' }),
          send: (call, attempt) => {
            const latency = (specOf.get(call.id) as CallSpec).latenciesMs[attempt - 1];
            if (latency !== undefined) void loop.callLater(latency, () => driver.onReply({ callId: call.id, value: attempt }));
          },
        });
        const results = specs.map(
          (spec) =>
            new Promise<{ atMs: number; value?: unknown; error?: TotoError }>((resolve) => {
              void loop.callAt(spec.startMs, () => {
                const controller = new AbortController();
                // Ids are the table's counter, "1", "2", ... in call order; send() looks the spec up at once.
                specOf.set(String(specOf.size + 1), spec);
                const promise = driver.call('m', null, { timeoutMs: spec.timeoutMs, autoRetry: spec.autoRetry, attemptsMax: spec.attemptsMax, signal: controller.signal });
                if (spec.abortAfterMs !== undefined) void loop.callLater(spec.abortAfterMs, () => controller.abort());
                promise.then(
                  (value) => resolve({ atMs: loop.now(), value }),
                  (error: TotoError) => resolve({ atMs: loop.now(), error }),
                );
              });
            }),
        );
        await kernel.run({ untilMs: END_MS, stepsMax: 100_000 });
        driver.close();
        const outcomes = await Promise.all(results);
        specs.forEach((spec, i) => {
          const expected = predict(spec);
          const got = outcomes[i] as { atMs: number; value?: unknown; error?: TotoError };
          const context = JSON.stringify({ spec, expected, got: { ...got, error: got.error?.toJSON() } });
          expect(got.atMs, context).toBe(expected.atMs);
          if (expected.kind === 'ok') expect(expected.attempts, context).toContain(got.value);
          else {
            const code = { timeout: ErrorCode.TIMEOUT, aborted: ErrorCode.ABORTED, closed: ErrorCode.CLOSED }[expected.kind];
            expect(got.error?.code, context).toBe(code);
          }
        });
        const stats = driver.stats;
        expect(stats.settledOk + stats.settledError + stats.settledTimeout + stats.settledAborted + stats.settledClosed).toBe(specs.length);
        expect(driver.length).toBe(0);
        expect(maxArmed()).toBeLessThanOrEqual(1);
        expect(armed()).toBe(0);
      }),
      { seed, numRuns },
    );
  });
});
