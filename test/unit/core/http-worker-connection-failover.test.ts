// Proves HttpWorkerConnection moves a call on to the next worker at once when a connection is refused or reset and retries remain (it used to fail the call, or wait for the timeout): a dead address among live ones answers every call well before the timeout; a worker crashing mid-call is retried on another; with every address refused the call fails with CONNECTION_REFUSED after its attempts, and with no retry at the first refusal.
import { expect, it } from 'vitest';
import { jsonSerialization } from '../../../src/core/codec.js';
import { ErrorCode, type TotoError } from '../../../src/core/errors.js';
import { HttpWorkerConnection } from '../../../src/core/http-worker-connection.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../../src/core/http-worker-server.js';
import { Random } from '../../../src/core/random.js';
import { WorkerDispatcher } from '../../../src/core/worker-dispatch.js';
import { WorkerMethods } from '../../../src/core/worker-methods.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { runInWorld, track, type World } from '../../contract/transport/worlds.js';

const TIMEOUT_MS = 5_000;

/** HTTP workers on hosts `names` (each answers whoami with its name; `sleep` waits), and a connection factory. */
function withWorkers(names: string[], body: (w: World, urls: string[], make: (address: string[], autoRetryCount: number) => HttpWorkerConnection) => Promise<void>) {
  return runInWorld('sim', async (w) => {
    const loop = new LoopSim((w.sim as NonNullable<World['sim']>).kernel);
    const servers: HttpWorkerServer[] = [];
    const made: HttpWorkerConnection[] = [];
    try {
      const urls: string[] = [];
      for (const name of names) {
        const methods = WorkerMethods.fromMap({
          whoami: () => name,
          sleep: (_w, p) => new Promise((resolve) => loop.callLater((p as { ms: number }).ms, () => resolve(name))),
        });
        const dispatcher = new WorkerDispatcher({ methods, worker: null, loop, ...httpWorkerCodecs(jsonSerialization) });
        const server = new HttpWorkerServer({ transport: w.transport(name), routes: [{ serialization: jsonSerialization, dispatcher }] });
        urls.push(await server.start(`http://${name}:8000`));
        servers.push(server);
      }
      const make = (address: string[], autoRetryCount: number): HttpWorkerConnection => {
        const conn = new HttpWorkerConnection({ transport: w.transport('client'), loop, random: new Random(7), address, timeoutMs: TIMEOUT_MS, autoRetryCount, retryDelayMs: 10, jitter: 'none' });
        made.push(conn);
        return conn;
      };
      await body(w, urls, make);
    } finally {
      for (const conn of made) await conn.close();
      for (const server of servers) await server.close().catch(() => undefined);
    }
  });
}

it('a refused address among live ones: every call is answered by a live worker, long before the timeout', () =>
  withWorkers(['w1', 'w2'], async (w, urls, make) => {
    const conn = make(['http://w1:9', ...urls], 2);
    const started = w.now();
    const answers = await Promise.all(Array.from({ length: 12 }, () => conn.invoke('whoami', {})));
    expect(new Set(answers)).toEqual(new Set(['w1', 'w2']));
    expect(w.now() - started).toBeLessThan(TIMEOUT_MS / 10);
    expect(conn.stats).toMatchObject({ settledOk: 12, settledError: 0, settledTimeout: 0 });
    expect(conn.stats.connectionFailures).toBeGreaterThan(0);
    expect(conn.stats.retried).toBe(conn.stats.connectionFailures);
    expect(conn.length).toBe(0);
  }));

it('a worker that crashes mid-call (connection reset): the call is retried on another worker at once', () =>
  withWorkers(['w1', 'w2'], async (w, urls, make) => {
    const conn = make(urls, 1);
    const calls = [track(conn.invoke('sleep', { ms: 200 })), track(conn.invoke('sleep', { ms: 200 }))];
    await w.sleep(50);
    w.sim!.net.crashHost('w1');
    await w.waitFor(() => calls.every((call) => call.settled), { timeoutMs: TIMEOUT_MS / 2, what: 'both calls answered before the timeout' });
    expect(calls.map((call) => call.value)).toEqual(['w2', 'w2']);
    expect(conn.stats).toMatchObject({ connectionFailures: 1, retried: 1, settledOk: 2 });
  }));

it('every address refused: CONNECTION_REFUSED after the attempts (no retry: at the first refusal), never TIMEOUT', () =>
  withWorkers(['w1', 'w2'], async (w, _urls, make) => {
    const conn = make(['http://w1:9', 'http://w2:9'], 3);
    const started = w.now();
    const error = (await conn.invoke('whoami', {}).catch((e: unknown) => e)) as TotoError;
    expect(error.code).toBe(ErrorCode.CONNECTION_REFUSED);
    expect(w.now() - started).toBeLessThan(TIMEOUT_MS / 10);
    expect(conn.stats).toMatchObject({ sent: 4, retried: 3, connectionFailures: 4, settledError: 1 });
    const once = make(['http://w1:9'], 0);
    const first = (await once.invoke('whoami', {}).catch((e: unknown) => e)) as TotoError;
    expect([first.code, once.stats.sent, once.stats.connectionFailures]).toEqual([ErrorCode.CONNECTION_REFUSED, 1, 1]);
    expect(conn.length + once.length).toBe(0);
  }));
