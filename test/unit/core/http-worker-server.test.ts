// Proves HttpWorkerServer refuses bad options with "<name>: expected X, got Y" errors, refuses a second start(), and that httpWorkerCodecs reads requests as compressed but writes replies uncompressed (Toto's HTTP worker).
import { describe, expect, it } from 'vitest';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../../src/core/http-worker-server.js';
import { Random } from '../../../src/core/random.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { zlibCompression } from '../../../src/adapters/codec-zlib.js';

const kernel = new SimKernel({ startMs: 0 });
const sim = () => new NetworkSim({ kernel, random: new Random(1) }).transport('host');
const loop = new LoopSim(kernel);
const dispatcher = new WorkerDispatcher({ methods: WorkerMethods.fromMap({ a: () => 1 }), worker: null, loop, ...httpWorkerCodecs(jsonSerialization) });
const routes = [{ serialization: jsonSerialization, dispatcher }];

describe('HttpWorkerServer options', () => {
  it('names the bad option and what it got', () => {
    expect(() => new HttpWorkerServer(undefined as never)).toThrow(new TypeError('HttpWorkerServer options: expected an options object, got undefined'));
    expect(() => new HttpWorkerServer({ transport: {} as never, routes })).toThrow(TypeError);
    expect(() => new HttpWorkerServer({ transport: sim(), routes: [] })).toThrow(/^routes: expected a non-empty array of \{serialization, dispatcher\}, got/);
    expect(() => new HttpWorkerServer({ transport: sim(), routes: [{ serialization: jsonSerialization, dispatcher: {} as never }] })).toThrow(/^routes\[0\]: expected an object \{serialization, dispatcher\}/);
    expect(() => new HttpWorkerServer({ transport: sim(), routes: [...routes, ...routes] })).toThrow(new RangeError('routes[1]: serialization "application/json" is given twice'));
    expect(() => new HttpWorkerServer({ transport: sim(), routes, maxBodyBytes: -1 })).toThrow(RangeError);
    expect(() => new HttpWorkerServer({ transport: sim(), routes, port: 1 } as never)).toThrow(/port/);
  });

  it('start() twice is refused; close() before start and twice is fine', async () => {
    const server = new HttpWorkerServer({ transport: sim(), routes });
    await server.close();
    const address = await server.start('http://127.0.0.1:0');
    expect(server.address).toBe(address);
    await expect(server.start('http://127.0.0.1:0')).rejects.toThrow('HttpWorkerServer: already started');
    await server.close();
    await server.close();
    expect(server.address).toBeUndefined();
  });
});

describe('httpWorkerCodecs', () => {
  it('requests as compressed, replies serialized but not compressed', () => {
    expect(httpWorkerCodecs(jsonSerialization, zlibCompression)).toEqual({
      codecs: { serialization: jsonSerialization, compression: zlibCompression },
      replyCodecs: { serialization: jsonSerialization, compression: noCompression },
    });
    expect(httpWorkerCodecs(jsonSerialization).codecs.compression).toBe(noCompression);
  });
});
