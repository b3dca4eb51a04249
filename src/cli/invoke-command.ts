// `toto invoke <address> <method> [json]`: one call to a worker service (its router's bind address,
// or a worker's own in direct mode) through a ZmqWorkerConnection, as a Toto client would make it.
// Prints the reply as JSON on stdout (exit 0). A worker's error prints {"error": {code, value}} on
// stdout and the message on stderr (exit 1); no reply within --timeout says so (exit 1).

import { ErrorCode, TotoError } from '../core/errors.js';
import { OptionsError } from '../core/options-error.js';
import { Options } from '../core/options.js';
import { ZmqWorkerConnection } from '../core/zmq-worker-connection.js';
import { parseOptions } from '../adapters/options-file.js';
import { checkAddresses, checkPositionals, codecsOf, defineCodecOptions, parseJsonArgument, processIo, shown, usageFailure, withNodePorts, type CommandIo } from './cli-common.js';

const PROGRAM = 'toto invoke';

function invokeOptions() {
  const options = new Options({
    usage: `${PROGRAM} [OPTIONS] <address> <method> [json]`,
    description: 'Calls <method> (like "math.add") on the worker service at <address> (tcp://host:port, or several comma-separated) with the\nJSON parameters (default {}), and prints the reply as JSON.',
  })
    .define('timeout', { type: 'duration', default: 10_000, min: 1, help: 'how long to wait for the reply' })
    .define('retries', { type: 'int', default: 0, min: 0, max: 100, help: 're-send the call this many times when it times out (autoRetry)' });
  return defineCodecOptions(options);
}

/** The arguments of `toto invoke`, checked (nothing is sent); throws OptionsError on bad input. */
export function parseInvokeArgs(argv: readonly string[]) {
  const options = invokeOptions();
  const { values, positionals, help } = parseOptions(options, argv);
  if (help) return { help: true as const, text: options.helpText() };
  checkPositionals(positionals, ['address', 'method', 'json'], 1);
  const addresses = checkAddresses('address', positionals[0] as string);
  const method = positionals[1] as string;
  if (method.trim() === '') throw new OptionsError('BAD_VALUE', `method: expected a method name like "math.add", got ${shown(method)}`, { option: 'method' });
  return { help: false as const, values, addresses, method, parameters: parseJsonArgument('json', positionals[2]) };
}

/** `toto invoke ...` (the arguments after `invoke`); resolves to the exit code. */
export async function invokeCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseInvokeArgs(argv);
  } catch (error) {
    return usageFailure(error, PROGRAM, io);
  }
  if (parsed.help) {
    io.stdout.write(parsed.text);
    return 0;
  }
  const { values, addresses, method, parameters } = parsed;
  return withNodePorts(async ({ loop, transport, random }) => {
    const connection = new ZmqWorkerConnection({
      transport,
      loop,
      random,
      address: addresses,
      timeoutMs: values.timeout,
      codecs: codecsOf(values),
      socketOptions: { lingerMs: 0 },
      ...(values.retries > 0 ? { autoRetry: true, attemptsMax: values.retries + 1 } : {}),
    });
    try {
      const reply = await connection.invoke(method, parameters);
      io.stdout.write(`${JSON.stringify(reply ?? null)}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof TotoError)) {
        io.stderr.write(`${PROGRAM}: ${method}: ${(error as Error)?.message ?? String(error)}\n`);
        return 1;
      }
      if (error.code === ErrorCode.TIMEOUT) {
        io.stderr.write(`${PROGRAM}: no reply to ${method} from ${addresses.join(', ')} within ${values.timeout} ms (is the service running at that address?)\n`);
      } else {
        io.stdout.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
        io.stderr.write(`${PROGRAM}: ${method}: error ${error.code}${error.codeName ? ` (${error.codeName})` : ''}: ${error.value}\n`);
      }
      return 1;
    } finally {
      await connection.close();
    }
  });
}
