// Proves one body, every world: the same WorkerDispatcher behind a REP socket of the TransportPort answers a DEALER (Toto's connection side) with values, errors, the @asynchronous ack and error replies to malformed bodies, on the simulated network and on real zeromq.js over tcp, ipc and inproc.
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { TotoError } from '../../../src/core/errors.js';
import { dealerRequestFrames, decodeReply, encodeInvocation, parseDealerReply, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods, asynchronous } from '../../../src/core/worker-methods.js';
import { ALL_WORLDS, describeWorlds, worldLoop } from '../../contract/transport/worlds.js';
import { expect } from 'vitest';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };
const bytes = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

describeWorlds('WorkerDispatcher behind a TransportPort REP socket', ALL_WORLDS, async (w) => {
  const { loop, close } = worldLoop(w);
  try {
    const fired: unknown[] = [];
    const dispatcher = new WorkerDispatcher({
      methods: WorkerMethods.fromMap({
        return_value: (_w, parameters) => ({ parameters }),
        throw_exception: () => {
          throw new Error('Test Exception');
        },
        fire: asynchronous((_w, p) => void fired.push(p)),
      }),
      worker: null,
      codecs: json,
      loop,
    });
    const rep = w.transport('worker').socket('rep');
    const address = await w.address('worker', 'rpc');
    await rep.bind(address);
    // The REP loop a worker process runs; it ends when teardown closes the socket.
    void (async () => {
      for await (const frames of rep) await rep.send((await dispatcher.dispatchFrames(frames)).frames);
    })().catch(() => undefined);
    const dealer = w.transport('client').socket('dealer', { receiveTimeoutMs: 10_000 });
    dealer.connect(address);
    const call = async (frames: Uint8Array[]) => {
      await dealer.send(frames);
      return parseDealerReply(await dealer.receive());
    };
    const invoke = (id: string, method: string, parameters: unknown) =>
      call(dealerRequestFrames(bytes(id), encodeInvocation({ method, parameters }, json)));

    const value = await invoke('1', 'return_value', { arg1: 1, arg2: 'hello' });
    expect(value.kind === 'reply' && [str(value.id), decodeReply(value.payload, json)]).toEqual([
      '1',
      { ok: true, value: { parameters: { arg1: 1, arg2: 'hello' } } },
    ]);
    const thrown = await invoke('2', 'throw_exception', {});
    expect(thrown.kind === 'reply' && decodeReply(thrown.payload, json)).toEqual({ ok: false, error: new TotoError(1000, 'Test Exception') });
    const missing = await invoke('3', 'bad_method', {});
    expect(missing.kind === 'reply' && decodeReply(missing.payload, json)).toEqual({ ok: false, error: new TotoError(1002, 'unknown method "bad_method"') });
    const ack = await invoke('4', 'fire', 'x');
    expect([ack.kind, str(ack.id)]).toEqual(['ack', '4']);
    await w.waitFor(() => fired.length === 1, { timeoutMs: 5000, what: 'the asynchronous method to run' });
    expect(fired).toEqual(['x']);
    const lonely = await call([new Uint8Array(0), bytes('lonely')]);
    expect(lonely.kind === 'reply' && [str(lonely.id), decodeReply(lonely.payload, json)]).toEqual([
      'lonely',
      { ok: false, error: new TotoError(1000, 'rep request: expected 2 frames [id, payload], got 1') },
    ]);
    const after = await invoke('5', 'return_value', 5);
    expect(after.kind === 'reply' && decodeReply(after.payload, json)).toEqual({ ok: true, value: { parameters: 5 } });
  } finally {
    close();
  }
});
