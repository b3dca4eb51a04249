// Makes a scenario module runnable on its own: `npx tsx scenarios/x.ts [--seed N] [--trace
// out.jsonl] [--log] [--swarm]` runs one seed, prints the report and sets the exit code. --trace
// writes the same file as `toto sim --trace` (trace-file.ts); --log prints the hosts' log lines
// with virtual time and host, before the report. Imported by
// anything else (`toto sim`, a test, a worker thread) it only records the module as the
// scenario's file (for replay commands), so one file serves both.
// The one random seed drawn here comes from crypto: this is the command-line layer, and the
// seed is printed first, so the run is still a function of what the user sees.

import { randomInt } from 'node:crypto';
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import type { FaultPlan } from './fault-plan.js';
import { runScenario, type RunScenarioOptions } from './run-scenario.js';
import { formatResult } from './scenario-report.js';
import { isScenario, registerScenarioFile, type Scenario } from './scenario.js';
import { LOG_LINES_MAX, traceFileLines, tracedRunOptions } from './trace-file.js';
import { formatLogLine } from './trace-log.js';

/** Highest seed drawn when none is given (kept short to type). */
const RANDOM_SEED_MAX = 2 ** 31 - 1;

/** True when `moduleUrl` is the file node (or tsx) was started with. */
export function isMainModule(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (!isMainThread || argv1 === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(argv1);
  } catch {
    return false;
  }
}

/** Call at the bottom of a scenario module: `runMain(import.meta.url, scenario)`. */
export function runMain(moduleUrl: string, scenario: Scenario): void {
  if (isScenario(scenario)) registerScenarioFile(scenario, fileURLToPath(moduleUrl));
  if (!isMainModule(moduleUrl)) return;
  if (!isScenario(scenario)) {
    process.stderr.write(`runMain: expected a scenario from defineScenario({...}), got ${typeof scenario}\n`);
    process.exitCode = 2;
    return;
  }
  main(fileURLToPath(moduleUrl), scenario, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

const USAGE = 'usage: npx tsx <scenario.ts> [--seed N] [--trace out.jsonl] [--log] [--swarm | --nemesis] [--faults JSON]';

async function main(file: string, scenario: Scenario, args: string[]): Promise<number> {
  let values: { seed?: string; trace?: string; log?: boolean; swarm?: boolean; nemesis?: boolean; faults?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { seed: { type: 'string' }, trace: { type: 'string' }, log: { type: 'boolean' }, swarm: { type: 'boolean' }, nemesis: { type: 'boolean' }, faults: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options: RunScenarioOptions = { seed: 0, file };
  try {
    options.seed = values.seed === undefined ? randomInt(0, RANDOM_SEED_MAX) : parseSeedArg(values.seed);
    if (values.faults !== undefined) options.faults = parseFaultsArg(values.faults);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.swarm) options.swarm = true;
  if (values.nemesis) options.nemesis = true;
  const logs: string[] = [];
  // As `toto sim --trace`: every line, payload previews, timers and the hosts' logs.
  if (values.trace !== undefined) Object.assign(options, tracedRunOptions(logs));
  else if (values.log) options.logSink = (line) => void (logs.length < LOG_LINES_MAX && logs.push(line));
  if (values.seed === undefined) process.stdout.write(`${scenario.name}: random seed ${options.seed} (replay with --seed ${options.seed})\n`);
  const result = await runScenario(scenario, options);
  if (values.log) process.stdout.write(logs.map((line) => `${formatLogLine(line)}\n`).join(''));
  if (values.trace !== undefined) {
    const lines = traceFileLines(result, logs);
    writeFileSync(values.trace, lines.map((line) => `${line}\n`).join(''));
    process.stdout.write(`trace: ${lines.length} lines written to ${values.trace}\n`);
  }
  process.stdout.write(`${formatResult(result)}\n`);
  return result.ok ? 0 : 1;
}

/** `--seed N`: a non-negative safe integer. */
export function parseSeedArg(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new RangeError(`--seed: expected an integer >= 0, got ${JSON.stringify(text)}`);
  return value;
}

/** `--faults JSON`: a fault plan as JSON (what a failure report's replay command carries). */
export function parseFaultsArg(text: string): FaultPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`--faults: expected a fault plan as JSON, got ${JSON.stringify(text.slice(0, 60))} (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(plan)) throw new TypeError(`--faults: expected a JSON array of faults, got ${JSON.stringify(text.slice(0, 60))}`);
  return plan as FaultPlan;
}
