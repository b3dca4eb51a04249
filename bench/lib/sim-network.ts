// The network half of the `sim` benchmark (a helper, merged into bench/sim.ts): simulated
// messages per wall second through NetworkSim, trace off. 10 hosts: h0..h4 each bind a PULL
// and PUSH to all five PULLs; h5..h9 each bind a ROUTER that echoes to the sender's identity
// and run a DEALER connected to all five ROUTERs. Half of the messages are PUSH->PULL, half
// DEALER->ROUTER requests plus their ROUTER->DEALER echoes. Links: the default 1 ms latency.

import { Random } from '../../src/core/random.js';
import type { Socket } from '../../src/core/transport.js';
import { NetworkSim } from '../../src/sim/network-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';

export interface NetworkBenchResult {
  msgsPerSec: number;
  peakRssMb: number;
  usPerMsg: number;
}

const HOSTS = 10;
const GROUP = HOSTS / 2;

async function sendAll(socket: Socket, count: number, message: Uint8Array[]): Promise<void> {
  for (let i = 0; i < count; i++) await socket.send(message);
}

// Receivers loop forever: round-robin skips peers without room, so how many messages each
// one gets varies; the run ends when the kernel is idle (their receives are left pending).
async function drain(socket: Socket): Promise<void> {
  for (;;) await socket.receive();
}

async function echo(router: Socket): Promise<void> {
  for (;;) await router.send(await router.receive());
}

export interface NetworkBenchOptions {
  /**
   * Link latency. Default: fixed 1 ms, where a connection's messages due at the same time
   * share one kernel event (the best case). A jittered range such as { min: 0.5, max: 1.5 }
   * gives every message its own delivery time, so about one kernel event each (the worst case).
   */
  latencyMs?: { min: number; max: number };
  /** Let jitter reorder messages within a connection, so bursts no longer share delivery events. */
  reorder?: boolean;
}

/** Runs `messages` simulated messages (rounded down to a multiple of 20) and reports the rate. */
export async function benchNetwork(messages: number, options: NetworkBenchOptions = {}): Promise<NetworkBenchResult> {
  const perPush = Math.floor(messages / (2 * GROUP));
  const perDealer = Math.floor(messages / (4 * GROUP));
  const kernel = new SimKernel();
  const net = new NetworkSim({ kernel, random: new Random(42) });
  const hosts = Array.from({ length: HOSTS }, (_, i) => `h${i}`);
  for (const host of hosts) net.addHost(host);
  if (options.latencyMs) net.setLinkConditions({ latencyMs: options.latencyMs, reorder: options.reorder ?? false });
  const payload = [new Uint8Array(64)];
  const done: Promise<void>[] = [];
  const pushHosts = hosts.slice(0, GROUP);
  const routerHosts = hosts.slice(GROUP);
  for (const host of pushHosts) {
    const t = net.transport(host);
    const pull = t.socket('pull');
    await pull.bind(`tcp://${host}:5000`);
    const push = t.socket('push');
    for (const peer of pushHosts) push.connect(`tcp://${peer}:5000`);
    void drain(pull);
    done.push(sendAll(push, perPush, payload));
  }
  for (const host of routerHosts) {
    const t = net.transport(host);
    // A ROUTER drops at its high-water mark (ZeroMQ semantics); echoing bursts needs headroom.
    const router = t.socket('router', { sendHighWaterMark: 10_000 });
    await router.bind(`tcp://${host}:6000`);
    const dealer = t.socket('dealer', { routingId: host });
    for (const peer of routerHosts) dealer.connect(`tcp://${peer}:6000`);
    void echo(router);
    void drain(dealer);
    done.push(sendAll(dealer, perDealer, payload));
  }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  await kernel.run();
  const ms = performance.now() - start;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const delivered = net.stats.delivered;
  const expected = GROUP * perPush + 2 * GROUP * perDealer;
  if (delivered !== expected) throw new Error(`benchNetwork: expected ${expected} deliveries, got ${JSON.stringify(net.stats)}`);
  await Promise.all(done);
  return { msgsPerSec: (delivered / ms) * 1000, peakRssMb: peakRss / 2 ** 20, usPerMsg: (ms * 1000) / delivered };
}
