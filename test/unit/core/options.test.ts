// Proves the Options registry: define checks (duplicate in either spelling, bad specs, bad defaults), precedence default < constructor < config file < command line whatever the call order, typed get/values, and the message a user sees for every bad constructor value.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Options } from '../../../src/core/options.js';
import { optionsError } from '../../support/options-error.js';

function workerOptions() {
  return new Options({ usage: 'toto worker [OPTIONS]' })
    .define('processes', { type: 'int', default: 1, min: -1, help: 'worker processes; -1 = CPU count' })
    .define('worker_timeout', { type: 'duration', default: 10_000, help: 'per-call deadline' })
    .define('debug', { type: 'bool', default: false })
    .define('hosts', { type: 'string', multiple: true, default: ['a'] })
    .define('pidfile', { type: 'string' });
}

describe('Options.define', () => {
  it('a duplicate define throws naming the option, in either spelling', () => {
    const options = workerOptions();
    const same = optionsError(() => options.define('processes', { type: 'int' }));
    expect(same.code).toBe('DUPLICATE_DEFINE');
    expect(same.message).toBe('define("processes"): option already defined');
    expect(same.option).toBe('processes');
    const dashed = optionsError(() => options.define('worker-timeout', { type: 'duration' }));
    expect(dashed.message).toBe('define("worker-timeout"): option already defined (as "worker_timeout"; - and _ are the same)');
  });

  it('help is built in and cannot be defined', () => {
    expect(optionsError(() => new Options().define('help', { type: 'bool' })).message).toBe('define("help"): help is built in (--help, -h)');
  });

  it.each([
    ['', { type: 'int' }, 'define: expected a name of letters, digits, - and _ starting with a letter, got ""'],
    ['2fast', { type: 'int' }, 'define: expected a name of letters, digits, - and _ starting with a letter, got "2fast"'],
    ['a', null, 'define("a"): expected a spec object { type, default, help, ... }, got null'],
    ['a', { type: 'number' }, `define("a"): type: expected one of 'string', 'int', 'float', 'bool', 'duration', got "number"`],
    ['a', { type: 'int', defualt: 1 }, 'define("a"): unknown spec field "defualt" (known: type, default, help, multiple, group, metavar, choices, min, max)'],
    ['a', { type: 'int', help: 5 }, 'define("a"): help: expected a string, got number'],
    ['a', { type: 'int', multiple: 'yes' }, 'define("a"): multiple: expected a boolean, got string'],
    ['a', { type: 'int', choices: ['x'] }, "define(\"a\"): choices: only for type 'string', got type 'int'"],
    ['a', { type: 'string', choices: [] }, 'define("a"): choices: expected a non-empty array of strings'],
    ['a', { type: 'bool', min: 0 }, "define(\"a\"): min: only for int, float and duration, got type 'bool'"],
    ['a', { type: 'int', max: 'x' }, 'define("a"): max: expected a number, got x'],
    ['a', { type: 'int', min: 5, max: 1 }, 'define("a"): min 5 > max 1'],
    ['a', { type: 'int', default: 1.5 }, 'define("a"): default: expected an int, got 1.5'],
    ['a', { type: 'int', default: 0, min: 1 }, 'define("a"): default: expected an int >= 1, got 0'],
    ['a', { type: 'int', multiple: true, default: '1,2,' }, 'define("a"): default: item 3: expected an int, got ""'],
    ['a', { type: 'int', multiple: true, default: 3 }, 'define("a"): default: expected a list of int (each an int), got 3'],
    ['a', { type: 'duration', default: -1 }, 'define("a"): default: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got -1'],
  ])('define(%j, %j) throws BAD_DEFINE: %s', (name, spec, message) => {
    const error = optionsError(() => new Options().define(name, spec as never));
    expect(error.code).toBe('BAD_DEFINE');
    expect(error.message).toBe(message);
  });

  it('a default may be given as text: a duration default "10s" is 10000 ms', () => {
    const options = new Options().define('t', { type: 'duration', default: '10s' }).define('l', { type: 'int', multiple: true, default: '1, 2' });
    expect(options.values()).toEqual({ t: 10_000, l: [1, 2] });
  });
});

describe('Options precedence', () => {
  const file = 'processes = 4\nworker_timeout = 2\nhosts = ["f1", "f2"]\n';

  it('default < constructor < config file < command line', () => {
    const options = workerOptions();
    expect(options.get('processes')).toBe(1);
    expect(options.source('processes')).toBe('default');
    options.setValues({ processes: 2, worker_timeout: 500, pidfile: 'c.pid' });
    expect(options.get('processes')).toBe(2);
    expect(options.source('processes')).toBe('constructor');
    options.parseConfigText(file, 'w.conf');
    expect(options.get('processes')).toBe(4);
    expect(options.where('processes')).toBe('w.conf:1');
    options.parseCommandLine(['--processes=8']);
    expect(options.values()).toEqual({ processes: 8, worker_timeout: 2000, debug: false, hosts: ['f1', 'f2'], pidfile: 'c.pid' });
    expect(['processes', 'worker_timeout', 'debug', 'hosts', 'pidfile'].map((n) => options.where(n))).toEqual(['command line', 'w.conf:2', 'default', 'w.conf:3', 'constructor']);
  });

  it('the order of the calls does not change who wins', () => {
    const options = workerOptions();
    options.parseCommandLine(['--processes', '8']);
    options.parseConfigText(file, 'w.conf');
    options.setValues({ processes: 2, hosts: ['c'] });
    expect(options.get('processes')).toBe(8);
    expect(options.get('hosts')).toEqual(['f1', 'f2']);
  });

  it('a command line list replaces the file list, it does not add to it', () => {
    const options = workerOptions().parseConfigText(file, 'w.conf');
    options.parseCommandLine(['--hosts=x']);
    expect(options.get('hosts')).toEqual(['x']);
  });

  it('a second parseCommandLine replaces the first; a second config file merges over the first', () => {
    const options = workerOptions();
    options.parseCommandLine(['--processes=8', '--debug']);
    options.parseCommandLine(['--debug']);
    expect(options.get('processes')).toBe(1);
    options.parseConfigText('processes = 3\ndebug = True', 'a.conf').parseConfigText('processes = 5', 'b.conf');
    expect([options.get('processes'), options.where('processes'), options.where('debug')]).toEqual([5, 'b.conf:1', 'command line']);
  });

  it('None in a config file unsets an option without a default, over the constructor', () => {
    const options = workerOptions().setValues({ pidfile: 'c.pid' }).parseConfigText('pidfile = None', 'w.conf');
    expect(options.get('pidfile')).toBeUndefined();
    expect(options.where('pidfile')).toBe('w.conf:1');
  });

  it('a failed config file or constructor call changes nothing', () => {
    const options = workerOptions();
    optionsError(() => options.parseConfigText('processes = 4\ndebug = 7', 'w.conf'));
    optionsError(() => options.setValues({ processes: 3, debug: 'maybe' }));
    expect(options.get('processes')).toBe(1);
  });
});

describe('Options values', () => {
  it('get and values are typed: a default gives T, no default gives T | undefined, multiple gives T[]', () => {
    const options = workerOptions();
    expectTypeOf(options.get('processes')).toEqualTypeOf<number>();
    expectTypeOf(options.get('debug')).toEqualTypeOf<boolean>();
    expectTypeOf(options.get('hosts')).toEqualTypeOf<string[]>();
    expectTypeOf(options.get('pidfile')).toEqualTypeOf<string | undefined>();
    expectTypeOf(options.values().worker_timeout).toEqualTypeOf<number>();
    const dashed = new Options().define('run-timeout', { type: 'duration', default: 1 }).define('a_b-c', { type: 'int' });
    expectTypeOf(dashed.get('run_timeout')).toEqualTypeOf<number>();
    expectTypeOf(dashed.get('a-b-c')).toEqualTypeOf<number | undefined>();
    expectTypeOf(dashed.get('a_b_c')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error setValues() checks names at compile time too (and throws UNKNOWN_OPTION at run time)
    expect(() => dashed.setValues({ run_timout: 1 })).toThrow('constructor: run_timout: unknown option; did you mean "run-timeout"?');
  });

  it('names with - and _ are one option; values() keys are the defined names', () => {
    const options = new Options().define('run-timeout', { type: 'duration', default: 1000 });
    options.setValues({ run_timeout: '2s' });
    expect(options.get('run_timeout')).toBe(2000);
    expect(options.values()).toEqual({ 'run-timeout': 2000 });
  });

  it('values() is frozen and lists are copies', () => {
    const options = workerOptions();
    const values = options.values();
    expect(Object.isFrozen(values)).toBe(true);
    (options.get('hosts') as string[]).push('mutated');
    expect(options.get('hosts')).toEqual(['a']);
  });

  it('a duration holds ms: a constructor number is ms, text has a unit or is seconds', () => {
    const options = workerOptions();
    expect(options.setValues({ worker_timeout: 250 }).get('worker_timeout')).toBe(250);
    expect(options.setValues({ worker_timeout: '250ms' }).get('worker_timeout')).toBe(250);
    expect(options.setValues({ worker_timeout: '3' }).get('worker_timeout')).toBe(3000);
  });

  it('constructor values may be text, parsed as on the command line; undefined and null are "not given"', () => {
    const options = workerOptions().setValues({ processes: '3', debug: 'yes', hosts: 'x, y', pidfile: undefined });
    expect(options.values()).toEqual({ processes: 3, worker_timeout: 10_000, debug: true, hosts: ['x', 'y'], pidfile: undefined });
    expect(options.setValues({ processes: null }).source('processes')).toBe('default');
  });
});

describe('Options errors a user sees', () => {
  it.each([
    [{ procesess: 2 }, 'UNKNOWN_OPTION', 'constructor: procesess: unknown option; did you mean "processes"?'],
    [{ zzz: 2 }, 'UNKNOWN_OPTION', 'constructor: zzz: unknown option'],
    [{ processes: 1.5 }, 'BAD_VALUE', 'constructor: processes: expected an int >= -1, got 1.5'],
    [{ processes: -2 }, 'BAD_VALUE', 'constructor: processes: expected an int >= -1, got -2'],
    [{ processes: 'four' }, 'BAD_VALUE', 'constructor: processes: expected an int >= -1, got "four"'],
    [{ debug: 1 }, 'BAD_VALUE', 'constructor: debug: expected a bool (true/false, yes/no, on/off, 1/0), got 1'],
    [{ worker_timeout: -5 }, 'BAD_VALUE', 'constructor: worker_timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got -5'],
    [{ worker_timeout: Infinity }, 'BAD_VALUE', 'constructor: worker_timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got Infinity'],
    [{ hosts: 5 }, 'BAD_VALUE', 'constructor: hosts: expected a list of string (each a string), got 5'],
    [{ hosts: ['a', 5] }, 'BAD_VALUE', 'constructor: hosts: item 2: expected a string, got 5'],
    [{ pidfile: {} }, 'BAD_VALUE', 'constructor: pidfile: expected a string, got object Object'],
  ])('setValues(%j) -> %s: %s', (values, code, message) => {
    const error = optionsError(() => workerOptions().setValues(values as never));
    expect([error.code, error.message, error.where, error.exitCode]).toEqual([code, message, 'constructor', 2]);
  });

  it('setValues(null) and get of an unknown name say so', () => {
    expect(optionsError(() => workerOptions().setValues(null as never)).message).toBe('constructor: expected an object of option values, got null');
    // @ts-expect-error a misspelt name is a compile error; at run time it throws
    expect(optionsError(() => workerOptions().get('pidfil')).message).toBe('pidfil: unknown option; did you mean "pidfile"?');
  });

  it('a config file may not set the option that names it', () => {
    const options = workerOptions();
    const error = optionsError(() => options.parseCommandLine(['--config=w.conf'], { configFileOption: 'config', readConfigFile: () => 'config = "other.conf"' }));
    expect(error.message).toBe('w.conf:1: config: names the config file, so it cannot be set inside one');
  });

  it('configFileOption without a reader is a programming error said plainly', () => {
    expect(optionsError(() => workerOptions().parseCommandLine([], { configFileOption: 'config' })).message).toBe('parseCommandLine: configFileOption needs readConfigFile(path) to read the file');
  });
});
