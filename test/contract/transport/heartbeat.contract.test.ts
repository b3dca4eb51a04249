// Proves ZMTP heartbeats break a connection whose peer stops answering, in the simulation (a partition) and in real
// zeromq.js (a peer process frozen with SIGSTOP, which looks like a partition to it): the connecting side reports
// 'disconnect' at the first PING at or after the freeze plus heartbeatTimeoutMs, so within (timeout, interval + timeout].
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect } from 'vitest';
import { describeWorlds, type World } from './worlds.js';

const INTERVAL_MS = 200;
const TIMEOUT_MS = 500;
/** A loaded machine fires real timers late, never early. */
const SLACK_MS = 300;

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  children.clear();
});

/** A real PULL in its own process, bound to a free loopback port; resolves with its endpoint. */
function peerProcess(): Promise<{ address: string; child: ChildProcess }> {
  const script = `
    import * as zmq from 'zeromq';
    const pull = new zmq.Pull({ linger: 0 });
    await pull.bind('tcp://127.0.0.1:*');
    console.log(pull.lastEndpoint);
    for await (const _ of pull) {}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('peer process: no endpoint after 10s')), 10_000);
    child.once('error', reject);
    child.stdout?.once('data', (data: Buffer) => {
      clearTimeout(timer);
      resolve({ address: String(data).trim(), child });
    });
  });
}

/** A peer that can stop answering: a partition in the sim, SIGSTOP of its process for real. */
async function freezablePeer(w: World): Promise<{ address: string; freeze(): void; thaw(): void }> {
  if (w.sim) {
    const address = await w.address('b', 'heartbeat');
    await w.socket('b', 'pull').bind(address);
    const net = w.sim.net;
    return { address, freeze: () => net.partition(['a'], ['b']), thaw: () => net.repair() };
  }
  const { address, child } = await peerProcess();
  return { address, freeze: () => child.kill('SIGSTOP'), thaw: () => child.kill('SIGCONT') };
}

describeWorlds(
  'heartbeats: a peer that stops answering is disconnected at the first PING after the freeze plus heartbeatTimeoutMs',
  ['sim', 'tcp'],
  async (w) => {
    const peer = await freezablePeer(w);
    const push = w.socket('a', 'push', { heartbeatIntervalMs: INTERVAL_MS, heartbeatTimeoutMs: TIMEOUT_MS });
    const handshakes: number[] = [];
    const disconnects: number[] = [];
    push.events.on('handshake', () => handshakes.push(w.now()));
    push.events.on('disconnect', () => disconnects.push(w.now()));
    push.connect(peer.address);
    await w.waitFor(() => handshakes.length === 1, { what: 'handshake' });
    await w.sleep(3 * INTERVAL_MS + 50); // a few PINGs answered; the freeze falls between two PINGs
    const frozenAtMs = w.now();
    peer.freeze();
    await w.waitFor(() => disconnects.length === 1, { what: 'disconnect on expired heartbeats', timeoutMs: 5000 });
    const afterMs = (disconnects[0] as number) - frozenAtMs;
    expect(afterMs).toBeGreaterThan(TIMEOUT_MS);
    expect(afterMs).toBeLessThanOrEqual(INTERVAL_MS + TIMEOUT_MS + (w.realTime ? SLACK_MS : 0));
    peer.thaw();
    // Once it answers again, the connecting side is back (it reconnected meanwhile or does now).
    await w.waitFor(() => handshakes.length === 2, { what: 'handshake after the thaw', timeoutMs: 5000 });
  },
  { timeoutMs: 20_000 },
);
