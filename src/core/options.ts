// Toto's options (tornado.options): a registry of typed options, each defined once, whose value
// comes from three sources each overriding the one before, as in Toto's TotoService: the
// constructor (values given in code), the config file, the command line; else the default.
// The sources are kept apart, so the order the calls are made in does not change who wins.
//
// Pure: reading a config file is the caller's (src/adapters/options-file.ts passes
// `readConfigFile`), so the same parser runs in tests, the simulation and production.
//
// Durations keep Toto's option names (`worker_timeout`) but hold milliseconds in code; a bare
// number means seconds in a config file or on the command line, ms in setValues() and defaults.

import { coerceValue, expectedOption, type NumberUnit } from './options-coerce.js';
import { parseArgv } from './options-argv.js';
import { parseConfigText, type ConfigEntry } from './options-config.js';
import { formatConfigText } from './options-config-format.js';
import { OptionsError, optionsMessage, type OptionSource } from './options-error.js';
import { formatHelp, type HelpHeader } from './options-help.js';
import {
  makeDefinition,
  optionKey,
  type OptionDefinition,
  type OptionName,
  type OptionSpec,
  type OptionValue,
  type OptionValueAt,
} from './options-spec.js';

/** What setValues() takes for an option: its value, or text as on the command line; null or undefined for "not given". */
type InputOf<V> = V | string | null | undefined | (V extends readonly (infer I)[] ? readonly (I | string)[] : never);

/** setValues()'s argument: any defined option by any spelling of its name. */
export type OptionValuesInput<T> = { [N in OptionName<T>]?: InputOf<OptionValueAt<T, N>> };
import { nearestKey } from './options-suggest.js';

export interface ParseCommandLineOptions {
  /**
   * The option naming a config file (`config` for `--config=worker.conf`); defined as a string
   * option if it is not yet. When it has a value (command line or setValues), the file is read
   * with `readConfigFile` and its values sit between the constructor's and the command line's.
   */
  configFileOption?: string;
  /** Returns the text of the file at `path`; throws OptionsError FILE_UNREADABLE when it cannot. */
  readConfigFile?: (path: string) => string;
}

export interface CommandLineResult<T> {
  /** Every option's value after all sources (as values()). */
  values: Readonly<T>;
  /** The arguments that are not options, in order (everything after `--` included). */
  positionals: string[];
  /** `--help` or `-h` was given: print helpText() and exit 0. Nothing else was parsed. */
  help: boolean;
}

type Layer = 'constructor' | 'file' | 'command line';
const LAYERS_LOW_TO_HIGH: readonly Layer[] = ['constructor', 'file', 'command line'];

export class Options<T extends object = Record<never, never>> {
  private readonly defs = new Map<string, OptionDefinition>();
  private readonly layers = new Map<Layer, Map<string, unknown>>(LAYERS_LOW_TO_HIGH.map((layer) => [layer, new Map()]));
  /** path:line of each value the config file gave. */
  private readonly fileWhere = new Map<string, string>();
  private configFileKey: string | undefined;

  constructor(private readonly header: HelpHeader = {}) {}

  /** Defines an option; a second define of the same name (either spelling) throws DUPLICATE_DEFINE. */
  define<const N extends string, const S extends OptionSpec>(name: N, spec: S): Options<T & { [K in N]: OptionValue<S> }> {
    const def = makeDefinition(name, spec);
    if (def.key === 'help') throw new OptionsError('BAD_DEFINE', 'define("help"): help is built in (--help, -h)', { option: name });
    const existing = this.defs.get(def.key);
    if (existing) {
      const as = existing.name === name ? '' : ` (as ${JSON.stringify(existing.name)}; - and _ are the same)`;
      throw new OptionsError('DUPLICATE_DEFINE', `define(${JSON.stringify(name)}): option already defined${as}`, { option: name });
    }
    let value: unknown;
    if (spec.default !== undefined) {
      const coerced = coerceValue({ ...def, default: undefined }, spec.default, 'ms');
      if (!coerced.ok) throw new OptionsError('BAD_DEFINE', `define(${JSON.stringify(name)}): default: ${coerced.problem}`, { option: name });
      value = coerced.value;
    }
    this.defs.set(def.key, Object.freeze({ ...def, default: value }));
    return this as unknown as Options<T & { [K in N]: OptionValue<S> }>;
  }

  /** Every definition, in the order defined. */
  definitions(): readonly OptionDefinition[] {
    return [...this.defs.values()];
  }

  /** The definition of `name` in either spelling, or undefined. */
  definition(name: string): OptionDefinition | undefined {
    return this.defs.get(optionKey(name));
  }

  /**
   * Values given in code (Toto's constructor keyword arguments): the lowest source. Durations in
   * ms, or text as on the command line ("10s"); undefined and null mean "not given". Replaces
   * what an earlier call gave; checks everything before changing anything.
   */
  setValues(values: OptionValuesInput<T>): this {
    if (values === null || typeof values !== 'object') {
      throw new OptionsError('BAD_VALUE', `constructor: expected an object of option values, got ${values === null ? 'null' : typeof values}`, { where: 'constructor' });
    }
    const layer = new Map<string, unknown>();
    for (const [name, raw] of Object.entries(values)) {
      const def = this.known(name, 'constructor');
      if (raw !== undefined && raw !== null) layer.set(def.key, this.coerce(def, raw, 'ms', 'constructor', name));
    }
    this.layers.set('constructor', layer);
    return this;
  }

  /**
   * A config file's values (Toto's `name = value` lines or a JSON object); `path` names it in
   * messages (path:line: reason). Merges over an earlier file's; checks all before changing any.
   */
  parseConfigText(text: string, path: string): this {
    const entries = parseConfigText(text, path);
    const layer = new Map<string, unknown>();
    const where = new Map<string, string>();
    for (const entry of entries) this.applyFileEntry(entry, path, layer, where);
    for (const [key, value] of layer) this.layer('file').set(key, value);
    for (const [key, at] of where) this.fileWhere.set(key, at);
    return this;
  }

  /**
   * The command line (without node and the script: `process.argv.slice(2)`), and the config file
   * it names when `configFileOption` is given. Throws OptionsError (exitCode 2) on bad input.
   */
  parseCommandLine(argv: readonly string[], options: ParseCommandLineOptions = {}): CommandLineResult<T> {
    const { configFileOption, readConfigFile } = options;
    if (configFileOption !== undefined) {
      if (!this.definition(configFileOption)) this.define(configFileOption, { type: 'string', metavar: 'PATH', help: 'read options from this file (name = value lines, or a JSON object)' });
      if (typeof readConfigFile !== 'function') throw new OptionsError('BAD_DEFINE', 'parseCommandLine: configFileOption needs readConfigFile(path) to read the file');
      this.configFileKey = optionKey(configFileOption);
    }
    if (helpRequested(argv)) return { values: this.values(), positionals: [], help: true };
    const parsed = parseArgv(argv, (name) => this.definition(name), () => this.defs.keys());
    const before = this.layer('command line');
    this.layers.set('command line', parsed.values);
    const path = this.configFileKey === undefined ? undefined : this.resolve(this.configFileKey);
    try {
      if (typeof path === 'string' && readConfigFile) this.parseConfigText(readConfigFile(path), path);
    } catch (error) {
      this.layers.set('command line', before); // a failed parse changes nothing
      throw error;
    }
    return { values: this.values(), positionals: parsed.positionals, help: false };
  }

  /**
   * One option's value after all sources, by its name with - or _ (`run-timeout`, `run_timeout`);
   * typed, so a misspelt name fails to compile (and throws UNKNOWN_OPTION if it gets through).
   */
  get<N extends OptionName<T>>(name: N): OptionValueAt<T, N> {
    const def = this.known(name, undefined);
    const value = this.resolve(def.key);
    return (Array.isArray(value) ? [...value] : value) as OptionValueAt<T, N>;
  }

  /** Every option's value, keyed by the name it was defined with. */
  values(): Readonly<T> {
    const out: Record<string, unknown> = {};
    for (const def of this.defs.values()) {
      const value = this.resolve(def.key);
      out[def.name] = Array.isArray(value) ? [...value] : value;
    }
    return Object.freeze(out) as Readonly<T>;
  }

  /** Which source gave the value `get(name)` returns. */
  source(name: string): OptionSource {
    const def = this.known(name, undefined);
    return [...LAYERS_LOW_TO_HIGH].reverse().find((layer) => this.layer(layer).has(def.key)) ?? 'default';
  }

  /** Like source(), with the config file's path:line. */
  where(name: string): string {
    const source = this.source(name);
    return source === 'file' ? (this.fileWhere.get(optionKey(name)) as string) : source;
  }

  /** What `--help` prints. */
  helpText(): string {
    return formatHelp(this.definitions(), this.header);
  }

  /** The current values (those not undefined) as a config file that parseConfigText reads back. */
  formatConfig(): string {
    return formatConfigText(this.definitions().map((def) => ({ def, value: this.resolve(def.key) })).filter((e) => e.value !== undefined));
  }

  private layer(layer: Layer): Map<string, unknown> {
    return this.layers.get(layer) as Map<string, unknown>;
  }

  private resolve(key: string): unknown {
    for (const layer of [...LAYERS_LOW_TO_HIGH].reverse()) {
      const values = this.layer(layer);
      if (values.has(key)) return values.get(key);
    }
    return this.defs.get(key)?.default;
  }

  private known(name: string, where: string | undefined): OptionDefinition {
    const def = typeof name === 'string' ? this.definition(name) : undefined;
    if (def) return def;
    const near = nearestKey(optionKey(String(name)), this.defs.keys());
    const hint = near === undefined ? '' : `; did you mean ${JSON.stringify(this.defs.get(near)?.name)}?`;
    throw new OptionsError('UNKNOWN_OPTION', optionsMessage(where, name, `unknown option${hint}`), { option: name, ...(where ? { where } : {}) });
  }

  private coerce(def: OptionDefinition, raw: unknown, unit: NumberUnit, where: string, shown: string): unknown {
    const coerced = coerceValue(def, raw, unit);
    if (!coerced.ok) throw new OptionsError('BAD_VALUE', optionsMessage(where, shown, coerced.problem), { option: shown, where });
    return coerced.value;
  }

  private applyFileEntry(entry: ConfigEntry, path: string, layer: Map<string, unknown>, where: Map<string, string>): void {
    const at = `${path}:${entry.line}`;
    const def = this.known(entry.name, at);
    if (def.key === this.configFileKey) {
      throw new OptionsError('BAD_VALUE', optionsMessage(at, entry.name, 'names the config file, so it cannot be set inside one'), { option: entry.name, where: at });
    }
    if (entry.value === null) {
      // Python's None: "no value", for an option that has none by default.
      if (def.default !== undefined) {
        throw new OptionsError('BAD_VALUE', optionsMessage(at, entry.name, `expected ${expectedOption(def)}, got None (only an option without a default may be None)`), { option: entry.name, where: at });
      }
      layer.set(def.key, undefined);
    } else {
      layer.set(def.key, this.coerce(def, entry.value, 'seconds', at, entry.name));
    }
    where.set(def.key, at);
  }
}

/** `--help` or `-h` before any `--`: help wins over every other argument, valid or not. */
function helpRequested(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '-h' || arg === '--help' || String(arg).startsWith('--help=')) return true;
  }
  return false;
}

