// Proves reading config files from disk for Options: real files in a temp directory in both formats, precedence with the command line through parseOptions, and the message (OptionsError, exit code 2) for a missing file, a directory, a file over the size limit, non-UTF-8 bytes, and a malformed line reported as the real path:line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOptionsFile, OPTIONS_FILE_BYTES_MAX, parseOptions, readOptionsFile } from '../../../src/adapters/options-file.js';
import { Options } from '../../../src/core/options.js';
import { optionsError } from '../../support/options-error.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toto-options-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function workerOptions() {
  return new Options({ usage: 'toto worker [OPTIONS]' })
    .define('processes', { type: 'int', default: 1, min: -1 })
    .define('worker_timeout', { type: 'duration', default: 10_000 })
    .define('debug', { type: 'bool', default: false });
}

describe('readOptionsFile', () => {
  it('returns the text of a UTF-8 file', () => {
    expect(readOptionsFile(file('w.conf', "name = 'é'\n"))).toBe("name = 'é'\n");
    expect(readOptionsFile(file('empty.conf', ''))).toBe('');
  });

  it('reads a file of exactly maxBytes and refuses one byte more', () => {
    expect(readOptionsFile(file('a.conf', 'a'.repeat(16)), { maxBytes: 16 })).toHaveLength(16);
    const path = file('b.conf', 'a'.repeat(17));
    const error = optionsError(() => readOptionsFile(path, { maxBytes: 16 }));
    expect([error.code, error.message, error.where, error.exitCode]).toEqual(['FILE_UNREADABLE', `${path}: cannot read the config file: it is 17 bytes, more than the 16 allowed`, path, 2]);
  });

  it('the default limit is 1 MiB', () => {
    expect(OPTIONS_FILE_BYTES_MAX).toBe(1024 * 1024);
    const path = file('big.conf', new Uint8Array(OPTIONS_FILE_BYTES_MAX + 1).fill(0x23));
    expect(optionsError(() => readOptionsFile(path)).message).toBe(`${path}: cannot read the config file: it is ${OPTIONS_FILE_BYTES_MAX + 1} bytes, more than the ${OPTIONS_FILE_BYTES_MAX} allowed`);
  });

  it('a device that reports size 0 is still cut at the limit', () => {
    expect(optionsError(() => readOptionsFile('/dev/zero', { maxBytes: 1024 })).message).toBe('/dev/zero: cannot read the config file: it is more than the 1024 bytes allowed');
  });

  it('a missing file, a directory, a path through a file: names the path and the reason', () => {
    const missing = join(dir, 'nope.conf');
    expect(optionsError(() => readOptionsFile(missing)).message).toBe(`${missing}: cannot read the config file: no such file`);
    mkdirSync(join(dir, 'sub'));
    expect(optionsError(() => readOptionsFile(join(dir, 'sub'))).message).toBe(`${join(dir, 'sub')}: cannot read the config file: it is a directory`);
    const through = join(file('f', 'x'), 'child.conf');
    const error = optionsError(() => readOptionsFile(through));
    expect(error.code).toBe('FILE_UNREADABLE');
    expect(error.message).toBe(`${through}: cannot read the config file: ENOTDIR: not a directory, open '${through}'`);
  });

  it('non-UTF-8 bytes are refused', () => {
    const path = file('latin1.conf', new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27]));
    expect(optionsError(() => readOptionsFile(path)).message).toBe(`${path}: cannot read the config file: it is not UTF-8 text`);
  });

  it('an empty path and a bad maxBytes are said plainly', () => {
    expect(optionsError(() => readOptionsFile('')).message).toBe('"": cannot read the config file: expected a file path');
    expect(() => readOptionsFile('x', { maxBytes: 0 })).toThrow('maxBytes: expected an integer >= 1, got 0');
  });
});

describe('parseOptions and loadOptionsFile', () => {
  it('--config names a file read between the constructor and the command line', () => {
    const path = file('w.conf', 'processes = 4\nworker_timeout = 0.25\ndebug = True\n');
    const options = workerOptions().setValues({ processes: 2 });
    const { values, positionals } = parseOptions(options, ['--config', path, 'methods', '--no-debug']);
    expect(values).toEqual({ processes: 4, worker_timeout: 250, debug: false, config: path });
    expect(positionals).toEqual(['methods']);
    expect(options.where('processes')).toBe(`${path}:1`);
  });

  it('a JSON file and another option name for it', () => {
    const path = file('w.json', '{"processes": 3, "worker_timeout": "2m"}');
    const { values } = parseOptions(workerOptions(), [`--conf-file=${path}`], { configFileOption: 'conf_file' });
    expect([values.processes, values.worker_timeout]).toEqual([3, 120_000]);
  });

  it('a malformed line is reported as the real path:line with the reason', () => {
    const path = file('bad.conf', "processes = 4\n\nworker_timeout = '10s\n");
    const error = optionsError(() => parseOptions(workerOptions(), [`--config=${path}`]));
    expect([error.code, error.message, error.where]).toEqual(['MALFORMED_CONFIG', `${path}:3: unterminated string (no closing ')`, `${path}:3`]);
  });

  it('a bad value in the file names the path:line, the option and what was expected', () => {
    const path = file('bad.conf', 'debug = True\nprocesses = "many"\n');
    expect(optionsError(() => loadOptionsFile(workerOptions(), path)).message).toBe(`${path}:2: processes: expected an int >= -1, got "many"`);
  });

  it('the file size limit applies through parseOptions', () => {
    const path = file('w.conf', 'processes = 4\n');
    expect(optionsError(() => parseOptions(workerOptions(), [`--config=${path}`], { maxBytes: 4 })).code).toBe('FILE_UNREADABLE');
  });

  it('a missing --config file is an OptionsError with exit code 2', () => {
    const error = optionsError(() => parseOptions(workerOptions(), ['--config', join(dir, 'missing.conf')]));
    expect([error.code, error.exitCode, error.message]).toEqual(['FILE_UNREADABLE', 2, `${join(dir, 'missing.conf')}: cannot read the config file: no such file`]);
  });
});
