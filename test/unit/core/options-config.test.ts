// Proves the config file parser: Toto's `name = value` lines with Python literals (quotes, escapes, raw strings, numbers in every Python spelling, True/False/None, lists and tuples over several lines, comments, blank lines) and JSON objects, detected by their first character; and every message a malformed file gives, as path:line with the reason.
import { describe, expect, it } from 'vitest';
import { configFormat, parseConfigText } from '../../../src/core/options-config.js';
import { parseJsonConfig } from '../../../src/core/options-config-json.js';
import { CONFIG_NESTING_MAX } from '../../../src/core/options-config-python.js';
import { jsonErrorOffset } from '../../../src/core/options-json-check.js';
import { Options } from '../../../src/core/options.js';
import { optionsError } from '../../support/options-error.js';

/** The single value of `x = <literal>`. */
function literal(text: string): unknown {
  const entries = parseConfigText(`x = ${text}\n`, 'c.conf');
  expect(entries).toHaveLength(1);
  return entries[0]?.value;
}

describe('Python config lines', () => {
  it('reads name = value lines with comments and blank lines, each with its line', () => {
    const text = ['# Toto worker config', '', 'processes = 4  # one per core', "worker_bind_address = 'tcp://*:55555'", '   ', 'debug = True', ''].join('\n');
    expect(parseConfigText(text, 'w.conf')).toEqual([
      { name: 'processes', value: 4, line: 3 },
      { name: 'worker_bind_address', value: 'tcp://*:55555', line: 4 },
      { name: 'debug', value: true, line: 6 },
    ]);
  });

  it.each([
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ['"a # not a comment"', 'a # not a comment'],
    ["'tab\\there\\nnl'", 'tab\there\nnl'],
    ["'\\x41\\u00e9\\U0001F600\\101\\0'", 'Aé😀A\0'],
    ["'\\d stays'", '\\d stays'],
    ["r'C:\\dir\\n'", 'C:\\dir\\n'],
    ["r'\\''", "\\'"],
    ["u'x'", 'x'],
    ["'a' \"b\"", 'ab'],
    ["''", ''],
    ['"\\ud800"', '\ud800'],
    ['10', 10],
    ['-10', -10],
    ['+ 3', 3],
    ['1_000', 1000],
    ['0', 0],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['-1.5E-3', -0.0015],
    ['True', true],
    ['False', false],
    ['None', null],
    ['[]', []],
    ["['a', 'b',]", ['a', 'b']],
    ['[1, [2, 3]]', [1, [2, 3]]],
    ['(1, 2)', [1, 2]],
    ['(1,)', [1]],
    ['(1)', 1],
    ['()', []],
  ])('x = %s reads %j', (text, value) => {
    expect(literal(text)).toEqual(value);
  });

  it('lists may span lines with comments; the entry has the line of its name', () => {
    const text = "a = 1\nhosts = [\n  'h1',  # first\n\n  'h2',\n]\nb = 2\n";
    expect(parseConfigText(text, 'c.conf')).toEqual([
      { name: 'a', value: 1, line: 1 },
      { name: 'hosts', value: ['h1', 'h2'], line: 2 },
      { name: 'b', value: 2, line: 7 },
    ]);
  });

  it('backslash continues a line; CRLF and a BOM are read like LF', () => {
    expect(parseConfigText('a = \\\n 5\r\nb = "x"\r\n', 'c.conf')).toEqual([
      { name: 'a', value: 5, line: 1 },
      { name: 'b', value: 'x', line: 3 },
    ]);
    expect(parseConfigText('\uFEFFa = 1', 'c.conf')).toEqual([{ name: 'a', value: 1, line: 1 }]);
  });

  it('an empty or comment-only file has no entries', () => {
    expect(parseConfigText('', 'c.conf')).toEqual([]);
    expect(parseConfigText('# nothing\n\n   # here\n', 'c.conf')).toEqual([]);
  });

  it('the last of two lines for one name wins, as in Python', () => {
    const options = new Options().define('a', { type: 'int', default: 0 }).parseConfigText('a = 1\na = 2\n', 'c.conf');
    expect([options.get('a'), options.where('a')]).toEqual([2, 'c.conf:2']);
  });
});

describe('malformed config lines: path:line: reason', () => {
  it.each([
    ['a = 1\nimport os\n', 'c.conf:2: expected = after import, got "os"'],
    ['a = 1\n= 3\n', 'c.conf:2: expected name = value, got "= 3"'],
    ['x.y = 3', 'c.conf:1: expected = after x, got ".y = 3"'],
    ['a == 3', 'c.conf:1: expected = after a, got "== 3"'],
    ['a = \n', 'c.conf:1: expected a value after a ='],
    ['a =  # nothing', 'c.conf:1: expected a value after a ='],
    ["a = 'open\nb = 2", 'c.conf:1: unterminated string (no closing \')'],
    ['\n\na = "open', 'c.conf:3: unterminated string (no closing ")'],
    ["a = 'ends with \\", 'c.conf:1: unterminated string (it ends with a backslash)'],
    ["a = r'x\\", 'c.conf:1: unterminated string (it ends with a backslash)'],
    ["a = '''doc'''", 'c.conf:1: triple-quoted strings are not supported: use one line in quotes'],
    ["a = b'x'", "c.conf:1: b'...' strings are not supported: use a plain 'string'"],
    ["a = f'{x}'", "c.conf:1: f'...' strings are not supported: use a plain 'string'"],
    ["a = '\\x4'", 'c.conf:1: invalid \\x escape: expected 2 hex digits of a code point, got "4\'"'],
    ["a = '\\U00110000'", 'c.conf:1: invalid \\U escape: expected 8 hex digits of a code point, got "00110000"'],
    ["a = '\\N{DASH}'", 'c.conf:1: \\N{...} escapes are not supported: write the character itself'],
    ['a = toto.pid', "c.conf:1: toto is not a value: put text in quotes ('toto'), or use a number, True, False, None or a [list]"],
    ['a = true', 'c.conf:1: true is not a Python value: write True'],
    ['a = null', 'c.conf:1: null is not a Python value: write None'],
    ['a = 007', 'c.conf:1: invalid number "007"'],
    ['a = 1.2.3', 'c.conf:1: invalid number "1.2.3"'],
    ['a = 0x', 'c.conf:1: invalid number "0x"'],
    ['a = 10s', 'c.conf:1: invalid number "10s"'],
    ['a = 1__0', 'c.conf:1: invalid number "1__0"'],
    ['a = .', 'c.conf:1: invalid number "."'],
    ['a = -x', 'c.conf:1: expected a number after -, got "x"'],
    ['a = {"k": 1}', 'c.conf:1: dicts and sets {...} are not supported: use a string, number, True/False/None or a [list]'],
    ['a = @', 'c.conf:1: expected a value, got "@"'],
    ['a = 1 2', 'c.conf:1: unexpected text after the value of a: "2"'],
    ["a = 'x' + 'y'", 'c.conf:1: unexpected text after the value of a: "+ \'y\'"'],
    ['a = 1; b = 2', 'c.conf:1: one statement per line: remove the ;'],
    ['a = [1,\n2\n', 'c.conf:1: [ is never closed'],
    ['a = (1', 'c.conf:1: ( is never closed'],
    ['a = [1 2]', 'c.conf:1: expected , or ] in the list, got "2]"'],
    ['a = [1,,2]', 'c.conf:1: expected a value, got ",2]"'],
    ['a = ]', 'c.conf:1: expected a value, got "]"'],
  ])('%j -> %s', (text, message) => {
    const error = optionsError(() => parseConfigText(text, 'c.conf'));
    expect([error.code, error.message, error.exitCode]).toEqual(['MALFORMED_CONFIG', message, 2]);
    expect(message.startsWith(`${error.where}: `)).toBe(true);
  });

  it(`lists nested more than ${CONFIG_NESTING_MAX} deep are refused, not a stack overflow`, () => {
    const deep = `a = ${'['.repeat(100_000)}`;
    expect(optionsError(() => parseConfigText(deep, 'c.conf')).message).toBe(`c.conf:1: lists nested more than ${CONFIG_NESTING_MAX} deep`);
    expect(literal(`${'['.repeat(CONFIG_NESTING_MAX)}${']'.repeat(CONFIG_NESTING_MAX)}`)).toBeDefined();
  });
});

describe('config values against the defined options', () => {
  const options = () =>
    new Options()
      .define('processes', { type: 'int', default: 1 })
      .define('worker_timeout', { type: 'duration', default: 10_000 })
      .define('hosts', { type: 'string', multiple: true, default: [] })
      .define('ratio', { type: 'float' });

  it('a duration is seconds as a number, or text with a unit; a float may be written as an int', () => {
    expect(options().parseConfigText('worker_timeout = 2.5', 'c.conf').get('worker_timeout')).toBe(2500);
    expect(options().parseConfigText("worker_timeout = '1m30s'", 'c.conf').get('worker_timeout')).toBe(90_000);
    expect(options().parseConfigText('ratio = 2', 'c.conf').get('ratio')).toBe(2);
  });

  it('a list option takes a [list], a (tuple) or comma-separated text', () => {
    expect(options().parseConfigText("hosts = ('a', 'b')", 'c.conf').get('hosts')).toEqual(['a', 'b']);
    expect(options().parseConfigText("hosts = 'a,b'", 'c.conf').get('hosts')).toEqual(['a', 'b']);
  });

  it.each([
    ['procesess = 4', 'UNKNOWN_OPTION', 'c.conf:1: procesess: unknown option; did you mean "processes"?'],
    ['\nprocesses = "four"', 'BAD_VALUE', 'c.conf:2: processes: expected an int, got "four"'],
    ['processes = 1.5', 'BAD_VALUE', 'c.conf:1: processes: expected an int, got 1.5'],
    ['processes = True', 'BAD_VALUE', 'c.conf:1: processes: expected an int, got boolean true'],
    ['processes = None', 'BAD_VALUE', 'c.conf:1: processes: expected an int, got None (only an option without a default may be None)'],
    ['worker_timeout = -1', 'BAD_VALUE', 'c.conf:1: worker_timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got -1'],
    ["worker_timeout = '10 parsecs'", 'BAD_VALUE', 'c.conf:1: worker_timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h), got "10 parsecs"'],
    ['hosts = 5', 'BAD_VALUE', 'c.conf:1: hosts: expected a list of string (each a string), got 5'],
    ["hosts = ['a', ['b']]", 'BAD_VALUE', 'c.conf:1: hosts: item 2: expected a string, got array of length 1'],
  ])('%j -> %s', (text, code, message) => {
    const error = optionsError(() => options().parseConfigText(text, 'c.conf'));
    expect([error.code, error.message]).toEqual([code, message]);
  });
});

describe('JSON config files', () => {
  const options = () =>
    new Options()
      .define('processes', { type: 'int', default: 1 })
      .define('worker_timeout', { type: 'duration', default: 10_000 })
      .define('debug', { type: 'bool', default: false })
      .define('name', { type: 'string' });

  it('a file whose first character is { is JSON; anything else is Python lines', () => {
    expect(configFormat('  \n{"a": 1}')).toBe('json');
    expect(configFormat('\uFEFF{}')).toBe('json');
    expect(configFormat('# {"a": 1}')).toBe('python');
    expect(configFormat('a = {}')).toBe('python');
  });

  it('reads an object of options, durations as seconds or text', () => {
    const o = options().parseConfigText('{\n  "processes": 3,\n  "worker_timeout": "250ms",\n  "debug": true\n}\n', 'w.json');
    expect(o.values()).toEqual({ processes: 3, worker_timeout: 250, debug: true });
    expect(o.where('debug')).toBe('w.json:4');
    expect(options().parseConfigText('{"worker_timeout": 1.5}', 'w.json').get('worker_timeout')).toBe(1500);
  });

  it.each([
    ['{\n  "processes": 1,\n  "debug": "maybe"\n}', 'BAD_VALUE', 'w.json:3: debug: expected a bool (true/false, yes/no, on/off, 1/0), got "maybe"'],
    ['{"nested": {"debug": 1},\n "procs": 2}', 'UNKNOWN_OPTION', 'w.json:1: nested: unknown option'],
    ['{"name": "x\\"debug\\": 1",\n "debug": 1}', 'BAD_VALUE', 'w.json:2: debug: expected a bool (true/false, yes/no, on/off, 1/0), got 1'],
    ['{\n"processes": 1,\n}', 'MALFORMED_CONFIG', 'w.json:3: not valid JSON: '],
    ['{\n"processes": }', 'MALFORMED_CONFIG', 'w.json:2: not valid JSON: '],
    ['{"a": 1} x', 'MALFORMED_CONFIG', 'w.json:1: not valid JSON: '],
    ['{\n\n"a": "open', 'MALFORMED_CONFIG', 'w.json:3: not valid JSON: '],
  ])('%j -> %s', (text, code, message) => {
    const error = optionsError(() => options().parseConfigText(text, 'w.json'));
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message)).toBe(true);
    if (code !== 'MALFORMED_CONFIG') expect(error.message).toBe(message);
  });

  it('JSON that is not an object is refused, saying what it is', () => {
    expect(optionsError(() => options().parseConfigText('[1, 2]', 'w.json')).message).toBe('w.json:1: expected name = value, got "[1, 2]"');
    expect(optionsError(() => parseJsonConfig('[1, 2]', 'w.json')).message).toBe('w.json: expected a JSON object of options, got an array');
    expect(optionsError(() => parseJsonConfig('null', 'w.json')).message).toBe('w.json: expected a JSON object of options, got null');
  });

  it('jsonErrorOffset agrees with JSON.parse on what is valid', () => {
    const samples = ['{}', '[]', '[true, false, null]', 'fals', '{"a":[1,2,{"b":null}]}', '"\\u00e9"', '-0.5e+3', '{"a":1,}', '[1,]', '{a:1}', '01', '"\\x"', '"\u0001"', 'tru', '{"a" 1}', '[1 2]', '', ' ', '{"a":1}}'];
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect([text, jsonErrorOffset(text) === -1]).toEqual([text, valid]);
    }
  });
});
