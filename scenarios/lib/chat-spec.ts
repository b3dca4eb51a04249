// The chat scenario, parameterised by its faults: three chat servers (the example's ChatRoom on
// the simulated network); users post 60 messages over 1.5 s, each to a random server, which
// broadcasts it to the room. Safety (checked at the end from each server's room and what its
// socket delivered): nothing invented, nothing twice, each origin's messages in order. Liveness:
// once the faults have healed, every server holds every message. Sometimes: a partition or a
// stall delayed a message; messages were posted on every server.

import type { RandomPort } from 'toto-ts';
import { defineScenario, type FaultPlan, type Scenario, type ScenarioContext, type ScenarioHostContext } from 'toto-ts/sim';
import type { ChatRoom } from '../../examples/chat/chat-room.js';
import { checkChatServer, type ChatReport, type Posted } from './chat-checks.js';
import { arrivals, chatServer } from './chat-hosts.js';

export const CHAT_SERVERS = ['s1', 's2', 's3'] as const;
export const MESSAGES = 60;
export const POST_INTERVAL_MS = 25;
/** Posting starts once every server has connected to the others (a connect before the peer binds retries after 100 ms). */
export const START_MS = 200;
/** Late means arrived this long after it was posted (a hop takes about a millisecond). */
export const LATE_MS = 100;
const USERS = ['ann', 'bob', 'cy', 'dee'];

export interface ChatScenarioOptions {
  name: string;
  faults: (random: RandomPort, hostNames: readonly string[]) => FaultPlan;
  /** A planted bug for the checker's own test: s1 leaves this server out of its list. */
  s1Forgets?: string;
  /** Sees the reports before the invariants judge them (tests). */
  observe?: (reports: ChatReport[]) => void;
}

function postedLog(ctx: ScenarioContext): Posted[] {
  const disk = ctx.disk('s1');
  let posted = disk.get('posted') as Posted[] | undefined;
  if (posted === undefined) disk.set('posted', (posted = []));
  return posted;
}

async function workload(ctx: ScenarioContext): Promise<void> {
  const posted = postedLog(ctx);
  await ctx.sleep(START_MS);
  for (let i = 0; i < MESSAGES; i++) {
    const origin = ctx.random.pick(CHAT_SERVERS);
    const message = ctx.host<ChatRoom>(origin).post(ctx.random.pick(USERS), `message ${i}`);
    posted.push({ id: message.id, origin, seq: message.seq, tMs: ctx.sim.now() });
    await ctx.sleep(POST_INTERVAL_MS);
  }
}

function reports(ctx: ScenarioContext): ChatReport[] {
  const posted = postedLog(ctx);
  return CHAT_SERVERS.map((s) => checkChatServer(s, posted, ctx.host<ChatRoom>(s).messages, arrivals(ctx.disk(s))));
}

function liveness(ctx: ScenarioContext): Promise<void> {
  return ctx.sim.eventually(() => reports(ctx).every((r) => r.missing.length === 0), {
    withinMs: ctx.livenessMs,
    message: 'once the faults have healed, every server holds every message posted',
  });
}

function invariants(ctx: ScenarioContext, options: ChatScenarioOptions): void {
  const all = reports(ctx);
  options.observe?.(all);
  const posted = postedLog(ctx);
  ctx.sim.sometimes(CHAT_SERVERS.every((s) => posted.some((p) => p.origin === s)), 'messages were posted on every server');
  ctx.sim.sometimes(all.some((r) => r.latencyMsMax >= LATE_MS), 'a partition or stall delayed a message');
  const problems = all.flatMap((r) => [...r.problems, ...(r.missing.length > 0 ? [`${r.server} never got ${r.missing.slice(0, 5).join(', ')}`] : [])]);
  if (problems.length > 0) throw new Error(`${problems.length} chat problem(s); first: ${problems.slice(0, 3).join('; ')}`);
}

export function chatScenario(options: ChatScenarioOptions): Scenario {
  const server = (ctx: ScenarioHostContext) => chatServer(ctx, { servers: CHAT_SERVERS, ...(ctx.name === 's1' && options.s1Forgets ? { forget: options.s1Forgets } : {}) });
  return defineScenario({
    name: options.name,
    hosts: { s1: server, s2: server, s3: server },
    durationMs: START_MS + MESSAGES * POST_INTERVAL_MS + 200,
    livenessMs: 3000,
    faults: options.faults,
    // Only what a live TCP connection does: delay. A crash or a broken connection loses messages
    // (the room keeps no log to resend from), which this room does not claim to survive.
    nemesis: { kinds: ['partition', 'pause', 'latency', 'clockJump'] },
    workload,
    liveness,
    invariants: (ctx) => invariants(ctx, options),
  });
}

/** Two to four partitions (one server cut from the others, or two cut from each other) and sometimes a stalled server. */
export function chatPartitions(random: RandomPort): FaultPlan {
  const plan: FaultPlan = [];
  const count = random.int(2, 4);
  for (let i = 0; i < count; i++) {
    const atMs = random.int(START_MS, START_MS + MESSAGES * POST_INTERVAL_MS - 100);
    const [a, b, c] = random.shuffle([...CHAT_SERVERS]) as [string, string, string];
    const sideB = random.bool(0.5) ? [b, c] : [b];
    plan.push({ kind: 'partition', atMs, durationMs: random.int(50, 500), sideA: [a], sideB });
  }
  if (random.bool(0.5)) plan.push({ kind: 'pause', atMs: random.int(START_MS, 1200), host: random.pick(CHAT_SERVERS), durationMs: random.int(50, 300) });
  return plan.sort((x, y) => x.atMs - y.atMs);
}
