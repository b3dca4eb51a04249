// Tornado's command line, made friendlier: `--name=value` as Tornado reads it, plus `--name value`,
// bool flags (`--debug`, `--debug=false`, `--no-debug`), lists comma-separated or repeated, `--`
// ending the options, and positional arguments kept (Tornado stopped at the first one; we let
// options follow them, as `toto invoke <address> <method> --timeout=5` wants).

import { coerceItems, coerceOne, expectedOption, splitList } from './options-coerce.js';
import { OptionsError, optionsMessage } from './options-error.js';
import { optionKey, type OptionDefinition } from './options-spec.js';
import { nearestKey } from './options-suggest.js';

export const COMMAND_LINE = 'command line';

export interface ArgvParse {
  /** Option key -> value, for the options the arguments gave. */
  values: Map<string, unknown>;
  positionals: string[];
}

/** Looks up an option by any spelling (`a-b` or `a_b`). */
export type FindOption = (name: string) => OptionDefinition | undefined;

function fail(code: 'UNKNOWN_OPTION' | 'BAD_VALUE' | 'MISSING_VALUE', option: string, reason: string): OptionsError {
  return new OptionsError(code, optionsMessage(COMMAND_LINE, option, reason), { option, where: COMMAND_LINE });
}

function unknownOption(option: string, name: string, knownKeys: Iterable<string>): OptionsError {
  const near = nearestKey(optionKey(name), knownKeys);
  const hint = near === undefined ? '' : `; did you mean --${near.replace(/_/g, '-')}?`;
  return fail('UNKNOWN_OPTION', option, `unknown option${hint} (--help lists the options)`);
}

/** A negative number or `-` alone is an argument; any other single-dash word is a mistaken short option. */
function isShortOption(arg: string): boolean {
  return arg.startsWith('-') && !arg.startsWith('--') && arg.length > 1 && !/^-[\d.]/.test(arg);
}

/** `--no-debug` for a bool option `debug` (unless `no-debug` is itself defined). */
function negatedBool(name: string, find: FindOption): OptionDefinition | undefined {
  if (!/^no[-_]/.test(name)) return undefined;
  const def = find(name.slice(3));
  return def && def.type === 'bool' && !def.multiple ? def : undefined;
}

/** Parses `argv` (without the program's own path) against the defined options; the caller has handled --help. */
export function parseArgv(argv: readonly string[], find: FindOption, knownKeys: () => Iterable<string>): ArgvParse {
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = String(argv[i]);
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1).map(String));
      break;
    }
    if (isShortOption(arg)) throw fail('UNKNOWN_OPTION', arg, 'unknown option (options are long, like --name; -h or --help lists them)');
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    const option = `--${name}`;
    let text = equals === -1 ? undefined : arg.slice(equals + 1);
    if (name === '') throw fail('UNKNOWN_OPTION', arg, 'expected an option name after --');
    const negated = find(name) ? undefined : negatedBool(name, find);
    const def = find(name) ?? negated;
    if (def === undefined) throw unknownOption(option, name, knownKeys());
    if (negated) {
      if (text !== undefined) throw fail('BAD_VALUE', option, `takes no value (it sets ${negated.name} to false), got ${JSON.stringify(text)}`);
      text = 'false';
    }
    if (text === undefined && def.type === 'bool' && !def.multiple) text = 'true';
    if (text === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        const got = next === undefined ? 'the end of the arguments' : `the option ${next.split('=')[0]}`;
        throw fail('MISSING_VALUE', option, `expected a value (${expectedOption(def)}), got ${got}; write ${option}=VALUE`);
      }
      text = next;
      i++;
    }
    const coerced = def.multiple ? coerceItems(def, splitList(text), 'seconds') : coerceOne(def, text, 'seconds');
    if (!coerced.ok) throw fail('BAD_VALUE', option, coerced.problem);
    // A repeated list option adds to the list; a repeated single option keeps the last value.
    const before = values.get(def.key);
    values.set(def.key, def.multiple && Array.isArray(before) ? [...before, ...(coerced.value as unknown[])] : coerced.value);
  }
  return { values, positionals };
}
