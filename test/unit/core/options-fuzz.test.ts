// Proves, over seeded random input (FC_SEED, FC_NUM_RUNS; 1,000 runs by default), that the config-file parser and the command-line parser never throw anything but OptionsError and finish promptly on any text or argv, that whatever they accept has the defined types, and that values written as a config file (Toto lines or JSON) parse back to the same values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/core/options-duration.js';
import { OptionsError } from '../../../src/core/options-error.js';
import type { OptionDefinition } from '../../../src/core/options-spec.js';
import { Options } from '../../../src/core/options.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
/** Far above what any input here needs (microseconds): a loop that stops advancing shows, a slow machine does not. */
const PARSE_MS_MAX = 2000;

function fuzzOptions() {
  return new Options()
    .define('processes', { type: 'int', default: 1, min: -1 })
    .define('ratio', { type: 'float' })
    .define('debug', { type: 'bool', default: false })
    .define('worker_timeout', { type: 'duration', default: 10_000 })
    .define('name', { type: 'string' })
    .define('daemon', { type: 'string', choices: ['start', 'stop'] })
    .define('hosts', { type: 'string', multiple: true, default: [] })
    .define('ports', { type: 'int', multiple: true })
    .define('delays', { type: 'duration', multiple: true })
    .define('flags', { type: 'bool', multiple: true })
    .define('run-timeout', { type: 'duration' });
}

function hasType(def: OptionDefinition, value: unknown): boolean {
  if (value === undefined) return def.default === undefined;
  if (def.multiple) return Array.isArray(value) && value.every((v) => hasType({ ...def, multiple: false, default: 0 }, v));
  switch (def.type) {
    case 'string':
      return typeof value === 'string' && (def.choices === undefined || def.choices.includes(value));
    case 'int':
      return Number.isSafeInteger(value) && (def.min === undefined || (value as number) >= def.min);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'duration':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
  }
}

/** Runs `parse`; only OptionsError may escape, and only after a bounded time. Returns whether it was accepted. */
function onlyOptionsError(parse: () => void): boolean {
  const started = performance.now();
  try {
    parse();
    return true;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    expect(error.exitCode).toBe(2);
    expect(error.message.length).toBeGreaterThan(0);
    return false;
  } finally {
    expect(performance.now() - started).toBeLessThan(PARSE_MS_MAX);
  }
}

function expectTyped(options: ReturnType<typeof fuzzOptions>): void {
  const values = options.values() as Record<string, unknown>;
  for (const def of options.definitions()) expect([def.name, hasType(def, values[def.name])]).toEqual([def.name, true]);
}

/** Pieces of config text, so random files are often nearly valid and reach deep into the parser. */
const configPiece = fc.oneof(
  fc.constantFrom('processes', 'ratio', 'debug', 'worker_timeout', 'name', 'hosts', 'ports', 'delays', 'flags', 'run_timeout', 'daemon', 'x'),
  fc.constantFrom(' = ', '=', ' ', '\n', '\r\n', '\t', '# c\n', '[', ']', '(', ')', ',', '{', '}', ':', '\\', '\\\n', ';', '-', '+', '.'),
  fc.constantFrom("'", '"', "'''", 'r', 'b', "\\'", '\\x4', '\\u12', '\\U0011ffff', '\\N{x}', '\\0'),
  fc.constantFrom('True', 'False', 'None', 'true', 'null', '0x1f', '0o7', '0b2', '1_000', '1__0', '007', '1e5', '.5', '5.', '1e', 'inf'),
  fc.constantFrom("'250ms'", "'1h30m'", "'start'", "'a,b'", '-1', '2.5', '[1, 2]', "['a', 'b',]", '(1,)', '"\\ud800"'),
  fc.integer().map(String),
  fc.string({ maxLength: 6 }),
);
const configText = fc.oneof(fc.array(configPiece, { maxLength: 60 }).map((pieces) => pieces.join('')), fc.string({ unit: 'binary', maxLength: 300 }));

const jsonText = fc.oneof(
  fc.dictionary(fc.constantFrom('processes', 'ratio', 'debug', 'worker_timeout', 'hosts', 'name', 'zz'), fc.jsonValue({ maxDepth: 2 })).map((o) => JSON.stringify(o, null, 1)),
  fc.array(fc.constantFrom('{', '}', '[', ']', '"processes"', '"debug"', ':', ',', '1', 'true', 'null', '"x', '\\', '\n', ' ', '"\\u12"'), { maxLength: 30 }).map((p) => `{${p.join('')}`),
);

const argvPiece = fc.oneof(
  fc.constantFrom('--processes', '--ratio', '--debug', '--no-debug', '--worker-timeout', '--worker_timeout', '--name', '--daemon', '--hosts', '--ports', '--delays', '--flags', '--no-flags', '--run-timeout', '--bogus'),
  fc.constantFrom('--processes=', '--debug=', '--no-debug=', '--hosts=', '--ports=', '--delays=', '--=', '--', '-', '-h', '-x', '-5', '--help=0'),
  fc.constantFrom('1', '-1', '2.5', 'x', 'true', 'off', '250ms', '1h30m', 'a,b', '1,,2', ',', '', ' ', 'start', '=', '--'),
  fc.tuple(fc.constantFrom('--processes=', '--hosts=', '--ports=', '--worker-timeout=', '--debug=', '--ratio='), fc.string({ maxLength: 8 })).map(([a, b]) => a + b),
  fc.string({ maxLength: 10 }),
);
const argv = fc.array(argvPiece, { maxLength: 12 });

describe('config file fuzz', () => {
  it('random Toto config text: entries of the defined types, or an OptionsError; nothing else', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(configText, (text) => {
        const options = fuzzOptions();
        const accepted = onlyOptionsError(() => options.parseConfigText(text, 'fuzz.conf'));
        if (accepted) expectTyped(options);
        outcomes[accepted ? 'accepted' : 'refused']++;
      }),
      { seed, numRuns },
    );
    // Both paths are exercised, or the property proves little.
    expect(outcomes.accepted).toBeGreaterThan(numRuns / 100);
    expect(outcomes.refused).toBeGreaterThan(numRuns / 100);
  });

  it('random JSON config text: the same', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(jsonText, (text) => {
        const options = fuzzOptions();
        const accepted = onlyOptionsError(() => options.parseConfigText(text, 'fuzz.json'));
        if (accepted) expectTyped(options);
        outcomes[accepted ? 'accepted' : 'refused']++;
      }),
      { seed: seed + 1, numRuns },
    );
    expect(outcomes.accepted).toBeGreaterThan(numRuns / 100);
    expect(outcomes.refused).toBeGreaterThan(numRuns / 100);
  });

  it('a 100,000-line file parses well within the deadline', () => {
    const text = 'hosts = [\n' + "  'host',  # comment\n".repeat(100_000) + ']\n';
    const options = fuzzOptions();
    expect(onlyOptionsError(() => options.parseConfigText(text, 'big.conf'))).toBe(true);
    expect(options.get('hosts')).toHaveLength(100_000);
  });
});

describe('command line fuzz', () => {
  it('random argv: typed values and string positionals, or an OptionsError; nothing else', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(argv, (args) => {
        const options = fuzzOptions();
        let result: ReturnType<typeof options.parseCommandLine> | undefined;
        const accepted = onlyOptionsError(() => (result = options.parseCommandLine(args)));
        outcomes[accepted ? 'accepted' : 'refused']++;
        if (!accepted || !result) return;
        expectTyped(options);
        // Positionals are arguments given, in the order given.
        let from = 0;
        for (const positional of result.positionals) {
          from = args.indexOf(positional, from) + 1;
          expect(from).toBeGreaterThan(0);
        }
      }),
      { seed: seed + 2, numRuns },
    );
    expect(outcomes.accepted).toBeGreaterThan(numRuns / 100);
    expect(outcomes.refused).toBeGreaterThan(numRuns / 100);
  });
});

describe('round trip', () => {
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', "'", '"', '\\', '\n', '\r\n', '# x', '\ud800', '\u2028', "'''", 'a,b'));
  const ms = fc.oneof(fc.nat({ max: 10 ** 12 }), fc.double({ min: 0, max: 1e9, noNaN: true }));
  const float = fc.double({ noNaN: true, noDefaultInfinity: true });
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const values = fc.record({
    processes: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
    ratio: maybe(float),
    debug: fc.boolean(),
    worker_timeout: ms,
    name: maybe(text),
    daemon: maybe(fc.constantFrom('start', 'stop')),
    hosts: fc.array(text, { maxLength: 4 }),
    ports: maybe(fc.array(fc.integer(), { maxLength: 4 })),
    delays: maybe(fc.array(ms, { maxLength: 3 })),
    flags: maybe(fc.array(fc.boolean(), { maxLength: 3 })),
    'run-timeout': maybe(ms),
  });

  it('values written by formatConfig() parse back to the same values', () => {
    fc.assert(
      fc.property(values, (given) => {
        const written = fuzzOptions().setValues(given);
        const read = fuzzOptions().parseConfigText(written.formatConfig(), 'round.conf');
        expect(read.values()).toEqual(written.values());
      }),
      { seed: seed + 3, numRuns },
    );
  });

  it('values written as a JSON object (durations as unit text) parse back to the same values', () => {
    fc.assert(
      fc.property(values, (given) => {
        const written = fuzzOptions().setValues(given);
        const defs = fuzzOptions().definitions();
        const object = Object.fromEntries(
          Object.entries(written.values()).map(([name, value]) => {
            const def = defs.find((d) => d.name === name);
            const asText = (v: unknown) => (def?.type === 'duration' ? formatDuration(v as number) : v);
            return [name, Array.isArray(value) ? value.map(asText) : value === undefined ? undefined : asText(value)];
          }),
        );
        const read = fuzzOptions().parseConfigText(JSON.stringify(object), 'round.json');
        expect(read.values()).toEqual(written.values());
      }),
      { seed: seed + 4, numRuns },
    );
  });
});
