// Proves the --help text exactly: usage, description, ungrouped options first with --help, then each group in the order first used; every option with its metavar, help, type, bounds and default; long names wrapping to the next line; and the syntax notes only for the kinds of option defined.
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../../src/core/options-help.js';
import { Options } from '../../../src/core/options.js';

describe('helpText', () => {
  it('lists every option with its help, type and default, grouped', () => {
    const options = new Options({ usage: 'toto worker [OPTIONS] <methods-dir>', description: "Runs Toto's worker processes." })
      .define('processes', { type: 'int', default: 1, min: -1, help: 'worker processes; -1 = CPU count', group: 'service' })
      .define('worker_timeout', { type: 'duration', default: 10_000, help: 'per-call deadline' })
      .define('debug', { type: 'bool', default: false, help: 'log more' })
      .define('daemon', { type: 'string', choices: ['start', 'stop', 'restart'], help: 'run as a daemon', group: 'service' })
      .define('worker_socket_address', { type: 'string', default: 'ipc:///tmp/workerservice.sock', help: 'the DEALER side' })
      .define('ports', { type: 'int', multiple: true, default: [1, 2], help: 'ports', group: 'net' })
      .define('ratio', { type: 'float', min: 0, max: 1 })
      .define('pidfile', { type: 'string', metavar: 'PATH', help: 'master pidfile', group: 'service' });
    expect(options.helpText()).toBe(
      [
        'Usage: toto worker [OPTIONS] <methods-dir>',
        '',
        "Runs Toto's worker processes.",
        '',
        'Options:',
        '  --help                        show this help and exit',
        '  --worker_timeout=DURATION     per-call deadline (duration, default 10s)',
        '  --debug                       log more (bool, default false)',
        '  --worker_socket_address=STRING',
        '                                the DEALER side (string, default "ipc:///tmp/workerservice.sock")',
        '  --ratio=FLOAT                 (float in [0, 1])',
        '',
        'service options:',
        '  --processes=INT               worker processes; -1 = CPU count (int >= -1, default 1)',
        '  --daemon=start|stop|restart   run as a daemon (string)',
        '  --pidfile=PATH                master pidfile (string)',
        '',
        'net options:',
        '  --ports=INT[,INT...]          ports (list of int, default [1, 2])',
        '',
        'Durations are seconds (10, 0.5) or have a unit: 250ms, 1.5s, 2m, 1h.',
        'A flag --name sets it true; --no-name or --name=false sets it false.',
        'Lists: --name=a,b or --name=a --name=b.',
        "Option names may use - or _ alike; a value may follow '=' or a space.",
        '',
      ].join('\n'),
    );
  });

  it('with no options defined: the usage line and --help only', () => {
    expect(new Options().helpText()).toBe('Usage: [OPTIONS]\n\nOptions:\n  --help                        show this help and exit\n');
  });

  it('the config file option added by parseCommandLine shows as --config=PATH', () => {
    const options = new Options().define('n', { type: 'int', default: 0 });
    options.parseCommandLine([], { configFileOption: 'config', readConfigFile: () => '' });
    expect(options.helpText()).toContain('  --config=PATH                 read options from this file (name = value lines, or a JSON object) (string)\n');
  });

  it('formatValue shows durations in their largest whole unit, lists, and none', () => {
    const options = new Options().define('t', { type: 'duration', multiple: true }).define('s', { type: 'string' });
    const t = options.definition('t');
    const s = options.definition('s');
    if (!t || !s) throw new Error('defined above');
    expect(formatValue(t, [0, 1, 1000, 90_000, 3_600_000, 86_400_000, 1500])).toBe('[0s, 1ms, 1s, 90s, 1h, 1d, 1500ms]');
    expect(formatValue(s, undefined)).toBe('none');
    expect(formatValue(s, 'a"b')).toBe('"a\\"b"');
  });
});
