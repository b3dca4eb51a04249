// Proves the EventManager under simulated faults: events-faults (stalls, partitions, disconnects, crashes) and events-lossy (drop and duplicate on declared lossy links) pass a sweep of seeds under their own plans and in swarm mode, with the sometimes-assertions showing round-robin reached every server, breaks lost events, stalls delayed them and lossy links dropped and duplicated; the delivery checker itself catches invented, duplicated, reordered and unexplained lost events, and a planted bug (a server that ignores an event) fails the run with that message.
import { describe, expect, it } from 'vitest';
import eventsFaults from '../../scenarios/events-faults.scenario.js';
import eventsLossy from '../../scenarios/events-lossy.scenario.js';
import { checkDeliveries } from '../../scenarios/lib/events-checks.js';
import type { Received, Sent } from '../../scenarios/lib/events-hosts.js';
import { eventsScenario, type EventsScenarioOptions } from '../../scenarios/lib/events-spec.js';
import type { DeliveryReport } from '../../scenarios/lib/events-checks.js';
import { runScenario, type Scenario, type ScenarioResult } from '../../src/sim/scenario.js';

const SEEDS = Number(process.env.SCENARIO_SEEDS ?? 25);

async function sweep(scenario: Scenario, options: { swarm?: boolean } = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (let seed = 0; seed < SEEDS; seed++) results.push(await runScenario(scenario, { seed, ...options }));
  return results;
}

const failures = (results: ScenarioResult[]): string[] => results.filter((r) => !r.ok).map((r) => `seed ${r.seed}: ${r.error?.message}`);
const hitIn = (results: ScenarioResult[], message: string): number => results.filter((r) => (r.sometimes.hits[message] ?? 0) > 0).length;

describe('events-faults: stalls, partitions, disconnects and crashes', () => {
  it(`passes ${SEEDS} seeds under its own faults; round-robin reaches every server; breaks lose events in flight and stalls delay them`, async () => {
    const results = await sweep(eventsFaults);
    expect(failures(results)).toEqual([]);
    for (const server of ['s1', 's2', 's3']) expect(hitIn(results, `round-robin reached ${server}`)).toBe(SEEDS);
    expect(hitIn(results, 'a broken connection lost events in flight')).toBeGreaterThan(0);
    expect(hitIn(results, 'a stalled connection delivered events late')).toBeGreaterThan(0);
  });

  it(`passes ${SEEDS} seeds in swarm mode`, async () => {
    expect(failures(await sweep(eventsFaults, { swarm: true }))).toEqual([]);
  });

  it('a seed replays exactly', async () => {
    const first = await runScenario(eventsFaults, { seed: 3 });
    expect((await runScenario(eventsFaults, { seed: 3 })).traceHash).toBe(first.traceHash);
  });

  it('what a disconnect loses is exactly the event in flight on that connection; the ones after it arrive', async () => {
    const seen: DeliveryReport[][] = [];
    const observed = eventsScenario({ name: 'events-observed', faults: () => [], observe: (reports) => void seen.push(reports) });
    // Event 45 is a broadcast sent at 590 ms; a hop takes about a millisecond, so at 591 ms it is on the wire to s1.
    const result = await runScenario(observed, { seed: 5, faults: [{ kind: 'disconnect', atMs: 591, sideA: ['sender'], sideB: ['s1'] }] });
    expect(result.ok).toBe(true);
    const [s1, s2, s3] = seen[0] as DeliveryReport[];
    expect(s1?.lostAtBreaks).toEqual([{ breakMs: 591, ids: [45] }]);
    expect(s1?.handled).toBe((s1?.sent ?? 0) - 1);
    // The other connections did not break: they lost nothing.
    expect([s2?.lostAtBreaks, s3?.lostAtBreaks]).toEqual([[], []]);
    expect([s2?.handled, s3?.handled]).toEqual([s2?.sent, s3?.sent]);
  });
});

describe('events-lossy: drop and duplicate on declared lossy links', () => {
  it(`passes ${SEEDS} seeds; the lossy links dropped and duplicated events`, async () => {
    const results = await sweep(eventsLossy);
    expect(failures(results)).toEqual([]);
    expect(hitIn(results, 'a lossy link dropped an event')).toBeGreaterThan(0);
    expect(hitIn(results, 'a lossy link duplicated an event')).toBeGreaterThan(0);
    for (const server of ['s1', 's2', 's3']) expect(hitIn(results, `round-robin reached ${server}`)).toBe(SEEDS);
  });

  it(`passes ${SEEDS} seeds in swarm mode`, async () => {
    expect(failures(await sweep(eventsLossy, { swarm: true }))).toEqual([]);
  });
});

describe('the delivery checker', () => {
  const A = 'tcp://a:7000';
  const sent: Sent[] = [...Array(10).keys()].map((id) => ({ id, to: [A], tMs: id * 10, broadcast: true }));
  const got = (...ids: number[]): Received[] => ids.map((id) => ({ id, tMs: id * 10 + 1, incarnation: 1 }));
  const check = (received: Received[], breaksMs: number[] = [], events = sent) =>
    checkDeliveries('a', A, events, received, breaksMs.map((tMs) => ({ server: 'a', tMs }))).problems;

  it('accepts everything delivered once, in order, and one lost run per break, sent before it', () => {
    expect(check(got(0, 1, 2, 3, 4, 5, 6, 7, 8, 9))).toEqual([]);
    expect(check(got(0, 1, 4, 5, 6, 9), [35, 85])).toEqual([]);
  });

  it('names an event never sent, a duplicate, a reordering, and a loss no break explains', () => {
    expect(check(got(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 42))).toEqual(['a: handled event 42, which was never sent to it']);
    expect(check(got(0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9))).toEqual(['a: handled event 2 2 times (sent at 20ms; no lossy link duplicated it: ZeroMQ over tcp never duplicates)']);
    expect(check(got(0, 1, 3, 2, 4, 5, 6, 7, 8, 9))).toEqual(['a: handled event 2 after event 3, though it was sent first: a connection delivers in order']);
    // Two runs lost, one break: the second run has none left.
    expect(check(got(0, 1, 4, 5, 6, 9), [35])).toEqual([
      'a: never got 2 event(s) 7..8 (sent 70-80ms) with no broken connection left to explain them: only a break loses events, at most one run each (breaks its sender\'s PUSH reported: 35ms)',
    ]);
    // A break before the events were sent cannot have lost them.
    expect(check(got(0, 1, 2, 3, 4, 5, 6, 7, 9), [15])).toEqual([
      'a: never got 1 event(s) 8..8 (sent 80-80ms) with no broken connection left to explain them: only a break loses events, at most one run each (breaks its sender\'s PUSH reported: 15ms)',
    ]);
  });

  it('allows a missing or twice-handled event only where a lossy link dropped or duplicated it', () => {
    const lossy = sent.map((s) => (s.id === 3 ? { ...s, lossy: { dropped: 1, duplicated: 0 } } : s.id === 6 ? { ...s, lossy: { dropped: 0, duplicated: 1 } } : s));
    expect(check(got(0, 1, 2, 4, 5, 6, 6, 7, 8, 9), [], lossy)).toEqual([]);
  });

  it('a planted bug (s2 ignores event 30) fails the run with the checker\'s message', async () => {
    const options: EventsScenarioOptions = { name: 'events-ignore-bug', faults: () => [], ignoreIds: new Set([30]) };
    const result = await runScenario(eventsScenario(options), { seed: 1 });
    expect(result.ok).toBe(false);
    expect(result.error?.phase).toBe('invariants');
    expect(result.error?.message).toMatch(
      /^1 delivery problem\(s\); first: s2: never got 1 event\(s\) 30\.\.30 \(sent \d+(\.\d+)?-\d+(\.\d+)?ms\) with no broken connection left to explain them: only a break loses events, at most one run each \(breaks its sender's PUSH reported: none\)$/,
    );
  });
});
