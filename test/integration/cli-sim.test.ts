// Proves the real `toto sim` command line and `npx tsx <scenario>`: a passing sweep, a failing sweep with its replay commands, a directory (only *.scenario.ts files in it), --trace, and each bad input's message and exit code.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, runProcess, type ProcessResult } from '../support/run-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-cli-sim-'));

const run = runProcess;

const viewers = path.join(tmp, 'viewers');
// Viewer files of failed seeds go to the temporary folder, not into the checkout.
const toto = (...args: string[]): Promise<ProcessResult> => run(process.execPath, ['bin/toto.js', 'sim', ...args, '--viewer-dir', viewers]);

afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

describe('toto sim', () => {
  it('sweeps a correct scenario: summary, no failures, exit 0', async () => {
    const r = await toto('scenarios/ping-pong.scenario.ts', '--seeds', '1..12', '--jobs', '2');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('toto sim: scenarios/ping-pong.scenario.ts (ping-pong), seeds 1..12, 2 jobs');
    expect(lines[1]).toBe('runs: 12, failures: 0');
    expect(lines[2]).toBe('virtual time: 1m 12s simulated');
    expect(lines[3]).toMatch(/^wall time: \d/);
    expect(lines[4]).toMatch(/^events: [\d,]+ simulated \([\d,]+ events\/s\)$/);
    // A partition stalls the connection, so a retried ping's original arrives too: some pongs come late.
    expect(lines[5]).toBe('sometimes: all 2 hit');
    // Not a terminal: plain progress lines on stderr.
    expect(r.stderr).toContain('progress: 12/12 runs, 0 failed');
  });

  it('sweeps a planted bug: failures with the one command that replays each, exit 1', async () => {
    const r = await toto('scenarios/job-queue-bug.scenario.ts', '--seeds', '1..12');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^runs: 12, failures: (\d+)$/m);
    const failed = Number(/failures: (\d+)/.exec(r.stdout)?.[1]);
    expect(failed).toBeGreaterThan(0);
    // Every failure is listed, with its trace hash and its viewer file (up to 20 of them).
    expect(r.stdout).toContain(`failures (${failed}):\n`);
    const seeds = [...r.stdout.matchAll(/^ {2}job-queue-bug seed (\d+) \(invariants phase\): \d+ acked job\(s\) never processed \(lost in a crash\)/gm)].map((m) => Number(m[1]));
    expect(seeds).toHaveLength(failed);
    for (const seed of seeds) {
      const viewer = path.join(viewers, `job-queue-bug-seed-${seed}.html`);
      expect(r.stdout).toMatch(new RegExp(`^ {4}replay: npx tsx scenarios/job-queue-bug\\.scenario\\.ts --seed ${seed}\n {4}trace [0-9a-f]{14}, viewer: ${viewer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      expect(readFileSync(viewer, 'utf8')).toMatch(/^<!doctype html>/);
    }
    // The replay command does replay it: the same failure with the same trace hash.
    const hash = new RegExp(`seed ${seeds[0]} \\(invariants phase\\).*\\n.*\\n {4}trace ([0-9a-f]{14})`).exec(r.stdout)?.[1];
    const replay = await run('npx', ['tsx', 'scenarios/job-queue-bug.scenario.ts', '--seed', String(seeds[0])]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(new RegExp(`^job-queue-bug seed ${seeds[0]}: FAILED \\(invariants phase\\).*, trace ${hash}$`, 'm'));
  });

  it('--swarm prints the swarm options of a failure and a toto replay command', async () => {
    const r = await toto('scenarios/ping-pong-bug.scenario.ts', '--seeds', '1..10', '--swarm');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {4}swarm: kinds=/m);
    expect(r.stdout).toMatch(/^ {4}replay: npx toto sim scenarios\/ping-pong-bug\.scenario\.ts --seed \d+ --swarm$/m);
  });

  it('a module without runMain, and a worker that dies under --swarm: each replay command names the flags and replays', async () => {
    writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
    const file = path.join(tmp, 'no-run-main.ts');
    const sim = JSON.stringify(path.resolve('src/sim/index.js'));
    writeFileSync(file, [
      `import { isMainThread } from 'node:worker_threads';`,
      `import { defineScenario } from ${sim};`,
      `export default defineScenario({ name: 'no-run-main', hosts: { a: () => ({}), b: () => ({}) }, durationMs: 100, workload: async (ctx) => {`,
      `  await ctx.sleep(5);`,
      `  if (ctx.seed === 2 && !isMainThread) process.exit(3);`,
      `  if (ctx.seed === 3) throw new Error('planted');`,
      `} });`,
    ].join('\n'));
    const r = await toto(file, '--seeds', '1..3', '--swarm', '--jobs', '2');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  ${file} seed 2: worker thread exited with code 3\n    replay: npx toto sim ${file} --seed 2 --swarm\n`);
    expect(r.stdout).toContain(`    replay: npx toto sim ${file} --seed 3 --swarm\n`);
    // Without --swarm, the replay command is toto sim too (npx tsx would run nothing), and it replays.
    const replay = await toto(file, '--seed', '3');
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`error: workload failed at virtual time 5ms (seed 3): planted\nreplay: npx toto sim ${file} --seed 3\n`);
  });

  it('stops a run stuck in a synchronous infinite loop at --run-timeout, and the sweep goes on', async () => {
    writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
    const file = path.join(tmp, 'spin.ts');
    const sim = JSON.stringify(path.resolve('src/sim/index.js'));
    writeFileSync(file, [
      `import { defineScenario } from ${sim};`,
      `export default defineScenario({ name: 'spin', hosts: { a: () => ({}) }, durationMs: 100, workload: async (ctx) => {`,
      `  await ctx.sleep(10);`,
      `  if (ctx.seed === 2) for (;;) {}`,
      `} });`,
    ].join('\n'));
    const startedMs = performance.now();
    const r = await toto(file, '--seeds', '1..3', '--jobs', '1', '--run-timeout', '3s');
    expect(performance.now() - startedMs).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('runs: 3, failures: 1\n');
    expect(r.stdout).toContain(
      `  ${file} seed 2: run exceeded --run-timeout=3s of wall time (a synchronous infinite loop never yields to the step budget); its worker thread was terminated\n    replay: npx toto sim ${file} --seed 2\n`,
    );
    const bad = await toto(file, '--seeds', '1..3', '--run-timeout', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--run-timeout: expected a duration > 0');
  });

  it('loads a scenario file from a package that is not "type": "module" (compiled as CommonJS), in this thread and in workers', async () => {
    const dir = path.join(tmp, 'cjs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{}\n');
    const file = path.join(dir, 'cjs-scenario.ts');
    const sim = JSON.stringify(path.resolve('src/sim/index.js'));
    writeFileSync(file, [
      `import { defineScenario } from ${sim};`,
      `export default defineScenario({ name: 'cjs', hosts: { a: () => ({}) }, durationMs: 100, workload: async (ctx) => {`,
      `  await ctx.sleep(5);`,
      `  if (ctx.seed === 3) throw new Error('planted');`,
      `} });`,
    ].join('\n'));
    const single = await toto(file, '--seed', '3');
    expect(single.stderr).toBe('');
    expect(single.code).toBe(1);
    expect(single.stdout).toContain('error: workload failed at virtual time 5ms (seed 3): planted');
    const sweep = await toto(file, '--seeds', '2..3', '--jobs', '2');
    expect(sweep.code).toBe(1);
    expect(sweep.stdout).toContain('runs: 2, failures: 1\n');
    expect(sweep.stdout).toContain('  cjs seed 3 (safety phase): workload failed at virtual time 5ms (seed 3): planted\n');
  });

  it('in a directory runs only *.scenario.ts files, never imports helper modules; a file given by path loads whatever its name', async () => {
    const dir = path.join(tmp, 'naming');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    const sim = JSON.stringify(path.resolve('src/sim/index.js'));
    const marker = path.join(dir, 'helper-was-imported');
    const scenario = (name: string) => `import { defineScenario } from ${sim};\nexport default defineScenario({ name: '${name}', hosts: { a: () => ({}) }, durationMs: 10, workload: () => {} });\n`;
    writeFileSync(path.join(dir, 'one.scenario.ts'), scenario('one'));
    writeFileSync(path.join(dir, 'two.scenario.mts'), scenario('two'));
    // A helper beside them that would write a file (or run a whole job) when imported.
    writeFileSync(path.join(dir, 'helper.ts'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\n${scenario('helper')}`);
    const r = await toto(dir, '--seed', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`toto sim: ${dir}/one.scenario.ts (one), ${dir}/two.scenario.mts (two), seed 1`);
    expect(existsSync(marker)).toBe(false);
    // Given by path, any name is a scenario file.
    const explicit = await toto(path.join(dir, 'helper.ts'), '--seed', '1');
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(explicit.stdout).toContain('(helper), seed 1');
    expect(existsSync(marker)).toBe(true);
  });

  it('a directory without *.scenario.ts files, and a *.scenario.ts file that exports none, are errors', async () => {
    const dir = path.join(tmp, 'no-scenarios');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(path.join(dir, 'helper.ts'), 'export const x = 1;\n');
    const none = await toto(dir);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe(
      `toto sim: ${dir}: no scenario files in it (a scenario file is named <name>.scenario.ts and ends in: export default defineScenario({...}); give another file by its path)`,
    );
    writeFileSync(path.join(dir, 'empty.scenario.ts'), 'export const y = 2;\n');
    const empty = await toto(dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trim()).toBe(`toto sim: ${path.join(dir, 'empty.scenario.ts')} exports no scenario: export default defineScenario({...})`);
  });

  it('runs every scenario of a directory', async () => {
    const r = await toto('scenarios', '--seeds', '1..2');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^toto sim: .*scenarios\/job-queue-bug\.scenario\.ts \(job-queue-bug\), scenarios\/job-queue\.scenario\.ts \(job-queue\), scenarios\/ping-pong-bug\.scenario\.ts \(ping-pong-bug\), scenarios\/ping-pong\.scenario\.ts \(ping-pong\), .*seeds 1\.\.2, \d jobs?$/m);
    // Coverage per scenario: ping-pong's two sometimes() are its own, not merged with ping-pong-bug's of the same text.
    expect(r.stdout).toMatch(/^sometimes: \d+\/\d+ hit \(per scenario below\)$/m);
    expect(r.stdout).toMatch(/^ {2}ping-pong: 2 runs, 0 failed; sometimes: /m);
    expect(r.stdout).toMatch(/^ {2}ping-pong-bug: 2 runs, \d failed; sometimes: /m);
    expect(r.stdout).toContain('  job-queue: 2 runs, 0 failed');
  });

  it('--faults replays a shrunk plan from a simProperty report', async () => {
    const plan = '[{"kind":"partition","atMs":0,"durationMs":2,"sideA":["server"],"sideB":["client"]}]';
    const r = await toto('scenarios/ping-pong-bug.scenario.ts', '--seed', '0', '--faults', plan);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error: 13 of 40 pings never answered; first: ping-0 failed at 400ms');
    expect(r.stdout).toContain(`replay: npx toto sim scenarios/ping-pong-bug.scenario.ts --seed 0 --faults '${plan}'`);
  });

  it('--trace writes one run\'s trace as JSON lines', async () => {
    const out = path.join(tmp, 'trace.jsonl');
    const r = await toto('scenarios/ping-pong.scenario.ts', '--seed', '5', '--trace', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(r.stdout).toContain(`trace: ${lines.length} lines written to ${out}`);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ tMs: 0, kind: 'start' });
    expect(r.stdout).toMatch(/^ping-pong seed 5: ok: 6\.00s virtual/m);
  });

  describe.concurrent('bad input', () => {
    it.each([
      [['scenarios/nope.ts'], 'toto sim: scenarios/nope.ts: no such file or directory (expected a scenario file or a directory of them)'],
      [['scenarios/ping-pong.scenario.ts', '--seeds', '5..2'], 'toto sim: --seeds: expected A..B with integers A <= B, got "5..2"'],
      [['scenarios/ping-pong.scenario.ts', '--runs', '0'], 'toto sim: --runs: expected an integer in [1, 10000000], got "0"'],
      [['scenarios/ping-pong.scenario.ts', '--runs', '2.5'], 'toto sim: --runs: expected an integer in [1, 10000000], got "2.5"'],
      [['scenarios/ping-pong.scenario.ts', '--bogus'], "error: unknown option '--bogus'"],
      [['scenarios/ping-pong.scenario.ts', '--seed', '1', '--trace', 'x.jsonl', '--runs', '2'], 'toto sim: give one of --seed, --runs, --seeds, got --seed and --runs'],
      [['scenarios/ping-pong.scenario.ts', '--faults', '[{"kind":"crash","atMs":1,"host":"zz"}]'], 'toto sim: --faults: not a plan for scenarios/ping-pong.scenario.ts: faults[0].host: expected one of "server", "client", got "zz"'],
    ])('%j', async (args, message) => {
      const r = await toto(...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(message);
      expect(r.stdout).toBe('');
    });

    it('a file that exports no scenario', async () => {
      writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
      const file = path.join(tmp, 'empty.ts');
      writeFileSync(file, 'export const notAScenario = 1;\n');
      const r = await toto(file);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`toto sim: ${file} exports no scenario: export default defineScenario({...})`);
    });
  });
});

describe.concurrent('npx tsx <scenario>', () => {
  it('runs one seed of ping-pong and exits 0', async () => {
    const r = await run('npx', ['tsx', 'scenarios/ping-pong.scenario.ts', '--seed', '7']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ping-pong seed 7: ok: 6\.00s virtual in \S+ wall, [\d,]+ events \([\d,]+ events\/s\), trace [0-9a-f]{14}\nfaults \(1\):\nconst faults: FaultPlan = \[\n {2}\{ kind: 'partition', atMs: 530, durationMs: 447, sideA: \['client'\], sideB: \['server'\] \},\n\];\n/);
  });

  it('rejects a bad seed', async () => {
    const r = await run('npx', ['tsx', 'scenarios/ping-pong.scenario.ts', '--seed', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed: expected an integer >= 0, got "x"');
  });
});
