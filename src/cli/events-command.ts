// `toto events send <address> <name> [json] [--no-broadcast]` and `toto events listen <address>`:
// Toto's events from the shell. send registers each address (comma-separated) as a server of an
// EventManager and sends one event, to all of them or (--no-broadcast) to the next in round-robin
// order, then waits until its sockets have taken it. listen binds a PULL on the address and prints
// every event that arrives as a JSON line {"name", "args"} until Ctrl-C (SIGINT) or SIGTERM; a
// frame that is not an event is reported on stderr and skipped.

import { EventManager } from '../core/event-manager.js';
import { decodeEvent, eventLimits } from '../core/event-manager-wire.js';
import { OptionsError } from '../core/options-error.js';
import { Options } from '../core/options.js';
import type { TransportPort } from '../core/transport.js';
import { parseOptions } from '../adapters/options-file.js';
import { checkAddress, checkAddresses, checkPositionals, codecsOf, defineCodecOptions, parseJsonArgument, processIo, shown, usageFailure, withNodePorts, type CommandIo } from './cli-common.js';

function sendOptions() {
  const options = new Options({
    usage: 'toto events send [OPTIONS] <address> <name> [json]',
    description: 'Sends the event <name> with the JSON args (default null) to the event servers listening at <address> (several comma-separated).',
  })
    .define('broadcast', { type: 'bool', default: true, help: 'send to every address; --no-broadcast sends to one, in round-robin order' })
    .define('timeout', { type: 'duration', default: 10_000, min: 1, help: 'how long the servers may take to accept the event' });
  return defineCodecOptions(options);
}

function listenOptions() {
  return defineCodecOptions(
    new Options({
      usage: 'toto events listen [OPTIONS] <address>',
      description: 'Listens for events at <address> (tcp://127.0.0.1:8999, or tcp://127.0.0.1:* for any port) and prints each as a JSON line\n{"name": ..., "args": ...} until Ctrl-C. Says where it listens on stderr.',
    }),
  );
}

/** The arguments of `toto events send`, checked (nothing is sent); throws OptionsError on bad input. */
export function parseSendArgs(argv: readonly string[]) {
  const options = sendOptions();
  const { values, positionals, help } = parseOptions(options, argv);
  if (help) return { help: true as const, text: options.helpText() };
  checkPositionals(positionals, ['address', 'name', 'json'], 1);
  const addresses = checkAddresses('address', positionals[0] as string);
  const name = positionals[1] as string;
  if (name === '') throw new OptionsError('BAD_VALUE', `name: expected an event name, got ${shown(name)}`, { option: 'name' });
  const args = positionals[2] === undefined ? null : parseJsonArgument('json', positionals[2]);
  return { help: false as const, values, addresses, name, args };
}

/** The arguments of `toto events listen`, checked (nothing is bound); throws OptionsError on bad input. */
export function parseListenArgs(argv: readonly string[]) {
  const options = listenOptions();
  const { values, positionals, help } = parseOptions(options, argv);
  if (help) return { help: true as const, text: options.helpText() };
  checkPositionals(positionals, ['address']);
  return { help: false as const, values, address: checkAddress('address', positionals[0] as string) };
}

/** Parses with `parse`: the parse, or the exit code when help was printed or the input was bad. */
function parsedOr<R extends { help: boolean }>(parse: () => R, program: string, io: CommandIo): Exclude<R, { help: true }> | number {
  try {
    const parsed = parse();
    if (!parsed.help) return parsed as Exclude<R, { help: true }>;
    io.stdout.write((parsed as unknown as { text: string }).text);
    return 0;
  } catch (error) {
    return usageFailure(error, program, io);
  }
}

/** `toto events send ...` (the arguments after `send`); resolves to the exit code. */
export async function eventsSendCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const program = 'toto events send';
  const parsed = parsedOr(() => parseSendArgs(argv), program, io);
  if (typeof parsed === 'number') return parsed;
  const { values, addresses, name, args } = parsed;
  return withNodePorts(async ({ loop, transport, random }) => {
    // A PUSH queues for an address nobody listens at as if it were there: only a handshake says a
    // server took the connection, so the event is known to go out (within the socket's linger).
    const handshaken = new Set<string>();
    const observed: TransportPort = {
      httpListen: (address, handler) => transport.httpListen(address, handler),
      httpRequest: (url, options) => transport.httpRequest(url, options),
      socket(type, options) {
        const socket = transport.socket(type, options);
        socket.events.on('handshake', (event) => handshaken.add(event.address));
        return socket;
      },
    };
    const events = new EventManager({ transport: observed, loop, random, codecs: codecsOf(values) });
    try {
      for (const address of new Set(addresses)) events.registerServer(address);
      const to = events.send(name, args, { broadcast: values.broadcast });
      const untilMs = loop.now() + values.timeout;
      await events.flush();
      while (to.some((address) => !handshaken.has(address)) && loop.now() < untilMs) await new Promise<void>((resolve) => loop.callLater(10, () => resolve()));
      const missed = to.filter((address) => !handshaken.has(address));
      if (missed.length > 0) {
        io.stderr.write(`${program}: ${JSON.stringify(name)} not taken by ${missed.join(', ')} within ${values.timeout} ms (is an event server listening there?)\n`);
        return 1;
      }
      io.stderr.write(`sent ${JSON.stringify(name)} to ${to.join(', ')}\n`);
      return 0;
    } catch (error) {
      io.stderr.write(`${program}: ${(error as Error)?.message ?? String(error)}\n`);
      return 1;
    } finally {
      await events.close();
    }
  });
}

export interface ListenControl {
  /** Ends the listening (the command resolves 0); by default SIGINT and SIGTERM do. */
  stop?: AbortSignal;
}

/** `toto events listen ...` (the arguments after `listen`); resolves to the exit code once stopped. */
export async function eventsListenCommand(argv: readonly string[], io: CommandIo = processIo, control: ListenControl = {}): Promise<number> {
  const program = 'toto events listen';
  const parsed = parsedOr(() => parseListenArgs(argv), program, io);
  if (typeof parsed === 'number') return parsed;
  const { values, address } = parsed;
  const codecs = codecsOf(values);
  const limits = eventLimits(undefined);
  return withNodePorts(async ({ transport }) => {
    const socket = transport.socket('pull');
    try {
      await socket.bind(address);
    } catch (error) {
      socket.close();
      io.stderr.write(`${program}: cannot listen at ${address}: ${(error as Error).message}\n`);
      return 1;
    }
    const stop = (): void => socket.close();
    const signals = control.stop === undefined;
    if (signals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    } else if (control.stop?.aborted) stop(); // an abort event that has fired will not fire again
    else control.stop?.addEventListener('abort', stop, { once: true });
    io.stderr.write(`listening at ${socket.lastEndpoint ?? address}\n`);
    let malformed = 0;
    try {
      for (;;) {
        let message;
        try {
          message = await socket.receive();
        } catch {
          break; // closed: Ctrl-C or SIGTERM
        }
        try {
          const event = decodeEvent(message, codecs, limits);
          io.stdout.write(`${JSON.stringify({ name: event.name, args: event.args })}\n`);
        } catch (error) {
          malformed++;
          io.stderr.write(`${program}: skipped a frame that is not an event (${malformed} so far): ${(error as Error).message}\n`);
        }
      }
    } finally {
      if (signals) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    }
    return 0;
  });
}
