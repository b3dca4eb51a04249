// Proves WorkerRepServer rejects bad options with "<name>: expected X, got Y" before making a socket, and that a logger which throws on every line does not stop the loop from surviving socket failures and serving.
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import type { Logger } from '../../../src/core/ports.js';
import { dealerRequestFrames, decodeReply, encodeInvocation, parseDealerReply, type WireCodecs } from '../../../src/core/wire.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { WorkerRepServer } from '../../../src/core/worker-rep-server.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { Random } from '../../../src/core/random.js';
import { runInWorld } from '../../contract/transport/worlds.js';

const json: WireCodecs = { serialization: jsonSerialization, compression: noCompression };

function parts() {
  const kernel = new SimKernel({ startMs: 0 });
  const net = new NetworkSim({ kernel, random: new Random(1) });
  const loop = new LoopSim(kernel);
  const dispatcher = new WorkerDispatcher({ methods: WorkerMethods.fromMap({ echo: (_w, p) => p }), worker: null, codecs: json, loop });
  return { transport: net.transport('worker'), dispatcher, loop };
}

describe('WorkerRepServer options', () => {
  it('names the bad option and what it got', () => {
    const { transport, dispatcher, loop } = parts();
    const make = (options: object) => () => new WorkerRepServer({ transport, dispatcher, loop, ...options } as never);
    expect(make({ transport: undefined })).toThrow(new TypeError('transport: expected a TransportPort, got undefined'));
    expect(make({ dispatcher: {} })).toThrow(TypeError);
    expect(make({ dispatcher: {} })).toThrow(/^dispatcher: expected a WorkerDispatcher, got/);
    expect(make({ loop: null })).toThrow(new TypeError('loop: expected a LoopPort, got null'));
    expect(make({ awaitAsynchronous: 'yes' })).toThrow(new TypeError('awaitAsynchronous: expected a boolean, got "yes"'));
    expect(make({ backoffMs: 0 })).toThrow(new RangeError('backoffMs: expected a finite number >= 1, got 0'));
    expect(make({ backoffMs: 50, backoffMsMax: 10 })).toThrow(new RangeError('backoffMsMax: expected a finite number >= backoffMs (50), got 10'));
    expect(make({ retries: 3 })).toThrow(/retries/);
    // A bad socket option is the transport's own check, with its message.
    expect(make({ socketOptions: { receiveTimeoutMs: -5 } })).toThrow(/receiveTimeoutMs/);
    expect(() => new WorkerRepServer(undefined as never)).toThrow(TypeError);
  });

  it('close() before bind or connect resolves and leaves nothing running', async () => {
    const server = new WorkerRepServer(parts());
    await server.close();
    expect(server.closed).toBe(true);
    expect(server.stats).toEqual({ served: 0, acks: 0, errors: 0 });
  });
});

describe('WorkerRepServer with a logger that throws', () => {
  it('survives receive failures and serves', () =>
    runInWorld('sim', async (w) => {
      const loop = new LoopSim(w.sim!.kernel);
      let lines = 0;
      const explode = (): never => {
        lines++;
        throw new Error('logger down');
      };
      const logger: Logger = { trace: explode, debug: explode, info: explode, warn: explode, error: explode, fatal: explode, child: () => logger };
      const dispatcher = new WorkerDispatcher({ methods: WorkerMethods.fromMap({ echo: (_w, p) => p }), worker: null, codecs: json, loop });
      const server = new WorkerRepServer({ transport: w.transport('worker'), dispatcher, loop, logger, socketOptions: { receiveTimeoutMs: 10 } });
      const address = await w.address('worker', 'rpc');
      await server.bind(address);
      await w.waitFor(() => server.stats.errors >= 3, { what: 'three receive failures' });
      expect(lines).toBeGreaterThanOrEqual(3);
      const dealer = w.socket('client', 'dealer');
      dealer.connect(address);
      await dealer.send(dealerRequestFrames(new Uint8Array([7]), encodeInvocation({ method: 'echo', parameters: 'hi' }, json)));
      const reply = parseDealerReply(await dealer.receive());
      expect(reply.kind === 'reply' && decodeReply(reply.payload, json)).toEqual({ ok: true, value: 'hi' });
      await server.close();
    }));
});
