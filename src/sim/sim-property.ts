// fast-check over scenarios: a property whose inputs are a seed and a fault plan, and whose
// predicate runs the scenario. fast-check shrinks a failure to the fewest, shortest, earliest
// faults (and the smallest seed); assertSimProperty reports the minimal case as code to paste
// into a regression test, plus the command that replays it.

import fc from 'fast-check';
import { checkOptions, expected } from '../core/validate.js';
import { faultPlanArbitrary, type FaultPlanArbitraryOptions } from './fault-arbitrary.js';
import { formatFaultPlan } from './fault-plan-format.js';
import type { FaultPlan } from './fault-plan.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { commandPath, isScenario, scenarioFile, type Scenario } from './scenario.js';

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
  checkOptions('simProperty options', options, ['faults', 'seed', 'file']);
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

/** The report of a minimal failing case: the plan as code to paste into a regression test, and the replay command. */
export function formatCounterexample(scenario: Scenario, result: ScenarioResult, fcSeed: number, fcPath: string | undefined): string {
  const where = `fast-check seed ${fcSeed}${fcPath ? `, path ${JSON.stringify(fcPath)}` : ''}`;
  return [
    `simProperty failed: scenario ${JSON.stringify(scenario.name)} (${where})`,
    `minimal failing case: seed ${result.seed}, ${result.faultPlan.length} fault(s), failed in the ${result.error?.phase ?? '?'} phase:`,
    `  ${(result.error?.message ?? 'failed').split('\n').join('\n  ')}`,
    '',
    `regression test (scenario from ${commandPath(scenarioFile(scenario))}):`,
    '',
    formatFaultPlan(result.faultPlan),
    `const result = await runScenario(scenario, { seed: ${result.seed}, faults });`,
    'expect(result.error?.message).toBeUndefined();',
    '',
    `replay: ${result.replayCommand}`,
  ].join('\n');
}

/**
 * Runs fc.assert-like checking of simProperty; on failure throws an Error whose message is the
 * shrunk case (see formatCounterexample). Resolves with nothing when every run passed.
 */
export async function assertSimProperty(scenario: Scenario, options: SimPropertyOptions = {}, parameters: fc.Parameters<[number, FaultPlan]> = {}): Promise<void> {
  const details = await fc.check(simProperty(scenario, options), parameters);
  if (!details.failed) return;
  const failure = details.errorInstance;
  if (details.counterexample === null || !(failure instanceof SimPropertyFailure)) {
    // Interrupted, timed out, or the predicate threw something else: fast-check's own report says what.
    throw new Error(fc.defaultReportMessage(details) ?? 'simProperty failed');
  }
  const error = new Error(formatCounterexample(scenario, failure.result, details.seed, details.counterexamplePath ?? undefined));
  Object.assign(error, { result: failure.result, counterexample: details.counterexample });
  throw error;
}
