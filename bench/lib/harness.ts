// Shared benchmark plumbing: warm-up, repeats, medians, and the machine-readable lines of
// DESIGN.md (`bench <suite> <metric> <value>`, `ratio <suite> <ours>/<peer> <x.xx>`).

import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';

export interface Sample {
  /** Wall time of one repeat, ms. */
  ms: number;
  /** Items done in that repeat (tasks, timers, messages). */
  items: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `once` `warmup` times unmeasured, then `repeats` times; returns the median rate (items per second). */
export async function measureRate(label: string, once: () => Promise<Sample>, repeats = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await once();
  const rates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const sample = await once();
    rates.push((sample.items / sample.ms) * 1000);
  }
  const rate = median(rates);
  console.log(`  ${label.padEnd(44)} median ${formatRate(rate)}/s over ${repeats} runs (${rates.map(formatRate).join(', ')})`);
  return rate;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(1);
}

/**
 * Every `bench` and `ratio` line printed in this process (or read from a child's output by
 * spawnRecorded), by suite: what a suite's run() builds its returned comparisons from, so the
 * figures in BENCHMARKS.md are the very ones the lines printed.
 */
const recordedMetrics = new Map<string, Map<string, number>>();
const recordedRatios = new Map<string, Map<string, number>>();

function record(into: Map<string, Map<string, number>>, suite: string, key: string, value: number): void {
  let own = into.get(suite);
  if (own === undefined) into.set(suite, (own = new Map()));
  own.set(key, value);
}

/** The suite's metrics so far, by name (`toto_tasks_per_s`), and its ratios by `ours/peer`. */
export function recorded(suite: string): { metrics: ReadonlyMap<string, number>; ratios: ReadonlyMap<string, number> } {
  return { metrics: recordedMetrics.get(suite) ?? new Map(), ratios: recordedRatios.get(suite) ?? new Map() };
}

export function benchLine(suite: string, metric: string, value: number): void {
  const printed = Number.isInteger(value) ? String(value) : value.toFixed(2);
  record(recordedMetrics, suite, metric, Number(printed));
  console.log(`bench ${suite} ${metric} ${printed}`);
}

export function ratioLine(suite: string, ours: string, peer: string, ratio: number): void {
  const printed = ratio.toFixed(2);
  record(recordedRatios, suite, `${ours}/${peer}`, Number(printed));
  console.log(`ratio ${suite} ${ours}/${peer} ${printed}`);
}

/** Records a `bench ...` or `ratio ...` line read from a child process; other lines are ignored. */
export function recordLine(line: string): void {
  const match = /^(bench|ratio) (\S+) (\S+) (-?[\d.]+(?:e[+-]?\d+)?)$/.exec(line.trim());
  if (match === null) return;
  record(match[1] === 'bench' ? recordedMetrics : recordedRatios, match[2] as string, match[3] as string, Number(match[4]));
}

/** Runs `node <args>` with its output passed through, recording its bench and ratio lines. */
export async function spawnRecorded(args: string[], what: string): Promise<void> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    console.log(line);
    recordLine(line);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  if (code !== 0) throw new Error(`${what}: the measuring process exited with ${code ?? signal}`);
}

export function machineLine(): string {
  const model = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${os.cpus().length} cores (${model}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

export async function timed(run: () => Promise<number> | number): Promise<Sample> {
  const start = performance.now();
  const items = await run();
  return { ms: performance.now() - start, items };
}
