// Proves, over seeded junk (FC_SEED, FC_NUM_RUNS; 1,000 cases by default), that every public constructor and function of toto-ts/sim that takes options either accepts a junk option or refuses it up front with a TypeError/RangeError naming it, never an internal error ("Cannot read properties of ...") and never a hang; a scenario given a bad runScenario option never runs.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { History } from '../../../src/sim/checkers/history.js';
import { assertHistory, checkSettlesExactlyOnce } from '../../../src/sim/checkers/settle-checks.js';
import { checkDeterminism } from '../../../src/sim/check-determinism.js';
import { faultArbitrary, faultPlanArbitrary, workloadArbitrary } from '../../../src/sim/fault-arbitrary.js';
import { applyFaultPlan } from '../../../src/sim/fault-injector.js';
import { formatFaultPlan } from '../../../src/sim/fault-plan-format.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { randomFaultPlan, describeSwarm } from '../../../src/sim/nemesis.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { runScenario } from '../../../src/sim/run-scenario.js';
import { defineScenario } from '../../../src/sim/scenario.js';
import { Trace } from '../../../src/sim/trace.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { createSimLogger } from '../../../src/sim/sim-logger.js';
import { simArbitraries } from '../../../src/sim/sim-property.js';
import { Simulation } from '../../../src/sim/simulation.js';
import { fuzzRuns, fuzzSeed, fuzzSubjects, type Subject } from '../../support/option-fuzz.js';
import fc from 'fast-check';

const noop = (): void => {};
let scenarioRuns = 0;
const scenario = defineScenario({
  name: 'fuzzed',
  hosts: { a: noop, b: noop },
  workload: () => void scenarioRuns++,
  durationMs: 10,
});

const scenarioSpec = () => ({ name: 'spec', hosts: { a: noop, b: noop }, workload: noop, durationMs: 10 });

export const simSubjects: Subject[] = [
  { name: 'new Simulation', base: () => ({ seed: 1, fakeTimers: false }), make: (o) => new Simulation(o as never) },
  { name: 'new SimKernel', base: () => ({}), names: ['startMs'], make: (o) => new SimKernel(o as never) },
  { name: 'new LoopSim', base: () => ({}), names: ['offsetMs', 'driftPpm', 'owner'], make: (o) => new LoopSim(new SimKernel(), o as never) },
  { name: 'new NetworkSim', base: () => ({ kernel: new SimKernel(), random: new Random(1) }), make: (o) => new NetworkSim(o as never) },
  { name: 'new Trace', base: () => ({}), names: ['keepAll', 'tailLines', 'previewChars'], make: (o) => new Trace(o as never) },
  { name: 'new History', base: () => ({ now: () => 0 }), names: ['now', 'entriesMax'], make: (o) => new History(o as never) },
  {
    name: 'applyFaultPlan',
    base: () => ({ hosts: ['a', 'b'] }),
    names: ['hosts', 'lossyLinks', 'base', 'owner'],
    // Other hosts make the plan's faults wrong: the message names the fault and the hosts it may name.
    related: { hosts: ['faults'], lossyLinks: ['faults'] },
    make: (o) => applyFaultPlan(new Simulation({ seed: 1, fakeTimers: false }), [{ kind: 'crash', atMs: 1, host: 'a' }], o as never),
  },
  { name: 'randomFaultPlan', base: () => ({ hosts: ['a', 'b'], durationMs: 100 }), make: (o) => randomFaultPlan(new Random(1), o as never) },
  { name: 'describeSwarm', base: () => ({ hosts: ['a', 'b'], durationMs: 100 }), make: (o) => describeSwarm(o as never) },
  { name: 'faultArbitrary', base: () => ({ hosts: ['a', 'b'], durationMs: 100 }), make: (o) => fc.sample(faultArbitrary(o as never), { seed: 1, numRuns: 3 }) },
  { name: 'faultPlanArbitrary', base: () => ({ hosts: ['a', 'b'], durationMs: 100 }), make: (o) => fc.sample(faultPlanArbitrary(o as never), { seed: 1, numRuns: 3 }) },
  {
    name: 'workloadArbitrary',
    base: () => ({ hosts: ['a', 'b'], durationMs: 100, op: fc.nat() }),
    names: ['hosts', 'durationMs', 'op', 'stepsMax'],
    make: (o) => fc.sample(workloadArbitrary(o as never), { seed: 1, numRuns: 3 }),
  },
  { name: 'defineScenario', base: scenarioSpec, make: (o) => defineScenario(o as never) },
  { name: 'runScenario', base: () => ({ seed: 1 }), names: ['seed', 'faults', 'swarm', 'nemesis', 'trace', 'file', 'logSink'], make: (o) => runScenario(scenario, o as never) },
  { name: 'simArbitraries', base: () => ({}), names: ['faults', 'seed', 'file'], make: (o) => simArbitraries(scenario, o as never) },
  {
    name: 'createSimLogger',
    base: () => ({ sink: noop, level: 'info', now: () => 0, bindings: {} }),
    names: ['sink', 'level', 'now', 'bindings'],
    make: (o) => createSimLogger(o as never).info('x'),
  },
  { name: 'checkSettlesExactlyOnce', base: () => ({}), names: ['requireSettled'], make: (o) => checkSettlesExactlyOnce(new History(() => 0), o as never) },
  { name: 'assertHistory', base: () => ({}), names: ['requireSettled'], make: (o) => assertHistory(new History(() => 0), o as never) },
  { name: 'formatFaultPlan', base: () => ({}), names: ['name', 'declaration', 'indent'], make: (o) => formatFaultPlan([{ kind: 'crash', atMs: 1, host: 'a' }], o as never) },
  { name: 'checkDeterminism', base: () => ({}), names: ['simulation', 'eventLines'], make: (o) => checkDeterminism(noop, 1, o as never) },
];

describe('public functions of toto-ts/sim: junk options', () => {
  it('every subject accepts its base options', async () => {
    for (const subject of simSubjects) {
      const made = subject.make(subject.base());
      if (made instanceof Promise) await made;
    }
  });

  it(`${fuzzRuns} cases: refused with the option's name, or accepted`, async () => {
    const counts = await fuzzSubjects(simSubjects, fuzzSeed + 1, fuzzRuns);
    expect(counts.refused).toBeGreaterThan(fuzzRuns / 2);
  }, 300_000);

  it('a junk runScenario option never runs the scenario', async () => {
    const cases = fc.sample(fc.tuple(fc.constantFrom('faults', 'swarm', 'nemesis', 'trace', 'file', 'logSink'), fc.oneof(fc.constantFrom(null, 0, 'x', [], {}), fc.anything())), { seed: fuzzSeed, numRuns: 200 });
    for (const [name, value] of cases) {
      scenarioRuns = 0;
      const refused = await runScenario(scenario, { seed: 1, [name]: value } as never).then(
        () => false,
        () => true,
      );
      if (refused) expect([name, scenarioRuns]).toEqual([name, 0]);
    }
  });
});
