// The `toto` command line. `toto sim` is the simulation front end; later issues add worker,
// router, invoke and events. Bad input exits 2 with a message naming what was wrong; a sweep
// with a failing seed exits 1.

import { Command, CommanderError } from 'commander';
import { registerServiceCommands } from './cli-service-commands.js';
import { UsageError } from './load-scenarios.js';
import { simCommand, type SimCommandOptions } from './sim-command.js';
import { mergeCommand, type MergeOptions } from './sim-merge.js';
import { VIEWER_DIR_DEFAULT } from './sim-plan.js';
import { traceViewCommand, type TraceViewOptions } from './trace-command.js';

export function buildProgram(onExit: (code: number) => void): Command {
  // Positional options all the way down: `toto sim merge ... --json x` gives --json to merge, not to sim.
  const program = new Command('toto').description('Toto-TS: distributed Node services and their deterministic simulation').exitOverride().enablePositionalOptions();
  const sim = program
    .command('sim')
    .description('run scenario files under the deterministic simulation over many seeds')
    .enablePositionalOptions()
    .argument('<path>', 'a scenario file, or a directory of them (every *.ts exporting a scenario)')
    .option('--seed <n>', 'run this one seed')
    .option('--runs <n>', 'run N consecutive seeds from a random first one')
    .option('--seeds <A..B>', 'run seeds A to B inclusive')
    .option('--swarm', 'draw a swarm fault plan per seed (random realistic fault kinds and intensities; drop/duplicate only on declared lossy links)')
    .option('--nemesis', 'draw a random fault plan per seed (every realistic kind the scenario allows; drop/duplicate only on declared lossy links)')
    .option('--faults <json>', "run this fault plan (JSON) instead of the scenario's")
    .option('--trace <out.jsonl>', "write one run's full trace as JSON lines")
    .option('--log', "print one run's host log lines with virtual time and host")
    .option('--jobs <n>', 'worker threads (default: min(cores, runs))')
    .option('--run-timeout <duration>', 'wall-clock deadline of one run of a sweep: seconds, or 500ms, 10s, 2m (default 60s)')
    .option('--shard <K/N>', 'run the K-th of N disjoint slices of the --seeds range (one machine of a sweep; see toto sim merge)')
    .option('--json <out.json>', 'write the summary as JSON (for toto sim merge, or a CI step)')
    .option('--failures <n>', 'list at most N failures (default: every one)')
    .option('--viewer-dir <dir>', `where failed seeds' trace viewer files go (default ${VIEWER_DIR_DEFAULT})`)
    .option('--no-viewers', 'write no trace viewer files for failed seeds')
    .action(async (target: string, options: SimCommandOptions) => onExit(await simCommand(target, options)));
  sim
    .command('merge')
    .description('combine the --json summaries of every shard of a sweep into one summary, with every replay command')
    .argument('<shard.json...>', 'the --json file of each shard')
    .option('--json <out.json>', 'write the merged summary as JSON')
    .option('--failures <n>', 'list at most N failures (default: every one)')
    .action((files: string[], options: MergeOptions) => onExit(mergeCommand(files, options)));
  const trace = program.command('trace').description('look at the trace of a simulated run');
  trace
    .command('view')
    .description('write a trace as one self-contained HTML page: a space-time diagram of hosts, messages, faults and logs')
    .argument('<trace.jsonl>', 'a trace written by toto sim --trace (or npx tsx <scenario> --trace)')
    .option('--out <file.html>', 'where to write the page (default: the trace file with .html)')
    .option('--open', 'open the page in the browser ($BROWSER, else xdg-open/open/start)')
    .action(async (file: string, options: TraceViewOptions) => onExit(await traceViewCommand(file, options)));
  registerServiceCommands(program, onExit);
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      process.stderr.write(`toto ${error.command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return code;
}
