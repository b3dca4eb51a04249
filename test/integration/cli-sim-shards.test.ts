// Proves sweeps beyond one machine on the real command line: N `--shard K/N` runs cover the --seeds range exactly once, `toto sim merge` of their --json files equals the unsharded sweep's summary (every replay command, coverage per scenario), and bad shard arguments and shard files are exit-2 errors that say what is wrong.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, runProcess, type ProcessResult } from '../support/run-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-shards-'));
const SEEDS = '1..30';
const SHARDS = 3;
const sim = (...args: string[]): Promise<ProcessResult> => runProcess(process.execPath, ['bin/toto.js', 'sim', ...args]);
const file = (name: string): string => path.join(tmp, name);
const readJson = (name: string): Record<string, unknown> => JSON.parse(readFileSync(file(name), 'utf8')) as Record<string, unknown>;

// Two scenarios in one folder: one fails on every seed (so its failures name every seed run), with a sometimes() message the other uses too.
beforeAll(() => {
  writeFileSync(file('package.json'), '{"type":"module"}\n');
  const simIndex = JSON.stringify(path.resolve('src/sim/index.js'));
  writeFileSync(file('every-seed.scenario.ts'), [
    `import { defineScenario } from ${simIndex};`,
    `export default defineScenario({ name: 'every-seed', hosts: { a: () => ({}) }, durationMs: 50, workload: async (ctx) => {`,
    `  await ctx.sleep(1 + (ctx.seed % 4));`,
    `  ctx.sim.sometimes(ctx.seed % 10 === 0, 'a round seed');`,
    // A raw float in a message: printed rounded.
    `  throw new Error('planted at ' + (ctx.seed + 0.1 + 0.2) + 'ms');`,
    `} });`,
  ].join('\n'));
  writeFileSync(file('never.scenario.ts'), [
    `import { defineScenario } from ${simIndex};`,
    `export default defineScenario({ name: 'never', hosts: { a: () => ({}) }, durationMs: 50, workload: async (ctx) => {`,
    `  await ctx.sleep(2);`,
    `  ctx.sim.sometimes(ctx.seed < 0, 'a round seed');`,
    `} });`,
  ].join('\n'));
});

afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

/** The parts of a summary that do not depend on the machine or on how it was cut. */
function comparable(json: Record<string, unknown>): Record<string, unknown> {
  const { wallMs: _w, shard: _s, mergedShards: _m, failures, ...rest } = json;
  return { ...rest, failures: (failures as Record<string, unknown>[]).map(({ viewer: _v, ...f }) => f) };
}

/** The summary lines a person compares: not the header, wall time, throughput or viewer paths. */
function summaryLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(runs|virtual time|sometimes|failures| {2}\S| {4}replay| {4}trace)/.test(l)).map((l) => l.replace(/, viewer: .*$/, ''));
}

describe('toto sim --shard and merge', () => {
  let whole: ProcessResult;
  let shards: ProcessResult[];
  let merged: ProcessResult;

  beforeAll(async () => {
    const dir = tmp;
    [whole, ...shards] = await Promise.all([
      sim(dir, '--seeds', SEEDS, '--jobs', '1', '--json', file('whole.json'), '--no-viewers'),
      ...Array.from({ length: SHARDS }, (_, k) => sim(dir, '--seeds', SEEDS, '--shard', `${k + 1}/${SHARDS}`, '--jobs', '1', '--json', file(`shard-${k + 1}.json`), '--viewer-dir', file(`viewers-${k + 1}`))),
    ]);
    merged = await sim('merge', file('shard-3.json'), file('shard-1.json'), file('shard-2.json'), '--json', file('merged.json'));
  }, 120_000);

  it('each shard runs its slice of the range, and the slices cover it exactly once', () => {
    for (const [k, r] of shards.entries()) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`, seeds 1\\.\\.30 shard ${k + 1}/3 \\(seeds ${1 + 10 * k}\\.\\.${10 * (k + 1)}\\), 1 job$`));
    }
    const failedSeeds = [1, 2, 3].flatMap((k) => (readJson(`shard-${k}.json`).failures as { name: string; seed: number }[]).filter((f) => f.name === 'every-seed').map((f) => f.seed));
    expect(failedSeeds.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect([1, 2, 3].map((k) => readJson(`shard-${k}.json`).runs)).toEqual([20, 20, 20]);
  });

  it('merge equals the unsharded sweep: the same JSON (but wall time) and the same printed summary', () => {
    expect(whole.code, whole.stderr).toBe(1);
    expect(merged.code, merged.stderr).toBe(1);
    expect(comparable(readJson('merged.json'))).toEqual(comparable(readJson('whole.json')));
    expect(readJson('merged.json').mergedShards).toBe(3);
    expect(summaryLines(merged.stdout)).toEqual(summaryLines(whole.stdout));
    expect(merged.stdout).toMatch(/^toto sim merge: 3 shards of .*every-seed\.scenario\.ts \(every-seed\), .*never\.scenario\.ts \(never\), seeds 1\.\.30$/m);
    // Every replay command is in it, the coverage is per scenario, and times are rounded.
    expect(merged.stdout.match(/^ {4}replay: npx toto sim \S+every-seed\.scenario\.ts --seed \d+$/gm)).toHaveLength(30);
    expect(merged.stdout).toContain('  every-seed: 30 runs, 30 failed; sometimes: all 1 hit\n');
    expect(merged.stdout).toContain('  never: 30 runs, 0 failed; sometimes: 0/1 hit; never hit: "a round seed"\n');
    expect(merged.stdout).toContain('planted at 1.3ms\n');
    expect(merged.stdout).not.toMatch(/\d\.\d{3,}ms/);
    // Each shard wrote viewer files for its own failures.
    expect(shards[1]?.stdout).toContain(`, viewer: ${file('viewers-2')}/every-seed-seed-11.html`);
  });

  describe.concurrent('bad shard files', () => {
    beforeAll(() => {
      const shard1 = readJson('shard-1.json');
      writeFileSync(file('other-range.json'), JSON.stringify({ ...shard1, sweep: { ...(shard1.sweep as object), seeds: { first: 1, count: 40 } }, shard: { ...(shard1.shard as object), index: 2 } }));
      writeFileSync(file('of-four.json'), JSON.stringify({ ...shard1, shard: { index: 2, count: 4, seeds: { first: 11, count: 10 } } }));
      writeFileSync(file('not-json.json'), '{"format": ');
      writeFileSync(file('not-summary.json'), '{"name": "package"}');
      writeFileSync(file('v2.json'), JSON.stringify({ ...shard1, version: 2 }));
    });

    it.each([
      [['shard-1.json', 'shard-2.json'], 'toto sim merge: missing shard 3/3: merge the --json file of every shard'],
      [['shard-1.json', 'shard-1.json', 'shard-2.json'], `toto sim merge: ${file('shard-1.json')}: shard 1/3 again (also ${file('shard-1.json')})`],
      [['shard-1.json', 'other-range.json', 'shard-3.json'], `toto sim merge: ${file('other-range.json')}: a shard of another sweep (`],
      [['shard-1.json', 'of-four.json'], `toto sim merge: ${file('of-four.json')}: shard 2/4, but ${file('shard-1.json')} is shard 1/3: give shards of one --shard K/N split`],
      [['whole.json', 'shard-1.json'], `toto sim merge: ${file('whole.json')}: a whole sweep, not a shard (written without --shard): nothing to merge it with`],
      [['merged.json'], `toto sim merge: ${file('merged.json')}: a whole sweep, not a shard`],
      [['not-json.json'], `toto sim merge: ${file('not-json.json')}: not JSON (`],
      [['not-summary.json'], `toto sim merge: ${file('not-summary.json')}: not a toto sim summary (expected "format": "toto-sim-summary", written by toto sim --json)`],
      [['v2.json'], `toto sim merge: ${file('v2.json')}: summary version 2, this toto reads version 1`],
      [['nope.json'], `toto sim merge: ${file('nope.json')}: cannot read it (ENOENT)`],
    ])('merge %j', async (names, message) => {
      const r = await sim('merge', ...names.map(file));
      expect(r.code).toBe(2);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
      expect(r.stdout).toBe('');
    });

    it.each([
      [['--seeds', '1..10', '--shard', '0/4'], 'toto sim: --shard: expected K/N with 1 <= K <= N <= 100000 (run the K-th of N slices of the seeds), got "0/4"'],
      [['--seeds', '1..10', '--shard', '5/4'], 'toto sim: --shard: expected K/N with 1 <= K <= N <= 100000 (run the K-th of N slices of the seeds), got "5/4"'],
      [['--runs', '10', '--shard', '1/2'], 'toto sim: --shard: give the whole range with --seeds A..B (every shard must cut the same range; --runs would draw a different one on each machine)'],
      [['--seeds', '1..10', '--json', path.join(tmp, 'no', 'dir', 'x.json')], `toto sim: --json: cannot write ${path.join(tmp, 'no', 'dir', 'x.json')}: no folder ${path.join(tmp, 'no', 'dir')}`],
      [['--seeds', '1..10', '--json', tmp], `toto sim: --json: cannot write ${tmp}: it exists and is not a regular file`],
      [['--seeds', '1..10', '--failures', 'some'], 'toto sim: --failures: expected an integer >= 0 (failures listed), got "some"'],
      [['--seed', '1', '--trace', path.join(tmp, 'no', 'dir', 't.jsonl')], `toto sim: --trace: cannot write ${path.join(tmp, 'no', 'dir', 't.jsonl')}: no folder ${path.join(tmp, 'no', 'dir')}`],
    ])('sim %j', async (args, message) => {
      const r = await sim(file('never.scenario.ts'), ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(message);
      expect(r.stdout).toBe('');
    });

    it('an empty shard (fewer seeds than shards) runs nothing and still writes its summary', async () => {
      const r = await sim(file('never.scenario.ts'), '--seeds', '1..2', '--shard', '1/4', '--json', file('empty-shard.json'));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('shard 1/4 of seeds 1..2 is empty: nothing to run\n');
      expect(readJson('empty-shard.json')).toMatchObject({ runs: 0, failed: 0, shard: { index: 1, count: 4, seeds: { first: 1, count: 0 } } });
    });
  });
});
