// Proves the options that once slipped through (a string 'false' turning fake timers on, logLevel 'toString', null trace/random, a string of kinds, a numeric file, a partial loop port, sparse fault plans) are refused up front with "<name>: expected X, got Y", before anything runs.
import { describe, expect, it } from 'vitest';
import { IOLoop } from '../../../src/core/io-loop.js';
import { PeriodicCallback } from '../../../src/core/periodic-callback.js';
import { Random } from '../../../src/core/random.js';
import { checkFaultPlan, faultPlanProblems } from '../../../src/sim/fault-plan-check.js';
import { feasibleKinds, randomFaultPlan, swarmOptions } from '../../../src/sim/nemesis.js';
import { runScenario } from '../../../src/sim/run-scenario.js';
import { defineScenario } from '../../../src/sim/scenario.js';
import { Simulation } from '../../../src/sim/simulation.js';

/** The error `make` throws: its class and exact message. */
function thrown(make: () => unknown): { type: string; message: string } {
  try {
    make();
  } catch (error) {
    return { type: (error as Error).constructor.name, message: (error as Error).message };
  }
  throw new Error('nothing was thrown');
}

async function rejected(make: () => Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await make();
  } catch (error) {
    return { type: (error as Error).constructor.name, message: (error as Error).message };
  }
  throw new Error('nothing was thrown');
}

const noop = (): void => {};

/** `items` with a hole at `index` (as `[a, , b]` would have). */
function sparse(items: unknown[], index: number): unknown[] {
  const copy = [...items];
  delete copy[index];
  return copy;
}

describe('Simulation options', () => {
  it.each([
    [{ seed: 1, fakeTimers: 'false' }, 'TypeError', 'fakeTimers: expected a boolean (true or false), got "false"'],
    [{ seed: 1, traceEvents: 1 }, 'TypeError', 'traceEvents: expected a boolean (true or false), got 1'],
    [{ seed: 1, logLevel: 'toString' }, 'RangeError', 'logLevel: expected one of trace, debug, info, warn, error, fatal, silent, got "toString"'],
    [{ seed: 1, logLevel: '__proto__' }, 'RangeError', 'logLevel: expected one of trace, debug, info, warn, error, fatal, silent, got "__proto__"'],
    [{ seed: 1, trace: null }, 'TypeError', 'trace: expected an options object, got null'],
    [{ seed: 1, trace: { keepAll: 'yes' } }, 'TypeError', 'trace.keepAll: expected a boolean (true or false), got "yes"'],
    [{ seed: 1, trace: { tailLines: 0 } }, 'RangeError', 'trace.tailLines: expected an integer in [1, 1000000], got 0'],
    [{ seed: 1, trace: { previewChars: -1 } }, 'RangeError', 'trace.previewChars: expected an integer in [0, 1000000], got -1'],
    [{ seed: 1, trace: { keep: true } }, 'RangeError', 'trace: unknown option "keep" (known: keepAll, tailLines, previewChars)'],
  ])('%j is refused', (options, type, message) => {
    expect(thrown(() => new Simulation(options as never))).toEqual({ type, message });
  });

  it('a valid logLevel and fakeTimers: false are accepted', () => {
    const sim = new Simulation({ seed: 1, logLevel: 'warn', fakeTimers: false, trace: { keepAll: true } });
    expect(sim.seed).toBe(1);
  });
});

describe('runScenario options: checked before the run', () => {
  let runs = 0;
  const scenario = defineScenario({
    name: 'counted',
    hosts: { a: noop, b: noop },
    workload: () => void runs++,
    durationMs: 10,
  });

  it.each([
    [{ seed: 1, file: 0 }, 'TypeError', 'file: expected a string, got 0'],
    [{ seed: 1, file: '' }, 'RangeError', 'file: expected a non-empty string, got ""'],
    [{ seed: 1, swarm: 'yes' }, 'TypeError', 'swarm: expected a boolean (true or false), got "yes"'],
    [{ seed: 1, nemesis: 1 }, 'TypeError', 'nemesis: expected a boolean (true or false), got 1'],
    [{ seed: 1, logSink: 'stdout' }, 'TypeError', 'logSink: expected a function, got "stdout"'],
    [{ seed: 1, trace: null }, 'TypeError', 'trace: expected an options object, got null'],
    [{ seed: 1, faults: sparse([0, { kind: 'crash', atMs: 1, host: 'a' }], 0) }, 'TypeError', 'faults[0]: expected a fault object, got an empty slot (a sparse array)'],
  ])('%j is refused without running the scenario', async (options, type, message) => {
    runs = 0;
    expect(await rejected(() => runScenario(scenario, options as never))).toEqual({ type, message });
    expect(runs).toBe(0);
  });
});

describe('defineScenario nemesis', () => {
  it.each([
    [{ kinds: 'crash' }, 'TypeError', 'defineScenario "n": nemesis.kinds: expected an array of fault kinds, got "crash"'],
    [{ kinds: sparse([0, 'crash'], 0) }, 'TypeError', 'defineScenario "n": nemesis.kinds: expected an array of fault kinds without holes, got a sparse array (index 0 is empty)'],
    [{ crashable: 'a' }, 'TypeError', 'defineScenario "n": nemesis.crashable: expected an array of host names, got "a"'],
  ])('%j is refused', (nemesis, type, message) => {
    expect(thrown(() => defineScenario({ name: 'n', hosts: { a: noop }, workload: noop, durationMs: 10, nemesis: nemesis as never }))).toEqual({ type, message });
  });
});

describe('nemesis functions', () => {
  const random = new Random(1);
  it.each([
    [() => randomFaultPlan(random, { hosts: ['a', 'b'], durationMs: 100, kinds: 'crash' as never }), 'TypeError', 'kinds: expected an array of fault kinds, got "crash"'],
    [() => randomFaultPlan(random, { hosts: ['a', 'b'], durationMs: 100, weights: 'x' as never }), 'TypeError', 'weights: expected an options object, got "x"'],
    [() => randomFaultPlan(random, { hosts: ['a', 'b'], durationMs: 100, weights: { crsh: 1 } as never }), 'RangeError', /^weights: unknown option "crsh"/],
    [() => randomFaultPlan(null as never, { hosts: ['a'], durationMs: 100 }), 'TypeError', 'random: expected a RandomPort, got null'],
    [() => randomFaultPlan(random, undefined as never), 'TypeError', 'nemesis options: expected an options object { hosts, durationMs }, got undefined'],
    [() => randomFaultPlan(random, { hosts: sparse(['a', 0, 'b'], 1) as never, durationMs: 100 }), 'TypeError', 'hosts: expected a non-empty array of host names without holes, got a sparse array (index 1 is empty)'],
    [() => randomFaultPlan(random, { hosts: ['a', 'b'], durationMs: 100, lossyLinks: [{ from: ['c'] }] }), 'RangeError', 'lossyLinks[0].from[0]: expected one of "a", "b", got "c"'],
    [() => swarmOptions(random, null as never, 100), 'TypeError', 'hosts: expected a non-empty array of host names, got null'],
    [() => feasibleKinds('ab' as never), 'TypeError', 'hosts: expected a non-empty array of host names, got "ab"'],
  ])('case %#', (make, type, message) => {
    const got = thrown(make);
    expect(got.type).toBe(type);
    if (typeof message === 'string') expect(got.message).toBe(message);
    else expect(got.message).toMatch(message);
  });
});

describe('fault plans: sparse arrays are refused', () => {
  it.each([
    [sparse([0, { kind: 'crash', atMs: 1, host: 'a' }], 0), 'faults[0]: expected a fault object, got an empty slot (a sparse array)'],
    [[{ kind: 'partition', atMs: 0, durationMs: 5, sideA: sparse(['a', 0, 'b'], 1), sideB: ['c'] }], 'faults[0].sideA: expected a non-empty array of host names without holes, got a sparse array (index 1 is empty)'],
    [[{ kind: 'latency', atMs: 0, durationMs: 5, minMs: 1, maxMs: 2, to: sparse([0, 'a'], 0) }], 'faults[0].to: expected a non-empty array of host names without holes, got a sparse array (index 0 is empty)'],
  ])('%j', (plan, message) => {
    expect(faultPlanProblems(plan, ['a', 'b', 'c'])).toEqual([message]);
    expect(thrown(() => checkFaultPlan(plan, ['a', 'b', 'c']))).toEqual({ type: 'TypeError', message });
  });

  it('sparse host names are refused', () => {
    expect(thrown(() => faultPlanProblems([], sparse(['a', 0, 'b'], 1) as never))).toEqual({ type: 'TypeError', message: 'hostNames: expected an array of host names without holes, got a sparse array (index 1 is empty)' });
  });
});

describe('core constructors', () => {
  const port = { now: () => 0, callAt: noop, callLater: noop, addCallback: noop, cancel: noop };
  it.each([
    [() => new IOLoop({ port: { callAt: noop } as never }), 'TypeError', 'port: expected a LoopPort, got object Object (no now(), callLater(), addCallback(), cancel())'],
    [() => new IOLoop({ port: null as never }), 'TypeError', 'port: expected a LoopPort, got null'],
    [() => new IOLoop(undefined as never), 'TypeError', 'IOLoop options: expected an options object { port }, got undefined'],
    [() => new IOLoop({ port: port as never, ownsPort: 'yes' as never }), 'TypeError', 'ownsPort: expected a boolean (true or false), got "yes"'],
    [() => new IOLoop({ port: port as never, logger: { error: noop } as never }), 'TypeError', 'logger: expected a Logger, got object Object (no trace(), debug(), info(), warn(), fatal(), child())'],
    [() => new PeriodicCallback(noop, 10, { random: null as never }), 'TypeError', 'random: expected a RandomPort, got null'],
    [() => new PeriodicCallback(noop, 10, { jitter: 0.5, random: null as never }), 'TypeError', 'random: expected a RandomPort, got null'],
    [() => new PeriodicCallback(noop, 10, { jitter: 0.5 }), 'TypeError', 'random: expected a RandomPort when jitter > 0, got undefined'],
    [() => new PeriodicCallback(noop, 10, { loop: { callAt: noop } as never }), 'TypeError', 'loop: expected a LoopPort, got object Object (no now(), callLater(), addCallback(), cancel())'],
    [() => new PeriodicCallback(noop, 10, { logger: 'stdout' as never }), 'TypeError', 'logger: expected a Logger, got "stdout"'],
  ])('case %#', (make, type, message) => {
    expect(thrown(make)).toEqual({ type, message });
  });
});
