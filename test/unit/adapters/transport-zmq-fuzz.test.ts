// Proves TransportZmq's input surface (socket types and option objects, addresses for bind/connect, send and subscribe arguments) on real zeromq.js never leaks an internal error or hangs: every refusal is a TypeError/RangeError whose message names the input, every accepted option reads back from libzmq as given.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readSocketOption } from '../../../src/adapters/socket-options-zmq.js';
import type { SocketZmq } from '../../../src/adapters/socket-zmq.js';
import { TransportZmq } from '../../../src/adapters/transport-zmq.js';
import { SOCKET_OPTION_NAMES } from '../../../src/core/socket-options.js';
import { SOCKET_TYPES, type SocketOptions, type SocketType } from '../../../src/core/transport.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);
console.log(`transport-zmq-fuzz: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);

const transport = new TransportZmq();
afterAll(() => transport.close());

/** Words an internal failure would show instead of a checked message. */
const INTERNAL = /Cannot read|is not a function|is not iterable|of undefined|of null|^Invalid argument|Option value must be|Maximum call stack/;

/** Fails unless `error` is a TypeError/RangeError whose message starts with one of `names` and has the form "<name>: ...". */
function expectNamedInputError(error: unknown, names: readonly string[]): void {
  expect(error instanceof TypeError || error instanceof RangeError, `not a TypeError/RangeError: ${String(error)}`).toBe(true);
  const message = (error as Error).message;
  expect(names.some((name) => message.startsWith(`${name}:`)), `message does not name the input: ${message}`).toBe(true);
  expect(message).not.toMatch(INTERNAL);
}

/** Settles `p` or fails after `ms`: a hang is a failure, not a stuck test. */
async function settle<T>(p: Promise<T>, ms = 3000): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`hang: no result within ${ms}ms`)), ms)));
  try {
    return { ok: true, value: await Promise.race([p, hang]) };
  } catch (error) {
    if ((error as Error).message?.startsWith('hang:')) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

const numbers = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER, 1.5, -0.5, NaN, Infinity, -Infinity),
  fc.integer(),
  fc.double(),
);
const values = fc.oneof(numbers, fc.boolean(), fc.string({ maxLength: 300 }), fc.constantFrom(null, undefined, {}, [], '', 'é'.repeat(200)), fc.anything());
const optionKey = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SOCKET_OPTION_NAMES) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) });
const optionObjects = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(optionKey, values, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.anything() },
);
const socketTypes = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...SOCKET_TYPES) }, { weight: 1, arbitrary: fc.anything() });

describe('fuzz: socket types and options', () => {
  it('either makes a socket whose options read back from libzmq, or names the bad input', () => {
    fc.assert(
      fc.property(socketTypes, optionObjects, (type, options) => {
        let socket: SocketZmq;
        try {
          socket = transport.socket(type as SocketType, options as SocketOptions) as SocketZmq;
        } catch (error) {
          expectNamedInputError(error, ['socket type', 'socket options', ...SOCKET_OPTION_NAMES]);
          return;
        }
        try {
          for (const [key, value] of Object.entries((options ?? {}) as Record<string, unknown>)) {
            if (value === undefined || key === 'mandatory') continue;
            expect([key, readSocketOption(socket.raw, key as keyof SocketOptions)]).toEqual([key, value]);
          }
        } finally {
          socket.close();
        }
      }),
      { seed, numRuns },
    );
  });
});

const portTexts = fc.oneof(fc.constantFrom('*', '0', '1', '65535', '65536', '-1', '', ' 80', '08', '99999', '1.5', '**'), fc.string({ maxLength: 6 }));
const hosts = fc.oneof(fc.constantFrom('127.0.0.1', '[::1]', '', '*', 'localhost', '127.0.0.1:1', '[', ' '), fc.string({ maxLength: 10 }).filter((h) => !h.includes('.')));
const schemes = fc.constantFrom('tcp', 'ipc', 'inproc', 'udp', 'TCP', 'http', '');
const connectAddresses = fc.oneof(
  fc.tuple(schemes, hosts, portTexts).map(([scheme, host, port]) => `${scheme}://${host}:${port}`),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('tcp://', 'inproc://', 'ipc://', 'tcp:/x:1', '//127.0.0.1:1'),
  fc.anything(),
);
// Binds stay on loopback (or fail to parse): a bind may only open ports on 127.0.0.1/::1 and
// never an ipc file outside os.tmpdir().
const bindAddresses = fc.oneof(
  fc.tuple(fc.constantFrom('127.0.0.1', '[::1]', ''), portTexts).map(([host, port]) => `tcp://${host}:${port}`),
  fc.string({ maxLength: 30 }).filter((a) => !/^(tcp|ipc):\/\//.test(a)),
  fc.anything(),
);

describe('fuzz: addresses', () => {
  it('connect and disconnect either accept the address or throw an error naming it', async () => {
    await fc.assert(
      fc.asyncProperty(connectAddresses, async (address) => {
        const socket = transport.socket('dealer', { lingerMs: 0, reconnectIntervalMs: 1000 });
        try {
          for (const op of ['connect', 'disconnect'] as const) {
            try {
              socket[op](address as string);
            } catch (error) {
              if ((error as { code?: string }).code === 'ENOENT') continue; // disconnect of an address never connected: libzmq's answer
              expectNamedInputError(error, [op]);
            }
          }
        } finally {
          socket.close();
        }
      }),
      { seed, numRuns },
    );
  });

  it('bind either binds (then unbinds the endpoint it got) or rejects naming the address, never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(bindAddresses, async (address) => {
        const socket = transport.socket('router', { lingerMs: 0 });
        try {
          const bound = await settle(Promise.resolve().then(() => socket.bind(address as string)));
          if (bound.ok) {
            expect(socket.lastEndpoint).toMatch(/^(tcp|inproc):\/\//);
            return;
          }
          const code = (bound.error as { code?: string }).code;
          // Busy or unavailable ports and interfaces are the machine's answer, not a bad input.
          if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENODEV') return;
          expectNamedInputError(bound.error, ['bind']);
        } finally {
          socket.close();
        }
      }),
      { seed, numRuns },
    );
  });
});

const frames = fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }));
const sendables = fc.oneof(
  frames,
  fc.array(frames, { maxLength: 4 }),
  fc.array(fc.oneof(frames, fc.anything()), { maxLength: 4 }),
  fc.anything(),
  fc.constantFrom(42, null, undefined, [], [null], new ArrayBuffer(2), Buffer.from('x'), new Uint16Array(2)),
);

describe('fuzz: send and subscribe arguments', () => {
  it('send either takes the message (EAGAIN: no peer, sendTimeoutMs 0) or throws an error naming it', async () => {
    const socket = transport.socket('dealer', { lingerMs: 0, sendTimeoutMs: 0 });
    await fc.assert(
      fc.asyncProperty(sendables, async (message) => {
        let sent: Promise<void>;
        try {
          sent = socket.send(message as never);
        } catch (error) {
          expectNamedInputError(error, ['send']);
          return;
        }
        const outcome = await settle(sent);
        expect(outcome.ok ? 'resolved' : (outcome.error as { code?: string }).code).toBe('EAGAIN');
      }),
      { seed, numRuns },
    );
    socket.close();
  });

  it('subscribe/unsubscribe either take the prefix or throw an error naming it', () => {
    const socket = transport.socket('sub', { lingerMs: 0 });
    fc.assert(
      fc.property(fc.oneof(frames, fc.anything()), (prefix) => {
        for (const op of ['subscribe', 'unsubscribe'] as const) {
          try {
            socket[op](prefix as string);
          } catch (error) {
            expectNamedInputError(error, [`${op}: prefix`]);
            expect((error as Error).message.startsWith(`${op}: prefix: expected a string or a Uint8Array, got `)).toBe(true);
          }
        }
      }),
      { seed, numRuns },
    );
    socket.close();
  });
});
