// Proves the command line: --name=value and --name value, bool flags (--flag, --flag=false, --no-flag), lists comma-separated and repeated, -- ending options, positionals kept in order, --help winning, the config file named by --config read between constructor and command line, and the exact message (exit code 2) for every bad argument.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../../src/core/options-error.js';
import { Options } from '../../../src/core/options.js';
import { optionsError } from '../../support/options-error.js';

function workerOptions() {
  return new Options({ usage: 'toto worker [OPTIONS]' })
    .define('processes', { type: 'int', default: 1, min: -1 })
    .define('worker_timeout', { type: 'duration', default: 10_000 })
    .define('ratio', { type: 'float' })
    .define('debug', { type: 'bool', default: false })
    .define('hosts', { type: 'string', multiple: true, default: [] })
    .define('ports', { type: 'int', multiple: true })
    .define('daemon', { type: 'string', choices: ['start', 'stop', 'restart'] })
    .define('pidfile', { type: 'string', default: 'toto.daemon.pid' });
}

function parse(argv: string[]) {
  return workerOptions().parseCommandLine(argv);
}

describe('command line syntax', () => {
  it('--name=value and --name value', () => {
    const { values, positionals } = parse(['--processes=4', '--pidfile', 'x.pid', '--ratio', '-0.5']);
    expect([values.processes, values.pidfile, values.ratio, positionals]).toEqual([4, 'x.pid', -0.5, []]);
  });

  it('a value may contain = and may be empty', () => {
    expect(parse(['--pidfile=a=b']).values.pidfile).toBe('a=b');
    expect(parse(['--pidfile=']).values.pidfile).toBe('');
    expect(parse(['--hosts=']).values.hosts).toEqual([]);
  });

  it('- and _ are alike in names', () => {
    expect(parse(['--worker-timeout=2']).values.worker_timeout).toBe(2000);
    expect(parse(['--worker_timeout', '250ms']).values.worker_timeout).toBe(250);
  });

  it.each([
    [['--debug'], true],
    [['--debug=false'], false],
    [['--debug=0'], false],
    [['--debug=No'], false],
    [['--debug=on'], true],
    [['--no-debug'], false],
    [['--no_debug'], false],
    [['--debug', '--no-debug'], false],
  ])('bool flag %j -> %s', (argv, value) => {
    expect(parse(argv).values.debug).toBe(value);
  });

  it('a bool flag does not take the next argument: it stays a positional', () => {
    const { values, positionals } = parse(['--debug', 'false']);
    expect([values.debug, positionals]).toEqual([true, ['false']]);
  });

  it('--no-x is its own option when x is not a bool, or when no-x is defined', () => {
    const options = new Options().define('no-cache', { type: 'bool', default: false }).define('cache', { type: 'bool', default: true });
    expect(options.parseCommandLine(['--no-cache']).values).toEqual({ 'no-cache': true, cache: true });
    expect(optionsError(() => parse(['--no-processes'])).message).toBe('command line: --no-processes: unknown option; did you mean --processes? (--help lists the options)');
  });

  it('lists: comma-separated, repeated (adding), trimmed', () => {
    expect(parse(['--hosts=a,b', '--hosts', 'c', '--hosts= d , e']).values.hosts).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(parse(['--ports=1,2', '--ports=3']).values.ports).toEqual([1, 2, 3]);
  });

  it('a repeated single option keeps the last value', () => {
    expect(parse(['--processes=2', '--processes=3']).values.processes).toBe(3);
  });

  it('positionals are kept in order around options; -- ends the options; - and negative numbers are positionals', () => {
    const { values, positionals } = parse(['tcp://a:1', '--processes=2', 'a.b', '-', '-5', '--', '--debug', '-x']);
    expect(positionals).toEqual(['tcp://a:1', 'a.b', '-', '-5', '--debug', '-x']);
    expect([values.processes, values.debug]).toEqual([2, false]);
  });

  it('--name -5 takes a negative number as the value', () => {
    expect(parse(['--processes', '-1']).values.processes).toBe(-1);
  });

  it('--help and -h win over everything else before --, bad arguments included', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help'], ['--processes=x', '-h', 'pos'], ['--help=no']]) {
      const result = parse(argv);
      expect(result.help).toBe(true);
      expect(result.positionals).toEqual([]);
    }
    expect(parse(['--', '--help']).help).toBe(false);
  });
});

describe('command line errors (OptionsError, exitCode 2)', () => {
  it.each([
    [['--procesess=3'], 'UNKNOWN_OPTION', '--procesess', 'command line: --procesess: unknown option; did you mean --processes? (--help lists the options)'],
    [['--bogus'], 'UNKNOWN_OPTION', '--bogus', 'command line: --bogus: unknown option (--help lists the options)'],
    [['-p', '3'], 'UNKNOWN_OPTION', '-p', 'command line: -p: unknown option (options are long, like --name; -h or --help lists them)'],
    [['--=3'], 'UNKNOWN_OPTION', '--=3', 'command line: --=3: expected an option name after --'],
    [['--processes=x'], 'BAD_VALUE', '--processes', 'command line: --processes: expected an int >= -1, got "x"'],
    [['--processes=1.5'], 'BAD_VALUE', '--processes', 'command line: --processes: expected an int >= -1, got "1.5"'],
    [['--processes=99999999999999999999'], 'BAD_VALUE', '--processes', 'command line: --processes: expected an int >= -1, got "99999999999999999999"'],
    [['--processes=-2'], 'BAD_VALUE', '--processes', 'command line: --processes: expected an int >= -1, got "-2"'],
    [['--ratio=1.2.3'], 'BAD_VALUE', '--ratio', 'command line: --ratio: expected a float, got "1.2.3"'],
    [['--debug=maybe'], 'BAD_VALUE', '--debug', 'command line: --debug: expected a bool (true/false, yes/no, on/off, 1/0), got "maybe"'],
    [['--no-debug=yes'], 'BAD_VALUE', '--no-debug', 'command line: --no-debug: takes no value (it sets debug to false), got "yes"'],
    [['--worker-timeout=5q'], 'BAD_VALUE', '--worker-timeout', 'command line: --worker-timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got "5q"'],
    [['--worker-timeout=-1s'], 'BAD_VALUE', '--worker-timeout', 'command line: --worker-timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got "-1s"'],
    [['--ports=1,x'], 'BAD_VALUE', '--ports', 'command line: --ports: item 2: expected an int, got "x"'],
    [['--daemon=go'], 'BAD_VALUE', '--daemon', 'command line: --daemon: expected one of "start", "stop", "restart", got "go"'],
    [['--processes'], 'MISSING_VALUE', '--processes', 'command line: --processes: expected a value (an int >= -1), got the end of the arguments; write --processes=VALUE'],
    [['--pidfile', '--debug'], 'MISSING_VALUE', '--pidfile', 'command line: --pidfile: expected a value (a string), got the option --debug; write --pidfile=VALUE'],
    [['--ports'], 'MISSING_VALUE', '--ports', 'command line: --ports: expected a value (a list of int (each an int)), got the end of the arguments; write --ports=VALUE'],
  ])('%j -> %s', (argv, code, option, message) => {
    const error = optionsError(() => parse(argv));
    expect([error.code, error.option, error.where, error.message, error.exitCode]).toEqual([code, option, 'command line', message, 2]);
  });

  it('a failed parse leaves the earlier command line values in place', () => {
    const options = workerOptions();
    options.parseCommandLine(['--processes=3']);
    optionsError(() => options.parseCommandLine(['--processes=4', '--debug=maybe']));
    expect(options.get('processes')).toBe(3);
  });
});

describe('the config file named on the command line', () => {
  const files: Record<string, string> = {
    'w.conf': 'processes = 4\nworker_timeout = 0.5\ndebug = True\n',
    'w.json': '{"processes": 6, "hosts": ["j"]}',
  };
  const readConfigFile = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new OptionsError('FILE_UNREADABLE', `${path}: cannot read the config file: no such file`, { where: path });
    return text;
  };

  it('is read between the constructor and the command line, in either format', () => {
    const options = workerOptions().setValues({ processes: 2, ratio: 0.1 });
    const { values, positionals } = options.parseCommandLine(['run', '--config', 'w.conf', '--no-debug'], { configFileOption: 'config', readConfigFile });
    expect(values).toEqual({ processes: 4, worker_timeout: 500, ratio: 0.1, debug: false, hosts: [], ports: undefined, daemon: undefined, pidfile: 'toto.daemon.pid', config: 'w.conf' });
    expect(positionals).toEqual(['run']);
    const json = workerOptions().parseCommandLine(['--config=w.json', '--processes=9'], { configFileOption: 'config', readConfigFile });
    expect([json.values.processes, json.values.hosts]).toEqual([9, ['j']]);
  });

  it('may be named by the constructor (Toto\'s TotoService(config_file)) and overridden on the command line', () => {
    const options = workerOptions().define('conf_file', { type: 'string' }).setValues({ conf_file: 'w.json' });
    expect(options.parseCommandLine([], { configFileOption: 'conf_file', readConfigFile }).values.processes).toBe(6);
    expect(options.parseCommandLine(['--conf-file=w.conf'], { configFileOption: 'conf-file', readConfigFile }).values.processes).toBe(4);
  });

  it('a missing file is the reader\'s OptionsError, naming the path', () => {
    const error = optionsError(() => workerOptions().parseCommandLine(['--config=nope.conf'], { configFileOption: 'config', readConfigFile }));
    expect([error.code, error.message]).toEqual(['FILE_UNREADABLE', 'nope.conf: cannot read the config file: no such file']);
  });

  it('a config file that fails leaves the earlier command line in place', () => {
    const options = workerOptions();
    options.parseCommandLine(['--processes=3']);
    optionsError(() => options.parseCommandLine(['--processes=5', '--config=nope.conf'], { configFileOption: 'config', readConfigFile }));
    expect([options.get('processes'), options.source('processes')]).toEqual([3, 'command line']);
  });

  it('without --config nothing is read', () => {
    const reader = () => {
      throw new Error('must not be called');
    };
    expect(workerOptions().parseCommandLine(['--processes=2'], { configFileOption: 'config', readConfigFile: reader }).values.processes).toBe(2);
  });
});
