// Proves, over seeded random fault plans (FC_SEED, FC_NUM_RUNS; 1,000 cases by default) — junk, sparse arrays, and valid faults with one field made wrong — that faultPlanProblems never throws and checkFaultPlan either accepts a plan or refuses it with a TypeError/RangeError whose every line names the fault's path; and that a plan it accepts runs in a scenario with no internal error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultArbitrary } from '../../../src/sim/fault-arbitrary.js';
import { checkFaultPlan, faultPlanProblems } from '../../../src/sim/fault-plan-check.js';
import { runScenario } from '../../../src/sim/run-scenario.js';
import { defineScenario } from '../../../src/sim/scenario.js';
import { junkValue } from '../../support/option-fuzz.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const hosts = ['a', 'b', 'c'];
const noop = (): void => {};
const scenario = defineScenario({
  name: 'plan-fuzz',
  hosts: { a: noop, b: noop, c: noop },
  workload: async (ctx) => {
    await ctx.sleep(50);
  },
  durationMs: 100,
  lossyLinks: [{ from: ['a'], to: ['b'] }],
});

/** A valid fault with one field replaced by junk (or removed, or added). */
const brokenFault = fc
  .tuple(faultArbitrary({ hosts, durationMs: 100, lossyLinks: [{ from: ['a'], to: ['b'] }] }), fc.constantFrom('kind', 'atMs', 'durationMs', 'host', 'sideA', 'sideB', 'from', 'to', 'rate', 'minMs', 'maxMs', 'deltaMs', 'restartAfterMs', 'oneWay', 'extra'), junkValue, fc.boolean())
  .map(([fault, field, value, remove]) => {
    const copy: Record<string, unknown> = { ...fault };
    if (remove) delete copy[field];
    else copy[field] = value;
    return copy;
  });
const validFault = faultArbitrary({ hosts, durationMs: 100, lossyLinks: [{ from: ['a'], to: ['b'] }] });
const plan = fc.oneof(
  junkValue,
  fc.array(fc.oneof(validFault, brokenFault, junkValue), { maxLength: 5 }),
  fc.tuple(fc.array(fc.oneof(validFault, brokenFault), { minLength: 1, maxLength: 4 }), fc.nat(3)).map(([faults, hole]) => {
    const sparse: unknown[] = [...faults];
    delete sparse[hole % sparse.length];
    return sparse;
  }),
);

describe('fault plans, fuzzed', () => {
  it(`any plan: accepted and runs, or refused naming the fault (${numRuns} runs, seed ${seed})`, async () => {
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(plan, async (faults) => {
        const problems = faultPlanProblems(faults, hosts, scenario.lossyLinks);
        let error: unknown;
        try {
          checkFaultPlan(faults, hosts, scenario.lossyLinks);
        } catch (caught) {
          error = caught;
        }
        expect(error === undefined).toBe(problems.length === 0);
        if (error !== undefined) {
          seen.refused++;
          expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
          for (const line of problems) expect(line).toMatch(/^faults(\[\d+\]|:)/);
          expect((error as Error).message).not.toMatch(/Cannot read properties|is not a function|is not iterable/);
          return;
        }
        seen.accepted++;
        const result = await runScenario(scenario, { seed: 1, faults: faults as never });
        expect(result.error?.message ?? '').not.toMatch(/Cannot read properties|is not a function|is not iterable/);
      }),
      { seed, numRuns },
    );
    expect(seen.accepted).toBeGreaterThan(numRuns / 20);
    expect(seen.refused).toBeGreaterThan(numRuns / 2);
  }, 300_000);
});
