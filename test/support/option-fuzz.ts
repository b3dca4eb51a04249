// The harness of the option fuzz tests: a table of public constructors and functions, each with
// valid base options; the property puts one junk value into one option (or junk in place of the
// whole options object) and asserts the call either accepts it or throws a TypeError, RangeError
// or TotoError whose message names that option, never an internal error
// ("Cannot read properties of ...", "x is not a function").
import fc from 'fast-check';
import { expect } from 'vitest';
import { TotoError } from '../../src/core/errors.js';

export const fuzzSeed = Number(process.env.FC_SEED ?? 42);
/** 1,000 cases per property in CI; FC_NUM_RUNS=10000 for the long run. */
export const fuzzRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

/** One public entry point under test. */
export interface Subject {
  name: string;
  /** Valid options: the call succeeds with them. */
  base: () => Record<string, unknown>;
  /** Calls the constructor or function with `options` (may return a promise). */
  make: (options: unknown) => unknown;
  /** The option names to put junk into. Default: the names the "unknown option" error lists. */
  names?: readonly string[];
  /** Releases what `make` built (sockets, timers). */
  close?: (made: unknown) => unknown;
  /** Option names a message may name instead of the junk one, because the junk one changed what they must be (jitter > 0 needs random). */
  related?: Record<string, readonly string[]>;
}

const noop = (): void => {};

/** `items` with a hole at `index`. */
function holed(items: unknown[], index: number): unknown[] {
  const copy = [...items];
  delete copy[index];
  return copy;
}

/** Values a user gets wrong: the wrong type, edge numbers, strings that look like other types, partial ports, holes. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, Number.NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1.5, 2 ** 53, -(2 ** 31), 1e300, '', ' ', 'false', 'true', '0', '10', '10s',
    'toString', '__proto__', 'constructor', 'hasOwnProperty', true, false, [], [null], [1, 'a'], {}, { now: noop }, { callAt: noop },
    { int: noop, float: noop }, { error: noop }, noop, Symbol('junk'), 10n, new Date(0), Object.create(null), new Map(), new Uint8Array(2),
    holed(['x', 'a'], 0), { toString: () => 'x' }, Promise.resolve(1),
  ),
  fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withSparseArray: true, withMap: true, withSet: true, withBoxedValues: true }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 4 }),
);

/** Internal errors that must never reach a user. */
const INTERNAL = [/Cannot read properties/, /Cannot set properties/, /is not a function/, /is not iterable/, /is not a constructor/, /Cannot convert/, /undefined is not/, /null is not/, /Maximum call stack/];

/** Where the option names of a subject come from when not listed: its "unknown option" error. */
export function optionNames(subject: Subject): readonly string[] {
  if (subject.names) return subject.names;
  try {
    const made = subject.make({ ...subject.base(), zzUnknownOption: 1 });
    if (made instanceof Promise) made.catch(noop);
  } catch (error) {
    const match = /\(known: ([^)]*)\)/.exec((error as Error).message);
    if (match) return (match[1] as string).split(', ');
  }
  throw new Error(`${subject.name}: list its option names (no "unknown option" error lists them)`);
}

/** Asserts `error` is a user-facing argument error naming one of `names`. */
export function expectNamedError(subject: string, error: unknown, names: readonly string[], value: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const context = `${subject} with ${names[0]} = ${fc.stringify(value)}: ${String((error as Error)?.constructor?.name)}: ${message}`;
  expect(error instanceof TypeError || error instanceof RangeError || error instanceof TotoError, context).toBe(true);
  for (const pattern of INTERNAL) expect(pattern.test(message), context).toBe(false);
  // "socket options: ..." names socketOptions: compared without case, spaces, dots and dashes.
  const plain = (text: string): string => text.toLowerCase().replace(/[\s._-]/g, '');
  expect(names.some((name) => plain(message).includes(plain(name))), context).toBe(true);
}

/** Calls `make`; resolves to the error thrown or rejected, or undefined (after closing what it built). */
export async function outcome(subject: Subject, options: unknown): Promise<unknown> {
  let made: unknown;
  try {
    made = subject.make(options);
    if (made instanceof Promise) made = await made;
  } catch (error) {
    return error;
  }
  await subject.close?.(made);
  return undefined;
}

/**
 * The property over a table: a subject, one of its options (or the whole options object) and a
 * junk value. Returns how many cases threw and how many were accepted.
 */
export async function fuzzSubjects(subjects: readonly Subject[], seed = fuzzSeed, numRuns = fuzzRuns): Promise<{ refused: number; accepted: number }> {
  const table = subjects.map((subject) => ({ subject, names: optionNames(subject) }));
  const counts = { refused: 0, accepted: 0 };
  await fc.assert(
    fc.asyncProperty(fc.nat(table.length - 1), fc.nat(), junkValue, async (which, pick, value) => {
      const { subject, names } = table[which] as (typeof table)[number];
      // One case in eight puts the junk in place of the whole options object.
      const whole = pick % 8 === 0;
      const name = names[pick % names.length] as string;
      const options = whole ? value : { ...subject.base(), [name]: value };
      const error = await outcome(subject, options);
      if (error === undefined) {
        counts.accepted++;
        return;
      }
      counts.refused++;
      const named = whole ? ['options', ...names] : [name, ...(subject.related?.[name] ?? [])];
      expectNamedError(subject.name, error, named, value);
    }),
    { seed, numRuns },
  );
  return counts;
}

/** Every distinct failure over `numRuns` cases (for finding them all at once, not for CI). */
export async function fuzzFailures(subjects: readonly Subject[], seed = fuzzSeed, numRuns = fuzzRuns): Promise<string[]> {
  const table = subjects.map((subject) => ({ subject, names: optionNames(subject) }));
  const failures = new Map<string, string>();
  const samples = fc.sample(fc.tuple(fc.nat(table.length - 1), fc.nat(), junkValue), { seed, numRuns });
  for (const [which, pick, value] of samples) {
    const { subject, names } = table[which] as (typeof table)[number];
    const whole = pick % 8 === 0;
    const name = names[pick % names.length] as string;
    const error = await outcome(subject, whole ? value : { ...subject.base(), [name]: value });
    if (error === undefined) continue;
    try {
      expectNamedError(subject.name, error, whole ? ['options', ...names] : [name, ...(subject.related?.[name] ?? [])], value);
    } catch (failure) {
      const key = `${subject.name} ${whole ? '(whole)' : name}`;
      if (!failures.has(key)) failures.set(key, (failure as Error).message.split('\n')[0] as string);
    }
  }
  return [...failures.values()];
}
