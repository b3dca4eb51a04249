// `toto sim <file|dir>`: sweeps seeds over scenario files in worker threads, shows progress,
// and prints a summary with the replay command of every failure. A single run (or --jobs 1)
// runs in this thread; --trace writes one run's full trace as JSON lines.

import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import cliProgress from 'cli-progress';
import { faultPlanProblems } from '../sim/fault-plan-check.js';
import type { FaultPlan } from '../sim/fault-plan.js';
import { parseFaultsArg } from '../sim/run-main.js';
import { formatResult } from '../sim/scenario-report.js';
import { replayCommand } from '../sim/run-scenario.js';
import { commandPath, type Scenario } from '../sim/scenario.js';
import { findScenarios, UsageError, type LoadedScenario } from './load-scenarios.js';
import { chooseSeeds, parseDurationMs, parsePositiveInteger, seedLabel, type SeedRange } from './sim-args.js';
import { SimPool } from './sim-pool.js';
import { runSimTask, type SimTask, type SimTaskReply } from './sim-task.js';
import { SweepSummary } from './sim-summary.js';

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
}

/** Most worker threads, whatever --jobs says. */
const JOBS_MAX = 256;
/** The default wall-clock deadline of one run of a sweep, and the most a user may give. */
const RUN_TIMEOUT_DEFAULT = '60s';
const RUN_TIMEOUT_MS_MAX = 24 * 3600_000;
/** Random first seeds stay below this, so a printed seed is short. */
const RANDOM_SEED_MAX = 2 ** 31 - 1;

interface Plan {
  scenarios: LoadedScenario[];
  seeds: SeedRange;
  jobs: number;
  faults: FaultPlan | undefined;
  runTimeoutMs: number;
  runTimeoutLabel: string;
}

async function plan(target: string, options: SimCommandOptions): Promise<Plan> {
  if (options.swarm && options.nemesis) throw new UsageError('give --swarm or --nemesis, not both');
  if (options.faults !== undefined && (options.swarm || options.nemesis)) throw new UsageError('--faults runs the given plan: drop --swarm/--nemesis');
  let seeds: SeedRange;
  let faults: FaultPlan | undefined;
  const runTimeoutLabel = options.runTimeout ?? RUN_TIMEOUT_DEFAULT;
  let runTimeoutMs: number;
  try {
    seeds = chooseSeeds(options, (count) => randomInt(0, RANDOM_SEED_MAX - count));
    faults = options.faults === undefined ? undefined : parseFaultsArg(options.faults);
    runTimeoutMs = parseDurationMs('--run-timeout', runTimeoutLabel, RUN_TIMEOUT_MS_MAX);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const scenarios = await findScenarios(target);
  for (const { file, scenario } of faults ? scenarios : []) {
    const problems = faultPlanProblems(faults, scenario.hostNames);
    if (problems.length > 0) throw new UsageError(`--faults: not a plan for ${commandPath(file)}: ${problems.join('; ')}`);
  }
  const runs = seeds.count * scenarios.length;
  if (options.trace !== undefined && runs > 1) {
    throw new UsageError(`--trace writes the trace of one run: give one scenario file and --seed N (got ${scenarios.length} scenario(s), ${seedLabel(seeds)})`);
  }
  let jobs = Math.min(os.availableParallelism(), runs);
  if (options.jobs !== undefined) {
    try {
      jobs = Math.min(parsePositiveInteger('--jobs', options.jobs, JOBS_MAX), runs);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return { scenarios, seeds, jobs, faults, runTimeoutMs, runTimeoutLabel };
}

/** Runs the command; resolves to the exit code (0 all passed, 1 some failed). Throws UsageError on bad input. */
export async function simCommand(target: string, options: SimCommandOptions): Promise<number> {
  const p = await plan(target, options);
  const names = p.scenarios.map((s) => `${commandPath(s.file)} (${s.scenario.name})`).join(', ');
  const mode = options.swarm ? ', swarm' : options.nemesis ? ', nemesis' : options.faults ? ', given faults' : '';
  process.stdout.write(`toto sim: ${names}, ${seedLabel(p.seeds)}${mode}, ${p.jobs} job${p.jobs === 1 ? '' : 's'}\n`);
  if (p.seeds.count * p.scenarios.length === 1) return single(p.scenarios[0] as LoadedScenario, p.seeds.first, options, p.faults);
  return sweep(p, options);
}

async function single(loaded: LoadedScenario, seed: number, options: SimCommandOptions, faults: FaultPlan | undefined): Promise<number> {
  const task = { file: loaded.file, seed, swarm: options.swarm, nemesis: options.nemesis, faults };
  const result = await runSimTask(loaded.scenario, task, options.trace !== undefined ? { trace: { keepAll: true } } : {});
  if (options.trace !== undefined) {
    writeFileSync(options.trace, (result.trace ?? []).map((line) => `${line}\n`).join(''));
    process.stdout.write(`trace: ${result.traceLines} lines written to ${options.trace}\n`);
  }
  process.stdout.write(`${formatResult(result)}\n`);
  const summary = new SweepSummary();
  summary.add(result);
  process.stdout.write(`${summary.format(result.wallMs, { failures: false })}\n`);
  return result.ok ? 0 : 1;
}

/** The sweep's tasks, made as workers ask for them, so a sweep of millions of seeds holds only what runs. */
function* sweepTasks(p: Plan, options: SimCommandOptions): Generator<SimTask> {
  let id = 0;
  for (const loaded of p.scenarios) {
    for (let i = 0; i < p.seeds.count; i++) {
      yield {
        id: id++,
        file: loaded.file,
        seed: p.seeds.first + i,
        ...(options.swarm ? { swarm: true } : {}),
        ...(options.nemesis ? { nemesis: true } : {}),
        ...(p.faults ? { faults: p.faults } : {}),
      };
    }
  }
}

// Every sweep runs in worker threads, even with one job: only a worker can be stopped when a
// run passes its wall-clock deadline.
async function sweep(p: Plan, options: SimCommandOptions): Promise<number> {
  const startedMs = performance.now();
  const summary = new SweepSummary();
  const progress = new Progress(p.seeds.count * p.scenarios.length);
  const record = (task: SimTask, reply: SimTaskReply): void => {
    if ('result' in reply) summary.add(reply.result);
    else {
      const scenario = scenarioOfTask(task, p.scenarios);
      summary.addError({ name: scenario.name, file: commandPath(task.file), seed: task.seed, message: reply.error, replayCommand: replayCommand(scenario, task) });
    }
    progress.tick(summary.failed);
  };
  const pool = new SimPool(p.jobs, p.runTimeoutMs, p.runTimeoutLabel);
  const tasks = sweepTasks(p, options);
  const feed = async (): Promise<void> => {
    for (let next = tasks.next(); !next.done; next = tasks.next()) record(next.value, await pool.run(next.value));
  };
  try {
    await Promise.all(Array.from({ length: p.jobs }, feed));
  } finally {
    await pool.close();
  }
  progress.stop();
  process.stdout.write(`${summary.format(performance.now() - startedMs)}\n`);
  return summary.failed > 0 ? 1 : 0;
}

function scenarioOfTask(task: SimTask, scenarios: LoadedScenario[]): Scenario {
  return (scenarios.find((s) => s.file === task.file) as LoadedScenario).scenario;
}

/** A cli-progress bar on a terminal; otherwise a plain line at every tenth of the sweep. */
class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private nextLine: number;

  constructor(private readonly total: number) {
    this.nextLine = Math.ceil(total / 10);
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'sim {bar} {value}/{total} runs | {failures} failed | {eta_formatted} left', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { failures: 0 });
    }
  }

  tick(failures: number): void {
    this.done++;
    if (this.bar) return this.bar.update(this.done, { failures });
    if (this.done >= this.nextLine || this.done === this.total) {
      process.stderr.write(`progress: ${this.done}/${this.total} runs, ${failures} failed\n`);
      this.nextLine = this.done + Math.ceil(this.total / 10);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
