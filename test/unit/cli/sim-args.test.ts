// Proves `toto sim` seed and count arguments parse exactly and reject bad input with a message naming the option and the value given.
import { describe, expect, it } from 'vitest';
import { chooseSeeds, parsePositiveInteger, parseSeed, parseSeedRange, seedLabel } from '../../../src/cli/sim-args.js';

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
});
