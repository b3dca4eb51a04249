// What the two halves of `npm run bench -- transport` share: a server child process per side
// (started by its first stdout line, stopped by closing its stdin), and the side-by-side runs:
// one warm-up per side, then repeats in alternating order so drift on a shared machine hits
// both alike; medians per side and the median of the ours/raw pairs as the ratio.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { benchLine, median, ratioLine } from './harness.js';

export type Side = 'ours' | 'raw';

export interface RunResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** Starts `script side` under tsx; resolves with the child and the match of its first line matching `ready`. */
export async function startChild(script: string, side: Side, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, side], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, START_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      const match = ready.exec(line);
      if (match) return { child, match };
    }
    throw new Error(`bench: the ${side} server ${timedOut ? `did not start within ${START_TIMEOUT_MS}ms` : 'exited before it was ready'} (${script})`);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the child's stdin (it exits then), SIGKILL if it is still alive after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(kill);
}

/** Latency percentiles and rate of one run: `latencies` (ms, sorted here) of `total` items over `ms`. */
export function runResult(latencies: Float64Array, total: number, ms: number): RunResult {
  latencies.sort();
  return { perSec: (total / ms) * 1000, p50Ms: latencies[Math.floor(total * 0.5)] as number, p99Ms: latencies[Math.floor(total * 0.99)] as number };
}

export interface PairsPlan {
  /** Metric prefix: `zmq`, `http`. */
  prefix: string;
  /** Rate metric name: `msgs_per_s`, `req_per_s`. */
  rateName: string;
  windows: number[];
  totals: Record<number, number>;
  repeats: number;
  runOnce(side: Side, inFlight: number, total: number): Promise<RunResult>;
  line(side: Side, inFlight: number, result: RunResult): string;
}

/** For each window: warm-up, alternating repeats, medians printed as bench lines, and the ours/raw ratio. */
export async function comparePairs(plan: PairsPlan): Promise<void> {
  for (const inFlight of plan.windows) {
    const total = plan.totals[inFlight] as number;
    const runs: Record<Side, RunResult[]> = { ours: [], raw: [] };
    for (const side of ['raw', 'ours'] as const) await plan.runOnce(side, inFlight, Math.ceil(total / 2)); // warm-up
    for (let i = 0; i < plan.repeats; i++) {
      const order: Side[] = i % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw'];
      for (const side of order) runs[side].push(await plan.runOnce(side, inFlight, total));
    }
    const med = (side: Side): RunResult => ({
      perSec: median(runs[side].map((r) => r.perSec)),
      p50Ms: median(runs[side].map((r) => r.p50Ms)),
      p99Ms: median(runs[side].map((r) => r.p99Ms)),
    });
    const ours = med('ours');
    const raw = med('raw');
    console.log(plan.line('raw', inFlight, raw));
    console.log(plan.line('ours', inFlight, ours));
    for (const [side, r] of [['ours', ours], ['raw', raw]] as const) {
      benchLine('transport', `${plan.prefix}_${side}_${plan.rateName}_${inFlight}`, Math.round(r.perSec));
      benchLine('transport', `${plan.prefix}_${side}_p50_ms_${inFlight}`, r.p50Ms);
      benchLine('transport', `${plan.prefix}_${side}_p99_ms_${inFlight}`, r.p99Ms);
    }
    // Each ours run is compared with the raw run beside it, so load from elsewhere that drifts
    // during the bench cancels out; the ratio is the median of these pairs.
    const pairs = runs.ours.map((r, i) => r.perSec / (runs.raw[i] as RunResult).perSec);
    console.log(`  ours/raw per pair: ${pairs.map((x) => x.toFixed(2)).join(' ')}`);
    ratioLine('transport', `${plan.prefix}_ours_${inFlight}`, `${plan.prefix}_raw_${inFlight}`, median(pairs));
  }
}
