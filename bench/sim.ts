// `npm run bench -- sim`: the simulation kernel against @sinonjs/fake-timers (runAll and
// runAllAsync) on one 100,000-timer workload, then the simulated network: 10 hosts of
// PUSH/PULL and DEALER/ROUTER traffic at 10k, 100k and 1M messages (cost per message must
// stay flat), plus the worst case where jittered latency gives every message its own event.
// Then the reference worker scenario (scenarios/worker-crash.scenario.ts: a client with autoRetry, a
// router and three workers, one crashing mid-load): a sweep of 1,000 seeds on one core, as runs
// per second per core, simulated events per second and simulated time over CPU time (target >= 1,000x;
// the wall-clock figures are printed beside: on a shared machine they measure the load).
// `npm run bench -- sim worker` runs that part alone.

import workerCrash from '../scenarios/worker-crash.scenario.js';
import { runScenario } from '../src/sim/run-scenario.js';
import { benchLine, median, recorded } from './lib/harness.js';
import { plainFigure, rateComparison, type PlainFigure, type SuiteResult } from './lib/report.js';
import { benchKernel, printKernelBench } from './lib/sim-kernel.js';
import { benchNetwork, type NetworkBenchOptions, type NetworkBenchResult } from './lib/sim-network.js';

async function networkMedian(messages: number, repeats: number, options: NetworkBenchOptions = {}): Promise<NetworkBenchResult> {
  await benchNetwork(Math.min(messages, 100_000), options);
  const runs: NetworkBenchResult[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await benchNetwork(messages, options));
  const msgsPerSec = median(runs.map((r) => r.msgsPerSec));
  return { msgsPerSec, usPerMsg: 1e6 / msgsPerSec, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

/** One sweep of seeds [first, first + seeds) of the worker-crash scenario, in this process (one core). */
async function workerSweep(first: number, seeds: number): Promise<{ runs: number; failed: number; wallMs: number; cpuMs: number; virtualMs: number; steps: number; traced: number }> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let failed = 0;
  let virtualMs = 0;
  let steps = 0;
  let traced = 0;
  for (let seed = first; seed < first + seeds; seed++) {
    const result = await runScenario(workerCrash, { seed });
    if (!result.ok) failed++;
    virtualMs += result.virtualMs;
    steps += result.steps;
    traced += result.traceLines;
  }
  const cpu = process.cpuUsage(cpuStarted);
  return { runs: seeds, failed, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, virtualMs, steps, traced };
}

async function benchWorkerScenario(quick: boolean): Promise<void> {
  const seeds = quick ? 200 : 1000;
  console.log(`\nreference worker scenario: worker-crash, ${seeds} seeds on one core (after ${quick ? 20 : 100} seeds of warm-up)`);
  await workerSweep(1_000_000, quick ? 20 : 100);
  const r = await workerSweep(0, seeds);
  // Per core = per second of this process's CPU time: on a machine shared with other work the
  // wall clock counts time spent waiting for a core; the wall-clock figures are printed too.
  const runsPerSec = (r.runs / r.cpuMs) * 1000;
  const eventsPerSec = (r.steps / r.cpuMs) * 1000;
  const speedup = r.virtualMs / r.cpuMs;
  // Kernel events batch deliveries that fall due together; traced events (sends, deliveries, faults) count each.
  const tracedPerSec = (r.traced / r.cpuMs) * 1000;
  console.log(
    `  ${r.runs} runs (${r.failed} failed) in ${(r.cpuMs / 1000).toFixed(2)}s of CPU (${(r.wallMs / 1000).toFixed(2)}s wall, ` +
      `${((r.runs / r.wallMs) * 1000).toFixed(1)} runs/s, ${Math.round(r.virtualMs / r.wallMs)}x by the wall clock): ${runsPerSec.toFixed(1)} runs/s/core, ` +
      `${Math.round(eventsPerSec)} kernel events/s (${Math.round(r.steps / r.runs)} per run), ` +
      `${Math.round(tracedPerSec)} traced events/s (${Math.round(r.traced / r.runs)} per run), ` +
      `${(r.virtualMs / 1000).toFixed(0)}s simulated = ${Math.round(speedup)}x CPU time`,
  );
  benchLine('sim', 'worker_crash_runs_per_s_per_core', runsPerSec);
  benchLine('sim', 'worker_crash_events_per_s', Math.round(eventsPerSec));
  benchLine('sim', 'worker_crash_traced_events_per_s', Math.round(tracedPerSec));
  benchLine('sim', 'worker_crash_sim_over_cpu', Math.round(speedup));
  benchLine('sim', 'worker_crash_sim_over_wall', Math.round(r.virtualMs / r.wallMs));
  benchLine('sim', 'worker_crash_failed_runs', r.failed);
}

/** The returned figures, from the lines printed: the kernel's ratios, the network's rates, the sweep's speeds. */
function result(): SuiteResult {
  const { metrics, ratios } = recorded('sim');
  const comparisons = (['sync', 'async'] as const).flatMap((variant) => {
    const what = variant === 'sync' ? 'trivial callbacks' : 'each callback starts a 3-await chain';
    const ours = metrics.get(`timers_per_s_${variant}_simulation`);
    return (['runAllAsync', 'runAll'] as const).flatMap((engine) => {
      const peer = metrics.get(`timers_per_s_${variant}_${engine}`);
      const ratio = ratios.get(`simulation_${variant}/fake_timers_${engine}_${variant}`);
      if (ours === undefined || peer === undefined) return [];
      return [rateComparison(`Simulation timers, ${what}`, `fake-timers ${engine}`, ours, peer, 'timers/s', { ...(ratio !== undefined ? { ratio } : {}), ...(engine === 'runAllAsync' ? { target: '>= 3' } : {}) })];
    });
  });
  const figures: PlainFigure[] = [];
  for (const [metric, value] of metrics) {
    const messages = /^network_msgs_per_s_(\d+)(_jitter_reorder)?$/.exec(metric);
    if (messages) figures.push(plainFigure(`network, 10 hosts, ${Number(messages[1]).toLocaleString('en')} msgs, ${messages[2] ? 'jittered 0.5-1.5 ms latency with reordering' : 'fixed 1 ms latency'}`, value, 'msgs per wall second', messages[2] ? undefined : '>= 500,000'));
  }
  const sweep: Array<[string, string, string, string?]> = [
    ['worker_crash_runs_per_s_per_core', 'worker-crash sweep: runs per CPU second', 'runs/s'],
    ['worker_crash_events_per_s', 'worker-crash sweep: kernel events per CPU second', 'events/s'],
    ['worker_crash_traced_events_per_s', 'worker-crash sweep: traced events per CPU second', 'events/s'],
    ['worker_crash_sim_over_cpu', 'worker-crash sweep: simulated time over CPU time', 'x', '>= 1,000'],
    ['worker_crash_sim_over_wall', 'worker-crash sweep: simulated time over wall time (measures the load too)', 'x'],
    ['worker_crash_failed_runs', 'worker-crash sweep: failed runs', 'runs'],
  ];
  for (const [metric, name, unit, target] of sweep) {
    const value = metrics.get(metric);
    if (value !== undefined) figures.push(plainFigure(name, value, unit, target));
  }
  return { comparisons, figures };
}

export async function run(args: string[]): Promise<SuiteResult> {
  const quick = args.includes('--quick');
  if (args.includes('worker')) {
    await benchWorkerScenario(quick);
    return result();
  }
  console.log('kernel: 100,000 timers, simulation vs fake-timers (medians)');
  const kernel = await benchKernel(quick ? 20_000 : 100_000, quick ? 3 : 7, quick ? 1 : 2);
  printKernelBench(kernel);

  console.log('\nnetwork: 10 hosts, PUSH/PULL + DEALER/ROUTER, trace off (medians)');
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  for (const messages of sizes) {
    const r = await networkMedian(messages, messages >= 1_000_000 ? 3 : 5);
    console.log(`  ${String(messages).padStart(9)} msgs, fixed 1ms latency: ${Math.round(r.msgsPerSec)} msgs/s, ${r.usPerMsg.toFixed(2)} us/msg, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    benchLine('sim', `network_msgs_per_s_${messages}`, Math.round(r.msgsPerSec));
    benchLine('sim', `network_us_per_msg_${messages}`, r.usPerMsg);
    benchLine('sim', `network_peak_rss_mb_${messages}`, r.peakRssMb);
  }
  const worst = sizes[sizes.length - 1] as number;
  // Jitter with reordering allowed: messages no longer share delivery times, so nearly every
  // message costs its own kernel event (the worst case for the batching above).
  const jitter = await networkMedian(worst, 3, { latencyMs: { min: 0.5, max: 1.5 }, reorder: true });
  console.log(`  ${String(worst).padStart(9)} msgs, jittered 0.5-1.5ms latency with reordering: ${Math.round(jitter.msgsPerSec)} msgs/s, ${jitter.usPerMsg.toFixed(2)} us/msg`);
  benchLine('sim', `network_msgs_per_s_${worst}_jitter_reorder`, Math.round(jitter.msgsPerSec));

  await benchWorkerScenario(quick);
  return result();
}
