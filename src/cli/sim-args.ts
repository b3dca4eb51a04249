// Argument parsing for `toto sim`: which seeds to run and how many workers. Every message
// names the option and shows what was given, as the rest of the API does.

/** The seeds a sweep runs: `count` consecutive seeds from `first`. */
export interface SeedRange {
  first: number;
  count: number;
}

/** A sweep is bounded like every other loop. */
export const RUNS_MAX = 10_000_000;

function isIntegerText(text: string): boolean {
  return /^-?\d+$/.test(text.trim());
}

/** `--seed N`: a non-negative integer (what a Simulation accepts). */
export function parseSeed(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new RangeError(`--seed: expected an integer >= 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `--seeds A..B`: inclusive, 0 <= A <= B. */
export function parseSeedRange(text: string): SeedRange {
  const bad = (): RangeError => new RangeError(`--seeds: expected A..B with integers A <= B, got ${JSON.stringify(text)}`);
  const match = /^\s*(\d+)\.\.(\d+)\s*$/.exec(text);
  if (!match) throw bad();
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first > last) throw bad();
  const count = last - first + 1;
  if (count > RUNS_MAX) throw new RangeError(`--seeds: expected at most ${RUNS_MAX} seeds, got ${JSON.stringify(text)} (${count})`);
  return { first, count };
}

/** A positive integer option (`--runs`, `--jobs`), at most `max`. */
export function parsePositiveInteger(option: string, text: string, max: number): number {
  const value = Number(text);
  if (!isIntegerText(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${option}: expected an integer in [1, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * A duration option in Toto's style: a bare number is seconds (`60`, `0.5`); `250ms`, `10s` and
 * `2m` give the unit explicitly. Returns milliseconds, > 0 and at most `maxMs`.
 */
export function parseDurationMs(option: string, text: string, maxMs: number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  const msPerUnit = { ms: 1, s: 1000, m: 60_000 } as const;
  const valueMs = match ? Number(match[1]) * msPerUnit[(match[2] ?? 's') as keyof typeof msPerUnit] : NaN;
  if (!(valueMs > 0) || valueMs > maxMs) {
    throw new RangeError(`${option}: expected a duration > 0 and at most ${maxMs / 1000}s, like 60 (seconds), 500ms, 10s or 2m, got ${JSON.stringify(text)}`);
  }
  return valueMs;
}

export interface SeedChoice {
  seed?: string;
  runs?: string;
  seeds?: string;
}

/**
 * The seeds of a sweep from --seed, --runs and --seeds (at most one of them). Without any, one
 * run of `randomSeed()`; `--runs N` runs N consecutive seeds from a random first one, so repeated
 * sweeps explore new seeds and every one is printed.
 */
export function chooseSeeds(options: SeedChoice, randomSeed: (count: number) => number): SeedRange {
  const given = (['seed', 'runs', 'seeds'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new RangeError(`give one of --seed, --runs, --seeds, got ${given.map((k) => `--${k}`).join(' and ')}`);
  if (options.seed !== undefined) return { first: parseSeed(options.seed), count: 1 };
  if (options.seeds !== undefined) return parseSeedRange(options.seeds);
  const count = options.runs !== undefined ? parsePositiveInteger('--runs', options.runs, RUNS_MAX) : 1;
  return { first: randomSeed(count), count };
}

export function seedLabel(range: SeedRange): string {
  if (range.count === 0) return 'no seeds';
  return range.count === 1 ? `seed ${range.first}` : `seeds ${range.first}..${range.first + range.count - 1}`;
}

/** `--shard K/N`: the K-th (1-based) of N slices. */
export interface Shard {
  index: number;
  count: number;
}

/** Most slices a sweep may be cut into. */
export const SHARDS_MAX = 100_000;

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1 && count <= SHARDS_MAX) || !(index >= 1 && index <= count)) {
    throw new RangeError(`--shard: expected K/N with 1 <= K <= N <= ${SHARDS_MAX} (run the K-th of N slices of the seeds), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/**
 * The seeds of shard K/N of `range`: consecutive slices, the K-th from floor((K-1)*count/N) to
 * floor(K*count/N), so N shards cover the range exactly once and differ in size by at most one.
 * A shard of a range smaller than N may be empty.
 */
export function shardRange(range: SeedRange, shard: Shard): SeedRange {
  const start = Math.floor(((shard.index - 1) * range.count) / shard.count);
  const end = Math.floor((shard.index * range.count) / shard.count);
  return { first: range.first + start, count: end - start };
}

/** `--failures N`: failures listed in the summary, 0 or more. */
export function parseFailuresShown(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) throw new RangeError(`--failures: expected an integer >= 0 (failures listed), got ${JSON.stringify(text)}`);
  return value;
}
