// Argument checks shared by every public constructor and method. Messages always read
// "<name>: expected <what>, got <value>" so a user sees which option was wrong and how.

/** Renders a received value for an error message: type and a short preview. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') return `object ${value.constructor?.name ?? 'Object'}`;
  return `${typeof value} ${String(value)}`;
}

export function expected(name: string, what: string, got: unknown): string {
  return `${name}: expected ${what}, got ${describe(got)}`;
}

export function checkFunction(name: string, value: unknown): asserts value is (...args: any[]) => unknown {
  if (typeof value !== 'function') throw new TypeError(expected(name, 'a function', value));
}

export function checkString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(expected(name, 'a string', value));
}

export function checkNonEmptyString(name: string, value: unknown): asserts value is string {
  checkString(name, value);
  if (value.length === 0) throw new RangeError(expected(name, 'a non-empty string', value));
}

function checkNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(expected(name, 'a number', value));
  if (Number.isNaN(value)) throw new RangeError(expected(name, 'a number', value));
}

/** A finite number >= 0 (durations, deadlines). */
export function checkNonNegative(name: string, value: unknown): asserts value is number {
  checkNumber(name, value);
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(expected(name, 'a finite number >= 0', value));
}

/** A finite number (absolute times may be negative on a skewed clock). */
export function checkFinite(name: string, value: unknown): asserts value is number {
  checkNumber(name, value);
  if (!Number.isFinite(value)) throw new RangeError(expected(name, 'a finite number', value));
}

/** An integer within [min, max]. */
export function checkInteger(name: string, value: unknown, min = -Infinity, max = Infinity): asserts value is number {
  checkNumber(name, value);
  if (!Number.isInteger(value)) throw new RangeError(expected(name, 'an integer', value));
  if (value < min || value > max) {
    const range = max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new RangeError(expected(name, range, value));
  }
}

/** A number within [min, max] (probabilities, rates). */
export function checkRange(name: string, value: unknown, min: number, max: number): asserts value is number {
  checkNumber(name, value);
  if (value < min || value > max) throw new RangeError(expected(name, `a number in [${min}, ${max}]`, value));
}

export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(expected(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value));
  }
}

/** Options must be a plain object (or undefined); unknown keys are a typo the user wants to hear about. */
export function checkOptions(name: string, value: unknown, known: readonly string[]): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(expected(name, 'an options object', value));
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new RangeError(`${name}: unknown option ${JSON.stringify(key)} (known: ${known.join(', ')})`);
    }
  }
}

export function checkBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(expected(name, 'a boolean (true or false)', value));
}

/** An array with no holes: `[, x]` reads as undefined wherever it is used, far from the mistake. */
export function checkDenseArray(name: string, value: unknown, what = 'an array'): asserts value is unknown[] {
  if (!Array.isArray(value)) throw new TypeError(expected(name, what, value));
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw new TypeError(`${name}: expected ${what} without holes, got a sparse array (index ${i} is empty)`);
  }
}

/** An object with every one of `methods` as a function (a port: loop, random, logger). */
export function checkMethods(name: string, value: unknown, what: string, methods: readonly string[]): void {
  const holder = value as Record<string, unknown> | null;
  if (holder === null || (typeof holder !== 'object' && typeof holder !== 'function') || methods.some((m) => typeof holder[m] !== 'function')) {
    const missing = holder !== null && typeof holder === 'object' ? methods.filter((m) => typeof holder[m] !== 'function') : [];
    const detail = missing.length > 0 && missing.length < methods.length ? ` (no ${missing.map((m) => `${m}()`).join(', ')})` : '';
    throw new TypeError(`${expected(name, what, value)}${detail}`);
  }
}

export const LOOP_PORT_METHODS = ['now', 'callAt', 'callLater', 'addCallback', 'cancel'] as const;
export const RANDOM_PORT_METHODS = ['int', 'float', 'bool', 'pick', 'shuffle', 'fork'] as const;
export const LOGGER_METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child'] as const;

export function checkLoopPort(name: string, value: unknown): void {
  checkMethods(name, value, 'a LoopPort', LOOP_PORT_METHODS);
}

export function checkRandomPort(name: string, value: unknown): void {
  checkMethods(name, value, 'a RandomPort', RANDOM_PORT_METHODS);
}

export function checkLogger(name: string, value: unknown): void {
  checkMethods(name, value, 'a Logger', LOGGER_METHODS);
}

/** An always-on assertion for states that must be impossible. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
