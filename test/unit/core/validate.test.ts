// Proves every argument check accepts good values and rejects bad ones with "<name>: expected X, got Y", and that describe() renders each kind of value readably.
import { describe as group, expect, it } from 'vitest';
import {
  assert,
  checkFinite,
  checkFunction,
  checkInteger,
  checkNonEmptyString,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkRange,
  checkString,
  describe,
  expected,
} from '../../../src/core/validate.js';

group('describe', () => {
  it('renders each kind of value', () => {
    class Widget {}
    expect(describe(null)).toBe('null');
    expect(describe(undefined)).toBe('undefined');
    expect(describe(Number.NaN)).toBe('NaN');
    expect(describe(-3.5)).toBe('-3.5');
    expect(describe(Infinity)).toBe('Infinity');
    expect(describe('hi')).toBe('"hi"');
    expect(describe('x'.repeat(50))).toBe(`"${'x'.repeat(40)}..."`);
    expect(describe(function named() {})).toBe('function named');
    expect(describe(() => {})).toBe('function (anonymous)');
    expect(describe([1, 2])).toBe('array of length 2');
    expect(describe({})).toBe('object Object');
    expect(describe(new Widget())).toBe('object Widget');
    expect(describe(Object.create(null))).toBe('object Object');
    expect(describe(true)).toBe('boolean true');
    expect(describe(5n)).toBe('bigint 5');
    expect(describe(Symbol('s'))).toBe('symbol Symbol(s)');
  });

  it('expected() builds the standard message', () => {
    expect(expected('timeoutMs', 'a finite number >= 0', -1)).toBe('timeoutMs: expected a finite number >= 0, got -1');
  });
});

group('checks', () => {
  it('checkFunction', () => {
    expect(() => checkFunction('task', () => 1)).not.toThrow();
    expect(() => checkFunction('task', 'run')).toThrow(new TypeError('task: expected a function, got "run"'));
  });

  it('checkString and checkNonEmptyString', () => {
    expect(() => checkString('name', '')).not.toThrow();
    expect(() => checkString('name', 1)).toThrow(new TypeError('name: expected a string, got 1'));
    expect(() => checkNonEmptyString('name', 'q')).not.toThrow();
    expect(() => checkNonEmptyString('name', '')).toThrow(new RangeError('name: expected a non-empty string, got ""'));
    expect(() => checkNonEmptyString('name', null)).toThrow(new TypeError('name: expected a string, got null'));
  });

  it('checkNonNegative', () => {
    expect(() => checkNonNegative('idleTimeoutMs', 0)).not.toThrow();
    expect(() => checkNonNegative('idleTimeoutMs', 1.5)).not.toThrow();
    expect(() => checkNonNegative('idleTimeoutMs', -1)).toThrow(new RangeError('idleTimeoutMs: expected a finite number >= 0, got -1'));
    expect(() => checkNonNegative('idleTimeoutMs', Infinity)).toThrow(
      new RangeError('idleTimeoutMs: expected a finite number >= 0, got Infinity'),
    );
    expect(() => checkNonNegative('idleTimeoutMs', Number.NaN)).toThrow(new RangeError('idleTimeoutMs: expected a number, got NaN'));
    expect(() => checkNonNegative('idleTimeoutMs', '5')).toThrow(new TypeError('idleTimeoutMs: expected a number, got "5"'));
  });

  it('checkFinite', () => {
    expect(() => checkFinite('whenMs', -5)).not.toThrow();
    expect(() => checkFinite('whenMs', -Infinity)).toThrow(new RangeError('whenMs: expected a finite number, got -Infinity'));
  });

  it('checkInteger', () => {
    expect(() => checkInteger('n', -7)).not.toThrow();
    expect(() => checkInteger('n', 3, 1, 3)).not.toThrow();
    expect(() => checkInteger('n', 2.5)).toThrow(new RangeError('n: expected an integer, got 2.5'));
    expect(() => checkInteger('concurrency', 0, 1)).toThrow(new RangeError('concurrency: expected an integer >= 1, got 0'));
    expect(() => checkInteger('level', 10, -1, 9)).toThrow(new RangeError('level: expected an integer in [-1, 9], got 10'));
    expect(() => checkInteger('n', undefined)).toThrow(new TypeError('n: expected a number, got undefined'));
  });

  it('checkRange', () => {
    expect(() => checkRange('jitter', 0.5, 0, 1)).not.toThrow();
    expect(() => checkRange('jitter', 1.01, 0, 1)).toThrow(new RangeError('jitter: expected a number in [0, 1], got 1.01'));
  });

  it('checkOneOf', () => {
    expect(() => checkOneOf('serialization', 'json', ['json', 'msgpack'])).not.toThrow();
    expect(() => checkOneOf('serialization', 'pickle', ['json', 'msgpack'])).toThrow(
      new RangeError('serialization: expected one of "json", "msgpack", got "pickle"'),
    );
    expect(() => checkOneOf('serialization', 1, ['json'])).toThrow(new RangeError('serialization: expected one of "json", got 1'));
  });

  it('checkOptions', () => {
    expect(() => checkOptions('TaskQueue options', undefined, ['a'])).not.toThrow();
    expect(() => checkOptions('TaskQueue options', { a: 1 }, ['a', 'b'])).not.toThrow();
    expect(() => checkOptions('TaskQueue options', null, ['a'])).toThrow(new TypeError('TaskQueue options: expected an options object, got null'));
    expect(() => checkOptions('TaskQueue options', [1], ['a'])).toThrow(
      new TypeError('TaskQueue options: expected an options object, got array of length 1'),
    );
    expect(() => checkOptions('TaskQueue options', 'x', ['a'])).toThrow(new TypeError('TaskQueue options: expected an options object, got "x"'));
    expect(() => checkOptions('TaskQueue options', { threadCount: 2 }, ['concurrency', 'name'])).toThrow(
      new RangeError('TaskQueue options: unknown option "threadCount" (known: concurrency, name)'),
    );
  });

  it('assert', () => {
    expect(() => assert(true, 'never')).not.toThrow();
    expect(() => assert(0, 'cursor within order')).toThrow(new Error('assertion failed: cursor within order'));
  });
});
