// Proves duration text: a bare number is Toto's seconds, units ms/s/sec/m/min/h/d (any case) and sums like 1h30m give milliseconds; anything else (negative, unknown unit, a bare number among units, overflow) is refused; formatDuration gives text that parses back to the same ms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_MS_MAX, formatDuration, parseDurationMs } from '../../../src/core/options-duration.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

describe('parseDurationMs', () => {
  it.each([
    ['10', 10_000],
    ['0.5', 500],
    ['.25', 250],
    ['0', 0],
    ['250ms', 250],
    ['1.5s', 1500],
    ['2 sec', 2000],
    ['2m', 120_000],
    ['3min', 180_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    [' 1m 30s ', 90_000],
    ['1H', 3_600_000],
    ['1e3ms', 1000],
    ['0.001ms', 0.001],
  ])('%j -> %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', ' ', '-1', '-1s', '1 parsec', 'ms', '1h 30', '30 1h', '1..5s', '1,5s', 's1', '1e', `${'9'.repeat(400)}s`, '1e400ms', 'NaN', 'Infinity'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it('refuses more than DURATION_MS_MAX ms', () => {
    expect(parseDurationMs(`${DURATION_MS_MAX}ms`)).toBe(DURATION_MS_MAX);
    expect(parseDurationMs(`${DURATION_MS_MAX + 2}ms`)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1500ms'],
    [60_000, '1m'],
    [5_400_000, '90m'],
    [7_200_000, '2h'],
    [172_800_000, '2d'],
    [0.5, '0.5ms'],
  ])('%d ms -> %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('parses back to the same milliseconds', () => {
    const ms = fc.oneof(fc.nat({ max: 10 ** 12 }), fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0.1, 1e-7, DURATION_MS_MAX));
    fc.assert(
      fc.property(ms, (value) => {
        expect(parseDurationMs(formatDuration(value))).toBe(value === 0 ? 0 : value);
      }),
      { seed, numRuns },
    );
  });
});
