// Proves the sweep summary's figures: durations round without "60s" carries, and runs that produced no result (a dead worker) count in their scenario's line.
import { describe, expect, it } from 'vitest';
import { SweepSummary } from '../../../src/cli/sim-summary.js';
import type { ScenarioResult } from '../../../src/sim/run-scenario.js';
import { formatMs } from '../../../src/sim/scenario-report.js';

function result(name: string, seed: number, ok: boolean): ScenarioResult {
  return {
    name,
    seed,
    ok,
    ...(ok ? {} : { error: { message: 'boom', phase: 'safety' as const } }),
    faultPlan: [],
    virtualMs: 1000,
    wallMs: 1,
    steps: 10,
    traceHash: '0',
    traceLines: 0,
    sometimes: { hits: {}, never: [] },
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

describe('SweepSummary', () => {
  it('counts a run without a result in its scenario\'s line, so the lines add up to the total', () => {
    const summary = new SweepSummary();
    summary.add(result('a', 1, true));
    summary.add(result('a', 2, false));
    summary.add(result('b', 1, true));
    summary.addError({ name: 'b', file: 'b.ts', seed: 2, message: 'worker thread exited with code 3', replayCommand: 'npx toto sim b.ts --seed 2' });
    const text = summary.format(1000);
    expect(text).toContain('runs: 4, failures: 2\n');
    expect(text).toContain('  a: 2 runs, 1 failed\n  b: 2 runs, 1 failed\n');
    expect(text).toContain('  b.ts seed 2: worker thread exited with code 3\n    replay: npx toto sim b.ts --seed 2\n');
  });
});
