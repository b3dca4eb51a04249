// Proves dispatchPayloadNow, the HTTP worker server's fast path: a method that returns a value (or
// throws) is answered synchronously, with the very reply bytes, counts and logs dispatchPayload
// gives; a method that returns a promise, a thenable or runs behind the idempotency window still
// gets a promise, whose outcome is the same.
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { TotoError } from '../../../src/core/errors.js';
import { encodeInvocation, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher, httpStatusOf, type WorkerOutcome } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, type MethodMap } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const str = (b: Uint8Array) => new TextDecoder().decode(b);

const methods: MethodMap<null> = {
  echo: (_worker, parameters) => parameters,
  later: async (_worker, parameters) => parameters,
  thenable: (_worker, parameters) => ({ then: (resolve: (value: unknown) => void) => resolve(parameters) }),
  throws: () => {
    throw new TotoError(4242, 'sync toto');
  },
  rejects: () => Promise.reject(new TotoError(4242, 'sync toto')),
  throwsPlain: () => {
    throw new Error('plain');
  },
  returnsError: () => new TotoError(4243, 'returned'),
  badThen: () => ({
    get then(): never {
      throw new Error('then getter');
    },
  }),
};

function setup(idempotency?: { ttlMs: number }) {
  const logs: ContextLogLine[] = [];
  const dispatcher = new WorkerDispatcher<null>({
    methods: WorkerMethods.fromMap(methods),
    worker: null,
    codecs: json,
    loop: new LoopSim(new SimKernel()),
    logger: loggerInto(logs),
    ...(idempotency ? { idempotency } : {}),
  });
  return { dispatcher, logs };
}

const body = (method: string, parameters: unknown = { n: 1 }) => encodeInvocation({ method, parameters }, json);
const summary = (outcome: WorkerOutcome) => ({ kind: outcome.kind, status: httpStatusOf(outcome), body: JSON.parse(str(outcome.payload)) as unknown });

describe('WorkerDispatcher.dispatchPayloadNow', () => {
  it('answers a method that returns a value or throws at once, as dispatchPayload answers it', async () => {
    for (const method of ['echo', 'throws', 'throwsPlain', 'returnsError', 'no.such', 'badThen']) {
      const now = setup();
      const outcome = now.dispatcher.dispatchPayloadNow(body(method));
      expect(outcome, method).not.toBeInstanceOf(Promise);
      const viaPromise = setup();
      const expected = await viaPromise.dispatcher.dispatchPayload(body(method));
      expect(summary(await outcome), method).toEqual(summary(expected));
      expect(now.dispatcher.stats, method).toEqual(viaPromise.dispatcher.stats);
      expect(now.logs.map((line) => line.message), method).toEqual(viaPromise.logs.map((line) => line.message));
    }
  });

  it('a sync throw and a rejection give the same error reply', async () => {
    const { dispatcher } = setup();
    const thrown = dispatcher.dispatchPayloadNow(body('throws')) as WorkerOutcome;
    const rejected = await dispatcher.dispatchPayloadNow(body('rejects'));
    expect(summary(thrown)).toEqual({ kind: 'reply', status: 500, body: { error: { code: 4242, value: 'sync toto' } } });
    expect(summary(rejected)).toEqual(summary(thrown));
  });

  it('returns a promise for a promise, a thenable, a malformed body and the idempotency window, with the same outcome', async () => {
    const { dispatcher } = setup();
    for (const method of ['later', 'thenable']) {
      const outcome = dispatcher.dispatchPayloadNow(body(method, { m: method }));
      expect(outcome, method).toBeInstanceOf(Promise);
      expect(summary(await outcome), method).toEqual({ kind: 'reply', status: 200, body: { m: method } });
    }
    const malformed = dispatcher.dispatchPayloadNow(new TextEncoder().encode('{'));
    expect(summary(await malformed).status).toBe(400);
    const windowed = setup({ ttlMs: 1_000 }).dispatcher.dispatchPayloadNow(body('echo'), 'call-1');
    expect(windowed).toBeInstanceOf(Promise);
    expect(summary(await windowed)).toEqual({ kind: 'reply', status: 200, body: { n: 1 } });
  });
});
