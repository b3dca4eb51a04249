// Side-by-side runs of the RPC bench: a closed loop of `inFlight` callers, each awaiting its call
// before making the next, over `total` calls; req/s and p50/p99 latency per run. Per window: one
// warm-up per side, then repeats in rotating order so drift on a shared machine hits every side
// alike; medians per side, and each ratio as the median of the per-repeat ratios (a run against
// the run beside it).
//
// Each run also counts the CPU time its processes spent per call (the client's, and each server
// process's from /proc, all threads: libzmq's I/O threads included). On this shared 2-core machine
// req/s swings with other work; CPU per call barely does, and on an idle machine a CPU-bound
// side's rate is what its CPU per call allows, so `cpu` ratios (peer's CPU / ours) say what the
// rates would be without the noise.

import { readFileSync } from 'node:fs';
import { benchLine, median, ratioLine } from './harness.js';
import type { RpcClient } from './rpc-clients.js';

export interface RunResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU µs per call, client process and server processes together. */
  cpuUsPerCall: number;
}

/** Linux's clock ticks per second for /proc/<pid>/stat (USER_HZ: 100 on every Linux we run on). */
const TICKS_PER_S = 100;

/** CPU time of a process so far (all its threads), in µs, from /proc; 0 if it is gone. */
function processCpuUs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

function cpuUs(serverPids: readonly number[]): number {
  const own = process.cpuUsage();
  return own.user + own.system + serverPids.reduce((sum, pid) => sum + processCpuUs(pid), 0);
}

/** The echo's parameters: a sequence number (checked on the way back) and some text, ~70 bytes of JSON. */
const TEXT = 'x'.repeat(40);

async function runOnce(client: RpcClient, serverPids: readonly number[], inFlight: number, total: number): Promise<RunResult> {
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
  const cpuBefore = cpuUs(serverPids);
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, caller));
  const ms = performance.now() - start;
  const cpuUsPerCall = (cpuUs(serverPids) - cpuBefore) / total;
  latencies.sort();
  const at = (q: number): number => latencies[Math.floor(total * q)] as number;
  return { perSec: (total / ms) * 1000, p50Ms: at(0.5), p99Ms: at(0.99), cpuUsPerCall };
}

export interface ComparePlan {
  /** The row's name in metrics: `direct`, `router`, `http`. */
  row: string;
  /** Sides by name, in the order printed; the first is the reference. */
  clients: Record<string, RpcClient>;
  /** Each side's server processes, whose CPU counts with the client's. */
  serverPids: Record<string, number[]>;
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
  return `  ${row} ${side.padEnd(9)} ${String(inFlight).padStart(3)} in flight: ${rate} req/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms, CPU ${r.cpuUsPerCall.toFixed(1)} µs/call`;
}

export async function compareSides(plan: ComparePlan): Promise<CompareResult> {
  const sides = Object.keys(plan.clients);
  const result: CompareResult = { medians: {}, ratios: {} };
  for (const inFlight of plan.windows) {
    const total = plan.totals[inFlight] as number;
    const runs: Record<string, RunResult[]> = Object.fromEntries(sides.map((side) => [side, []]));
    const once = (side: string, calls: number): Promise<RunResult> => runOnce(plan.clients[side] as RpcClient, plan.serverPids[side] ?? [], inFlight, calls);
    for (const side of sides) await once(side, Math.ceil(total / 2)); // warm-up
    for (let i = 0; i < plan.repeats; i++) {
      const order = sides.map((_, k) => sides[(k + i) % sides.length] as string);
      for (const side of order) (runs[side] as RunResult[]).push(await once(side, total));
    }
    const medians: Record<string, RunResult> = {};
    for (const side of sides) {
      const own = runs[side] as RunResult[];
      const med = {
        perSec: median(own.map((r) => r.perSec)),
        p50Ms: median(own.map((r) => r.p50Ms)),
        p99Ms: median(own.map((r) => r.p99Ms)),
        cpuUsPerCall: median(own.map((r) => r.cpuUsPerCall)),
      };
      medians[side] = med;
      console.log(line(plan.row, side, inFlight, med));
      benchLine('rpc', `${plan.row}_${side}_req_per_s_${inFlight}`, Math.round(med.perSec));
      benchLine('rpc', `${plan.row}_${side}_p50_ms_${inFlight}`, Number(med.p50Ms.toFixed(3)));
      benchLine('rpc', `${plan.row}_${side}_p99_ms_${inFlight}`, Number(med.p99Ms.toFixed(3)));
      benchLine('rpc', `${plan.row}_${side}_cpu_us_per_call_${inFlight}`, Number(med.cpuUsPerCall.toFixed(1)));
    }
    const ratios: Record<string, number> = {};
    for (const [ours, peer] of plan.ratios) {
      const pairs = (runs[ours] as RunResult[]).map((r, i) => r.perSec / ((runs[peer] as RunResult[])[i] as RunResult).perSec);
      ratios[`${ours}/${peer}`] = median(pairs);
      console.log(`  ${ours}/${peer} per repeat: ${pairs.map((x) => x.toFixed(2)).join(' ')}`);
      ratioLine('rpc', `${plan.row}_${ours}_${inFlight}`, `${plan.row}_${peer}_${inFlight}`, median(pairs));
      // The rate ratio CPU cost predicts: the peer's CPU per call over ours (above 1: ours costs less).
      const cpu = (runs[peer] as RunResult[]).map((r, i) => r.cpuUsPerCall / ((runs[ours] as RunResult[])[i] as RunResult).cpuUsPerCall);
      ratios[`cpu ${ours}/${peer}`] = median(cpu);
      ratioLine('rpc', `${plan.row}_${ours}_cpu_${inFlight}`, `${plan.row}_${peer}_cpu_${inFlight}`, median(cpu));
    }
    result.medians[inFlight] = medians;
    result.ratios[inFlight] = ratios;
  }
  return result;
}
