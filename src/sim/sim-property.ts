// fast-check over scenarios: a property whose inputs are a seed and a fault plan, and whose
// predicate runs the scenario. fast-check shrinks a failure to the fewest, shortest, earliest
// faults (and the smallest seed), then assertSimProperty rounds the plan's numbers to simple
// values that still fail, and reports the case as a regression test to paste, plus the command
// that replays it and what finding it cost (runs, shrinks, wall time).

import fc from 'fast-check';
import { checkInteger, checkOptions, expected } from '../core/validate.js';
import { faultPlanArbitrary, type FaultPlanArbitraryOptions } from './fault-arbitrary.js';
import type { FaultPlan } from './fault-plan.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { roundFaultPlan } from './plan-rounding.js';
import { isScenario, type Scenario } from './scenario.js';
import { findScenarioSource, formatCounterexampleReport, type SimPropertyStats } from './sim-property-report.js';

export type { SimPropertyStats } from './sim-property-report.js';

/** How to draw fault plans: an arbitrary, or options for faultPlanArbitrary (hosts and durationMs default to the scenario's). */
export type FaultsOption = fc.Arbitrary<FaultPlan> | Partial<FaultPlanArbitraryOptions>;

export interface SimPropertyOptions {
  faults?: FaultsOption;
  /** Seeds to draw. Default fc.integer({ min: 0, max: 2 ** 31 - 1 }) (shrinks toward 0). */
  seed?: fc.Arbitrary<number>;
  /** The scenario's module, for the replay command. Default: where defineScenario was called. */
  file?: string;
}

/** Thrown by the property's predicate when a run fails; carries the run's result. */
export class SimPropertyFailure extends Error {
  constructor(readonly result: ScenarioResult) {
    super(`${result.name} seed ${result.seed} with ${result.faultPlan.length} fault(s) failed: ${result.error?.message ?? 'failed'}\nreplay: ${result.replayCommand}`);
    this.name = 'SimPropertyFailure';
  }
}

const SEED_MAX = 2 ** 31 - 1;
const PROPERTY_OPTIONS = ['faults', 'seed', 'file'];

function faultsArbitrary(scenario: Scenario, option: FaultsOption | undefined): fc.Arbitrary<FaultPlan> {
  if (option instanceof fc.Arbitrary) return option;
  const kinds = option?.kinds ?? scenario.nemesis?.kinds;
  const arbitrary = faultPlanArbitrary({ hosts: scenario.hostNames, durationMs: scenario.durationMs, ...option, ...(kinds ? { kinds } : {}) });
  const crashable = scenario.nemesis?.crashable;
  if (crashable === undefined) return arbitrary;
  // A map keeps shrinking intact: dropped crashes simply do not reach the run.
  return arbitrary.map((plan) => plan.filter((f) => f.kind !== 'crash' || crashable.includes(f.host)));
}

/** The property's inputs: [seed, fault plan]. With @fast-check/vitest: `test.prop(simArbitraries(s))('...', (seed, faults) => checkSimRun(s, seed, faults))`. */
export function simArbitraries(scenario: Scenario, options: SimPropertyOptions = {}): [fc.Arbitrary<number>, fc.Arbitrary<FaultPlan>] {
  if (!isScenario(scenario)) throw new TypeError(expected('scenario', 'a scenario from defineScenario({...})', scenario));
  checkOptions('simProperty options', options, PROPERTY_OPTIONS);
  return [options.seed ?? fc.integer({ min: 0, max: SEED_MAX }), faultsArbitrary(scenario, options.faults)];
}

/** Runs the scenario with this seed and plan; throws a SimPropertyFailure (carrying the result) if it fails. */
export async function checkSimRun(scenario: Scenario, seed: number, faults: FaultPlan, file?: string): Promise<void> {
  const result = await runScenario(scenario, { seed, faults, ...(file ? { file } : {}) });
  if (!result.ok) throw new SimPropertyFailure(result);
}

/** A property over (seed, fault plan) for `fc.assert`: it fails when the scenario fails. */
export function simProperty(scenario: Scenario, options: SimPropertyOptions = {}): fc.IAsyncPropertyWithHooks<[number, FaultPlan]> {
  const [seed, faults] = simArbitraries(scenario, options);
  return fc.asyncProperty(seed, faults, (s, plan) => checkSimRun(scenario, s, plan, options.file));
}

/** The report of a minimal failing case: the plan as a regression test to paste (with its imports), and the replay command. */
export function formatCounterexample(scenario: Scenario, result: ScenarioResult, fcSeed: number, fcPath: string | undefined, stats?: SimPropertyStats): string {
  return formatCounterexampleReport(scenario, result, { fcSeed, fcPath, ...(stats ? { stats } : {}) });
}

/** What assertSimProperty resolves with when every run passed. */
export interface SimPropertyReport extends SimPropertyStats {
  scenario: string;
  /** fast-check's seed: pass it back (parameters.seed) to repeat the same runs. */
  fcSeed: number;
}

/** What assertSimProperty throws when a run fails: the minimal (shrunk, then rounded) case and what finding it cost. */
export class SimPropertyError extends Error {
  constructor(
    message: string,
    /** The run of the reported case. */
    readonly result: ScenarioResult,
    /** [seed, plan] of the reported case: shrunk by fast-check, then its numbers rounded. */
    readonly counterexample: [number, FaultPlan],
    /** [seed, plan] as fast-check shrank it, before rounding. */
    readonly shrunk: [number, FaultPlan],
    readonly report: SimPropertyReport,
  ) {
    super(message);
    this.name = 'SimPropertyError';
  }
}

export interface AssertSimPropertyOptions extends SimPropertyOptions {
  /** Most runs spent rounding the shrunk plan's numbers (0: report fast-check's plan as it is). Default 64. */
  roundingRunsMax?: number;
}

/**
 * Checks simProperty like fc.assert. Resolves with a report (runs, shrinks, wall time) when every
 * run passed; throws a SimPropertyError whose message is the minimal case, its numbers rounded to
 * simple values where the run still fails the same way (see formatCounterexample, roundFaultPlan).
 */
export async function assertSimProperty(scenario: Scenario, options: AssertSimPropertyOptions = {}, parameters: fc.Parameters<[number, FaultPlan]> = {}): Promise<SimPropertyReport> {
  const startedMs = performance.now();
  if (!isScenario(scenario)) throw new TypeError(expected('scenario', 'a scenario from defineScenario({...})', scenario));
  checkOptions('simProperty options', options, [...PROPERTY_OPTIONS, 'roundingRunsMax']);
  const { roundingRunsMax = 64, ...propertyOptions } = options;
  checkInteger('roundingRunsMax', roundingRunsMax, 0);
  const details = await fc.check(simProperty(scenario, propertyOptions), parameters);
  const report = (roundingRuns: number): SimPropertyReport => ({
    scenario: scenario.name,
    fcSeed: details.seed,
    runs: details.numRuns,
    shrinks: details.numShrinks,
    roundingRuns,
    wallMs: performance.now() - startedMs,
  });
  if (!details.failed) return report(0);
  const failure = details.errorInstance;
  if (details.counterexample === null || !(failure instanceof SimPropertyFailure)) {
    // Interrupted, timed out, or the predicate threw something else: fast-check's own report says what.
    throw new Error(fc.defaultReportMessage(details) ?? 'simProperty failed');
  }
  const [seed, shrunkPlan] = details.counterexample;
  const phase = failure.result.error?.phase;
  let result = failure.result;
  const rounded = await roundFaultPlan(shrunkPlan, {
    hosts: scenario.hostNames,
    lossyLinks: scenario.lossyLinks,
    durationMs: scenario.durationMs,
    runsMax: roundingRunsMax,
    stillFails: async (plan) => {
      const run = await runScenario(scenario, { seed, faults: plan, ...(propertyOptions.file ? { file: propertyOptions.file } : {}) });
      if (run.ok || run.error?.phase !== phase) return false;
      result = run;
      return true;
    },
  });
  const source = await findScenarioSource(scenario, propertyOptions.file);
  const stats = report(rounded.runs);
  const message = formatCounterexampleReport(scenario, result, { fcSeed: details.seed, fcPath: details.counterexamplePath ?? undefined, stats, source });
  throw new SimPropertyError(message, result, [seed, rounded.plan], [seed, shrunkPlan], stats);
}
