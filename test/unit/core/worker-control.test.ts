// Proves the worker service's control socket: its frames are read strictly with messages that say what is wrong; a client's command times out with TIMEOUT naming the address; a malformed message is dropped and a bad command answered with an error while the socket goes on answering; status lists a silent worker as Unresponsive and forgets one that is gone; shutdown closes a worker whose call outlives the deadline at the deadline. In the simulation and on real zeromq.js.
import { describe, expect, it } from 'vitest';
import { ErrorCode, TotoError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';
import { sendWorkerCommand } from '../../../src/core/worker-control-client.js';
import { controlFrames, parseCommandBody, parseControlFrames, parseWorkerInfo } from '../../../src/core/worker-control-wire.js';
import { WorkerControlServer } from '../../../src/core/worker-control.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { RouterRole, WorkerRole, type ServiceWorker } from '../../../src/core/worker-service.js';
import { ZmqWorkerConnection } from '../../../src/core/zmq-worker-connection.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { describeWorlds, runInWorld, text, track, worldLoop } from '../../contract/transport/worlds.js';
import { withLoop } from './world-loop.js';

const WORLDS = ['sim', 'tcp'] as const;
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const E = new Uint8Array(0);

describe('control frames', () => {
  it('round-trips and names what is wrong', () => {
    expect(parseControlFrames(controlFrames('command', '7', { command: 'status' }))).toEqual({ kind: 'command', id: '7', body: { command: 'status' } });
    expect(() => parseControlFrames([E, bytes('command')])).toThrow(new TypeError("control message: expected 4 frames ['', kind, id, body], got 2 frames"));
    expect(() => parseControlFrames([bytes('x'), bytes('command'), bytes('1'), bytes('{}')])).toThrow('control message: expected an empty delimiter frame first');
    expect(() => parseControlFrames([E, bytes('reboot'), bytes('1'), bytes('{}')])).toThrow(
      new TypeError('control message kind: expected one of command, answer, hello, ask, report, got "reboot"'),
    );
    expect(() => parseControlFrames([E, bytes('command'), bytes('1'), bytes('{nope')])).toThrow(/^control message body: expected JSON, got "\{nope"/);
    expect(() => parseControlFrames([E, bytes('command'), bytes('1'), new Uint8Array([0xff, 0xfe])])).toThrow('control message body: expected UTF-8 text');
    expect(() => parseControlFrames([E, bytes('command'), new Uint8Array(65), bytes('{}')])).toThrow('control message id: expected at most 64 bytes, got 65');
    expect(() => parseCommandBody({ command: 'reboot' })).toThrow(new TypeError('command: expected one of status, shutdown, got "reboot"'));
    expect(() => parseCommandBody(null)).toThrow(new TypeError('command: expected one of status, shutdown, got undefined'));
    expect(() => parseCommandBody({ command: 'shutdown', deadlineMs: -1 })).toThrow(new RangeError('deadlineMs: expected a finite number >= 0, got -1'));
    expect(parseCommandBody({ command: 'shutdown', deadlineMs: 10 })).toEqual({ command: 'shutdown', deadlineMs: 10 });
    expect(() => parseWorkerInfo({ name: '' })).toThrow(new TypeError('worker info name: expected a non-empty string, got ""'));
    expect(() => parseWorkerInfo({ name: 'w', pid: {} })).toThrow(/worker info pid: expected a number or string/);
  });
});

describe('control options', () => {
  const parts = () => {
    const kernel = new SimKernel({ startMs: 0 });
    const net = new NetworkSim({ kernel, random: new Random(1) });
    return { transport: net.transport('h'), loop: new LoopSim(kernel) };
  };

  it('names the bad option and what it got', async () => {
    const { transport, loop } = parts();
    expect(() => new WorkerControlServer({ transport, loop, address: '' })).toThrow(new RangeError('address: expected a non-empty string, got ""'));
    expect(() => new WorkerControlServer({ transport, loop, address: 'tcp://h:1', askTimeoutMs: 0 })).toThrow(new RangeError('askTimeoutMs: expected a finite number > 0, got 0'));
    expect(() => new WorkerControlServer({ transport, loop, address: 'tcp://h:1', verbose: true } as never)).toThrow(/unknown option "verbose"/);
    expect(() => new WorkerControlServer({ transport, loop, address: 'tcp://h:1', onShutdownBegin: 'stop' } as never)).toThrow(
      new TypeError('onShutdownBegin: expected a function, got "stop"'),
    );
    await expect(sendWorkerCommand({ transport, loop, address: 'tcp://h:1', command: 'restart' as never })).rejects.toThrow(
      new RangeError('command: expected one of "status", "shutdown", got "restart"'),
    );
    await expect(sendWorkerCommand({ transport, loop, address: 'tcp://h:1', command: 'status', timeoutMs: -5 })).rejects.toThrow(
      new RangeError('timeoutMs: expected a finite number > 0, got -5'),
    );
    await expect(sendWorkerCommand({ transport, loop, address: 'tcp://h:1', command: 'shutdown', deadlineMs: Number.NaN })).rejects.toThrow(
      new RangeError('deadlineMs: expected a finite number >= 0, got NaN'),
    );
  });
});

describeWorlds('control client: nothing answers at the address -> TIMEOUT naming it', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const address = await w.address('nobody', 'control');
    const error = await sendWorkerCommand({ transport: w.transport('admin'), loop, address, command: 'status', timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TotoError);
    expect((error as TotoError).code).toBe(ErrorCode.TIMEOUT);
    expect((error as TotoError).value).toBe(`worker control: no answer to status from ${address} within 300 ms`);
  }),
);

describeWorlds('control server: a malformed message is dropped, a bad command answered with an error, and the socket goes on', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const address = await w.address('router', 'control');
    const server = new WorkerControlServer({ transport: w.transport('router'), loop, address, info: { pid: 42 } });
    await server.start();
    try {
      const raw = w.socket('admin', 'dealer');
      raw.connect(address);
      await raw.send([E, bytes('nonsense')]);
      await raw.send(controlFrames('command', 'a', { command: 'reboot' }));
      expect(text(await raw.receive())).toEqual(['', 'answer', 'a', JSON.stringify({ ok: false, error: { code: 1000, value: 'command: expected one of status, shutdown, got "reboot"' } })]);
      const status = await sendWorkerCommand({ transport: w.transport('admin'), loop, address, command: 'status', timeoutMs: 5000 });
      expect(status).toMatchObject({ role: 'router', pid: 42, workerCount: 0, served: 0, workers: [] });
    } finally {
      server.close();
      await server.done;
    }
  }),
);

describeWorlds('control server: a silent worker is Unresponsive; a worker gone is forgotten', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const address = await w.address('router', 'control');
    const server = new WorkerControlServer({ transport: w.transport('router'), loop, address, askTimeoutMs: 200, workerTimeoutMs: 60_000 });
    await server.start();
    try {
      // Two "workers" that say hello and never answer a question.
      const silent = w.socket('w1', 'dealer', { routingId: 'silent' });
      const leaving = w.socket('w2', 'dealer', { routingId: 'leaving' });
      for (const [socket, name] of [[silent, 'silent'], [leaving, 'leaving']] as const) {
        socket.connect(address);
        await socket.send(controlFrames('hello', '', { name, pid: name.length }));
      }
      await w.waitFor(() => server.knownWorkers().length === 2, { what: 'both hellos' });
      const status = await server.status();
      expect(status.workers).toEqual([
        { name: 'leaving', pid: 7, status: 'Unresponsive' },
        { name: 'silent', pid: 6, status: 'Unresponsive' },
      ]);
      leaving.close();
      // Its connection drops: the ROUTER (mandatory) refuses to route to it, and it is forgotten.
      let workers: string[] = [];
      for (const untilMs = w.now() + 5000; w.now() < untilMs; await w.sleep(50)) {
        workers = (await server.status()).workers.map((x) => x.name);
        if (workers.length === 1) break;
      }
      expect(workers).toEqual(['silent']);
    } finally {
      server.close();
      await server.done;
    }
  }),
);

describeWorlds('shutdown: a call that outlives the deadline does not hold the worker past it', WORLDS, (w) =>
  withLoop(w, async (loop) => {
    const [bindAddress, socketAddress, controlAddress] = [await w.address('r', 'front'), await w.address('r', 'back'), await w.address('r', 'control')];
    const router = await RouterRole.start({ transport: w.transport('r'), loop, bindAddress, socketAddress, controlAddress });
    const methods = WorkerMethods.fromMap<ServiceWorker>({ forever: (worker) => new Promise((resolve) => worker.loop.callLater(60_000, () => resolve('late'))) });
    const worker = await WorkerRole.start({ transport: w.transport('wk'), loop, random: new Random(1), methods, socketAddress, controlAddress });
    const conn = new ZmqWorkerConnection({ transport: w.transport('c'), loop, random: new Random(2), address: bindAddress, timeoutMs: 2000 });
    try {
      await w.waitFor(() => router.addresses.control !== null);
      const call = track(conn.invoke('forever', {}));
      await w.waitFor(() => worker.report().inFlight === 1, { what: 'the call reached the worker' });
      const startMs = w.now();
      const result = await router.shutdown(300);
      // Not held by the method (60 s); the bound is loose for a loaded machine.
      expect(w.now() - startMs).toBeLessThan(10_000);
      expect(result.workers).toEqual([expect.objectContaining({ name: 'worker-0', status: 'Finished' })]);
      await worker.done;
      await w.waitFor(() => call.settled, { what: 'the call settled', timeoutMs: 5000 });
      expect((call.error as TotoError).code).toBe(ErrorCode.TIMEOUT);
    } finally {
      await conn.close();
      await worker.close();
      await router.close();
    }
  }),
);

it('control server: start() after close() and a failed bind say so', () =>
  runInWorld('sim', async (w) => {
    const { loop } = worldLoop(w);
    const address = await w.address('r', 'control');
    const first = new WorkerControlServer({ transport: w.transport('r'), loop, address });
    await first.start();
    const second = new WorkerControlServer({ transport: w.transport('r'), loop, address });
    await expect(second.start()).rejects.toThrow(`worker control: cannot bind the control socket on ${address}`);
    first.close();
    await expect(first.start()).rejects.toThrow('worker control: start() after close()');
  }));
