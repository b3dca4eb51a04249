// What the service commands of `toto` (worker, router, invoke, events) share: checks of the
// arguments a user types (addresses, JSON parameters) that fail as OptionsError (exit 2, with
// the reason), the codec options, and Node's loop and zeromq.js for the length of one command.

import { randomInt } from 'node:crypto';
import { createCodecs, type CompressionName, type SerializationName } from '../adapters/codecs.js';
import { LoopNode } from '../adapters/loop-node.js';
import { TransportZmq } from '../adapters/transport-zmq.js';
import { OptionsError } from '../core/options-error.js';
import type { Options } from '../core/options.js';
import { Random } from '../core/random.js';
import type { WireCodecs } from '../core/wire.js';

export type Writer = { write(text: string): unknown };

/** Where a command writes; tests pass their own. */
export interface CommandIo {
  stdout: Writer;
  stderr: Writer;
}

export const processIo: CommandIo = { stdout: process.stdout, stderr: process.stderr };

const ADDRESS = /^(tcp:\/\/[^\s/]+:(\d+|\*)|ipc:\/\/\S+|inproc:\/\/\S+)$/;
/** Longest text of a user's argument repeated in a message. */
const ECHO_CHARS = 80;

export function shown(text: string): string {
  return JSON.stringify(text.length > ECHO_CHARS ? `${text.slice(0, ECHO_CHARS)}...` : text);
}

/** A ZeroMQ endpoint: tcp://host:port (or :* to bind any port), ipc://path, inproc://name. */
export function checkAddress(name: string, value: string): string {
  if (!ADDRESS.test(value)) {
    throw new OptionsError('BAD_VALUE', `${name}: expected an address like tcp://127.0.0.1:55555 or ipc:///tmp/worker.sock, got ${shown(value)}`, { option: name });
  }
  return value;
}

/** A comma-separated list of addresses, each checked. */
export function checkAddresses(name: string, value: string): string[] {
  const list = value.split(',').map((a) => a.trim());
  for (const address of list) checkAddress(name, address);
  return list;
}

/** Parameters given as JSON on the command line. */
export function parseJsonArgument(name: string, text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OptionsError('BAD_VALUE', `${name}: expected JSON (like '{"a": 1}'), got ${shown(text)}: ${(error as Error).message}`, { option: name });
  }
}

/** The number of arguments a command takes that are not options. */
export function checkPositionals(positionals: readonly string[], names: readonly string[], optional = 0): void {
  const required = names.length - optional;
  if (positionals.length < required) {
    throw new OptionsError('MISSING_VALUE', `expected ${names.slice(0, required).map((n) => `<${n}>`).join(' ')}${optional ? ` [${names.slice(required).join('] [')}]` : ''}, missing <${names[positionals.length]}>`);
  }
  if (positionals.length > names.length) throw new OptionsError('BAD_VALUE', `unexpected argument ${shown(positionals[names.length] as string)} (after ${names.map((n) => `<${n}>`).join(' ')})`);
}

const CODEC_GROUP = 'Wire';

/** --serialization and --compression (Toto's serialization_module and compression_module). */
export function defineCodecOptions<T extends object>(options: Options<T>) {
  return options
    .define('serialization', { type: 'string', default: 'json', choices: ['json', 'msgpack'], group: CODEC_GROUP, help: 'how payloads are serialized (both sides must agree)' })
    .define('compression', { type: 'string', default: 'none', choices: ['none', 'zlib'], group: CODEC_GROUP, help: 'how payloads are compressed (both sides must agree)' });
}

export function codecsOf(values: { serialization: string; compression: string }): WireCodecs {
  return createCodecs({ serialization: values.serialization as SerializationName, compression: values.compression as CompressionName });
}

/** Runs `body` with Node's loop, zeromq.js and a random source, all closed afterwards. */
export async function withNodePorts<R>(body: (ports: { loop: LoopNode; transport: TransportZmq; random: Random }) => Promise<R>): Promise<R> {
  const loop = new LoopNode();
  const transport = new TransportZmq();
  try {
    return await body({ loop, transport, random: new Random(randomInt(0x7fffffff)) });
  } finally {
    await transport.close();
    loop.close();
  }
}

/** Reports an OptionsError found after parsing (a bad argument) as parseOptionsCli does: exit 2. */
export function usageFailure(error: unknown, program: string, io: CommandIo): number {
  if (!(error instanceof OptionsError)) throw error;
  io.stderr.write(`${program}: ${error.message}\n`);
  return error.exitCode;
}
