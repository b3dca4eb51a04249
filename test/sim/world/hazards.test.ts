// Proves what stays real during a run is reported as a determinism hazard naming the API instead of a silently wrong or flaky run: fs callbacks and fs/promises, worker_threads, MessageChannel, a real TCP socket, fetch to a real host, a real timer taken before the run (util.promisify(setTimeout) at import time) — when it completes during the run, or is still pending when the run ends; with hazards: 'report' the run goes on and lists them; a simulation running beside it without fake timers is no hazard; file work begun before the run is let finish first.
import { closeSync, openSync, readFile, write } from 'node:fs';
import { devNull } from 'node:os';
import { readFile as readFileAsync, writeFile as writeFileAsync } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/sim/run-scenario.js';
import { defineScenario } from '../../../src/sim/scenario.js';
import { DeterminismHazardError, Simulation, type SimulationOptions } from '../../../src/sim/simulation.js';

// Taken at import time, before any run: the real timer, which no patch can reach.
const realSleep = promisify(setTimeout);
const realTimeout = setTimeout;
const realClearTimeout = clearTimeout;
const thisFile = fileURLToPath(import.meta.url);
const cleanup: Array<() => unknown> = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Waits for `promise` at most `ms` real milliseconds, leaving no timer behind. */
async function settled(promise: Promise<unknown> | undefined, ms = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise?.catch(() => {}), new Promise((resolve) => (timer = realTimeout(resolve, ms)))]);
  realClearTimeout(timer);
}

/**
 * Runs `body` as a host's code beside a ticker that keeps virtual time busy (one event per
 * 0.05 virtual ms, up to 60 virtual s), so the real completion lands during the run. The
 * real work is then let finish (bounded), so it cannot land in the next test's run.
 */
async function runWith(body: () => unknown, options: Partial<SimulationOptions> = {}): Promise<{ sim: Simulation; error: unknown }> {
  const sim = new Simulation({ seed: 1, ...options });
  let done = false;
  let work: Promise<unknown> | undefined;
  sim.host('svc', async () => {
    work = Promise.resolve(body());
    await work;
    done = true;
  });
  sim.host('ticker', ({ loop }) => {
    const tick = (): void => void (!done && loop.callLater(0.05, tick));
    tick();
  });
  const error = await sim.run({ untilMs: 60_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  await settled(work);
  return { sim, error };
}

function expectHazard(error: unknown, api: string | RegExp): void {
  expect(error).toBeInstanceOf(DeterminismHazardError);
  const { hazard } = error as DeterminismHazardError;
  if (typeof api === 'string') expect(hazard.api).toBe(api);
  else expect(hazard.api).toMatch(api);
  const when = hazard.pending ? 'was still pending when the run ended' : 'completed during the run';
  expect((error as Error).message).toContain(`determinism hazard: ${hazard.api} ${when} (${hazard.resource}, at virtual time`);
}

async function listen<S extends Server | HttpServer>(server: S): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('determinism hazards', () => {
  it('fs: a callback completing during the run fails it, naming fs', async () => {
    const { error } = await runWith(() => new Promise((resolve) => readFile(thisFile, resolve)));
    expectHazard(error, 'fs');
  });

  it('fs/promises', async () => {
    const { error } = await runWith(() => readFileAsync(thisFile));
    expectHazard(error, /^fs/);
  });

  it('MessageChannel', async () => {
    let ports: MessageChannel | undefined;
    // Closing one end sends the other a 'close' event: wait for it, so it cannot land in the next test's run.
    cleanup.push(async () => {
      if (ports === undefined) return;
      const { port1, port2 } = ports;
      const closed = new Promise((resolve) => port2.once('close', resolve));
      port1.close();
      await settled(closed);
    });
    const { error } = await runWith(
      () =>
        new Promise((resolve) => {
          ports = new MessageChannel();
          ports.port2.once('message', resolve);
          ports.port1.postMessage('hello');
        }),
    );
    expectHazard(error, 'MessagePort (MessageChannel, BroadcastChannel or worker_threads)');
  });

  it('worker_threads', async () => {
    let worker: Worker | undefined;
    // The worker's ports go quiet only after it exited: let that happen before the next test's run.
    cleanup.push(async () => {
      if (worker === undefined) return;
      const exited = new Promise((resolve) => worker?.once('exit', resolve));
      await worker.terminate();
      await settled(exited);
      await realSleep(50);
    });
    const { error } = await runWith(
      () =>
        new Promise((resolve) => {
          worker = new Worker("require('node:worker_threads').parentPort.postMessage('up')", { eval: true });
          worker.once('message', resolve);
        }),
    );
    expectHazard(error, /worker_threads|MessagePort/);
  });

  it('a real TCP socket', async () => {
    const server = createServer((s) => s.end());
    const port = await listen(server);
    let socket: Socket | undefined;
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    cleanup.push(() => socket?.destroy());
    const { error } = await runWith(
      () =>
        new Promise((resolve) => {
          socket = connect(port, '127.0.0.1', () => resolve(undefined));
          socket.on('error', resolve);
        }),
    );
    expectHazard(error, /^net \(a real TCP/);
  });

  it('fetch to a real host: named at the call', async () => {
    const server = createHttpServer((_req, res) => res.end('real'));
    const port = await listen(server);
    let request: Promise<unknown> | undefined;
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    cleanup.push(() => server.closeAllConnections());
    // Let the request finish (bounded) before the server closes.
    cleanup.push(() => settled(request));
    const { error } = await runWith(() => {
      request = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), (e: unknown) => e);
      return request;
    });
    expectHazard(error, 'fetch (a real HTTP request)');
  });

  it('fetch captured during a run and called after it is no hazard of that run', async () => {
    const sim = new Simulation({ seed: 1 });
    let captured: typeof fetch | undefined;
    sim.host('svc', () => void (captured = globalThis.fetch));
    await sim.run();
    // An invalid URL: fetch rejects without touching the network.
    await expect((captured as typeof fetch)('not a url')).rejects.toThrow(TypeError);
    expect(sim.hazards).toEqual([]);
    expect(sim.failure).toBeUndefined();
  });

  it("log output is no hazard: pino's default asynchronous destination writing to stdout", async () => {
    const log = pino({ base: null, timestamp: false });
    const { sim, error } = await runWith(
      () =>
        new Promise<void>((resolve) => {
          let n = 0;
          const line = (): void => {
            log.info({ n }, 'hazards.test: a log line written during a run');
            if (++n < 3) setTimeout(line, 5);
            else resolve();
          };
          line();
        }),
    );
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    expect(error).toBeUndefined();
    expect(sim.hazards).toEqual([]);
    // The wrapper that tells log output apart keeps fs.write's promisified form.
    let result: unknown;
    const written = await runWith(async () => void (result = await promisify(write)(2, Buffer.alloc(0))));
    expect(written.error).toBeUndefined();
    expect(written.sim.hazards).toEqual([]);
    expect(result).toEqual({ bytesWritten: 0, buffer: Buffer.alloc(0) });
  });

  it('an asynchronous fs.write to a file is still one', async () => {
    const fd = openSync(devNull, 'w');
    cleanup.push(() => closeSync(fd));
    const { error } = await runWith(() => new Promise((resolve) => write(fd, 'x', resolve)));
    expectHazard(error, 'fs');
  });

  it('a real timer taken before the run (util.promisify(setTimeout) at import time)', async () => {
    const { error } = await runWith(() => realSleep(1));
    expectHazard(error, /^setTimeout\/setInterval \(a real timer/);
  });

  it('real work still pending when an idle run ends is reported too', async () => {
    const sim = new Simulation({ seed: 2 });
    sim.host('svc', () => void realSleep(200));
    const error = await sim.run().catch((e: unknown) => e);
    expectHazard(error, /^setTimeout\/setInterval \(a real timer/);
    expect((error as DeterminismHazardError).hazard).toMatchObject({ resource: 'Timeout', pending: true });
    expect((error as Error).message).toMatch(/^determinism hazard: setTimeout\/setInterval \(a real timer.* was still pending when the run ended \(Timeout, at virtual time 0ms\)/);
    expect((error as Error).message).toMatch(/\[seed 2, virtual time 0ms, host \(none\)\]$/);
    await realSleep(250);
    expect(sim.hazards).toHaveLength(1);
  });

  it("file work begun before the run (a loader's cache write: open, write, close) is let finish first, not blamed on the run", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toto-hazard-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    // One write of 8 MiB: the chain (open, a write per chunk, close) outlasts the run's start.
    const write = writeFileAsync(join(dir, 'cache'), new Uint8Array(8 * 1024 * 1024));
    expect(process.getActiveResourcesInfo()).toContain('FSReqPromise');
    const sim = new Simulation({ seed: 3 });
    sim.host('ticker', ({ loop }) => {
      const tick = (): void => void (loop.now() < 500 && loop.callLater(0.05, tick));
      tick();
    });
    await sim.run();
    expect(sim.hazards).toEqual([]);
    await write;
  });

  it("hazards: 'report' lists them and lets the run go on", async () => {
    const { sim, error } = await runWith(() => new Promise((resolve) => readFile(thisFile, resolve)), { hazards: 'report' });
    expect(error).toBeUndefined();
    expect(sim.hazards.map((h) => h.api)).toContain('fs');
    expect(sim.hazards[0]?.virtualTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('runScenario fails a scenario whose host reads a real file, and lists the hazard in its result', async () => {
    let read: Promise<unknown> | undefined;
    const scenario = defineScenario({
      name: 'reads-a-real-file',
      durationMs: 50,
      hosts: {
        // A config file read at start-up: fine on a real machine, outside virtual time in a simulation.
        svc: ({ loop }) => {
          read = readFileAsync(thisFile);
          const poll = (): void => void loop.callLater(0.05, poll);
          poll();
        },
      },
      workload: () => {},
    });
    const result = await runScenario(scenario, { seed: 1 });
    await settled(read);
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/^determinism hazard: fs/);
    expect(result.hazards?.[0]?.api).toMatch(/^fs/);
  });

  it("hazards: 'off' watches nothing", async () => {
    const { sim, error } = await runWith(() => new Promise((resolve) => readFile(thisFile, resolve)), { hazards: 'off' });
    expect(error).toBeUndefined();
    expect(sim.hazards).toEqual([]);
  });

  it('the virtualized APIs raise none', async () => {
    const { sim, error } = await runWith(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => process.nextTick(resolve));
      await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    });
    expect(error).toBeUndefined();
    expect(sim.hazards).toEqual([]);
  });

  it('another simulation running at the same time without fake timers is no hazard: its kernel steps on real immediates too', async () => {
    const busy = (fakeTimers: boolean): Simulation => {
      const sim = new Simulation({ seed: 1, fakeTimers });
      sim.host('h', ({ loop }) => {
        let n = 0;
        const tick = (): void => void (++n < 5_000 && loop.callLater(0.05, tick));
        tick();
      });
      return sim;
    };
    const [watched, plain] = [busy(true), busy(false)];
    const results = await Promise.allSettled([watched.run(), plain.run()]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual(['fulfilled', 'fulfilled']);
    expect(watched.hazards).toEqual([]);
  });
});
