// Proves where a PUSH to a PULL that never reads stops accepting, in the simulation and in real zeromq.js: over inproc at
// exactly SNDHWM + RCVHWM; over tcp and ipc only after the kernel's socket buffers have filled too (far more over tcp). And
// what a PUB keeps for a SUB that does not read: over inproc about SNDHWM + RCVHWM; over tcp a burst drops at the PUB's own
// pipe, since libzmq's I/O thread moves the pipe into the kernel after the sends, not during them.
import { expect } from 'vitest';
import type { Socket } from '../../../src/core/transport.js';
import { describeWorlds, type World } from './worlds.js';

const SNDHWM = 10;
const RCVHWM = 10;
/** Gives up after this many (a bound on the loop: tcp's buffers hold about 1,400 of these 2,000-byte messages). */
const ACCEPTED_MAX = 50_000;

/**
 * Sends with sendTimeoutMs 0 until ten tries in a row, 20ms apart, find no room (a refusal can
 * be momentary while libzmq's I/O thread moves messages into the kernel). Returns how many were accepted.
 */
async function fill(w: World, push: Socket, payload: Uint8Array): Promise<number> {
  let accepted = 0;
  let refusals = 0;
  while (refusals < 10 && accepted < ACCEPTED_MAX) {
    try {
      await push.send(payload);
      accepted++;
      refusals = 0;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN') throw error;
      refusals++;
      await w.sleep(20);
    }
  }
  return accepted;
}

async function pushToIdlePull(w: World): Promise<Socket> {
  const pull = w.socket('b', 'pull', { receiveHighWaterMark: RCVHWM });
  const address = await w.address('b', 'hwm');
  await pull.bind(address);
  const push = w.socket('a', 'push', { sendHighWaterMark: SNDHWM, sendTimeoutMs: 0 });
  push.connect(address);
  return push;
}

describeWorlds('inproc: a PUSH to a PULL that never reads accepts exactly SNDHWM + RCVHWM messages', ['sim-inproc', 'inproc'], async (w) => {
  const push = await pushToIdlePull(w);
  expect(await fill(w, push, new Uint8Array(20))).toBe(SNDHWM + RCVHWM);
});

describeWorlds(
  'tcp and ipc: the kernel buffers hold more than SNDHWM + RCVHWM before a PUSH to an idle PULL stops (far more over tcp)',
  ['sim', 'tcp', 'sim-ipc', 'ipc'],
  async (w) => {
    const push = await pushToIdlePull(w);
    const accepted = await fill(w, push, new Uint8Array(2000));
    // Real counts vary with timing and autotuning (measured here: tcp about 1,380, ipc about 55); the property is the same.
    expect(accepted).toBeGreaterThan(SNDHWM + RCVHWM);
    if (w.scheme === 'tcp') expect(accepted).toBeGreaterThan(10 * (SNDHWM + RCVHWM));
    expect(accepted).toBeLessThan(ACCEPTED_MAX);
  },
  { timeoutMs: 30_000 },
);

/** A PUB that publishes `burst` messages at once to a SUB that does not read yet; returns how many the SUB then gets. */
async function publishToIdleSub(w: World, burst: number): Promise<number> {
  const pub = w.socket('a', 'pub', { sendHighWaterMark: SNDHWM });
  const address = await w.address('a', 'pub-hwm');
  await pub.bind(address);
  const sub = w.socket('b', 'sub', { receiveHighWaterMark: RCVHWM, receiveTimeoutMs: 300 });
  sub.subscribe('');
  sub.connect(address);
  // Wait until the subscription is through: a probe published until one arrives (then drain the probes).
  let probes = 0;
  for (;;) {
    await pub.send(`probe-${probes++}`);
    try {
      await sub.receive();
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN' || probes > 50) throw error;
    }
  }
  const drain = async (): Promise<number> => {
    let n = 0;
    for (;;) {
      try {
        const [frame] = await sub.receive();
        if (!new TextDecoder().decode(frame).startsWith('probe-')) n++;
      } catch (error) {
        if ((error as { code?: string }).code === 'EAGAIN') return n;
        throw error;
      }
    }
  };
  await drain();
  for (let i = 0; i < burst; i++) await pub.send(`m${i}`); // a PUB never blocks: past the high-water mark it drops
  await w.sleep(300);
  return drain();
}

describeWorlds('inproc: a PUB keeps about SNDHWM + RCVHWM for a SUB that does not read (one shared pipe), and drops the rest', ['sim-inproc', 'inproc'], async (w) => {
  const got = await publishToIdleSub(w, 200);
  // zeromq.js gave 19-20 here: the writer learns of reads in batches, so a slot can lag behind.
  expect(got).toBeGreaterThan(SNDHWM);
  expect(got).toBeLessThanOrEqual(SNDHWM + RCVHWM);
});

describeWorlds(
  'tcp: a burst of publishes outpaces the I/O thread, so a PUB drops at its own pipe although the kernel buffers have room',
  ['sim', 'tcp'],
  async (w) => {
    // 20,000 short messages are about 160 kB framed: far less than tcp's buffers hold (TCP_BUFFER_BYTES), so a loss is the PUB's pipe.
    const burst = 20_000;
    const got = await publishToIdleSub(w, burst);
    // zeromq.js delivered 9 of 2,000 on an idle machine, but 1,113 of 2,000 on a loaded one (its I/O thread runs beside
    // the sends and keeps up better when the JS thread is slowed); the sim, SNDHWM. The property: some get through, many are dropped.
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(burst * 0.9);
  },
);
