// Proves the worker's dispatch: exact replies for values, TotoErrors, other exceptions, unknown methods and malformed requests (Toto's disabled_test_worker.py cases), @asynchronous ack-then-run, logging with context, up-front option checks, and the idempotency window wired to call ids.
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { IdempotencyWindow } from '../../../src/core/idempotency-window.js';
import { encodeInvocation, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher, httpStatusOf, type WorkerOutcome, type WorkerReply } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous, type MethodMap } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { loggerInto, type ContextLogLine } from '../../support/recording-logger.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

interface TestWorker {
  pid: number;
  log: string[];
}

function setup(map: MethodMap<TestWorker>, idempotency?: { ttlMs: number; entriesMax?: number; inFlightMaxMs?: number }) {
  const kernel = new SimKernel();
  const loop = new LoopSim(kernel);
  const logs: ContextLogLine[] = [];
  const worker: TestWorker = { pid: 4242, log: [] };
  const dispatcher = new WorkerDispatcher<TestWorker>({
    methods: WorkerMethods.fromMap(map),
    worker,
    codecs: json,
    loop,
    logger: loggerInto(logs),
    ...(idempotency ? { idempotency } : {}),
  });
  return { kernel, loop, logs, worker, dispatcher };
}

const request = (id: string, method: string, parameters: unknown = {}) => [text(id), encodeInvocation({ method, parameters }, json)];

function replyOf(outcome: WorkerOutcome): { id: string; body: unknown; reply: WorkerReply } {
  expect(outcome.kind).toBe('reply');
  const reply = outcome as WorkerReply;
  expect(reply.frames).toHaveLength(2);
  expect(reply.frames[1]).toBe(reply.payload);
  return { id: str(reply.frames[0] as Uint8Array), body: JSON.parse(str(reply.payload)), reply };
}

// Toto's tests/worker_methods: return_value echoes its parameters, the throwers throw.
const totoMethods: MethodMap<TestWorker> = {
  return_value: (_worker, parameters) => ({ parameters }),
  return_pid: (worker) => ({ pid: worker.pid }),
  throw_exception: () => {
    throw new Error('Test Exception');
  },
  throw_toto_exception: () => {
    throw new TotoError(4242, 'Test Toto Exception');
  },
};

describe('WorkerDispatcher: Toto disabled_test_worker.py cases', () => {
  const parameters = { arg1: 1, arg2: 'hello' };

  it('return_value: the reply is the value, under the request id', async () => {
    const { dispatcher } = setup(totoMethods);
    const { id, body, reply } = replyOf(await dispatcher.dispatchFrames(request('m-1', 'return_value', parameters)));
    expect(id).toBe('m-1');
    expect(body).toEqual({ parameters });
    expect(reply.error).toBeUndefined();
    expect(reply.malformed).toBe(false);
    expect(reply.method).toBe('return_value');
  });

  it('the worker object reaches the method', async () => {
    const { dispatcher } = setup(totoMethods);
    expect(replyOf(await dispatcher.dispatchFrames(request('m-2', 'return_pid'))).body).toEqual({ pid: 4242 });
  });

  it('bad_method: MISSING_METHOD (1002) naming the method, and it is logged', async () => {
    const { dispatcher, logs } = setup(totoMethods);
    const { id, body, reply } = replyOf(await dispatcher.dispatchFrames(request('m-3', 'bad_method', parameters)));
    expect(id).toBe('m-3');
    expect(body).toEqual({ error: { code: 1002, value: 'unknown method "bad_method"' } });
    expect(reply.error?.code).toBe(ErrorCode.MISSING_METHOD);
    expect(reply.malformed).toBe(false);
    expect(logs).toEqual([{ level: 'warn', context: { method: 'bad_method', callId: 'm-3', code: 1002 }, message: 'worker: unknown method' }]);
  });

  it('throw_exception: SERVER (1000) with the message, logged at error with the exception', async () => {
    const { dispatcher, logs } = setup(totoMethods);
    const { body } = replyOf(await dispatcher.dispatchFrames(request('m-4', 'throw_exception', parameters)));
    expect(body).toEqual({ error: { code: 1000, value: 'Test Exception' } });
    expect(logs).toHaveLength(1);
    expect(logs[0]?.level).toBe('error');
    expect(logs[0]?.message).toBe('worker: method failed');
    expect(logs[0]?.context).toMatchObject({ method: 'throw_exception', callId: 'm-4', code: 1000 });
    expect((logs[0]?.context.err as Error).message).toBe('Test Exception');
  });

  it('throw_toto_exception: the TotoError keeps its code and value', async () => {
    const { dispatcher, logs } = setup(totoMethods);
    const { body } = replyOf(await dispatcher.dispatchFrames(request('m-5', 'throw_toto_exception', parameters)));
    expect(body).toEqual({ error: { code: 4242, value: 'Test Toto Exception' } });
    expect(logs.map((e) => [e.level, e.context.code])).toEqual([['info', 4242]]);
  });
});

describe('WorkerDispatcher: values and errors', () => {
  it('an async method is awaited; undefined is sent as null; nested names resolve', async () => {
    const { dispatcher } = setup({
      a: { b: { slow: async (_w, p) => ({ got: p }) } },
      nothing: () => undefined,
    });
    expect(replyOf(await dispatcher.dispatchFrames(request('1', 'a.b.slow', [1, 2]))).body).toEqual({ got: [1, 2] });
    expect(replyOf(await dispatcher.dispatchFrames(request('2', 'nothing'))).body).toBeNull();
  });

  it('a rejected promise and a thrown non-Error both become SERVER', async () => {
    const { dispatcher } = setup({
      rejects: async () => {
        throw new RangeError('out of range');
      },
      throwsString: () => {
        throw 'plain string';
      },
      rejectsToto: () => Promise.reject(new TotoError(ErrorCode.NOT_AUTHORIZED, 'no')),
    });
    expect(replyOf(await dispatcher.dispatchFrames(request('1', 'rejects'))).body).toEqual({ error: { code: 1000, value: 'out of range' } });
    expect(replyOf(await dispatcher.dispatchFrames(request('2', 'throwsString'))).body).toEqual({ error: { code: 1000, value: 'plain string' } });
    expect(replyOf(await dispatcher.dispatchFrames(request('3', 'rejectsToto'))).body).toEqual({ error: { code: 1004, value: 'no' } });
  });

  it('a TotoError from another copy of errors.ts (dist vs src) still keeps its code and value', async () => {
    class ForeignTotoError extends Error {
      readonly code = 4343;
      readonly value = 'foreign';
      constructor() {
        super('foreign (code 4343)');
        this.name = 'TotoError';
      }
    }
    const { dispatcher, logs } = setup({
      foreign: () => {
        throw new ForeignTotoError();
      },
      lookalike: () => {
        throw Object.assign(new Error('not one'), { code: 'ENOENT', value: 'x', name: 'TotoError' });
      },
    });
    expect(replyOf(await dispatcher.dispatchFrames(request('1', 'foreign'))).body).toEqual({ error: { code: 4343, value: 'foreign' } });
    expect(replyOf(await dispatcher.dispatchFrames(request('2', 'lookalike'))).body).toEqual({ error: { code: 1000, value: 'not one' } });
    expect(logs.map((e) => e.level)).toEqual(['info', 'error']);
  });

  it('a value the codec cannot encode becomes SERVER saying why', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { dispatcher, logs } = setup({ big: () => 10n, cyclic: () => cyclic });
    const big = replyOf(await dispatcher.dispatchFrames(request('1', 'big'))).body as { error: { code: number; value: string } };
    expect(big.error.code).toBe(1000);
    expect(big.error.value).toMatch(/^reply: json: /);
    const cyc = replyOf(await dispatcher.dispatchFrames(request('2', 'cyclic'))).body as { error: { code: number } };
    expect(cyc.error.code).toBe(1000);
    expect(logs.filter((e) => e.message === 'worker: reply could not be encoded')).toHaveLength(2);
    expect(dispatcher.stats).toMatchObject({ requests: 2, values: 0, errors: 2, malformed: 0, runs: 2 });
  });

  it('a huge exception message is bounded in the reply', async () => {
    const { dispatcher } = setup({
      loud: () => {
        throw new Error('x'.repeat(100_000));
      },
    });
    const { body } = replyOf(await dispatcher.dispatchFrames(request('1', 'loud')));
    const value = (body as { error: { value: string } }).error.value;
    expect(value).toBe(`${'x'.repeat(1024)}... (100000 chars)`);
  });

  it('a TotoError too large for maxPayloadBytes falls back to a fixed SERVER reply', async () => {
    const kernel = new SimKernel();
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({ huge: () => Promise.reject(new TotoError(7, 'y'.repeat(5000))) }),
      worker: undefined,
      codecs: json,
      loop: new LoopSim(kernel),
      wire: { maxPayloadBytes: 1000 },
    });
    const { body } = replyOf(await dispatcher.dispatchFrames(request('1', 'huge')));
    expect(body).toEqual({ error: { code: 1000, value: 'reply could not be encoded' } });
  });
});

describe('WorkerDispatcher: malformed requests', () => {
  it('wrong frame counts: an error reply under the first frame when it is an id, else under an empty id', async () => {
    const { dispatcher, logs } = setup(totoMethods);
    const one = replyOf(await dispatcher.dispatchFrames([text('only-id')]));
    expect(one.id).toBe('only-id');
    expect(one.body).toEqual({ error: { code: 1000, value: 'rep request: expected 2 frames [id, payload], got 1' } });
    expect(one.reply.malformed).toBe(true);
    const none = replyOf(await dispatcher.dispatchFrames([]));
    expect(none.reply.frames[0]).toEqual(new Uint8Array(0));
    expect(none.reply.id).toBeUndefined();
    expect(none.body).toEqual({ error: { code: 1000, value: 'rep request: expected 2 frames [id, payload], got 0' } });
    const notArray = replyOf(await dispatcher.dispatchFrames('hello'));
    expect(notArray.body).toEqual({ error: { code: 1000, value: 'rep request: expected an array of frames, got "hello"' } });
    expect(logs.map((e) => [e.level, e.message, e.context.callId])).toEqual([
      ['warn', 'worker: malformed request', 'only-id'],
      ['warn', 'worker: malformed request', undefined],
      ['warn', 'worker: malformed request', undefined],
    ]);
  });

  it('an undecodable payload, a bad method name and missing parameters get error replies; a valid call is then served', async () => {
    const { dispatcher } = setup(totoMethods);
    const garbage = replyOf(await dispatcher.dispatchFrames([text('g'), text('{not json')]));
    expect((garbage.body as { error: { code: number; value: string } }).error.code).toBe(1000);
    expect((garbage.body as { error: { value: string } }).error.value).toMatch(/^invocation: json: /);
    const badName = replyOf(await dispatcher.dispatchFrames([text('b'), text('{"method":"a..b","parameters":{}}')]));
    expect(badName.body).toEqual({
      error: { code: 1000, value: 'invocation.method: expected a dotted method name like "a.b.c", got "a..b"' },
    });
    const noParams = replyOf(await dispatcher.dispatchFrames([text('p'), text('{"method":"return_value"}')]));
    expect(noParams.body).toEqual({
      error: { code: 1000, value: 'invocation.parameters: missing (Toto always sends it; {} for none)' },
    });
    expect(replyOf(await dispatcher.dispatchFrames(request('ok', 'return_value', 5))).body).toEqual({ parameters: 5 });
    expect(dispatcher.stats).toMatchObject({ requests: 4, values: 1, errors: 0, malformed: 3, runs: 1 });
  });

  it('dispatchPayload and dispatchInvocation (the HTTP server path) check the call id and the invocation', async () => {
    const { dispatcher } = setup(totoMethods);
    const payload = encodeInvocation({ method: 'return_value', parameters: 1 }, json);
    const byString = replyOf(await dispatcher.dispatchPayload(payload, 'call-7'));
    expect(byString).toMatchObject({ id: 'call-7', body: { parameters: 1 } });
    const noId = (await dispatcher.dispatchPayload(payload)) as WorkerReply;
    expect(noId.id).toBeUndefined();
    expect(JSON.parse(str(noId.payload))).toEqual({ parameters: 1 });
    const badId = replyOf(await dispatcher.dispatchPayload(payload, ''));
    expect(badId.body).toEqual({ error: { code: 1000, value: 'call id: expected a string or Uint8Array of 1 to 255 bytes, got ""' } });
    expect(badId.reply.malformed).toBe(true);
    const badInvocation = replyOf(await dispatcher.dispatchInvocation({ method: 3 }, 'x'));
    expect(badInvocation.body).toEqual({
      error: { code: 1000, value: 'invocation: expected an object {method, parameters} with a dotted method name, got object Object' },
    });
    const decoded = replyOf(await dispatcher.dispatchInvocation({ method: 'return_value' }, text('y')));
    expect(decoded.body).toEqual({ parameters: {} });
  });
});

describe('WorkerDispatcher: @asynchronous', () => {
  it('acknowledges with [id] at once, then runs the method on the next loop turn', async () => {
    const order: string[] = [];
    const { dispatcher, kernel, worker } = setup({
      fire: asynchronous<TestWorker>((w, p) => {
        order.push('run');
        w.log.push(String(p));
        return 'ignored';
      }),
    });
    const outcome = await dispatcher.dispatchFrames(request('a-1', 'fire', 'x'));
    order.push('ack');
    expect(outcome.kind).toBe('ack');
    if (outcome.kind !== 'ack') return;
    expect(outcome.frames.map(str)).toEqual(['a-1']);
    expect(worker.log).toEqual([]);
    await kernel.run();
    await outcome.completion;
    expect(order).toEqual(['ack', 'run']);
    expect(worker.log).toEqual(['x']);
    expect(dispatcher.stats).toMatchObject({ acks: 1, runs: 1, values: 0 });
  });

  it('a failing asynchronous method is logged; completion still settles; the dispatcher goes on', async () => {
    const { dispatcher, kernel, logs } = setup({
      boom: asynchronous(async () => {
        throw new TotoError(77, 'late failure');
      }),
      syncBoom: asynchronous(() => {
        throw new Error('sync failure');
      }),
      ...totoMethods,
    });
    const a = await dispatcher.dispatchFrames(request('1', 'boom'));
    const b = await dispatcher.dispatchFrames(request('2', 'syncBoom'));
    await kernel.run();
    if (a.kind !== 'ack' || b.kind !== 'ack') throw new Error('expected acks');
    await Promise.all([a.completion, b.completion]);
    expect(logs.map((e) => [e.level, e.message, e.context.method, e.context.code])).toEqual([
      ['error', 'worker: asynchronous method failed', 'boom', 77],
      ['error', 'worker: asynchronous method failed', 'syncBoom', 1000],
    ]);
    expect(replyOf(await dispatcher.dispatchFrames(request('3', 'return_value', 1))).body).toEqual({ parameters: 1 });
  });
});

describe('WorkerDispatcher: idempotency', () => {
  it('a call id seen again gets the same reply without running the method again', async () => {
    let runs = 0;
    const { dispatcher, kernel } = setup({ count: () => ++runs }, { ttlMs: 1000 });
    const first = replyOf(await dispatcher.dispatchFrames(request('same', 'count')));
    await kernel.run({ forMs: 999 });
    const again = replyOf(await dispatcher.dispatchFrames(request('same', 'count')));
    expect([first.body, again.body, runs]).toEqual([1, 1, 1]);
    // The same outcome goes to every retry, so it cannot be altered by one of them.
    expect(Object.isFrozen(again.reply) && Object.isFrozen(again.reply.frames)).toBe(true);
    expect(() => again.reply.frames.push(new Uint8Array(1))).toThrow(TypeError);
    await kernel.run({ forMs: 1 });
    expect(replyOf(await dispatcher.dispatchFrames(request('same', 'count'))).body).toBe(2);
    expect(dispatcher.stats.idempotency).toMatchObject({ hits: 1, expirations: 1, size: 1 });
    expect(dispatcher.stats.runs).toBe(2);
  });

  it('a retry arriving while the first run is going waits for it', async () => {
    let release: (v: string) => void = () => {};
    let runs = 0;
    const { dispatcher } = setup({ slow: () => new Promise((resolve) => ((runs += 1), (release = resolve))) }, { ttlMs: 1000 });
    const first = dispatcher.dispatchFrames(request('r', 'slow'));
    const retry = dispatcher.dispatchFrames(request('r', 'slow'));
    await Promise.resolve();
    release('done');
    expect([replyOf(await first).body, replyOf(await retry).body, runs]).toEqual(['done', 'done', 1]);
    expect(dispatcher.stats.idempotency).toMatchObject({ inFlightJoins: 1, hits: 0 });
  });

  it('an @asynchronous call re-sent is acknowledged again but runs once; malformed requests are not stored', async () => {
    let runs = 0;
    const { dispatcher, kernel } = setup({ fire: asynchronous(() => void runs++) }, { ttlMs: 1000 });
    expect((await dispatcher.dispatchFrames(request('f', 'fire'))).kind).toBe('ack');
    expect((await dispatcher.dispatchFrames(request('f', 'fire'))).kind).toBe('ack');
    await kernel.run();
    expect(runs).toBe(1);
    await dispatcher.dispatchFrames([text('bad'), text('{')]);
    expect(dispatcher.stats.idempotency).toMatchObject({ hits: 1, size: 1 });
  });
});

describe('WorkerDispatcher: reply codecs and a shared window', () => {
  // A reversible "compression" so the test sees which side is compressed.
  const xor = {
    name: 'xor',
    compress: (b: Uint8Array) => Uint8Array.from([0xfe, ...b.map((x) => x ^ 0x5a)]),
    decompress: (b: Uint8Array) => {
      if (b[0] !== 0xfe) throw new Error('bad marker');
      return Uint8Array.from(b.subarray(1), (x) => x ^ 0x5a);
    },
  };
  const compressed: WireCodecs = { serialization: jsonSerialization, compression: xor as never };

  it('replyCodecs: requests read compressed, replies written plain (Toto\'s HTTP worker)', async () => {
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap(totoMethods),
      worker: { pid: 1, log: [] },
      codecs: compressed,
      replyCodecs: json,
      loop: new LoopSim(new SimKernel()),
    });
    const payload = encodeInvocation({ method: 'return_value', parameters: 1 }, compressed);
    expect(replyOf(await dispatcher.dispatchPayload(payload, 'h1')).body).toEqual({ parameters: 1 });
    expect(replyOf(await dispatcher.dispatchPayload(payload, 'h2')).body).toEqual({ parameters: 1 });
    const plainRequest = encodeInvocation({ method: 'return_value', parameters: 1 }, json);
    const refused = replyOf(await dispatcher.dispatchPayload(plainRequest, 'h3'));
    expect(refused.body).toEqual({ error: { code: 1000, value: 'invocation: xor: cannot decompress payload: bad marker' } });
  });

  it('two dispatchers sharing one window run an id once between them', async () => {
    const kernel = new SimKernel();
    const loop = new LoopSim(kernel);
    let runs = 0;
    const window = new IdempotencyWindow<WorkerOutcome>({ loop, ttlMs: 1000 });
    const make = (codecs: WireCodecs) =>
      new WorkerDispatcher({ methods: WorkerMethods.fromMap({ count: () => ++runs }), worker: null, codecs, replyCodecs: json, loop, idempotency: window });
    const a = make(json);
    const b = make(compressed);
    expect(replyOf(await a.dispatchPayload(encodeInvocation({ method: 'count', parameters: {} }, json), 'same')).body).toBe(1);
    expect(replyOf(await b.dispatchPayload(encodeInvocation({ method: 'count', parameters: {} }, compressed), 'same')).body).toBe(1);
    expect(runs).toBe(1);
    expect(b.stats.idempotency).toMatchObject({ hits: 1 });
  });
});

describe('httpStatusOf', () => {
  it('maps outcomes to Toto\'s HTTP worker statuses: 200 value, 404 unknown method, 500 method error, 400 malformed, 202 ack', async () => {
    const { dispatcher } = setup({ ...totoMethods, fire: asynchronous(() => undefined) });
    const statusOf = async (method: string) => httpStatusOf(await dispatcher.dispatchPayload(encodeInvocation({ method, parameters: {} }, json), method));
    expect(await statusOf('return_value')).toBe(200);
    expect(await statusOf('bad_method')).toBe(404);
    expect(await statusOf('throw_exception')).toBe(500);
    expect(await statusOf('throw_toto_exception')).toBe(500);
    expect(await statusOf('fire')).toBe(202);
    expect(httpStatusOf(await dispatcher.dispatchPayload(text('{'), 'x'))).toBe(400);
    const ack = await dispatcher.dispatchPayload(encodeInvocation({ method: 'fire', parameters: {} }, json));
    expect(ack.kind === 'ack' && [ack.frames, str(ack.payload)]).toEqual([[new Uint8Array(0)], 'null']);
  });
});

describe('WorkerDispatcher: options', () => {
  const kernel = new SimKernel();
  const loop = new LoopSim(kernel);
  const methods = WorkerMethods.fromMap({});
  const base = { methods, worker: null, codecs: json, loop };
  const cases: [unknown, string][] = [
    [undefined, 'WorkerDispatcher options: expected an options object, got undefined'],
    [{ ...base, methods: {} }, 'methods: expected a WorkerMethods, got object Object'],
    [{ ...base, loop: {} }, 'loop: expected a LoopPort, got object Object'],
    [{ ...base, logger: 3 }, 'logger: expected a Logger, got 3'],
    [{ ...base, codecs: null }, 'codecs: expected an object {serialization, compression} (see createCodecs), got null'],
    [{ ...base, replyCodecs: {} }, 'codecs: expected an object {serialization, compression} (see createCodecs), got object Object'],
    [{ ...base, wire: { maxPayloadBytes: 0 } }, 'maxPayloadBytes: expected an integer >= 1, got 0'],
    [{ ...base, idempotency: { ttlMs: -1 } }, 'ttlMs: expected a finite number >= 0, got -1'],
    [{ ...base, idempotency: { ttlMs: 5, size: 3 } }, 'idempotency: unknown option "size" (known: ttlMs, entriesMax, inFlightMaxMs)'],
    [{ ...base, extra: 1 }, 'WorkerDispatcher options: unknown option "extra" (known: methods, worker, codecs, replyCodecs, loop, logger, wire, idempotency)'],
  ];
  it.each(cases)('%# rejects bad options up front', (options, message) => {
    expect(() => new WorkerDispatcher(options as never)).toThrow(message);
  });
});
