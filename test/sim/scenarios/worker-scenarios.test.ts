// Proves the worker scenarios: worker-crash, worker-router-restart, worker-stall and worker-any-faults pass a sweep of seeds under their own faults (and in swarm mode) and reach their interesting paths; worker-stall-bug (no idempotency window) fails with a double application, which fast-check shrinks to one partition that fails the bug and passes the windowed scenario.
import { describe, expect, it } from 'vitest';
import workerAnyFaults from '../../../scenarios/worker-any-faults.scenario.js';
import workerCrash from '../../../scenarios/worker-crash.scenario.js';
import workerRouterRestart from '../../../scenarios/worker-router-restart.scenario.js';
import workerStall from '../../../scenarios/worker-stall.scenario.js';
import workerStallBug from '../../../scenarios/worker-stall-bug.scenario.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';
import { runScenario, type Scenario, type ScenarioResult } from '../../../src/sim/scenario.js';
import { assertSimProperty } from '../../../src/sim/sim-property.js';

const SEEDS = Number(process.env.SCENARIO_SEEDS ?? 12);

async function sweep(scenario: Scenario, options: { swarm?: boolean } = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (let seed = 0; seed < SEEDS; seed++) results.push(await runScenario(scenario, { seed, ...options }));
  return results;
}

function failures(results: ScenarioResult[]): string[] {
  return results.filter((r) => !r.ok).map((r) => `seed ${r.seed}: ${r.error?.message}`);
}

/** `sometimes` messages no run of the sweep reached. */
function neverHit(results: ScenarioResult[]): string[] {
  const messages = new Set(results.flatMap((r) => Object.keys(r.sometimes.hits)));
  return [...messages].filter((m) => results.every((r) => !(r.sometimes.hits[m]! > 0)));
}

describe.each([
  ['worker-crash', workerCrash],
  ['worker-router-restart', workerRouterRestart],
  ['worker-stall', workerStall],
  ['worker-any-faults', workerAnyFaults],
])('%s', (_name, scenario) => {
  it(`passes ${SEEDS} seeds under its own faults and reaches every path it names`, async () => {
    const results = await sweep(scenario);
    expect(failures(results)).toEqual([]);
    expect(neverHit(results)).toEqual([]);
    expect(Object.keys(results[0]!.sometimes.hits)).toContain('a call was retried');
  });

  it(`passes ${SEEDS} seeds in swarm mode`, async () => {
    expect(failures(await sweep(scenario, { swarm: true }))).toEqual([]);
  });
});

describe('worker-crash', () => {
  it('a crash mid-call loses that call on the worker, and autoRetry has it answered elsewhere', async () => {
    const results = await sweep(workerCrash);
    const midCall = results.filter((r) => r.sometimes.hits['a worker crashed mid-call']! > 0);
    expect(midCall.length).toBeGreaterThan(0);
    for (const r of midCall) expect(r.ok).toBe(true);
  });
});

describe('worker-stall-bug', () => {
  it('without a window, a sweep finds the original and its retry both applied', async () => {
    const failed = (await sweep(workerStallBug)).filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.error?.phase).toBe('invariants');
      expect(r.error?.message).toMatch(/^\d+ operation\(s\) applied twice; first: op-\d+, applied by worker-\d#1 at [\d.]+ms, worker-\d#1 at [\d.]+ms/);
    }
  });

  it('fast-check shrinks the double application to one partition, which the window fixes', async () => {
    let error: (Error & { counterexample: [number, FaultPlan] }) | undefined;
    try {
      await assertSimProperty(workerStallBug, { faults: { kinds: ['partition'], faultsMax: 3 } }, { seed: 42, numRuns: 30 });
    } catch (caught) {
      error = caught as Error & { counterexample: [number, FaultPlan] };
    }
    expect(error, 'the sweep must fail').toBeDefined();
    const [seed, plan] = error!.counterexample;
    // As in ping-pong-bug: a 2ms partition at 0 swallows the client's first SYN, Linux resends it 1s
    // later, and every call and retry sent meanwhile waits in the DEALER's pipe: when the connection
    // comes up, originals and retries all reach the router, which forwards each to a worker.
    expect(plan).toHaveLength(1);
    expect(plan).toEqual([{ kind: 'partition', atMs: 0, durationMs: 2, sideA: ['router'], sideB: ['client'] }]);
    expect(error!.message).toMatch(/minimal failing case: seed \d+, 1 fault\(s\), failed in the invariants phase:\n {2}\d+ operation\(s\) applied twice/);
    expect(error!.message).toContain(`replay: npx toto sim scenarios/worker-stall-bug.scenario.ts --seed ${seed} --faults '`);
    // The same plan, with the router's window: nothing applied twice, every call answered.
    expect((await runScenario(workerStall, { seed, faults: plan })).error?.message).toBeUndefined();
  });
});
