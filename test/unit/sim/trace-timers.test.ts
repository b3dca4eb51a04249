// A trace that keeps every line shows each host timer as set, fired or cancelled (one id across
// a pause that defers it), outside the hash, so the traced run hashes as the sweep's; a sweep's
// trace has none.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/sim/run-scenario.js';
import { defineScenario } from '../../../src/sim/scenario.js';

const scenario = defineScenario({
  name: 'timers',
  hosts: {
    a: ({ loop }) => {
      loop.callLater(10, () => {});
      const doomed = loop.callLater(30, () => {});
      loop.callLater(20, () => loop.cancel(doomed));
      setTimeout(() => {}, 40);
      return {};
    },
  },
  // The 10ms timer is due while `a` is paused: it fires at 25ms, under its id.
  faults: [{ kind: 'pause', atMs: 5, host: 'a', durationMs: 20 }],
  durationMs: 50,
  workload: async (ctx) => {
    await ctx.sleep(45);
  },
});

type Line = { tMs: number; kind: string; host?: string; timer?: number; dueMs?: number };

describe('timer lines', () => {
  it('set, fire and cancel each host timer under one id, on its host', async () => {
    const result = await runScenario(scenario, { seed: 1, trace: { keepAll: true } });
    const lines = (result.trace ?? []).map((l) => JSON.parse(l) as Line).filter((l) => l.kind.startsWith('timer-') && l.host === 'a');
    const sets = lines.filter((l) => l.kind === 'timer-set');
    expect(sets.map((l) => [l.tMs, l.dueMs])).toEqual([[0, 10], [0, 30], [0, 20], [0, 40]]);
    const [first, doomed, canceller, fromSetTimeout] = sets.map((l) => l.timer);
    const events = (id: number | undefined): [string, number][] => lines.filter((l) => l.timer === id).map((l) => [l.kind, l.tMs]);
    expect(events(first)).toEqual([['timer-set', 0], ['timer-fire', 25]]);
    expect(events(canceller)).toEqual([['timer-set', 0], ['timer-fire', 25.01]]);
    expect(events(doomed)).toEqual([['timer-set', 0], ['timer-cancel', 25.01]]);
    expect(events(fromSetTimeout)).toEqual([['timer-set', 0], ['timer-fire', 40]]);
    // The simulation's own timers (the workload's sleep, the heal at durationMs) get no line.
    expect((result.trace ?? []).filter((l) => l.includes('"kind":"timer-') && !l.includes('"host":"a"'))).toEqual([]);
  });

  it('are outside the hash and the count: the traced run hashes as the untraced one, whose tail has none', async () => {
    const traced = await runScenario(scenario, { seed: 1, trace: { keepAll: true } });
    const sweep = await runScenario(scenario, { seed: 1 });
    expect(traced.traceHash).toBe(sweep.traceHash);
    expect(traced.traceLines).toBe(sweep.traceLines);
    expect((traced.trace ?? []).filter((l) => l.includes('"kind":"timer-')).length).toBe(8);
    const tail = await runScenario(scenario, { seed: 1, trace: { tailLines: 1000 } });
    expect(tail.trace).toBeUndefined();
    expect(tail.traceHash).toBe(sweep.traceHash);
  });
});
