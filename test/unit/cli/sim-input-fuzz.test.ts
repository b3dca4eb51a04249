// Proves, over seeded random argv of `toto sim` (FC_SEED, FC_NUM_RUNS; 1,000 cases by default), in-process through its commander parser and the plan it checks before running anything, that every command line is either a plan (with jobs no more than the machine holds) or a UsageError/CommanderError (one line, exit 2), never another error; and the --jobs cap and its line.
import { CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/load-scenarios.js';
import { makePlan, type Plan, type SimCommandOptions } from '../../../src/cli/sim-plan.js';
import { capJobs, WORKER_BYTES_ESTIMATE, type MachineLimits } from '../../../src/cli/sim-pool.js';
import { buildProgram } from '../../../src/cli/toto.js';

const PING_PONG = 'scenarios/ping-pong.scenario.ts';
const JOB_QUEUE_BUG = 'scenarios/job-queue-bug.scenario.ts';
const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const GiB = 1024 ** 3;
/** A small machine: 2 cores, 1 GiB free. */
const small: MachineLimits = { cores: 2, freeBytes: GiB };

/** Parses `toto sim <args>` as the real command does, but makes the plan instead of running it. */
async function plan(args: string[], limits: MachineLimits = small): Promise<Plan | undefined> {
  const program = buildProgram(() => undefined);
  // Silent, every command: a subcommand keeps the output settings it was made with.
  const silence = (command: typeof program): void => {
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    command.commands.forEach(silence);
  };
  silence(program);
  let made: Plan | undefined;
  const sim = program.commands.find((c) => c.name() === 'sim');
  sim?.commands.find((c) => c.name() === 'merge')?.action(() => undefined);
  sim?.action(async (target: string, options: SimCommandOptions) => {
    made = await makePlan(target, options, limits);
  });
  await program.parseAsync(['node', 'toto', 'sim', ...args]);
  return made;
}

describe('--jobs is capped to what the machine holds', () => {
  it.each([
    [256, { cores: 2, freeBytes: 64 * GiB }, 2, '--jobs 256 capped to 2 worker threads (2 cores)'],
    [256, { cores: 64, freeBytes: GiB }, 16, '--jobs 256 capped to 16 worker threads (1024 MiB free memory holds 16 at ~64 MiB each)'],
    [8, { cores: 8, freeBytes: 10 * 1024 * 1024 }, 1, '--jobs 8 capped to 1 worker thread (10 MiB free memory holds 0 at ~64 MiB each)'],
    [2, { cores: 4, freeBytes: GiB }, 2, undefined],
  ])('--jobs %d on %j: %d', (requested, limits, jobs, note) => {
    expect(capJobs(requested, limits)).toEqual(note === undefined ? { jobs } : { jobs, note });
  });

  it('the plan of `toto sim <file> --seeds 1..300 --jobs 256` on 2 cores has 2 jobs and says so', async () => {
    const p = await plan([PING_PONG, '--seeds', '1..300', '--jobs', '256']);
    expect([p?.jobs, p?.jobsNote]).toEqual([2, '--jobs 256 capped to 2 worker threads (2 cores)']);
  });

  it('no line when the runs, not the machine, limit the jobs', async () => {
    const p = await plan([PING_PONG, '--seeds', '1..2', '--jobs', '8'], { cores: 4, freeBytes: GiB });
    expect([p?.jobs, p?.jobsNote]).toEqual([2, undefined]);
  });

  it('a path that is a character device is a UsageError', async () => {
    await expect(plan(['/dev/zero'])).rejects.toThrow(new UsageError('/dev/zero: a character device, not a scenario file or a directory of them'));
  });
});

const targets = [PING_PONG, JOB_QUEUE_BUG, 'scenarios', '/dev/zero', '/dev/null', 'nope.ts', '', '-', 'src/sim/index.ts'];
const flags = ['--seed', '--runs', '--seeds', '--swarm', '--nemesis', '--faults', '--trace', '--jobs', '--run-timeout', '--shard', '--json', '--failures', '--viewer-dir', '--no-viewers', '--log', '--bogus', '-h'];
const values = [
  '0', '1', '-1', '2.5', '1e3', '9007199254740993', '256', '100000', '1..5', '5..1', '0..10000000', '1/2', '3/2', '0/0', '2/100001', '10ms', '0s', '25h', '1m', '60',
  '[]', '[{"kind":"crash","atMs":1,"host":"server"}]', '[{"kind":"crash"}]', '[,]', '{}', 'null', '/no/such/dir/out.json', '/dev/zero', 'x', '', ' ', '𝄞', '\u0000',
];
const token = fc.oneof(
  fc.constantFrom(...flags),
  fc.constantFrom(...values),
  fc.tuple(fc.constantFrom(...flags), fc.constantFrom(...values)).map(([f, v]) => `${f}=${v}`),
  fc.string({ maxLength: 10 }),
);
const argv = fc.tuple(fc.constantFrom(...targets), fc.array(token, { maxLength: 8 })).map(([target, rest]) => [target, ...rest]);

describe('toto sim argv, fuzzed', () => {
  it(`any argv: a plan or a UsageError/CommanderError (${numRuns} runs, seed ${seed})`, async () => {
    const seen = { planned: 0, usage: 0, commander: 0 };
    const maxJobs = Math.max(1, Math.min(small.cores, Math.floor(small.freeBytes / WORKER_BYTES_ESTIMATE)));
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        try {
          const p = await plan(args);
          // --help and friends parse to nothing.
          if (p === undefined) return void seen.commander++;
          seen.planned++;
          expect(p.jobs).toBeGreaterThanOrEqual(1);
          expect(p.jobs).toBeLessThanOrEqual(maxJobs);
        } catch (error) {
          if (error instanceof CommanderError) return void seen.commander++;
          expect(error, `toto sim ${JSON.stringify(args)}`).toBeInstanceOf(UsageError);
          const message = (error as Error).message;
          expect(message).not.toMatch(/Cannot read properties|is not a function|undefined is not/);
          seen.usage++;
        }
      }),
      { seed, numRuns },
    );
    // Every path is taken, or the fuzz proves little.
    expect(seen.planned).toBeGreaterThan(numRuns / 50);
    expect(seen.usage).toBeGreaterThan(numRuns / 10);
    expect(seen.commander).toBeGreaterThan(numRuns / 50);
  }, 300_000);
});
