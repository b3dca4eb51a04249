// The fault plans of the event scenarios, drawn from the seed: what a real network does to the
// connections between the sender and the servers (events-faults.ts), and, on links declared
// lossy, what it does to single messages (events-lossy.ts).

import type { RandomPort } from 'toto-ts';
import type { Fault, FaultPlan } from 'toto-ts/sim';
import { SERVERS } from './events-spec.js';

const FIRST_MS = 100;
const LAST_MS = 1700;

/** Two to four of: a server stalled (pause), a partition, a broken connection (disconnect), a server crash and restart. */
export function connectionFaults(random: RandomPort): FaultPlan {
  const plan: FaultPlan = [];
  const count = random.int(2, 4);
  for (let i = 0; i < count; i++) {
    const server = random.pick(SERVERS);
    const atMs = random.int(FIRST_MS, LAST_MS);
    const kinds: Fault[] = [
      { kind: 'pause', atMs, host: server, durationMs: random.int(50, 300) },
      { kind: 'partition', atMs, durationMs: random.int(50, 400), sideA: ['sender'], sideB: [server] },
      { kind: 'disconnect', atMs, sideA: ['sender'], sideB: [server] },
      { kind: 'crash', atMs, host: server, restartAfterMs: random.int(50, 300) },
    ];
    plan.push(random.pick(kinds));
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}

/** A drop and a duplicate window on the sender's (lossy) links, to one server or all, and sometimes a stall on top. */
export function lossyFaults(random: RandomPort): FaultPlan {
  const to = (): { to?: string[] } => (random.bool(0.5) ? { to: [random.pick(SERVERS)] } : {});
  const plan: FaultPlan = [
    { kind: 'drop', atMs: random.int(FIRST_MS, LAST_MS - 300), durationMs: random.int(100, 500), rate: random.int(1, 5) / 10, from: ['sender'], ...to() },
    { kind: 'duplicate', atMs: random.int(FIRST_MS, LAST_MS - 300), durationMs: random.int(100, 500), rate: random.int(1, 5) / 10, from: ['sender'], ...to() },
  ];
  if (random.bool(0.5)) plan.push({ kind: 'partition', atMs: random.int(FIRST_MS, LAST_MS), durationMs: random.int(50, 300), sideA: ['sender'], sideB: [random.pick(SERVERS)] });
  return plan.sort((a, b) => a.atMs - b.atMs);
}
