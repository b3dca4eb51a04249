// Reading a config file for src/core/options.ts: bounded in size (a config file is small; a
// wrong path to a huge file or a device must not fill memory), UTF-8 checked, and every failure
// an OptionsError naming the path, so a CLI prints it and exits 2 like any other bad input.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { OptionsError } from '../core/options-error.js';
import type { CommandLineResult, Options } from '../core/options.js';

/** The largest config file read unless told otherwise: 1 MiB. */
export const OPTIONS_FILE_BYTES_MAX = 1024 * 1024;

export interface OptionsFileOptions {
  /** Refuse a file larger than this (default OPTIONS_FILE_BYTES_MAX). */
  maxBytes?: number;
}

function unreadable(path: string, reason: string, cause?: unknown): OptionsError {
  const error = new OptionsError('FILE_UNREADABLE', `${path}: cannot read the config file: ${reason}`, { where: path });
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
  return error;
}

function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (error as Error).message;
}

/** The text of the config file at `path`; throws OptionsError FILE_UNREADABLE naming the path. */
export function readOptionsFile(path: string, options: OptionsFileOptions = {}): string {
  const maxBytes = options.maxBytes ?? OPTIONS_FILE_BYTES_MAX;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes: expected an integer >= 1, got ${String(maxBytes)}`);
  if (typeof path !== 'string' || path === '') throw unreadable(JSON.stringify(path), 'expected a file path');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, systemReason(error), error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw unreadable(path, 'it is a directory');
    if (stat.size > maxBytes) throw unreadable(path, `it is ${stat.size} bytes, more than the ${maxBytes} allowed`);
    // Read one byte past the limit: a file that grew, or a device reporting size 0, is caught too.
    const buffer = new Uint8Array(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw unreadable(path, `it is more than the ${maxBytes} bytes allowed`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      throw unreadable(path, 'it is not UTF-8 text');
    }
  } catch (error) {
    if (error instanceof OptionsError) throw error;
    throw unreadable(path, systemReason(error), error);
  } finally {
    closeSync(fd);
  }
}

/** Reads the config file at `path` into `options` (Toto's TotoService(config_file)). */
export function loadOptionsFile<T extends object>(options: Options<T>, path: string, fileOptions: OptionsFileOptions = {}): Options<T> {
  return options.parseConfigText(readOptionsFile(path, fileOptions), path);
}

export interface ParseOptionsArgs extends OptionsFileOptions {
  /** The option naming the config file; default "config" (`--config=worker.conf`). */
  configFileOption?: string;
}

/**
 * What a CLI command calls: the command line (`process.argv.slice(2)` or a subcommand's rest),
 * then the config file it names, read from disk. Throws OptionsError (exitCode 2) on bad input.
 */
export function parseOptions<T extends object>(options: Options<T>, argv: readonly string[], args: ParseOptionsArgs = {}): CommandLineResult<T> {
  const { configFileOption = 'config', ...fileOptions } = args;
  return options.parseCommandLine(argv, { configFileOption, readConfigFile: (path) => readOptionsFile(path, fileOptions) });
}

export interface OptionsCliArgs extends ParseOptionsArgs {
  /** What error lines start with: `toto worker: command line: --procs: unknown option ...`. */
  program: string;
  /** Where help goes (default process.stdout) and errors go (default process.stderr). */
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

export type OptionsCliResult<T> = { run: true; values: Readonly<T>; positionals: string[] } | { run: false; exitCode: number };

/**
 * parseOptions for a CLI command: `--help` prints the help (exit code 0); bad input prints
 * `program: reason` on stderr (exit code 2); otherwise the values to run with. The caller
 * sets process.exitCode, so a command stays testable in-process.
 */
export function parseOptionsCli<T extends object>(options: Options<T>, argv: readonly string[], args: OptionsCliArgs): OptionsCliResult<T> {
  const { program, stdout = process.stdout, stderr = process.stderr, ...parseArgs } = args;
  try {
    const result = parseOptions(options, argv, parseArgs);
    if (!result.help) return { run: true, values: result.values, positionals: result.positionals };
    stdout.write(options.helpText());
    return { run: false, exitCode: 0 };
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    stderr.write(`${program}: ${error.message}\n`);
    return { run: false, exitCode: error.exitCode };
  }
}
