// `toto sim <file|dir>`: sweeps seeds over scenario files in worker threads, shows progress,
// and prints a summary with every failure's trace hash and the command that replays it. With
// --shard K/N it runs one slice of the seeds (a CI matrix job), with --json it writes the
// summary for `toto sim merge`. A failed seed gets a trace viewer file, written by running it
// again traced in full (its trace hash must come out the same). A single run (one seed of one
// scenario) runs in this thread; --trace writes its trace as JSON lines, --log prints its hosts'
// log lines with virtual time and host.

import { writeFileSync } from 'node:fs';
import { formatResult } from '../sim/scenario-report.js';
import { replayCommand } from '../sim/run-scenario.js';
import { commandPath, type Scenario } from '../sim/scenario.js';
import { formatLogLine } from '../sim/trace-log.js';
import { UsageError, type LoadedScenario } from './load-scenarios.js';
import { seedLabel } from './sim-args.js';
import { writeJsonFile } from './sim-output.js';
import { makePlan, type Plan, type SimCommandOptions as PlanOptions } from './sim-plan.js';
import { SimPool } from './sim-pool.js';
import { Progress } from './sim-progress.js';
import { sweepJson } from './sim-summary-json.js';
import { SweepSummary, type FailureEntry } from './sim-summary.js';
import type { SimTask, SimTaskReply } from './sim-task.js';
import { traceFileLines } from '../sim/trace-file.js';
import { viewerFileName, writeRunViewer } from './trace-viewer.js';

export interface SimCommandOptions extends PlanOptions {
  /** --log: print the run's host log lines (one run only). */
  log?: boolean;
}

/** Most viewer files one sweep writes (each is a run again, and a file of up to megabytes). */
export const VIEWERS_MAX = 20;

/** Runs the command; resolves to the exit code (0 all passed, 1 some failed). Throws UsageError on bad input. */
export async function simCommand(target: string, options: SimCommandOptions): Promise<number> {
  const p = await makePlan(target, options);
  const runs = p.seeds.count * p.scenarios.length;
  if (options.log && (runs !== 1 || p.shard)) throw new UsageError(`--log: prints the log lines of one run; give --seed N and one scenario file (this sweep has ${runs} runs)`);
  const names = p.scenarios.map((s) => `${commandPath(s.file)} (${s.scenario.name})`).join(', ');
  const mode = options.swarm ? ', swarm' : options.nemesis ? ', nemesis' : options.faults ? ', given faults' : '';
  const shard = p.shard ? ` shard ${p.shard.index}/${p.shard.count} (${seedLabel(p.seeds)})` : '';
  if (p.jobsNote !== undefined) process.stdout.write(`toto sim: ${p.jobsNote}\n`);
  process.stdout.write(`toto sim: ${names}, ${seedLabel(p.allSeeds)}${shard}${mode}, ${p.jobs} job${p.jobs === 1 ? '' : 's'}\n`);
  if (runs === 1 && !p.shard) return single(p, p.scenarios[0] as LoadedScenario, options);
  return sweep(p);
}

function taskOf(p: Plan, file: string, seed: number): Omit<SimTask, 'id'> {
  return { file, seed, ...(p.sweep.mode === 'swarm' ? { swarm: true } : {}), ...(p.sweep.mode === 'nemesis' ? { nemesis: true } : {}), ...(p.faults ? { faults: p.faults } : {}) };
}

// A single run goes to a worker thread too: only there can --run-timeout stop a synchronous infinite loop.
async function single(p: Plan, loaded: LoadedScenario, options: SimCommandOptions): Promise<number> {
  const task: SimTask = { id: 0, ...taskOf(p, loaded.file, p.seeds.first), traced: true };
  const pool = new SimPool(1, p.runTimeoutMs, p.runTimeoutLabel);
  let reply: SimTaskReply;
  try {
    reply = await pool.run(task);
  } finally {
    await pool.close();
  }
  if ('error' in reply) {
    const summary = new SweepSummary([{ file: commandPath(loaded.file), name: loaded.scenario.name }]);
    summary.addError({ name: loaded.scenario.name, file: commandPath(loaded.file), seed: task.seed, message: reply.error, replayCommand: replayCommand(loaded.scenario, task) });
    process.stdout.write(`${summary.format(0, { failures: true })}\n`);
    return 1;
  }
  const { result } = reply;
  const logs = reply.logs ?? [];
  if (options.log) process.stdout.write(logs.map((line) => `${formatLogLine(line)}\n`).join(''));
  if (options.trace !== undefined) {
    const lines = traceFileLines(result, logs);
    writeFileSync(options.trace, lines.map((line) => `${line}\n`).join(''));
    process.stdout.write(`trace: ${lines.length} lines written to ${options.trace}\n`);
  }
  process.stdout.write(`${formatResult(result)}\n`);
  const summary = new SweepSummary([{ file: commandPath(loaded.file), name: loaded.scenario.name }]);
  summary.add(result, commandPath(loaded.file));
  if (!result.ok && p.viewerDir !== undefined) {
    const viewer = viewerFileName(p.viewerDir, result.name, result.seed);
    writeRunViewer(result, logs, viewer);
    summary.setViewer(commandPath(loaded.file), result.seed, viewer);
    process.stdout.write(`viewer: ${viewer}\n`);
  }
  process.stdout.write(`${summary.format(result.wallMs, { failures: false })}\n`);
  writeJson(p, summary, result.wallMs);
  return result.ok ? 0 : 1;
}

/** The sweep's tasks, made as workers ask for them, so a sweep of millions of seeds holds only what runs. */
function* sweepTasks(p: Plan): Generator<SimTask> {
  let id = 0;
  for (let i = 0; i < p.seeds.count; i++) {
    for (const loaded of p.scenarios) yield { id: id++, ...taskOf(p, loaded.file, p.seeds.first + i) };
  }
}

/** Runs `tasks` on the pool, `jobs` at a time, handing each reply to `record`. */
async function runAll(pool: SimPool, jobs: number, tasks: Iterator<SimTask>, record: (task: SimTask, reply: SimTaskReply) => void): Promise<void> {
  const feed = async (): Promise<void> => {
    for (let next = tasks.next(); !next.done; next = tasks.next()) record(next.value, await pool.run(next.value));
  };
  await Promise.all(Array.from({ length: jobs }, feed));
}

// Every sweep runs in worker threads, even with one job: only a worker can be stopped when a
// run passes its wall-clock deadline.
async function sweep(p: Plan): Promise<number> {
  const startedMs = performance.now();
  const summary = new SweepSummary(p.sweep.scenarios);
  const total = p.seeds.count * p.scenarios.length;
  if (total === 0) process.stdout.write(`shard ${p.shard?.index}/${p.shard?.count} of ${seedLabel(p.allSeeds)} is empty: nothing to run\n`);
  const progress = total > 0 ? new Progress(total) : undefined;
  const record = (task: SimTask, reply: SimTaskReply): void => {
    if ('result' in reply) summary.add(reply.result, commandPath(task.file));
    else {
      const scenario = scenarioOfTask(task, p.scenarios);
      summary.addError({ name: scenario.name, file: commandPath(task.file), seed: task.seed, message: reply.error, replayCommand: replayCommand(scenario, task) });
    }
    progress?.tick(summary.failed);
  };
  let notes: string[] = [];
  if (total > 0) {
    const pool = new SimPool(p.jobs, p.runTimeoutMs, p.runTimeoutLabel);
    try {
      await runAll(pool, p.jobs, sweepTasks(p), record);
      progress?.stop();
      notes = await writeViewers(p, pool, summary);
    } finally {
      await pool.close();
    }
  }
  const wallMs = performance.now() - startedMs;
  process.stdout.write(`${summary.format(wallMs, { failuresShown: p.failuresShown })}\n`);
  for (const note of notes) process.stdout.write(`${note}\n`);
  writeJson(p, summary, wallMs);
  return summary.failed > 0 ? 1 : 0;
}

/**
 * Runs the first listed failures again, traced in full, each writing its viewer file. A rerun
 * whose trace hash differs from the sweep's is a nondeterministic scenario: said, not hidden.
 */
async function writeViewers(p: Plan, pool: SimPool, summary: SweepSummary): Promise<string[]> {
  if (p.viewerDir === undefined) return [];
  const dir = p.viewerDir;
  const chosen = summary.failures.filter((f) => f.traceHash !== undefined).slice(0, Math.min(VIEWERS_MAX, p.failuresShown));
  if (chosen.length === 0) return [];
  const notes: string[] = [];
  const byId = new Map<number, FailureEntry>();
  const tasks = chosen.map((f, id): SimTask => {
    byId.set(id, f);
    const loaded = p.scenarios.find((s) => commandPath(s.file) === f.file) as LoadedScenario;
    return { id, ...taskOf(p, loaded.file, f.seed), viewer: viewerFileName(dir, f.name, f.seed) };
  });
  await runAll(pool, p.jobs, tasks[Symbol.iterator](), (task, reply) => {
    const failure = byId.get(task.id) as FailureEntry;
    if ('error' in reply) return void notes.push(`viewer of ${failure.name} seed ${failure.seed} not written: ${reply.error}`);
    summary.setViewer(failure.file, failure.seed, task.viewer as string);
    if (reply.result.traceHash !== failure.traceHash) {
      notes.push(`warning: ${failure.name} seed ${failure.seed} ran again with trace ${reply.result.traceHash}, not ${failure.traceHash}: the scenario is not deterministic (its viewer shows the second run)`);
    }
  });
  const listed = Math.min(summary.failed, p.failuresShown);
  if (listed > chosen.length) notes.push(`viewer files written for the first ${chosen.length} failures; for another: toto sim <file> --seed N --trace out.jsonl, then toto trace view out.jsonl`);
  return notes;
}

function writeJson(p: Plan, summary: SweepSummary, wallMs: number): void {
  const file = p.json;
  if (file === undefined) return;
  const shard = p.shard ? { ...p.shard, seeds: p.seeds } : undefined;
  writeJsonFile('--json', file, sweepJson(p.sweep, shard, summary.totals(wallMs)));
  process.stdout.write(`summary written to ${file}\n`);
}

function scenarioOfTask(task: SimTask, scenarios: LoadedScenario[]): Scenario {
  return (scenarios.find((s) => s.file === task.file) as LoadedScenario).scenario;
}
