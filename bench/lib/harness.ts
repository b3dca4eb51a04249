// Shared benchmark plumbing: warm-up, repeats, medians, and the machine-readable lines of
// DESIGN.md (`bench <suite> <metric> <value>`, `ratio <suite> <ours>/<peer> <x.xx>`).

import os from 'node:os';

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

export function benchLine(suite: string, metric: string, value: number): void {
  console.log(`bench ${suite} ${metric} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
}

export function ratioLine(suite: string, ours: string, peer: string, ratio: number): void {
  console.log(`ratio ${suite} ${ours}/${peer} ${ratio.toFixed(2)}`);
}

export function machineLine(): string {
  return `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

export async function timed(run: () => Promise<number> | number): Promise<Sample> {
  const start = performance.now();
  const items = await run();
  return { ms: performance.now() - start, items };
}
