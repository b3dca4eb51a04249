// Proves the http-workers-lossy scenario over a sweep of seeds: with retries, every call to three HTTP workers behind a lossy, duplicating link settles exactly once with its own reply and is answered, and the faults did bite (retries, lost requests, duplicates); the same service without retries fails the checkers, naming the unanswered call, and its failing seed replays exactly.
import { describe, expect, it } from 'vitest';
import scenario from '../../../scenarios/http-workers-lossy.scenario.js';
import { HTTP_CALLS, httpWorkersLossyScenario } from '../../../scenarios/lib/http-workers-lossy-spec.js';
import { runScenario, type Scenario, type ScenarioResult } from '../../../src/sim/scenario.js';

const SEEDS = Number(process.env.SCENARIO_SEEDS ?? 30);

async function sweep(s: Scenario, seeds = SEEDS): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (let seed = 0; seed < seeds; seed++) results.push(await runScenario(s, { seed }));
  return results;
}

const hits = (results: ScenarioResult[], message: string): number => results.reduce((sum, r) => sum + (r.sometimes.hits[message] ?? 0), 0);

describe('http-workers-lossy', () => {
  it(`passes ${SEEDS} seeds: every call settles once with its own reply and is answered`, async () => {
    const results = await sweep(scenario);
    expect(results.filter((r) => !r.ok).map((r) => `seed ${r.seed}: ${r.error?.message}`)).toEqual([]);
    // The lossy link did something: calls were retried, requests lost and delivered twice.
    expect(hits(results, 'a call was retried')).toBeGreaterThan(0);
    expect(hits(results, 'a request was lost and timed out')).toBeGreaterThan(0);
    expect(hits(results, 'a request was delivered twice')).toBeGreaterThan(0);
    expect(results.every((r) => r.faultPlan.some((f) => f.kind === 'drop'))).toBe(true);
  }, 120_000);

  it('without retries the same link leaves calls unanswered: the checker names the first, and the seed replays exactly', async () => {
    const noRetries = httpWorkersLossyScenario('http-workers-lossy-no-retries', 0);
    const failed = (await sweep(noRetries, 10)).filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.error?.phase).toBe('invariants');
      expect(r.error?.message).toMatch(new RegExp(`^\\d+ of ${HTTP_CALLS} calls never answered; first: call-\\d+ failed at \\d+(\\.\\d+)?ms: Timeout: call \\w+-\\w+ \\(work\\) got no reply within 150ms \\(TIMEOUT -1\\) \\(sent \\d+, retried 0\\)$`));
    }
    const first = failed[0] as ScenarioResult;
    const again = await runScenario(noRetries, { seed: first.seed });
    expect([again.traceHash, again.error?.message]).toEqual([first.traceHash, first.error?.message]);
  }, 120_000);
});
