// What a `toto sim` command line asks for, checked before anything runs: the scenarios, the
// seeds (and the shard of them this machine runs), the fault mode, the worker count, the
// deadline of a run, and the files to write. Every problem is a UsageError naming the option.

import { randomInt } from 'node:crypto';
import os from 'node:os';
import { faultPlanProblems } from '../sim/fault-plan-check.js';
import type { FaultPlan } from '../sim/fault-plan.js';
import { parseFaultsArg } from '../sim/run-main.js';
import { commandPath } from '../sim/scenario.js';
import { findScenarios, UsageError, type LoadedScenario } from './load-scenarios.js';
import { chooseSeeds, parseDurationMs, parseFailuresShown, parsePositiveInteger, parseShard, seedLabel, shardRange, type SeedRange, type Shard } from './sim-args.js';
import { checkWritable } from './sim-output.js';
import { capJobs, machineLimits, type MachineLimits } from './sim-pool.js';
import type { SweepDescription } from './sim-summary-json.js';

export interface SimCommandOptions {
  seed?: string;
  runs?: string;
  seeds?: string;
  swarm?: boolean;
  nemesis?: boolean;
  faults?: string;
  trace?: string;
  jobs?: string;
  runTimeout?: string;
  shard?: string;
  json?: string;
  failures?: string;
  /** False with --no-viewers. */
  viewers?: boolean;
  viewerDir?: string;
}

/** Most worker threads, whatever --jobs says. */
const JOBS_MAX = 256;
/** The default wall-clock deadline of one run of a sweep, and the most a user may give. */
const RUN_TIMEOUT_DEFAULT = '60s';
const RUN_TIMEOUT_MS_MAX = 24 * 3600_000;
/** Random first seeds stay below this, so a printed seed is short. */
const RANDOM_SEED_MAX = 2 ** 31 - 1;
/** Where a sweep writes the viewer files of its failures. */
export const VIEWER_DIR_DEFAULT = '.toto-traces';

export interface Plan {
  scenarios: LoadedScenario[];
  /** The whole range asked for. */
  allSeeds: SeedRange;
  /** The seeds this process runs (allSeeds, or its shard's slice). */
  seeds: SeedRange;
  shard: Shard | undefined;
  jobs: number;
  /** Set when --jobs asked for more threads than the machine holds. */
  jobsNote: string | undefined;
  faults: FaultPlan | undefined;
  runTimeoutMs: number;
  runTimeoutLabel: string;
  failuresShown: number;
  /** Undefined with --no-viewers. */
  viewerDir: string | undefined;
  /** --json: where the summary goes. */
  json: string | undefined;
  sweep: SweepDescription;
}

function asUsage<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

export async function makePlan(target: string, options: SimCommandOptions, limits: MachineLimits = machineLimits()): Promise<Plan> {
  if (options.swarm && options.nemesis) throw new UsageError('give --swarm or --nemesis, not both');
  if (options.faults !== undefined && (options.swarm || options.nemesis)) throw new UsageError('--faults runs the given plan: drop --swarm/--nemesis');
  const runTimeoutLabel = options.runTimeout ?? RUN_TIMEOUT_DEFAULT;
  const parsed = asUsage(() => {
    const shard = options.shard === undefined ? undefined : parseShard(options.shard);
    if (shard && options.seed === undefined && options.seeds === undefined) {
      throw new UsageError('--shard: give the whole range with --seeds A..B (every shard must cut the same range; --runs would draw a different one on each machine)');
    }
    const allSeeds = chooseSeeds(options, (count) => randomInt(0, RANDOM_SEED_MAX - count));
    return {
      shard,
      allSeeds,
      faults: options.faults === undefined ? undefined : parseFaultsArg(options.faults),
      runTimeoutMs: parseDurationMs('--run-timeout', runTimeoutLabel, RUN_TIMEOUT_MS_MAX),
      failuresShown: options.failures === undefined ? Infinity : parseFailuresShown(options.failures),
    };
  });
  const seeds = parsed.shard ? shardRange(parsed.allSeeds, parsed.shard) : parsed.allSeeds;
  const scenarios = await findScenarios(target);
  for (const { file, scenario } of parsed.faults ? scenarios : []) {
    const problems = faultPlanProblems(parsed.faults, scenario.hostNames);
    if (problems.length > 0) throw new UsageError(`--faults: not a plan for ${commandPath(file)}: ${problems.join('; ')}`);
  }
  const runs = seeds.count * scenarios.length;
  if (options.trace !== undefined && runs > 1) {
    throw new UsageError(`--trace writes the trace of one run: give one scenario file and --seed N (got ${scenarios.length} scenario(s), ${seedLabel(seeds)})`);
  }
  asUsage(() => {
    if (options.trace !== undefined) checkWritable('--trace', options.trace);
    if (options.json !== undefined) checkWritable('--json', options.json);
  });
  const requested = options.jobs === undefined ? os.availableParallelism() : asUsage(() => parsePositiveInteger('--jobs', options.jobs as string, JOBS_MAX));
  const capped = capJobs(requested, limits);
  const jobs = Math.max(1, Math.min(capped.jobs, runs));
  const jobsNote = options.jobs !== undefined && capped.jobs < Math.min(requested, runs) ? capped.note : undefined;
  const mode = options.swarm ? 'swarm' : options.nemesis ? 'nemesis' : parsed.faults ? 'faults' : 'scenario';
  const sweep: SweepDescription = {
    scenarios: scenarios.map((s) => ({ file: commandPath(s.file), name: s.scenario.name })),
    seeds: parsed.allSeeds,
    mode,
    ...(parsed.faults ? { faults: parsed.faults } : {}),
  };
  const viewerDir = options.viewers === false ? undefined : (options.viewerDir ?? VIEWER_DIR_DEFAULT);
  return { ...parsed, scenarios, seeds, jobs, jobsNote, runTimeoutLabel, viewerDir, json: options.json, sweep };
}
