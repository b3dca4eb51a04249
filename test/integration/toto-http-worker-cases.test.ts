// Proves Toto's tests/disabled_test_http_worker.py cases with THREE HTTP workers, one body per case run in two worlds: three simulated hosts, and three real worker processes (src/adapters/http-worker-process-main.ts) on 127.0.0.1 started and stopped by pid: return_value, bad_method (404, 1002 naming it), throw_exception (500, 1000), throw_toto_exception (its code kept), the proxy and callback forms, add/remove/set connections, remote messaging (3 calls reach 3 distinct pids; after setConnections to one, 1 pid), and timeouts with retries (0 retries still times out; n retries then TIMEOUT; a slow original answered by its retry).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopNode } from '../../src/adapters/loop-node.js';
import type { HttpProcessWorker } from '../../src/adapters/http-worker-process-main.js';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { loadWorkerMethodsDir } from '../../src/adapters/worker-methods-dir.js';
import { jsonSerialization, noCompression } from '../../src/core/codec.js';
import { ErrorCode, TotoError } from '../../src/core/errors.js';
import { HttpWorkerConnection, type HttpWorkerConnectionOptions } from '../../src/core/http-worker-connection.js';
import { HttpWorkerServer, httpWorkerCodecs } from '../../src/core/http-worker-server.js';
import type { LoopPort } from '../../src/core/ports.js';
import { Random } from '../../src/core/random.js';
import type { HttpResponse, TransportPort } from '../../src/core/transport.js';
import { encodeInvocation } from '../../src/core/wire.js';
import { WorkerDispatcher } from '../../src/core/worker-dispatch.js';
import type { WorkerMethods } from '../../src/core/worker-methods.js';
import { LoopSim } from '../../src/sim/loop-sim.js';
import { runInWorld } from '../contract/transport/worlds.js';
import { repoRoot } from '../support/run-process.js';

const METHODS_DIR = fileURLToPath(new URL('../fixtures/http-worker-methods', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/adapters/http-worker-process-main.ts', import.meta.url));
const START_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 5_000;
const dec = new TextDecoder();

/** Three workers and a client, in one world. */
interface Cluster {
  readonly urls: readonly string[];
  /** The pid each worker's return_pid answers, in the order of urls. */
  readonly pids: readonly number[];
  /** A connection to every worker (or `address`), closed after the body. */
  connect(options?: Partial<HttpWorkerConnectionOptions>): HttpWorkerConnection;
  /** A plain POST of a JSON invocation to one worker: what a client sees on the wire. */
  post(url: string, method: string, parameters: unknown): Promise<HttpResponse>;
}

type Body = (cluster: Cluster) => Promise<void>;

interface ClusterWorld {
  name: string;
  setup(): Promise<void>;
  run(body: Body): Promise<void>;
  teardown(): Promise<void>;
}

function clusterOf(urls: string[], pids: number[], transport: Pick<TransportPort, 'httpRequest'>, loop: LoopPort, made: HttpWorkerConnection[]): Cluster {
  return {
    urls,
    pids,
    connect(options = {}) {
      const conn = new HttpWorkerConnection({ transport, loop, random: new Random(11), address: urls, ...options });
      made.push(conn);
      return conn;
    },
    post(url, method, parameters) {
      const body = encodeInvocation({ method, parameters }, { serialization: jsonSerialization, compression: noCompression });
      return transport.httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 10_000 });
    },
  };
}

// --- the simulated world: three hosts, the same methods directory, virtual time -----------------

function simWorld(): ClusterWorld {
  let methods: WorkerMethods<HttpProcessWorker> | undefined;
  return {
    name: 'sim: 3 hosts',
    async setup() {
      // Loaded before the kernel runs: a real import inside a body would leave the kernel idle.
      methods = await loadWorkerMethodsDir<HttpProcessWorker>(METHODS_DIR);
    },
    run: (body) =>
      runInWorld('sim', async (w) => {
        const loop = new LoopSim(w.sim!.kernel);
        const servers: HttpWorkerServer[] = [];
        const made: HttpWorkerConnection[] = [];
        const urls: string[] = [];
        const pids: number[] = [];
        try {
          for (let i = 1; i <= 3; i++) {
            const worker: HttpProcessWorker = { pid: 1000 + i, loop, sleep: (ms) => new Promise<void>((resolve) => loop.callLater(ms, resolve)) };
            const dispatcher = new WorkerDispatcher({ methods: methods!, worker, loop, ...httpWorkerCodecs(jsonSerialization) });
            const server = new HttpWorkerServer({ transport: w.transport(`worker${i}`), routes: [{ serialization: jsonSerialization, dispatcher }] });
            servers.push(server);
            urls.push(await server.start(`http://worker${i}:8080`));
            pids.push(worker.pid);
          }
          await body(clusterOf(urls, pids, w.transport('client'), loop, made));
        } finally {
          for (const conn of made) await conn.close();
          for (const server of servers) await server.close();
        }
      }),
    teardown: async () => {},
  };
}

// --- the real world: three worker processes on 127.0.0.1 ------------------------------------

interface WorkerProcess {
  child: ChildProcess;
  url: string;
  pid: number;
}

async function startWorkerProcess(): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--methods', METHODS_DIR], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  try {
    const first = await Promise.race([
      lines.next(),
      once(child, 'exit').then(([code]) => Promise.reject(new Error(`worker process exited with ${String(code)} before listening: ${stderr}`))),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`worker process: not listening within ${START_DEADLINE_MS}ms: ${stderr}`)), START_DEADLINE_MS))),
    ]);
    const ready = JSON.parse(String(first.value)) as { listening: string; pid: number };
    expect(ready.pid).toBe(child.pid);
    return { child, url: ready.listening, pid: ready.pid };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM by pid, then SIGKILL if it has not exited by the deadline. */
async function stopWorkerProcess({ child }: WorkerProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(child.pid!, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)));
  if ((await Promise.race([exited, late])) === 'late') {
    process.kill(child.pid!, 'SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

function realWorld(): ClusterWorld {
  const workers: WorkerProcess[] = [];
  return {
    name: 'real: 3 processes on 127.0.0.1',
    async setup() {
      const started = await Promise.allSettled([startWorkerProcess(), startWorkerProcess(), startWorkerProcess()]);
      for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
    async run(body) {
      const transport = new TransportHttp();
      const loop = new LoopNode();
      const made: HttpWorkerConnection[] = [];
      try {
        await body(clusterOf(workers.map((w) => w.url), workers.map((w) => w.pid), transport, loop, made));
      } finally {
        for (const conn of made) await conn.close();
        loop.close();
        await transport.close();
      }
    },
    async teardown() {
      await Promise.all(workers.splice(0).map(stopWorkerProcess));
    },
  };
}

// --- the cases: one body each ---------------------------------------------------------------

let keySeq = 0;
/** A key no earlier call used (the real workers live across tests). */
const freshKey = (): string => `k${++keySeq}`;

async function rejection(work: Promise<unknown>): Promise<TotoError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TotoError);
  return error as TotoError;
}

function seen(res: HttpResponse): [number, unknown] {
  return [res.status, JSON.parse(dec.decode(res.body))];
}

async function pidsOf(conn: HttpWorkerConnection, calls: number): Promise<number[]> {
  const pids: number[] = [];
  for (let i = 0; i < calls; i++) pids.push(((await conn.invoke('return_pid')) as { pid: number }).pid);
  return pids;
}

const CASES: [string, Body][] = [
  [
    'return_value: the parameters come back, by promise, by callback and by proxy',
    async (c) => {
      const conn = c.connect();
      const parameters = { arg1: 1, arg2: 'hello' };
      expect(await conn.invoke('return_value', parameters)).toEqual({ parameters });
      expect(await new Promise((resolve) => conn.invoke('return_value', parameters, (error, value) => resolve([error, value])))).toEqual([null, { parameters }]);
      expect(await conn.proxy.return_value!(parameters)).toEqual({ parameters });
      expect(await conn.typed<{ math: { add(p: { a: number; b: number }): number } }>().math.add({ a: 2, b: 3 })).toBe(5);
    },
  ],
  [
    'bad_method: 404 {error: {code 1002}} naming the method; the connection rejects with that code and value',
    async (c) => {
      expect(seen(await c.post(c.urls[0]!, 'bad_method', {}))).toEqual([404, { error: { code: 1002, value: 'unknown method "bad_method"' } }]);
      const error = await rejection(c.connect().invoke('bad_method', {}));
      expect([error.code, error.value]).toEqual([ErrorCode.MISSING_METHOD, 'unknown method "bad_method"']);
    },
  ],
  [
    'throw_exception: 500 {code 1000, its message}; throw_toto_exception: 500 keeping its own code and value',
    async (c) => {
      expect(seen(await c.post(c.urls[1]!, 'throw_exception', {}))).toEqual([500, { error: { code: 1000, value: 'Test Exception' } }]);
      expect(seen(await c.post(c.urls[2]!, 'throw_toto_exception', {}))).toEqual([500, { error: { code: 4242, value: 'Test Toto Exception' } }]);
      const conn = c.connect();
      const plain = await rejection(conn.invoke('throw_exception', {}));
      expect([plain.code, plain.value]).toEqual([ErrorCode.SERVER, 'Test Exception']);
      const toto = await rejection(conn.proxy.throw_toto_exception!({}));
      expect([toto.code, toto.value]).toEqual([4242, 'Test Toto Exception']);
    },
  ],
  [
    'remote messaging: 3 calls reach 3 distinct worker pids round-robin; after setConnections to one address, 1 pid',
    async (c) => {
      const conn = c.connect();
      const three = await pidsOf(conn, 3);
      expect(new Set(three)).toEqual(new Set(c.pids));
      // The same shuffled order again on the next cycle.
      expect(await pidsOf(conn, 3)).toEqual(three);
      conn.setConnections(c.urls[1]!);
      expect(await pidsOf(conn, 3)).toEqual([c.pids[1], c.pids[1], c.pids[1]]);
    },
  ],
  [
    'add/remove/set connections: calls go only to the active addresses',
    async (c) => {
      const [a, b, d] = c.urls as [string, string, string];
      const [pa, pb, pd] = c.pids as [number, number, number];
      const conn = c.connect({ address: a });
      expect(await pidsOf(conn, 2)).toEqual([pa, pa]);
      conn.addConnection(b);
      expect(conn.activeConnections).toEqual([a, b]);
      expect(new Set(await pidsOf(conn, 4))).toEqual(new Set([pa, pb]));
      conn.removeConnection(a);
      expect(conn.activeConnections).toEqual([b]);
      expect(await pidsOf(conn, 2)).toEqual([pb, pb]);
      conn.setConnections([d, a]);
      expect(conn.activeConnections).toEqual([d, a]);
      expect(new Set(await pidsOf(conn, 4))).toEqual(new Set([pd, pa]));
      conn.setConnections([]);
      expect((await rejection(conn.invoke('return_pid'))).code).toBe(ErrorCode.NO_CONNECTIONS);
    },
  ],
  [
    'timeouts: autoRetryCount 0 still times out (unlike Toto); n retries then TIMEOUT; a slow original is answered by its retry',
    async (c) => {
      const conn = c.connect({ retryDelayMs: 10 });
      const once = await rejection(conn.invoke('sleep', { ms: 3_000 }, { timeoutMs: 300 }));
      expect(once.code).toBe(ErrorCode.TIMEOUT);
      expect(conn.stats).toMatchObject({ sent: 1, retried: 0, settledTimeout: 1 });
      const retried = await rejection(conn.invoke('sleep', { ms: 3_000 }, { timeoutMs: 300, autoRetryCount: 2 }));
      expect([retried.code, retried.value]).toEqual([ErrorCode.TIMEOUT, expect.stringMatching(/got no reply within 300ms after 3 attempts$/)]);
      expect(conn.stats).toMatchObject({ sent: 4, retried: 2, settledTimeout: 2 });
      // One worker, so the retry reaches the worker that has seen the key and answers at once.
      conn.setConnections(c.urls[2]!);
      const answer = await conn.invoke('sleep_first', { key: freshKey(), ms: 5_000 }, { timeoutMs: 1_500, autoRetryCount: 1 });
      expect(answer).toEqual({ pid: c.pids[2], first: false });
      expect(conn.stats).toMatchObject({ sent: 6, retried: 3, settledOk: 1 });
    },
  ],
];

for (const world of [simWorld(), realWorld()]) {
  describe(`Toto's HTTP worker tests (${world.name})`, () => {
    beforeAll(() => world.setup(), START_DEADLINE_MS + 10_000);
    afterAll(() => world.teardown(), STOP_DEADLINE_MS * 3 + 5_000);
    for (const [name, body] of CASES) it(name, () => world.run(body), 30_000);
  });
}
