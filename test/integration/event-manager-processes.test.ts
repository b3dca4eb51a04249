// Proves EventManager between real processes on 127.0.0.1 over zeromq.js: three event servers, each its own process (fixtures/event-server-child.ts, started and stopped by pid): a broadcast reaches all three exactly once each; 300 non-broadcast events split 100/100/100, each delivered once; a handler without persist fires once; a handler tied to a request (`until`) stops once the request has finished; SIGTERM closes each server cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { EventManager } from '../../src/core/event-manager.js';
import { Random } from '../../src/core/random.js';
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

function startServer(name: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, name], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('EventManager between real processes', () => {
  let servers: ServerProcess[] = [];
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
    const started = await Promise.allSettled(['s1', 's2', 's3'].map(startServer));
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
});
