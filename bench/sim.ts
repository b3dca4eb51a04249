// `npm run bench -- sim`: the simulation kernel against @sinonjs/fake-timers (runAll and
// runAllAsync) on one 100,000-timer workload, then the simulated network: 10 hosts of
// PUSH/PULL and DEALER/ROUTER traffic at 10k, 100k and 1M messages (cost per message must
// stay flat), plus the worst case where jittered latency gives every message its own event.

import { benchLine, median } from './lib/harness.js';
import { benchKernel, printKernelBench } from './lib/sim-kernel.js';
import { benchNetwork, type NetworkBenchOptions, type NetworkBenchResult } from './lib/sim-network.js';

async function networkMedian(messages: number, repeats: number, options: NetworkBenchOptions = {}): Promise<NetworkBenchResult> {
  await benchNetwork(Math.min(messages, 100_000), options);
  const runs: NetworkBenchResult[] = [];
  for (let i = 0; i < repeats; i++) runs.push(await benchNetwork(messages, options));
  const msgsPerSec = median(runs.map((r) => r.msgsPerSec));
  return { msgsPerSec, usPerMsg: 1e6 / msgsPerSec, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
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
}
