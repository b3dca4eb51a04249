// The event scenarios, parameterised by their faults: a sender host sends 150 'tick' events over
// 1.8 s to three event servers (every third a broadcast, the rest round-robin), then, once the
// faults have healed, one last broadcast. Safety: each server handles what was sent to it in
// order, at most once, and misses only what a broken connection lost (events-checks.ts).
// Liveness: the last broadcast reaches every server. Sometimes: round-robin reached each server,
// a stall delivered late, a break lost events in flight, a lossy link dropped or duplicated.

import type { RandomPort } from 'toto-ts';
import { defineScenario, type FaultPlan, type LinkScope, type Scenario, type ScenarioContext, type ScenarioHostContext } from 'toto-ts/sim';
import { checkDeliveries, type DeliveryReport } from './events-checks.js';
import { eventSender, eventServer, receivedLog, serverAddress, type EventSender, type Sent } from './events-hosts.js';

export const SERVERS = ['s1', 's2', 's3'] as const;
export const EVENTS = 150;
export const EVENT_INTERVAL_MS = 12;
/** The sender starts once its connections are up, so a lossy window's events are those sent in it. */
export const START_MS = 50;
export const EVENTS_DURATION_MS = 2000;
export const EVENTS_LIVENESS_MS = 3000;
/** Late means handled this long after it was sent (a stall; a plain hop takes about a millisecond). */
export const LATE_MS = 100;

export interface EventsScenarioOptions {
  name: string;
  faults: (random: RandomPort, hostNames: readonly string[]) => FaultPlan;
  /** Declare the links from the sender to the servers lossy (drop and duplicate faults may act there). */
  lossy?: boolean;
  /** A planted bug for the checker's own test: s2's handler ignores these events. */
  ignoreIds?: ReadonlySet<number>;
  /** Sees every run's delivery reports and what was sent, before the invariants judge them (tests). */
  observe?: (reports: DeliveryReport[], sent: readonly Sent[]) => void;
}

const sentLog = (ctx: ScenarioContext): Sent[] => {
  const disk = ctx.disk('sender');
  let sent = disk.get('sent') as Sent[] | undefined;
  if (sent === undefined) disk.set('sent', (sent = []));
  return sent;
};

async function workload(ctx: ScenarioContext): Promise<void> {
  const sent = sentLog(ctx);
  await ctx.sleep(START_MS);
  const net = ctx.sim.network;
  for (let id = 0; id < EVENTS; id++) {
    const broadcast = id % 3 === 0;
    // A live connection puts the frame on the wire within send() (the outbox's pump starts at
    // once), so a lossy link's drop or duplicate of it shows in the counters around the call.
    const { dropped, duplicated } = net.stats;
    const to = ctx.host<EventSender>('sender').events.send('tick', { id }, { broadcast });
    const lossy = { dropped: net.stats.dropped - dropped, duplicated: net.stats.duplicated - duplicated };
    sent.push({ id, to: [...to], tMs: ctx.sim.now(), broadcast, ...(lossy.dropped + lossy.duplicated > 0 ? { lossy } : {}) });
    await ctx.sleep(EVENT_INTERVAL_MS);
  }
  while (ctx.phase === 'safety') await ctx.sleep(50);
  // Sent once every fault has healed: nothing may lose it, so it must reach every server.
  const to = ctx.host<EventSender>('sender').events.send('tick', { id: EVENTS });
  sent.push({ id: EVENTS, to: [...to], tMs: ctx.sim.now(), broadcast: true });
}

function liveness(ctx: ScenarioContext): Promise<void> {
  return ctx.sim.eventually(() => SERVERS.every((s) => receivedLog(ctx.disk(s)).some((r) => r.id === EVENTS)), {
    withinMs: ctx.livenessMs,
    message: 'the broadcast sent after the faults healed reaches every server',
  });
}

function reports(ctx: ScenarioContext): DeliveryReport[] {
  const sent = sentLog(ctx);
  const { breaks } = ctx.host<EventSender>('sender');
  return SERVERS.map((s) => checkDeliveries(s, serverAddress(s), sent, receivedLog(ctx.disk(s)), breaks));
}

function invariants(ctx: ScenarioContext, options: EventsScenarioOptions): void {
  const lossy = options.lossy === true;
  const all = reports(ctx);
  options.observe?.(all, sentLog(ctx));
  const problems = all.flatMap((r) => r.problems);
  const sent = sentLog(ctx);
  for (const s of SERVERS) {
    const single = sent.filter((e) => !e.broadcast && e.to.includes(serverAddress(s))).length;
    ctx.sim.sometimes(single > 0 && receivedLog(ctx.disk(s)).length > 0, `round-robin reached ${s}`);
  }
  ctx.sim.sometimes(all.some((r) => r.latencyMsMax >= LATE_MS), 'a stalled connection delivered events late');
  // Lossy plans break no connection (see nemesis below): there, the losses are the drops.
  if (!lossy) ctx.sim.sometimes(all.some((r) => r.lostAtBreaks.length > 0), 'a broken connection lost events in flight');
  if (lossy) {
    ctx.sim.sometimes(all.some((r) => r.dropped.length > 0), 'a lossy link dropped an event');
    ctx.sim.sometimes(all.some((r) => r.duplicates > 0), 'a lossy link duplicated an event');
  }
  if (problems.length > 0) throw new Error(`${problems.length} delivery problem(s); first: ${problems.slice(0, 3).join('; ')}`);
}

export function eventsScenario(options: EventsScenarioOptions): Scenario {
  const lossyLinks: LinkScope[] = options.lossy ? [{ from: ['sender'], to: [...SERVERS] }] : [];
  const server = (ctx: ScenarioHostContext) => eventServer(ctx, { atMostOnce: !options.lossy, ...(ctx.name === 's2' && options.ignoreIds ? { ignoreIds: options.ignoreIds } : {}) });
  return defineScenario({
    name: options.name,
    hosts: {
      s1: server,
      s2: server,
      s3: server,
      sender: (ctx: ScenarioHostContext) => eventSender(ctx, SERVERS),
    },
    durationMs: EVENTS_DURATION_MS,
    livenessMs: EVENTS_LIVENESS_MS,
    faults: options.faults,
    // The sender is the workload's way in: generated plans crash servers only. On lossy links a
    // drop is only attributed while the connection is up (see workload), so lossy plans break none.
    nemesis: options.lossy ? { kinds: ['drop', 'duplicate', 'partition', 'pause', 'latency', 'clockJump'] } : { crashable: [...SERVERS] },
    lossyLinks,
    workload,
    liveness,
    invariants: (ctx) => invariants(ctx, options),
  });
}
