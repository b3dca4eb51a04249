// Proves EventManager between real processes on 127.0.0.1 over zeromq.js: three event servers, each its own process (fixtures/event-server-child.ts, started and stopped by pid): a broadcast reaches all three exactly once each; 300 non-broadcast events split 100/100/100, each delivered once; a handler without persist fires once; a handler tied to a request (`until`) stops once the request has finished; a server killed with SIGKILL and started again at its address misses only events in flight when the sender saw its connection break (the rule the simulation's checker states); SIGTERM closes each server cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { EventManager } from '../../src/core/event-manager.js';
import { Random } from '../../src/core/random.js';
import type { TransportPort } from '../../src/core/transport.js';
import { checkDeliveries } from '../../scenarios/lib/events-checks.js';
import type { Sent } from '../../scenarios/lib/events-hosts.js';
import { repoRoot } from '../support/run-process.js';

const fixture = fileURLToPath(new URL('./fixtures/event-server-child.ts', import.meta.url));
const START_DEADLINE_MS = 20_000;
const WAIT_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 5_000;

interface Line {
  server: string;
  fired?: string;
  args?: any;
  request?: string;
  listening?: string;
  pid?: number;
  stats?: Record<string, number>;
}

interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  address: string;
  lines: Line[];
  stderr: string;
  exit: Promise<number | null>;
}

function startServer(name: string, address?: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, name, ...(address ? [address] : [])], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let buffered = '';
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not listening within ${START_DEADLINE_MS}ms; stderr: ${stderr}`)), START_DEADLINE_MS);
    child.on('error', reject);
    void exit.then((code) => reject(new Error(`${name}: exited (${code}) before listening; stderr: ${stderr}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        const line = JSON.parse(part) as Line;
        lines.push(line);
        if (line.listening !== undefined) {
          clearTimeout(timer);
          resolve({ name, child, pid: line.pid!, address: line.listening, lines, get stderr() { return stderr; }, exit });
        }
      }
    });
  });
}

/** SIGTERM by pid; SIGKILL if still alive after the deadline. Resolves with the exit code. */
async function stopServer(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.child.exitCode;
  process.kill(server.pid, 'SIGTERM');
  const kill = setTimeout(() => process.kill(server.pid, 'SIGKILL'), STOP_DEADLINE_MS);
  const code = await server.exit;
  clearTimeout(kill);
  return code;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const until = performance.now() + WAIT_DEADLINE_MS;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`not true within ${WAIT_DEADLINE_MS}ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const fired = (server: ServerProcess, event: string): Line[] => server.lines.filter((l) => l.fired === event);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A TransportPort that records when each PUSH it made reports a broken connection (zeromq.js socket.events 'disconnect'). */
function observed(transport: TransportPort, breaks: number[]): TransportPort {
  return {
    httpListen: (address, handler) => transport.httpListen(address, handler),
    httpRequest: (url, options) => transport.httpRequest(url, options),
    socket(type, options) {
      const socket = transport.socket(type, options);
      socket.events.on('disconnect', () => void breaks.push(performance.now()));
      return socket;
    },
  };
}

describe('EventManager between real processes', () => {
  let servers: ServerProcess[] = [];
  /** Servers of the kill test, stopped in teardown too (the killed one has exited already). */
  const extra: ServerProcess[] = [];
  const transport = new TransportZmq();
  const loop = new LoopNode();
  const events = new EventManager({ transport, loop, random: new Random(7) });
  let syncs = 0;

  /** A broadcast 'sync' and its arrival everywhere: what was sent before it to each server has been handled there. */
  async function sync(): Promise<void> {
    const token = ++syncs;
    events.send('sync', token);
    await waitFor(() => servers.every((s) => fired(s, 'sync').some((l) => l.args === token)), `sync ${token} at every server`);
  }

  beforeAll(async () => {
    const started = await Promise.allSettled(['s1', 's2', 's3'].map((name) => startServer(name)));
    servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    expect(new Set(servers.map((s) => s.pid)).size).toBe(3);
    for (const server of servers) events.registerServer(server.address);
  }, START_DEADLINE_MS + 10_000);

  afterAll(async () => {
    await events.close();
    await transport.close();
    loop.close();
    await Promise.all(extra.map(stopServer));
    const codes = await Promise.all(servers.map(stopServer));
    // Stopped by pid, each closed its manager, reported and exited 0.
    expect(codes).toEqual([0, 0, 0]);
    for (const server of servers) expect(server.lines.at(-1)?.stats).toMatchObject({ malformed: 0, handlerErrors: 0 });
  }, STOP_DEADLINE_MS * 3 + 5_000);

  it('a broadcast reaches all three exactly once each', async () => {
    events.send('broadcast', { hello: 'all' });
    await sync();
    for (const server of servers) expect(fired(server, 'broadcast').map((l) => l.args)).toEqual([{ hello: 'all' }]);
  });

  it('300 non-broadcast events split 100/100/100, each delivered once', async () => {
    for (let i = 0; i < 300; i++) events.send('work', i, { broadcast: false });
    await waitFor(() => servers.reduce((sum, s) => sum + fired(s, 'work').length, 0) >= 300, '300 work events');
    await sync();
    expect(servers.map((s) => fired(s, 'work').length)).toEqual([100, 100, 100]);
    const all = servers.flatMap((s) => fired(s, 'work').map((l) => l.args as number)).sort((a, b) => a - b);
    expect(all).toEqual([...Array(300).keys()]);
  });

  it('a handler without persist fires once', async () => {
    events.send('once', 'first');
    events.send('once', 'second');
    events.send('once', 'third');
    await sync();
    for (const server of servers) expect(fired(server, 'once').map((l) => l.args)).toEqual(['first']);
  });

  it('`until` stops a handler once its request has finished', async () => {
    events.send('open-request', { id: 'r1' });
    events.send('news', 'while open');
    await sync();
    events.send('finish-request', { id: 'r1' });
    events.send('news', 'after finish');
    await sync();
    for (const server of servers) expect(fired(server, 'news').map((l) => [l.request, l.args])).toEqual([['r1', 'while open']]);
  });

  it('a server killed (SIGKILL) and started again at its address misses at most the events in flight when its connection broke, as the simulation states', async () => {
    const first = await startServer('k');
    extra.push(first);
    const breaks: number[] = [];
    const sender = new EventManager({ transport: observed(transport, breaks), loop, random: new Random(8) });
    sender.registerServer(first.address);
    const sent: Sent[] = [];
    let id = 0;
    const sendFor = async (ms: number): Promise<void> => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        sender.send('seq', id);
        sent.push({ id: id++, to: [first.address], tMs: performance.now(), broadcast: true });
        await sleep(1);
      }
    };
    try {
      await sendFor(150);
      // A burst just before the kill: many events are in the kernel's buffers or unread when it dies.
      for (let i = 0; i < 2000; i++) {
        sender.send('seq', id);
        sent.push({ id: id++, to: [first.address], tMs: performance.now(), broadcast: true });
      }
      await sleep(5);
      process.kill(first.pid, 'SIGKILL');
      await first.exit;
      await sendFor(150);
      const again = await startServer('k2', first.address);
      extra.push(again);
      await sendFor(150);
      const last = id - 1;
      await waitFor(() => fired(again, 'seq').some((l) => l.args === last), 'the last event at the restarted server');
      // Where each event was handled, in order: the first life, then the second.
      const received = [first, again].flatMap((s, life) => fired(s, 'seq').map((l) => ({ id: l.args as number, tMs: 0, incarnation: life + 1 })));
      const report = checkDeliveries('k', first.address, sent, received, breaks.map((tMs) => ({ server: 'k', tMs })));
      expect(report.problems).toEqual([]);
      expect(breaks.length).toBeGreaterThanOrEqual(1);
      // Observed here: one run of 1,200 to 1,900 of the burst lost (in the dead process's kernel
      // buffers and unread), the rest of it still in the PUSH's pipe and delivered after the restart.
      expect(report.lostAtBreaks.length).toBeLessThanOrEqual(1);
      // Events sent while it was down waited in the PUSH's pipe and reached the second life.
      const downFrom = fired(first, 'seq').length;
      expect(fired(again, 'seq').length).toBeGreaterThan(0);
      expect(report.handled + report.lostAtBreaks.flatMap((b) => b.ids).length).toBe(id);
      expect(downFrom).toBeGreaterThan(0);
    } finally {
      await sender.close();
    }
  });
});
