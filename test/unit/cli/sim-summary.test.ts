// Proves the sweep summary's figures: durations round without "60s" carries, runs without a result count in their scenario's line, every failure is listed (or the first --failures N) with its trace hash and viewer, sometimes-coverage is per scenario file (one message text in two files is two assertions), times in messages print rounded, and shards absorbed into one summary equal the whole sweep's.
import { describe, expect, it } from 'vitest';
import { SweepSummary } from '../../../src/cli/sim-summary.js';
import { roundTimes } from '../../../src/cli/sim-text.js';
import type { ScenarioResult } from '../../../src/sim/run-scenario.js';
import { formatMs } from '../../../src/sim/scenario-report.js';

function result(name: string, seed: number, ok: boolean, hits: Record<string, number> = {}, message = 'boom'): ScenarioResult {
  return {
    name,
    seed,
    ok,
    ...(ok ? {} : { error: { message, phase: 'safety' as const } }),
    faultPlan: [],
    virtualMs: 1000.01,
    wallMs: 1,
    steps: 10,
    traceHash: `hash-${name}-${seed}`,
    traceLines: 0,
    sometimes: { hits, never: Object.keys(hits).filter((m) => hits[m] === 0) },
    replayCommand: `npx toto sim ${name}.ts --seed ${seed}`,
  };
}

describe('formatMs', () => {
  it.each([
    [0, '0ms'],
    [999.4, '999ms'],
    [999.6, '1.00s'],
    [1234, '1.23s'],
    [9999, '10.0s'],
    [59_999, '1m 0s'],
    [72_000, '1m 12s'],
    [119_600, '2m 0s'],
    [3_599_999, '60m 0s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('roundTimes', () => {
  it.each([
    ['acked at 592.6700000000001ms', 'acked at 592.67ms'],
    ['virtual time 1400.0000000002ms (seed 3)', 'virtual time 1400ms (seed 3)'],
    ['after 0.30000000000000004 s', 'after 0.3 s'],
    ['12.5ms and 7ms stay', '12.5ms and 7ms stay'],
    ['pi is 3.14159, not a time', 'pi is 3.14159, not a time'],
  ])('%j reads %j', (text, rounded) => {
    expect(roundTimes(text)).toBe(rounded);
  });
});

const scenarios = [
  { file: 'a.ts', name: 'a' },
  { file: 'b.ts', name: 'b' },
];

describe('SweepSummary', () => {
  it('counts a run without a result in its scenario\'s line, so the lines add up to the total', () => {
    const summary = new SweepSummary(scenarios);
    summary.add(result('a', 1, true), 'a.ts');
    summary.add(result('a', 2, false), 'a.ts');
    summary.add(result('b', 1, true), 'b.ts');
    summary.addError({ name: 'b', file: 'b.ts', seed: 2, message: 'worker thread exited with code 3', replayCommand: 'npx toto sim b.ts --seed 2' });
    const text = summary.format(1000);
    expect(text).toContain('runs: 4, failures: 2\n');
    expect(text).toContain('  a: 2 runs, 1 failed\n  b: 2 runs, 1 failed\n');
    expect(text).toContain('  b.ts seed 2: worker thread exited with code 3\n    replay: npx toto sim b.ts --seed 2');
  });

  it('lists every failure by seed with its trace hash, its viewer file and rounded times; --failures N lists the first N', () => {
    const summary = new SweepSummary(scenarios);
    for (let seed = 30; seed >= 1; seed--) summary.add(result('a', seed, false, {}, `late at ${seed}.000000000001ms`), 'a.ts');
    summary.setViewer('a.ts', 2, '.toto-traces/a-seed-2.html');
    const all = summary.format(1000);
    expect(all).toContain('failures (30):\n  a seed 1 (safety phase): late at 1ms\n    replay: npx toto sim a.ts --seed 1\n    trace hash-a-1\n  a seed 2 (safety phase): late at 2ms\n');
    expect(all).toContain('    trace hash-a-2, viewer: .toto-traces/a-seed-2.html\n');
    expect(all.match(/^ {4}replay: /gm)).toHaveLength(30);
    expect(all).not.toMatch(/\d\.\d{3,}ms/);
    const first = summary.format(1000, { failuresShown: 3 });
    expect(first).toContain('failures (first 3 of 30; --failures N lists more, --json all):\n');
    expect(first.match(/^ {4}replay: /gm)).toHaveLength(3);
    expect(summary.format(1000, { failuresShown: 0 })).toContain('failures: 30 (none listed: --failures 0)');
  });

  it('reports sometimes-coverage per scenario: a message hit in one file does not cover the same text in another', () => {
    const summary = new SweepSummary(scenarios);
    summary.add(result('a', 1, true, { 'a retry happened': 3 }), 'a.ts');
    summary.add(result('b', 1, true, { 'a retry happened': 0, 'b only': 1 }), 'b.ts');
    summary.add(result('b', 2, true, { 'a retry happened': 0, 'b only': 0 }), 'b.ts');
    const text = summary.format(1000);
    expect(text).toContain('sometimes: 2/3 hit (per scenario below)\n');
    expect(text).toContain('  a: 1 runs, 0 failed; sometimes: all 1 hit\n');
    expect(text).toContain('  b: 2 runs, 0 failed; sometimes: 1/2 hit; never hit: "a retry happened"');
  });

  it('one scenario keeps the one-line coverage; two files with one scenario name are told apart by file', () => {
    const one = new SweepSummary([{ file: 'a.ts', name: 'a' }]);
    one.add(result('a', 1, true, { x: 1, y: 0 }), 'a.ts');
    expect(one.format(1)).toContain('\nsometimes: 1/2 hit; never hit: "y"');
    const twins = new SweepSummary([{ file: 'x/a.ts', name: 'a' }, { file: 'y/a.ts', name: 'a' }]);
    twins.add(result('a', 1, true), 'x/a.ts');
    twins.add(result('a', 1, true), 'y/a.ts');
    expect(twins.format(1)).toContain('  a (x/a.ts): 1 runs, 0 failed\n  a (y/a.ts): 1 runs, 0 failed');
  });

  it('shards absorbed in any order give the totals of the whole sweep (virtual time summed exactly)', () => {
    const whole = new SweepSummary(scenarios);
    const shards = [new SweepSummary(scenarios), new SweepSummary(scenarios), new SweepSummary(scenarios)];
    for (let seed = 0; seed < 30; seed++) {
      for (const name of ['a', 'b']) {
        const r = result(name, seed, seed % 7 !== 0, { [`${name} hit`]: seed % 3 === 0 ? 1 : 0 });
        whole.add(r, `${name}.ts`);
        (shards[Math.floor(seed / 10)] as SweepSummary).add(r, `${name}.ts`);
      }
    }
    const merged = new SweepSummary(scenarios);
    for (const shard of [shards[2], shards[0], shards[1]]) merged.absorb((shard as SweepSummary).totals(5));
    expect(merged.totals(15)).toEqual(whole.totals(15));
    expect(merged.format(15)).toBe(whole.format(15));
  });
});
