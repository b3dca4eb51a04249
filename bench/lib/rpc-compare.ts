// Side-by-side runs of the RPC bench: a closed loop of `inFlight` callers, each awaiting its call
// before making the next, over `total` calls; req/s and p50/p99 latency per run. Per window: one
// warm-up per side, then repeats in rotating order so drift on a shared machine hits every side
// alike; medians per side, and each ratio as the median of the per-repeat ratios (a run against
// the run beside it).

import { benchLine, median, ratioLine } from './harness.js';
import type { RpcClient } from './rpc-clients.js';

export interface RunResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** The echo's parameters: a sequence number (checked on the way back) and some text, ~70 bytes of JSON. */
const TEXT = 'x'.repeat(40);

async function runOnce(client: RpcClient, inFlight: number, total: number): Promise<RunResult> {
  const latencies = new Float64Array(total);
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < total) {
      const seq = next++;
      const start = performance.now();
      const reply = (await client.call({ seq, text: TEXT })) as { seq?: unknown } | null;
      latencies[seq] = performance.now() - start;
      if (reply?.seq !== seq) throw new Error(`bench: call ${seq} got ${JSON.stringify(reply)} back`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, caller));
  const ms = performance.now() - start;
  latencies.sort();
  return { perSec: (total / ms) * 1000, p50Ms: latencies[Math.floor(total * 0.5)] as number, p99Ms: latencies[Math.floor(total * 0.99)] as number };
}

export interface ComparePlan {
  /** The row's name in metrics: `direct`, `router`, `http`. */
  row: string;
  /** Sides by name, in the order printed; the first is the reference. */
  clients: Record<string, RpcClient>;
  /** [ours, peer] pairs to print ratios for. */
  ratios: Array<[string, string]>;
  windows: number[];
  totals: Record<number, number>;
  repeats: number;
}

/** Medians per window and side, and the ratios, for the summary. */
export interface CompareResult {
  medians: Record<number, Record<string, RunResult>>;
  ratios: Record<number, Record<string, number>>;
}

function line(row: string, side: string, inFlight: number, r: RunResult): string {
  const rate = Math.round(r.perSec).toString().padStart(7);
  return `  ${row} ${side.padEnd(9)} ${String(inFlight).padStart(3)} in flight: ${rate} req/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms`;
}

export async function compareSides(plan: ComparePlan): Promise<CompareResult> {
  const sides = Object.keys(plan.clients);
  const result: CompareResult = { medians: {}, ratios: {} };
  for (const inFlight of plan.windows) {
    const total = plan.totals[inFlight] as number;
    const runs: Record<string, RunResult[]> = Object.fromEntries(sides.map((side) => [side, []]));
    for (const side of sides) await runOnce(plan.clients[side] as RpcClient, inFlight, Math.ceil(total / 2)); // warm-up
    for (let i = 0; i < plan.repeats; i++) {
      const order = sides.map((_, k) => sides[(k + i) % sides.length] as string);
      for (const side of order) (runs[side] as RunResult[]).push(await runOnce(plan.clients[side] as RpcClient, inFlight, total));
    }
    const medians: Record<string, RunResult> = {};
    for (const side of sides) {
      const own = runs[side] as RunResult[];
      const med = { perSec: median(own.map((r) => r.perSec)), p50Ms: median(own.map((r) => r.p50Ms)), p99Ms: median(own.map((r) => r.p99Ms)) };
      medians[side] = med;
      console.log(line(plan.row, side, inFlight, med));
      benchLine('rpc', `${plan.row}_${side}_req_per_s_${inFlight}`, Math.round(med.perSec));
      benchLine('rpc', `${plan.row}_${side}_p50_ms_${inFlight}`, Number(med.p50Ms.toFixed(3)));
      benchLine('rpc', `${plan.row}_${side}_p99_ms_${inFlight}`, Number(med.p99Ms.toFixed(3)));
    }
    const ratios: Record<string, number> = {};
    for (const [ours, peer] of plan.ratios) {
      const pairs = (runs[ours] as RunResult[]).map((r, i) => r.perSec / ((runs[peer] as RunResult[])[i] as RunResult).perSec);
      ratios[`${ours}/${peer}`] = median(pairs);
      console.log(`  ${ours}/${peer} per repeat: ${pairs.map((x) => x.toFixed(2)).join(' ')}`);
      ratioLine('rpc', `${plan.row}_${ours}_${inFlight}`, `${plan.row}_${peer}_${inFlight}`, median(pairs));
    }
    result.medians[inFlight] = medians;
    result.ratios[inFlight] = ratios;
  }
  return result;
}
