// The machine-readable summary of a sweep (`toto sim --json out.json`) and how shards of one
// sweep are read back and checked before `toto sim merge` adds them up: every file must be a
// summary of this format, of the same sweep (scenarios, seed range, fault mode), cut into the
// same number of shards, each shard present once.

import { readFileSync } from 'node:fs';
import type { SeedRange, Shard } from './sim-args.js';
import type { SweepTotals } from './sim-summary.js';

export const SUMMARY_FORMAT = 'toto-sim-summary';
export const SUMMARY_VERSION = 1;

/** What was swept: equal in every shard of one sweep. */
export interface SweepDescription {
  scenarios: { file: string; name: string }[];
  /** The whole range (before sharding). */
  seeds: SeedRange;
  mode: 'scenario' | 'swarm' | 'nemesis' | 'faults';
  /** The plan of --faults, as given. */
  faults?: unknown;
}

export interface SweepJson extends SweepTotals {
  format: typeof SUMMARY_FORMAT;
  version: typeof SUMMARY_VERSION;
  sweep: SweepDescription;
  /** The slice this file holds; absent for a whole sweep. */
  shard?: Shard & { seeds: SeedRange };
  /** For a merged summary: how many shards it adds up. */
  mergedShards?: number;
}

export function sweepJson(sweep: SweepDescription, shard: SweepJson['shard'], totals: SweepTotals): SweepJson {
  return { format: SUMMARY_FORMAT, version: SUMMARY_VERSION, sweep, ...(shard ? { shard } : {}), ...totals };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one --json file; throws an Error saying what is wrong with it. */
export function readSweepJson(file: string): SweepJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(value) || value.format !== SUMMARY_FORMAT) throw new Error(`${file}: not a toto sim summary (expected "format": "${SUMMARY_FORMAT}", written by toto sim --json)`);
  if (value.version !== SUMMARY_VERSION) throw new Error(`${file}: summary version ${JSON.stringify(value.version)}, this toto reads version ${SUMMARY_VERSION}`);
  const problems: string[] = [];
  for (const key of ['runs', 'failed', 'virtualMs', 'steps', 'wallMs']) if (typeof value[key] !== 'number' || !Number.isFinite(value[key])) problems.push(`${key} is not a number`);
  if (!Array.isArray(value.scenarios) || !value.scenarios.every((s) => isObject(s) && typeof s.file === 'string' && isObject(s.sometimes))) problems.push('scenarios is not a list of {file, name, runs, failed, sometimes}');
  if (!Array.isArray(value.failures) || !value.failures.every((f) => isObject(f) && typeof f.seed === 'number' && typeof f.replayCommand === 'string')) problems.push('failures is not a list of {seed, replayCommand, ...}');
  const sweep = value.sweep;
  if (!isObject(sweep) || !Array.isArray(sweep.scenarios) || !isObject(sweep.seeds)) problems.push('sweep is not {scenarios, seeds, mode}');
  if (value.shard !== undefined && (!isObject(value.shard) || typeof value.shard.index !== 'number' || typeof value.shard.count !== 'number')) problems.push('shard is not {index, count, seeds}');
  if (problems.length > 0) throw new Error(`${file}: not a valid toto sim summary: ${problems.join('; ')}`);
  return value as unknown as SweepJson;
}

function describeSweep(s: SweepDescription): string {
  const range = `seeds ${s.seeds.first}..${s.seeds.first + s.seeds.count - 1}`;
  return `${s.scenarios.map((x) => x.file).join(', ')}, ${range}, ${s.mode}${s.faults === undefined ? '' : ` ${JSON.stringify(s.faults)}`}`;
}

/** Checks that `parts` are the N shards of one sweep, each once; returns them by shard index. Throws what is wrong. */
export function checkShards(parts: readonly { file: string; json: SweepJson }[]): { file: string; json: SweepJson }[] {
  const [first] = parts;
  if (first === undefined) throw new Error('give the --json files of every shard: toto sim merge a.json b.json ...');
  const reference = describeSweep(first.json.sweep);
  const byIndex = new Map<number, string>();
  for (const { file, json } of parts) {
    if (json.shard === undefined) throw new Error(`${file}: a whole sweep, not a shard (written without --shard): nothing to merge it with`);
    if (json.mergedShards !== undefined) throw new Error(`${file}: already a merged summary; merge the shard files themselves`);
    const here = describeSweep(json.sweep);
    if (here !== reference) throw new Error(`${file}: a shard of another sweep (${here}) than ${first.file} (${reference})`);
    if (json.shard.count !== first.json.shard?.count) throw new Error(`${file}: shard ${json.shard.index}/${json.shard.count}, but ${first.file} is shard ${first.json.shard?.index}/${first.json.shard?.count}: give shards of one --shard K/N split`);
    const twin = byIndex.get(json.shard.index);
    if (twin !== undefined) throw new Error(`${file}: shard ${json.shard.index}/${json.shard.count} again (also ${twin})`);
    byIndex.set(json.shard.index, file);
  }
  const count = first.json.shard?.count ?? 0;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((k) => `${k}/${count}`).join(', ');
    throw new Error(`missing shard${missing.length === 1 ? '' : 's'} ${shown}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}: merge the --json file of every shard`);
  }
  return [...parts].sort((a, b) => (a.json.shard?.index ?? 0) - (b.json.shard?.index ?? 0));
}
