// Shared setup for the network tests: a kernel, a seeded random, a network with hosts.

import { Random } from '../../../src/core/random.js';
import type { Message } from '../../../src/core/transport.js';
import { NetworkSim } from '../../../src/sim/network-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';
import { Trace } from '../../../src/sim/trace.js';

export function world(hosts: string[] = ['a', 'b', 'c'], seed = 1, trace?: Trace) {
  const kernel = new SimKernel();
  const net = new NetworkSim({ kernel, random: new Random(seed), ...(trace ? { trace } : {}) });
  for (const host of hosts) net.addHost(host);
  return { kernel, net, t: (host: string) => net.transport(host) };
}

export function newTrace(): Trace {
  return new Trace({ keepAll: true });
}

const decoder = new TextDecoder();
export function text(message: Message): string[] {
  return message.map((frame) => decoder.decode(frame));
}

/** Tracks whether a promise settled, without awaiting it. */
export function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Receives forever into `into` (with virtual receive times). */
export function collect(socket: { receive(): Promise<Message> }, into: { t: number; m: string[] }[], kernel: SimKernel): void {
  void (async () => {
    for (;;) {
      const m = await socket.receive();
      into.push({ t: kernel.now(), m: text(m) });
    }
  })().catch(() => undefined);
}
