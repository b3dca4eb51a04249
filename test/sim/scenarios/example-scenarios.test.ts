// Proves the example scenarios: the correct ping-pong and job-queue services pass every seed of a sweep (with their own faults and in swarm mode), and each planted-bug variant fails on some seed with the error its bug causes.
import { describe, expect, it } from 'vitest';
import jobQueue from '../../../scenarios/job-queue.scenario.js';
import jobQueueBug from '../../../scenarios/job-queue-bug.scenario.js';
import pingPong from '../../../scenarios/ping-pong.scenario.js';
import pingPongBug from '../../../scenarios/ping-pong-bug.scenario.js';
import { runScenario, type Scenario, type ScenarioResult } from '../../../src/sim/scenario.js';

const SEEDS = Number(process.env.SCENARIO_SEEDS ?? 25);

async function sweep(scenario: Scenario, options: { swarm?: boolean } = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (let seed = 0; seed < SEEDS; seed++) results.push(await runScenario(scenario, { seed, ...options }));
  return results;
}

function failures(results: ScenarioResult[]): string[] {
  return results.filter((r) => !r.ok).map((r) => `seed ${r.seed}: ${r.error?.message}`);
}

describe.each([
  ['ping-pong', pingPong],
  ['job-queue', jobQueue],
])('%s (correct)', (_name, scenario) => {
  it(`passes ${SEEDS} seeds under its own faults`, async () => {
    const results = await sweep(scenario);
    expect(failures(results)).toEqual([]);
    // The faults did something: some seed needed a retry.
    expect(results.some((r) => Object.entries(r.sometimes.hits).some(([m, n]) => /retried|resent/.test(m) && n > 0))).toBe(true);
  });

  it(`passes ${SEEDS} seeds in swarm mode`, async () => {
    expect(failures(await sweep(scenario, { swarm: true }))).toEqual([]);
  });
});

describe('planted bugs', () => {
  it('ping-pong-bug: a ping sent early in a long partition runs out of retries while the stall still holds them; short partitions hide the bug', async () => {
    const results = await sweep(pingPongBug);
    const failed = results.filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    // A bug every seed finds proves little; this one needs a partition longer than its retry budget.
    expect(failed.length).toBeLessThan(results.length);
    // Under 200ms TCP's first retransmission delivers in time; longer, the next one (600ms after the loss) is too late.
    for (const r of failed) expect(r.faultPlan.some((f) => f.kind === 'partition' && f.durationMs > 200)).toBe(true);
    for (const r of failed) {
      expect(r.error?.phase).toBe('invariants');
      expect(r.error?.message).toMatch(/^\d+ of 40 pings never answered; first: ping-\d+ failed at \d+ms: call ping-\d+: no reply after 4 attempt\(s\) of 100ms/);
      // Nothing was lost: the stalled connection delivered the original and the retries after the heal.
      expect(r.error?.message).toMatch(/its pong arrived 4 time\(s\) after it gave up/);
      expect(r.replayCommand).toBe(`npx tsx scenarios/ping-pong-bug.scenario.ts --seed ${r.seed}`);
    }
  });

  it('job-queue-bug: a crash loses a job that was already acked', async () => {
    const failed = (await sweep(jobQueueBug)).filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.error?.message).toMatch(/^\d+ acked job\(s\) never processed \(lost in a crash\); first: job-\d+, acked at \d+(\.\d+)?ms$/);
      expect(r.faultPlan.some((f) => f.kind === 'crash' && f.host === 'server')).toBe(true);
    }
  });

  it('a failing seed replays exactly', async () => {
    const [first] = (await sweep(jobQueueBug)).filter((r) => !r.ok);
    const again = await runScenario(jobQueueBug, { seed: (first as ScenarioResult).seed });
    expect(again.traceHash).toBe(first?.traceHash);
    expect(again.error?.message).toBe(first?.error?.message);
  });
});
