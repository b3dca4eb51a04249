// Proves `toto sim` seed and count arguments parse exactly and reject bad input with a message naming the option and the value given, and that the N shards of a seed range cover it exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseSeeds, parseDurationMs, parseFailuresShown, parsePositiveInteger, parseSeed, parseSeedRange, parseShard, seedLabel, shardRange } from '../../../src/cli/sim-args.js';

describe('sim arguments', () => {
  it('parses --seed, --seeds and --runs', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeedRange('5..9')).toEqual({ first: 5, count: 5 });
    expect(parseSeedRange('7..7')).toEqual({ first: 7, count: 1 });
    expect(chooseSeeds({ runs: '3' }, () => 100)).toEqual({ first: 100, count: 3 });
    expect(chooseSeeds({}, () => 9)).toEqual({ first: 9, count: 1 });
    expect(chooseSeeds({ seeds: '1..200' }, () => 0)).toEqual({ first: 1, count: 200 });
    expect(seedLabel({ first: 1, count: 200 })).toBe('seeds 1..200');
    expect(seedLabel({ first: 7, count: 1 })).toBe('seed 7');
  });

  it.each(['5..2', '5', 'a..b', '1...3', '-1..3', '1.5..3', ''])('rejects --seeds %j', (text) => {
    expect(() => parseSeedRange(text)).toThrow(`--seeds: expected A..B with integers A <= B, got ${JSON.stringify(text)}`);
  });

  it('rejects bad --seed, --runs and --jobs', () => {
    expect(() => parseSeed('-3')).toThrow('--seed: expected an integer >= 0, got "-3"');
    expect(() => parseSeed('x')).toThrow('--seed: expected an integer >= 0, got "x"');
    expect(() => parsePositiveInteger('--runs', '0', 10)).toThrow('--runs: expected an integer in [1, 10], got "0"');
    expect(() => parsePositiveInteger('--runs', '2.5', 10)).toThrow('--runs: expected an integer in [1, 10], got "2.5"');
    expect(() => parsePositiveInteger('--jobs', '11', 10)).toThrow('--jobs: expected an integer in [1, 10], got "11"');
    expect(() => chooseSeeds({ seed: '1', runs: '2' }, () => 0)).toThrow('give one of --seed, --runs, --seeds, got --seed and --runs');
    expect(() => parseSeedRange('0..99999999')).toThrow(/at most 10000000 seeds/);
  });

  it('parses --run-timeout in Toto style: bare seconds or an explicit unit', () => {
    expect(parseDurationMs('--run-timeout', '60', 86_400_000)).toBe(60_000);
    expect(parseDurationMs('--run-timeout', '0.5', 86_400_000)).toBe(500);
    expect(parseDurationMs('--run-timeout', '250ms', 86_400_000)).toBe(250);
    expect(parseDurationMs('--run-timeout', '10s', 86_400_000)).toBe(10_000);
    expect(parseDurationMs('--run-timeout', '2m', 86_400_000)).toBe(120_000);
  });

  it.each(['0', '-1', 'ten', '5h', '', '1e3', '25h'])('rejects --run-timeout %j', (text) => {
    expect(() => parseDurationMs('--run-timeout', text, 86_400_000)).toThrow(
      `--run-timeout: expected a duration > 0 and at most 86400s, like 60 (seconds), 500ms, 10s or 2m, got ${JSON.stringify(text)}`,
    );
  });
});

describe('--shard K/N', () => {
  it('parses K/N', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(' 4 / 4 ')).toEqual({ index: 4, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/4', '5/4', '4', '1/0', '-1/4', '1.5/4', 'a/b', '', '1/100001', '2/4/8'])('rejects %j', (text) => {
    expect(() => parseShard(text)).toThrow(`--shard: expected K/N with 1 <= K <= N <= 100000 (run the K-th of N slices of the seeds), got ${JSON.stringify(text)}`);
  });

  it('N shards cover the range exactly once, in order, sizes within one of each other', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(5000), fc.integer({ min: 1, max: 100 }), (first, count, n) => {
        const slices = Array.from({ length: n }, (_, k) => shardRange({ first, count }, { index: k + 1, count: n }));
        let next = first;
        for (const slice of slices) {
          expect(slice.first).toBe(next);
          next += slice.count;
        }
        expect(next).toBe(first + count);
        const sizes = slices.map((s) => s.count);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });

  it('100,000 seeds in 16 shards', () => {
    expect(shardRange({ first: 0, count: 100_000 }, { index: 1, count: 16 })).toEqual({ first: 0, count: 6250 });
    expect(shardRange({ first: 0, count: 100_000 }, { index: 16, count: 16 })).toEqual({ first: 93_750, count: 6250 });
    expect(shardRange({ first: 1, count: 3 }, { index: 2, count: 8 })).toEqual({ first: 1, count: 0 });
    expect(seedLabel({ first: 2, count: 0 })).toBe('no seeds');
  });

  it('--failures N takes 0 and more', () => {
    expect(parseFailuresShown('0')).toBe(0);
    expect(parseFailuresShown('25')).toBe(25);
    expect(() => parseFailuresShown('-1')).toThrow('--failures: expected an integer >= 0 (failures listed), got "-1"');
    expect(() => parseFailuresShown('all')).toThrow('--failures: expected an integer >= 0 (failures listed), got "all"');
  });
});
