// Proves the chat example's room under simulated partitions and stalls: scenarios/chat.scenario.ts passes a sweep of seeds under its own plans and in swarm mode, partitions really delay messages and every server posts, a seed replays exactly; the checker catches invented, doubled, reordered and missing messages; and a planted configuration bug (one server left out of another's list) fails the run naming what never arrived.
import { describe, expect, it } from 'vitest';
import chat from '../../scenarios/chat.scenario.js';
import { checkChatServer, type ChatReport, type Posted } from '../../scenarios/lib/chat-checks.js';
import { chatPartitions, chatScenario } from '../../scenarios/lib/chat-spec.js';
import { runScenario, type Scenario, type ScenarioResult } from '../../src/sim/scenario.js';

const SEEDS = Number(process.env.SCENARIO_SEEDS ?? 30);

async function sweep(scenario: Scenario, seeds: number, options: { swarm?: boolean } = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (let seed = 0; seed < seeds; seed++) results.push(await runScenario(scenario, { seed, ...options }));
  return results;
}
const failures = (results: ScenarioResult[]): string[] => results.filter((r) => !r.ok).map((r) => `seed ${r.seed}: ${r.error?.message}`);
const hitIn = (results: ScenarioResult[], message: string): number => results.filter((r) => (r.sometimes.hits[message] ?? 0) > 0).length;

describe('chat scenario: partitions and stalls', () => {
  it(`passes ${SEEDS} seeds under its own partitions; they delay messages; every server posts`, async () => {
    const results = await sweep(chat, SEEDS);
    expect(failures(results)).toEqual([]);
    expect(hitIn(results, 'a partition or stall delayed a message')).toBeGreaterThan(SEEDS / 2);
    expect(hitIn(results, 'messages were posted on every server')).toBe(SEEDS);
  });

  it('passes 10 seeds in swarm mode', async () => {
    expect(failures(await sweep(chat, 10, { swarm: true }))).toEqual([]);
  });

  it('a seed replays exactly', async () => {
    const first = await runScenario(chat, { seed: 4 });
    expect((await runScenario(chat, { seed: 4 })).traceHash).toBe(first.traceHash);
  });

  it('with no faults every server holds all 60 messages, each arriving within a few milliseconds', async () => {
    const seen: ChatReport[][] = [];
    const result = await runScenario(chatScenario({ name: 'chat-observed', faults: () => [], observe: (r) => void seen.push(r) }), { seed: 1 });
    expect(result.ok).toBe(true);
    for (const report of seen[0] as ChatReport[]) expect(report).toMatchObject({ problems: [], missing: [] });
    expect(Math.max(...(seen[0] as ChatReport[]).map((r) => r.latencyMsMax))).toBeLessThan(20);
  });

  it('a planted bug (s1 leaves s3 out of its list) fails the run: s3 never gets what was posted on s1', async () => {
    const buggy = chatScenario({ name: 'chat-forgets', faults: chatPartitions, s1Forgets: 's3' });
    const result = await runScenario(buggy, { seed: 2 });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/every server holds every message posted/);
  });
});

describe('the chat checker', () => {
  const posted: Posted[] = [1, 2, 3].map((seq) => ({ id: `a:${seq}`, origin: 'a', seq, tMs: seq * 10 }));
  const msg = (seq: number, origin = 'a') => ({ id: `${origin}:${seq}`, origin, seq, user: 'u', text: 't' });
  const arrived = (...seqs: number[]) => seqs.map((seq) => ({ id: `a:${seq}`, tMs: seq * 10 + 150 }));

  it('accepts every message once and in order, and measures the latency', () => {
    expect(checkChatServer('s', posted, [msg(1), msg(2), msg(3)], arrived(1, 2, 3))).toEqual({ server: 's', problems: [], missing: [], latencyMsMax: 150 });
  });

  it('names invented, doubled, reordered and missing messages', () => {
    expect(checkChatServer('s', posted, [msg(1), msg(9, 'z')], arrived(1)).problems).toEqual(['s holds messages nobody posted: z:9']);
    expect(checkChatServer('s', posted, [msg(1), msg(2), msg(3)], arrived(1, 2, 2, 3)).problems).toEqual(['s was delivered messages more than once: a:2']);
    expect(checkChatServer('s', posted, [msg(1), msg(1)], arrived(1)).problems).toEqual(["s holds messages twice: a:1", "s holds a's message 1 after its 1: out of order"]);
    expect(checkChatServer('s', posted, [msg(2), msg(1), msg(3)], arrived(2, 1, 3)).problems).toEqual(["s holds a's message 1 after its 2: out of order"]);
    expect(checkChatServer('s', posted, [msg(1)], arrived(1)).missing).toEqual(['a:2', 'a:3']);
  });
});
