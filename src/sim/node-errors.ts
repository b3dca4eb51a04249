// Node's own argument errors (ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_THIS) with
// its messages, for the virtualized builtins: code that catches a bad call must see the same
// class, code and text in a simulation as on Node (internal/errors.js, Node 20).

import { inspect } from 'node:util';

function withCode<E extends Error>(error: E, code: string): E {
  Object.defineProperty(error, 'code', { configurable: true, enumerable: true, writable: true, value: code });
  return error;
}

/** Node's determineSpecificType: how a "Received ..." clause names the value. */
function received(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function' && value.name) return `function ${value.name}`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ? `an instance of ${name}` : inspect(value, { depth: -1 });
  }
  // A long string is cut before it is quoted; another long primitive after it is shown.
  let shown = inspect(typeof value === 'string' && value.length > 28 ? `${value.slice(0, 25)}...` : value, { colors: false });
  if (shown.length > 28 && typeof value !== 'string') shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/** ERR_INVALID_ARG_TYPE: `expected` is e.g. "of type number" or "an instance of Array". */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  const what = name.includes('.') ? 'property' : 'argument';
  return withCode(new TypeError(`The "${name}" ${what} must be ${expected}. Received ${received(value)}`), 'ERR_INVALID_ARG_TYPE');
}

function separated(n: number | bigint): string {
  const digits = String(n < 0 ? -n : n);
  let out = '';
  let i = digits.length;
  for (; i >= 4; i -= 3) out = `_${digits.slice(i - 3, i)}${out}`;
  return `${n < 0 ? '-' : ''}${digits.slice(0, i)}${out}`;
}

/** ERR_OUT_OF_RANGE: `range` completes "It must be ...". */
export function outOfRange(name: string, range: string, value: unknown): RangeError {
  let shown: string;
  if (typeof value === 'number') shown = Number.isInteger(value) && Math.abs(value) > 2 ** 32 ? separated(value) : String(value);
  else if (typeof value === 'bigint') shown = `${value > 2n ** 32n || value < -(2n ** 32n) ? separated(value) : String(value)}n`;
  else shown = inspect(value);
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`), 'ERR_OUT_OF_RANGE');
}

/** ERR_INVALID_THIS: a method called on something that is not its object. */
export function invalidThis(type: string): TypeError {
  return withCode(new TypeError(`Value of "this" must be of type ${type}`), 'ERR_INVALID_THIS');
}

/** Node's validateFunction. */
export function validateFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
}

/** Node's validateNumber, with an optional inclusive range. */
export function validateNumber(name: string, value: unknown, min?: number, max?: number): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if ((min !== undefined && value < min) || (max !== undefined && value > max) || ((min !== undefined || max !== undefined) && Number.isNaN(value))) {
    const range = min !== undefined && max !== undefined ? `>= ${min} && <= ${max}` : min !== undefined ? `>= ${min}` : `<= ${String(max)}`;
    throw outOfRange(name, range, value);
  }
}

/** Node's validateObject (null and arrays refused, functions too). */
export function validateObject(name: string, value: unknown): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArgType(name, 'of type object', value);
}
