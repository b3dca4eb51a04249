// Proves the dispatcher's outcome frames are what a real zeromq.js REP socket can send and a real DEALER (Toto's connection side) reads with wire.ts: values, errors, the @asynchronous [id] ack, and error replies to malformed bodies, after which the REP goes on serving.
import * as zmq from 'zeromq';
import { afterEach, describe, expect, it } from 'vitest';
import { LoopNode } from '../../../src/adapters/loop-node.js';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { dealerRequestFrames, decodeReply, encodeInvocation, parseDealerReply, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../../src/core/worker-methods.js';
import { TotoError } from '../../../src/core/errors.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

const open: { close(): void }[] = [];
let serving: Promise<void> | undefined;

afterEach(async () => {
  for (const socket of open.splice(0)) socket.close();
  await serving;
  serving = undefined;
});

async function start() {
  const loop = new LoopNode();
  open.push(loop);
  const fired: unknown[] = [];
  let fireDone: () => void = () => {};
  const fireRan = new Promise<void>((resolve) => (fireDone = resolve));
  const dispatcher = new WorkerDispatcher({
    methods: WorkerMethods.fromMap({
      return_value: (_w, parameters) => ({ parameters }),
      throw_toto_exception: () => {
        throw new TotoError(4242, 'Test Toto Exception');
      },
      fire: asynchronous((_w, p) => {
        fired.push(p);
        fireDone();
      }),
    }),
    worker: null,
    codecs: json,
    loop,
  });
  const rep = new zmq.Reply({ linger: 0 });
  open.push(rep);
  await rep.bind('tcp://127.0.0.1:*');
  // The REP loop the worker process will run: receive, dispatch, send the outcome's frames.
  serving = (async () => {
    try {
      for await (const frames of rep) await rep.send((await dispatcher.dispatchFrames(frames)).frames);
    } catch (error) {
      // Closing the socket in teardown ends the loop; anything else is a failure.
      if (!rep.closed) throw error;
    }
  })();
  const dealer = new zmq.Dealer({ linger: 0, receiveTimeout: 10_000 });
  open.push(dealer);
  dealer.connect(rep.lastEndpoint as string);
  return { dealer, fired, fireRan };
}

async function call(dealer: zmq.Dealer, id: string, method: string, parameters: unknown) {
  await dealer.send(dealerRequestFrames(text(id), encodeInvocation({ method, parameters }, json)));
  return parseDealerReply(await dealer.receive());
}

describe('WorkerDispatcher behind a real REP socket', () => {
  it('serves values, errors and acks, and keeps serving after malformed bodies', async () => {
    const { dealer, fired, fireRan } = await start();

    const value = await call(dealer, 'id-1', 'return_value', { arg1: 1, arg2: 'hello' });
    expect(value.kind === 'reply' && str(value.id)).toBe('id-1');
    expect(value.kind === 'reply' && decodeReply(value.payload, json)).toEqual({ ok: true, value: { parameters: { arg1: 1, arg2: 'hello' } } });

    const toto = await call(dealer, 'id-2', 'throw_toto_exception', {});
    const totoReply = toto.kind === 'reply' ? decodeReply(toto.payload, json) : undefined;
    expect(totoReply?.ok === false && totoReply.error.toJSON()).toEqual({ code: 4242, value: 'Test Toto Exception' });

    const missing = await call(dealer, 'id-3', 'bad_method', {});
    const missingReply = missing.kind === 'reply' ? decodeReply(missing.payload, json) : undefined;
    expect(missingReply?.ok === false && missingReply.error.toJSON()).toEqual({ code: 1002, value: 'unknown method "bad_method"' });

    const ack = await call(dealer, 'id-4', 'fire', 'now');
    expect(ack.kind).toBe('ack');
    expect(str(ack.id)).toBe('id-4');
    await fireRan;
    expect(fired).toEqual(['now']);

    // A body of one frame (the REP sees [x]) and of three frames: error replies under the first frame.
    await dealer.send([new Uint8Array(0), text('lonely')]);
    const one = parseDealerReply(await dealer.receive());
    expect(one.kind === 'reply' && [str(one.id), decodeReply(one.payload, json)]).toEqual([
      'lonely',
      { ok: false, error: new TotoError(1000, 'rep request: expected 2 frames [id, payload], got 1') },
    ]);
    await dealer.send([new Uint8Array(0), text('three'), text('a'), text('b')]);
    const three = parseDealerReply(await dealer.receive());
    expect(three.kind === 'reply' && str(three.id)).toBe('three');

    await dealer.send(dealerRequestFrames(text('id-5'), text('\u0000garbage')));
    const garbage = parseDealerReply(await dealer.receive());
    const garbageReply = garbage.kind === 'reply' ? decodeReply(garbage.payload, json) : undefined;
    expect(garbageReply?.ok === false && garbageReply.error.code).toBe(1000);

    const after = await call(dealer, 'id-6', 'return_value', 6);
    expect(after.kind === 'reply' && decodeReply(after.payload, json)).toEqual({ ok: true, value: { parameters: 6 } });
  });
});
