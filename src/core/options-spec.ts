// What define() accepts and what it keeps. Tornado's option types (str, int, float, bool,
// timedelta) under TypeScript names; a duration holds milliseconds (DESIGN.md: durations in the
// API are ms) while files and the command line write Toto's seconds or a unit.

import { OptionsError } from './options-error.js';

export type OptionType = 'string' | 'int' | 'float' | 'bool' | 'duration';

export const OPTION_TYPES: readonly OptionType[] = ['string', 'int', 'float', 'bool', 'duration'];

/** The TypeScript type of one value of each option type. */
export interface OptionTypeValue {
  string: string;
  int: number;
  float: number;
  bool: boolean;
  /** Milliseconds. */
  duration: number;
}

export interface OptionSpec {
  type: OptionType;
  /** The value when no source gives one (a duration's default is in ms); without it, undefined. */
  default?: unknown;
  help?: string;
  /** A list: comma-separated or repeated on the command line, a [list] in a config file. */
  multiple?: boolean;
  /** --help lists options by group, in the order groups were first used. */
  group?: string;
  /** The placeholder --help shows: `--name=METAVAR`. */
  metavar?: string;
  /** For a string: the only values allowed. */
  choices?: readonly string[];
  /** For int, float and duration (ms): inclusive bounds. */
  min?: number;
  max?: number;
}

/** The value of an option defined with spec S: a list if multiple, undefined possible without a default. */
export type OptionValue<S extends OptionSpec> =
  | (S extends { multiple: true } ? OptionTypeValue[S['type']][] : OptionTypeValue[S['type']])
  | (S extends { default: unknown } ? never : undefined);

/** A name with every - as _: the one key of all its spellings. */
export type Underscored<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Underscored<B>}` : S;
type Dashed<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Dashed<B>}` : S;

/** A defined name of T as defined, or with all its - as _, or all its _ as -. */
export type OptionName<T> = { [K in keyof T & string]: K | Underscored<K> | Dashed<K> }[keyof T & string];

/** The value type of the option `N` names, in whichever spelling. */
export type OptionValueAt<T, N extends string> = { [K in keyof T & string]: Underscored<K> extends Underscored<N> ? T[K] : never }[keyof T & string];

/** A defined option, checked and with its name normalized. */
export interface OptionDefinition {
  /** The name as defined; the key in values(). */
  readonly name: string;
  /** dashes as underscores: the lookup key, so `worker-timeout` and `worker_timeout` are one option. */
  readonly key: string;
  readonly type: OptionType;
  readonly multiple: boolean;
  readonly default: unknown;
  readonly help: string;
  readonly group: string;
  readonly metavar: string | undefined;
  readonly choices: readonly string[] | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** Tornado treats `-` and `_` in option names alike: one key for both. */
export function optionKey(name: string): string {
  return name.replace(/-/g, '_');
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const SPEC_KEYS = ['type', 'default', 'help', 'multiple', 'group', 'metavar', 'choices', 'min', 'max'];

function badDefine(name: string, reason: string): OptionsError {
  return new OptionsError('BAD_DEFINE', `define(${JSON.stringify(name)}): ${reason}`, { option: name });
}

/** Checks a define() call's name and spec (but not its default, which needs the value checks). */
export function makeDefinition(name: unknown, spec: unknown): Omit<OptionDefinition, 'default'> {
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 100) {
    throw new OptionsError('BAD_DEFINE', `define: expected a name of letters, digits, - and _ starting with a letter, got ${JSON.stringify(name)}`);
  }
  if (spec === null || typeof spec !== 'object') throw badDefine(name, `expected a spec object { type, default, help, ... }, got ${String(spec)}`);
  const s = spec as Record<string, unknown>;
  const unknownKey = Object.keys(s).find((k) => !SPEC_KEYS.includes(k));
  if (unknownKey !== undefined) throw badDefine(name, `unknown spec field ${JSON.stringify(unknownKey)} (known: ${SPEC_KEYS.join(', ')})`);
  if (!OPTION_TYPES.includes(s.type as OptionType)) {
    throw badDefine(name, `type: expected one of ${OPTION_TYPES.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(s.type)}`);
  }
  const type = s.type as OptionType;
  for (const field of ['help', 'group', 'metavar'] as const) {
    if (s[field] !== undefined && typeof s[field] !== 'string') throw badDefine(name, `${field}: expected a string, got ${typeof s[field]}`);
  }
  if (s.multiple !== undefined && typeof s.multiple !== 'boolean') throw badDefine(name, `multiple: expected a boolean, got ${typeof s.multiple}`);
  const choices = s.choices;
  if (choices !== undefined) {
    if (type !== 'string') throw badDefine(name, `choices: only for type 'string', got type '${type}'`);
    if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => typeof c === 'string')) {
      throw badDefine(name, 'choices: expected a non-empty array of strings');
    }
  }
  for (const bound of ['min', 'max'] as const) {
    if (s[bound] === undefined) continue;
    if (type === 'string' || type === 'bool') throw badDefine(name, `${bound}: only for int, float and duration, got type '${type}'`);
    if (typeof s[bound] !== 'number' || Number.isNaN(s[bound])) throw badDefine(name, `${bound}: expected a number, got ${String(s[bound])}`);
  }
  if (typeof s.min === 'number' && typeof s.max === 'number' && s.min > s.max) throw badDefine(name, `min ${s.min} > max ${s.max}`);
  return {
    name,
    key: optionKey(name),
    type,
    multiple: s.multiple === true,
    help: (s.help as string | undefined) ?? '',
    group: (s.group as string | undefined) ?? '',
    metavar: s.metavar as string | undefined,
    choices: choices as readonly string[] | undefined,
    min: s.min as number | undefined,
    max: s.max as number | undefined,
  };
}
