// The kernel half of `npm run bench -- sim` (a helper module, not a suite): one workload of
// N timers at spread deadlines through our simulation kernel and through @sinonjs/fake-timers'
// runAll and runAllAsync, in one process. Two variants: a trivial callback, and a callback
// that starts a short await chain, where we also count microtask-order violations (a
// callback that runs before the previous callback's chain finished; Node never does that).

import FakeTimers from '@sinonjs/fake-timers';
import { LoopSim } from '../../src/sim/loop-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';
import { Simulation } from '../../src/sim/simulation.js';
import { benchLine, formatRate, median, ratioLine, timed } from './harness.js';

type Variant = 'sync' | 'async';
type Engine = 'kernel' | 'simulation' | 'runAll' | 'runAllAsync';

export interface KernelBenchResult {
  timers: number;
  /** Timers per wall second, median of repeats: rates[variant][engine]. */
  rates: Record<Variant, Record<Engine, number>>;
  /** Microtask-order violations seen in one async run per engine (ours must be 0). */
  violations: Record<Engine, number>;
  /** ours = the Simulation (hosts, observer, trace digest): the conservative figure. */
  ratios: Record<Variant, { oursOverRunAllAsync: number; oursOverRunAll: number; kernelOverRunAllAsync: number }>;
}

/** Deadline of timer i: spread over 10 s of virtual time, not in insertion order. */
function deadlineOf(i: number, n: number): number {
  return ((i * 7919) % n) * (10_000 / n);
}

/** Builds the callbacks of one run; `check()` gives the run's violations. */
function workload(variant: Variant) {
  let started = 0;
  let finished = 0;
  let violations = 0;
  let sum = 0;
  const sync = (i: number) => (): void => {
    sum += i;
    finished++;
  };
  const chained = (i: number) => (): void => {
    if (finished !== started) violations++;
    started++;
    void (async () => {
      await null;
      await null;
      sum += await Promise.resolve(i);
      finished++;
    })();
  };
  return { make: variant === 'sync' ? sync : chained, done: () => finished, violations: () => violations, sum: () => sum };
}

type Runner = (n: number, variant: Variant) => Promise<{ done: number; violations: number }>;

const runners: Record<Engine, Runner> = {
  async kernel(n, variant) {
    const w = workload(variant);
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    for (let i = 0; i < n; i++) loop.callAt(deadlineOf(i, n), w.make(i));
    await kernel.run({ stepsMax: n + 10 });
    return { done: w.done(), violations: w.violations() };
  },
  async simulation(n, variant) {
    const w = workload(variant);
    const sim = new Simulation({ seed: 1, fakeTimers: false });
    sim.host('bench', ({ loop }) => {
      for (let i = 0; i < n; i++) loop.callAt(deadlineOf(i, n), w.make(i));
    });
    await sim.run({ stepsMax: n + 10 });
    return { done: w.done(), violations: w.violations() };
  },
  async runAll(n, variant) {
    const w = workload(variant);
    const clock = FakeTimers.createClock(0, n + 10);
    for (let i = 0; i < n; i++) clock.setTimeout(w.make(i), deadlineOf(i, n));
    clock.runAll();
    await new Promise((resolve) => setImmediate(resolve));
    return { done: w.done(), violations: w.violations() };
  },
  async runAllAsync(n, variant) {
    const w = workload(variant);
    const clock = FakeTimers.createClock(0, n + 10);
    for (let i = 0; i < n; i++) clock.setTimeout(w.make(i), deadlineOf(i, n));
    await clock.runAllAsync();
    return { done: w.done(), violations: w.violations() };
  },
};

const ENGINES: Engine[] = ['kernel', 'simulation', 'runAll', 'runAllAsync'];

async function rateOnce(engine: Engine, variant: Variant, timers: number): Promise<number> {
  const sample = await timed(async () => {
    const { done } = await runners[engine](timers, variant);
    if (done !== timers) throw new Error(`bench ${engine}/${variant}: ${done} of ${timers} timers completed`);
    return done;
  });
  return (sample.items / sample.ms) * 1000;
}

/**
 * Engines take turns within each repeat (rather than one engine's repeats back to back), so
 * a noisy machine slows them alike and the ratios stay meaningful; medians per engine.
 */
export async function benchKernel(timers = 100_000, repeats = 7, warmup = 2): Promise<KernelBenchResult> {
  const rates = { sync: {}, async: {} } as Record<Variant, Record<Engine, number>>;
  const violations = {} as Record<Engine, number>;
  for (const variant of ['sync', 'async'] as Variant[]) {
    console.log(`  ${timers} timers, ${variant === 'sync' ? 'trivial callbacks' : 'callbacks each starting a 3-await chain'}:`);
    const samples = new Map<Engine, number[]>(ENGINES.map((e) => [e, []]));
    for (let round = 0; round < warmup + repeats; round++) {
      for (const engine of ENGINES) {
        const rate = await rateOnce(engine, variant, timers);
        if (round >= warmup) samples.get(engine)?.push(rate);
      }
    }
    for (const engine of ENGINES) {
      const runs = samples.get(engine) as number[];
      rates[variant][engine] = median(runs);
      console.log(`  ${engine.padEnd(44)} median ${formatRate(median(runs))}/s over ${repeats} runs (${runs.map(formatRate).join(', ')})`);
    }
  }
  for (const engine of ENGINES) violations[engine] = (await runners[engine](timers, 'async')).violations;
  const ratio = (v: Variant) => ({
    oursOverRunAllAsync: rates[v].simulation / rates[v].runAllAsync,
    oursOverRunAll: rates[v].simulation / rates[v].runAll,
    kernelOverRunAllAsync: rates[v].kernel / rates[v].runAllAsync,
  });
  return { timers, rates, violations, ratios: { sync: ratio('sync'), async: ratio('async') } };
}

/** The machine-readable lines for bench/sim.ts. */
export function printKernelBench(result: KernelBenchResult, suite = 'sim'): void {
  for (const variant of ['sync', 'async'] as Variant[]) {
    for (const engine of ENGINES) benchLine(suite, `timers_per_s_${variant}_${engine}`, Math.round(result.rates[variant][engine]));
  }
  for (const engine of ENGINES) benchLine(suite, `microtask_violations_${engine}`, result.violations[engine]);
  for (const variant of ['sync', 'async'] as Variant[]) {
    ratioLine(suite, `simulation_${variant}`, `fake_timers_runAllAsync_${variant}`, result.ratios[variant].oursOverRunAllAsync);
    ratioLine(suite, `simulation_${variant}`, `fake_timers_runAll_${variant}`, result.ratios[variant].oursOverRunAll);
  }
}
