// Proves, by a seeded fuzz of whole command lines (FC_NUM_RUNS, default 1,000, in-process: the parsers and checks each command runs before it acts, nothing started), that toto's command routing and the worker, router, invoke and events commands answer any argv with either a parse or a clear one-line error (an OptionsError or commander's, exit code 2), never a stack trace or a "Cannot read properties".
import { CommanderError } from 'commander';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkCommandNames } from '../../../src/cli/cli-options-command.js';
import { parseListenArgs, parseSendArgs } from '../../../src/cli/events-command.js';
import { parseInvokeArgs } from '../../../src/cli/invoke-command.js';
import { checkRouterArgs } from '../../../src/cli/router-command.js';
import { buildProgram } from '../../../src/cli/toto.js';
import { checkWorkerArgs } from '../../../src/cli/worker-command.js';
import { OptionsError } from '../../../src/core/options-error.js';

const RUNS = Number(process.env.FC_NUM_RUNS ?? 1000);
const SEED = Number(process.env.FC_SEED ?? 20240611);

afterEach(() => vi.restoreAllMocks());

const words = ['worker', 'router', 'invoke', 'events', 'send', 'listen', 'sim', 'trace', 'view', 'help', 'nosuch', 'test/fixtures/worker-methods', 'math.add'];
const optionNames = [
  'processes', 'daemon', 'start', 'stop', 'restart', 'nodaemon', 'pidfile', 'logfile', 'drain-timeout', 'start_timeout', 'debug', 'config', 'command', 'command-timeout',
  'worker-bind-address', 'worker_socket_address', 'control-socket-address', 'method-module', 'startup-function', 'idempotency-ttl', 'restart-workers', 'no-restart-workers',
  'serialization', 'compression', 'timeout', 'retries', 'broadcast', 'no-broadcast', 'help', 'nosuch', '',
];
const values = ['', '0', '-1', '2', '1.5', '1e9', 'true', 'no', '250ms', '10s', 'x', 'start', 'status', 'zlib', 'msgpack', 'tcp://127.0.0.1:*', 'ipc:///tmp/x.sock', 'tcp://a', '{"a":1}', '[', 'null', '/no/such/file.conf', '\u0000', '𝄞'];

const token = fc.oneof(
  fc.constantFrom(...words, ...values, '--', '-', '-h', '-p'),
  fc.tuple(fc.constantFrom(...optionNames), fc.option(fc.constantFrom(...values), { nil: undefined })).map(([name, value]) => (value === undefined ? `--${name}` : `--${name}=${value}`)),
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 8 }).map((s) => `--${s}`),
);
const argv = fc.oneof(
  fc.array(token, { maxLength: 8 }),
  fc.tuple(fc.constantFrom('worker', 'router', 'invoke', 'events send', 'events listen'), fc.array(token, { maxLength: 7 })).map(([command, rest]) => [...command.split(' '), ...rest]),
);

/** What `toto <args>` checks before acting, for the commands of this file; throws what a user would see. */
function check(args: string[]): void {
  const program = buildProgram(() => undefined);
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  checkCommandNames(program, args);
  const [first, second] = args.filter((a) => !a.startsWith('-'));
  const after = (name: string) => args.slice(args.indexOf(name) + 1);
  if (first === 'worker') checkWorkerArgs(after('worker'));
  else if (first === 'router') checkRouterArgs(after('router'));
  else if (first === 'invoke') parseInvokeArgs(after('invoke'));
  else if (first === 'events' && second === 'send') parseSendArgs(after('send'));
  else if (first === 'events' && second === 'listen') parseListenArgs(after('listen'));
}

describe('toto command lines, fuzzed', () => {
  it(`any argv: a parse or one clear line, exit code 2 (${RUNS} runs, seed ${SEED})`, () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const seen = { parsed: 0, options: 0, commander: 0 };
    fc.assert(
      fc.property(argv, (args) => {
        try {
          check(args);
          seen.parsed++;
        } catch (error) {
          if (error instanceof OptionsError) {
            seen.options++;
            expect(error.exitCode).toBe(2);
          } else if (error instanceof CommanderError) {
            seen.commander++;
            expect(error.exitCode).toBe(2);
          } else throw error;
          const message = (error as Error).message;
          expect(message).not.toMatch(/\n\s+at |Cannot read propert|is not a function|undefined is not|\[object Object\]/);
          expect(message.length).toBeGreaterThan(5);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generator reaches all three outcomes.
    expect(Math.min(seen.parsed, seen.options, seen.commander)).toBeGreaterThan(0);
  });
});
