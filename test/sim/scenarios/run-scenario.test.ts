// Proves defineScenario rejects bad specs with messages naming the field, and runScenario runs safety then liveness, catches every kind of failure into the result with its phase, replays a seed exactly, and prints the right replay command.
import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';
import { defineScenario, isScenario, registerScenarioFile, runScenario, scenarioOf, type ScenarioSpec } from '../../../src/sim/scenario.js';

const base: ScenarioSpec = {
  name: 'tiny',
  hosts: { a: () => ({ n: 0 }), b: () => ({ n: 0 }) },
  workload: async (ctx) => {
    await ctx.sleep(10);
  },
  durationMs: 100,
};

describe('defineScenario', () => {
  it('returns a frozen, recognisable scenario with defaults and the defining file', () => {
    const s = defineScenario(base);
    expect(isScenario(s)).toBe(true);
    expect(Object.isFrozen(s)).toBe(true);
    expect(s.hostNames).toEqual(['a', 'b']);
    expect(s.livenessMs).toBe(100);
    expect(s.file).toMatch(/run-scenario\.test\.ts$/);
    expect(scenarioOf({ default: s })).toBe(s);
    expect(scenarioOf({ scenario: s })).toBe(s);
    expect(scenarioOf({ other: s, default: 1 })).toBeUndefined();
  });

  it.each([
    [{ ...base, name: undefined }, /defineScenario: name: missing/],
    [{ ...base, name: '' }, /defineScenario: name: expected a non-empty string, got ""/],
    [{ ...base, workload: undefined }, /defineScenario "tiny": workload: missing \(a function/],
    [{ ...base, workload: 'go' }, /workload: expected a function, got "go"/],
    [{ ...base, durationMs: undefined }, /durationMs: missing/],
    [{ ...base, durationMs: 0 }, /durationMs: expected an integer >= 1, got 0/],
    [{ ...base, livenessMs: -1 }, /livenessMs: expected an integer >= 0, got -1/],
    [{ ...base, hosts: undefined }, /hosts: missing/],
    [{ ...base, hosts: {} }, /hosts: expected at least one host/],
    [{ ...base, hosts: { a: 3 } }, /hosts\.a: expected a function, got 3/],
    [{ ...base, faults: [{ kind: 'crash', atMs: 1, host: 'zz' }] }, /faults\[0\]\.host/],
    [{ ...base, nemesis: { crashable: ['zz'] } }, /nemesis\.crashable\[0\]: expected one of the hosts \(a, b\), got "zz"/],
    [{ ...base, duration: 5 }, /unknown option "duration"/],
  ])('rejects %#', (spec, message) => {
    expect(() => defineScenario(spec as unknown as ScenarioSpec)).toThrow(message);
  });
});

describe('runScenario', () => {
  it('runs the workload, heals, runs invariants; same seed, same trace', async () => {
    const phases: string[] = [];
    const s = defineScenario({
      ...base,
      faults: [{ kind: 'partition', atMs: 5, durationMs: 500, sideA: ['a'], sideB: ['b'] }],
      workload: async (ctx) => {
        phases.push(`workload ${ctx.phase} ${ctx.sim.now()}`);
        await ctx.sleep(150);
        phases.push(`workload ${ctx.phase} ${ctx.sim.now()}`);
      },
      liveness: (ctx) => void phases.push(`liveness ${ctx.sim.now()}`),
      invariants: (ctx) => void phases.push(`invariants ${ctx.phase}`),
    });
    const first = await runScenario(s, { seed: 3 });
    expect(first.ok).toBe(true);
    expect(phases).toEqual(['workload safety 0', 'liveness 100', 'workload liveness 150', 'invariants invariants']);
    expect(first.virtualMs).toBe(200);
    expect(first.faultPlan).toHaveLength(1);
    expect(first.steps).toBeGreaterThan(0);
    const again = await runScenario(s, { seed: 3 });
    expect(again.traceHash).toBe(first.traceHash);
    // This module does not run itself (no runMain): `npx tsx` on it would replay nothing.
    expect(first.replayCommand).toBe('npx toto sim test/sim/scenarios/run-scenario.test.ts --seed 3');
  });

  it('replays through npx tsx only the module whose runMain registered the scenario; any other file through toto sim', async () => {
    const s = defineScenario({ ...base });
    const replay = async (file?: string): Promise<string> => (await runScenario(s, { seed: 2, ...(file ? { file } : {}) })).replayCommand;
    expect(await replay('/elsewhere/x.ts')).toBe('npx toto sim /elsewhere/x.ts --seed 2');
    registerScenarioFile(s, '/elsewhere/x.ts');
    expect(await replay()).toBe('npx tsx /elsewhere/x.ts --seed 2');
    expect(await replay('/elsewhere/x.ts')).toBe('npx tsx /elsewhere/x.ts --seed 2');
    // A module that merely re-exports a scenario another module runs.
    expect(await replay('/elsewhere/y.ts')).toBe('npx toto sim /elsewhere/y.ts --seed 2');
  });

  it('reports a workload error with its phase and virtual time', async () => {
    const s = defineScenario({
      ...base,
      workload: async (ctx) => {
        await ctx.sleep(30);
        throw new Error('boom');
      },
    });
    const r = await runScenario(s, { seed: 1 });
    expect(r.ok).toBe(false);
    expect(r.error?.phase).toBe('safety');
    expect(r.error?.message).toBe('workload failed at virtual time 30ms (seed 1): boom');
  });

  it('reports a host exception through the simulation', async () => {
    const s = defineScenario({
      ...base,
      hosts: {
        a: (ctx) => {
          ctx.loop.callLater(20, () => {
            throw new Error('host bug');
          });
        },
      },
    });
    const r = await runScenario(s, { seed: 1 });
    expect(r.error?.message).toMatch(/host bug \[seed 1, virtual time 20ms, host a#1\]/);
    expect(r.error?.phase).toBe('safety');
  });

  it('reports a workload still running after liveness, naming the unsettled calls', async () => {
    const s = defineScenario({
      ...base,
      livenessMs: 50,
      workload: async (ctx) => {
        ctx.history.invoke('call-1');
        await new Promise(() => {});
      },
    });
    const r = await runScenario(s, { seed: 2 });
    expect(r.error?.phase).toBe('liveness');
    expect(r.error?.message).toBe(
      'workload still running at the end of the liveness phase (virtual time 150ms, seed 2; faults healed at 100ms, livenessMs=50); unsettled: call "call-1" (invoked at 0ms)',
    );
  });

  it('reports a failed eventually and a failed invariant', async () => {
    const eventually = defineScenario({ ...base, livenessMs: 40, liveness: (ctx) => ctx.sim.eventually(() => false, { withinMs: 40, message: 'never' }) });
    const r1 = await runScenario(eventually, { seed: 1 });
    expect(r1.error?.phase).toBe('liveness');
    expect(r1.error?.message).toMatch(/^eventually failed: never \(not within 40ms\)/);
    const invariant = defineScenario({
      ...base,
      invariants: () => {
        throw new Error('broken');
      },
    });
    const r2 = await runScenario(invariant, { seed: 1 });
    expect(r2.error).toMatchObject({ phase: 'invariants', message: 'broken' });
  });

  it('stops a runaway workload at the step budget', async () => {
    const s = defineScenario({
      ...base,
      stepsMax: 500,
      workload: async (ctx) => {
        for (;;) await ctx.sleep(0);
      },
    });
    const r = await runScenario(s, { seed: 1 });
    expect(r.error?.message).toMatch(/step budget stepsMax=500 exhausted/);
  });

  it('keeps a host disk across a crash and says when a host is down', async () => {
    let seen: unknown[] = [];
    const s = defineScenario({
      ...base,
      hosts: {
        a: (ctx) => {
          ctx.disk.set('starts', ((ctx.disk.get('starts') as number | undefined) ?? 0) + 1);
          return { incarnation: ctx.incarnation };
        },
      },
      faults: [{ kind: 'crash', atMs: 10, host: 'a', restartAfterMs: 20 }],
      workload: async (ctx) => {
        await ctx.sleep(15);
        seen.push((() => { try { return ctx.host('a'); } catch (e) { return (e as Error).message; } })());
        await ctx.sleep(20);
        seen.push(ctx.host<{ incarnation: number }>('a').incarnation, ctx.disk('a').get('starts'));
      },
    });
    seen = [];
    const r = await runScenario(s, { seed: 1 });
    expect(r.ok).toBe(true);
    expect(seen).toEqual(['ctx.host: host "a" is down (crashed at or before 15ms)', 2, 2]);
  });

  it('runs a given plan instead of the scenario\'s and says so in the replay command', async () => {
    const s = defineScenario({ ...base, faults: [{ kind: 'crash', atMs: 10, host: 'a', restartAfterMs: 5 }] });
    const faults: FaultPlan = [{ kind: 'pause', atMs: 1, host: 'b', durationMs: 5 }];
    const r = await runScenario(s, { seed: 4, faults, file: '/elsewhere/x.ts' });
    expect(r.faultPlan).toEqual(faults);
    expect(r.replayCommand).toBe(`npx toto sim /elsewhere/x.ts --seed 4 --faults '[{"kind":"pause","atMs":1,"host":"b","durationMs":5}]'`);
    await expect(runScenario(s, { seed: 4, faults: [{ kind: 'pause', atMs: 1, host: 'zz', durationMs: 5 }] })).rejects.toThrow(/faults\[0\]\.host/);
    await expect(runScenario(s, { seed: -1 })).rejects.toThrow('seed: expected an integer in [0, 9007199254740991], got -1');
  });

  it('draws nemesis and swarm plans from the seed, within the scenario\'s limits', async () => {
    const s = defineScenario({ ...base, nemesis: { kinds: ['crash', 'pause', 'partition'], crashable: ['b'] } });
    for (let seed = 0; seed < 20; seed++) {
      for (const mode of [{ nemesis: true }, { swarm: true }]) {
        const r = await runScenario(s, { seed, ...mode });
        expect(r.ok, r.error?.message).toBe(true);
        for (const f of r.faultPlan) {
          expect(['crash', 'pause', 'partition']).toContain(f.kind);
          if (f.kind === 'crash') expect(f.host).toBe('b');
        }
        const again = await runScenario(s, { seed, ...mode });
        expect(again.faultPlan).toEqual(r.faultPlan);
        if ('swarm' in mode) {
          expect(r.swarm).toMatch(/^swarm: kinds=/);
          expect(r.replayCommand).toMatch(/--seed \d+ --swarm$/);
        } else expect(r.replayCommand).toMatch(/--seed \d+ --nemesis$/);
      }
    }
  });

  it('collects sometimes coverage and keeps the whole trace on request', async () => {
    const s = defineScenario({ ...base, workload: (ctx) => void (ctx.sim.sometimes(true, 'yes'), ctx.sim.sometimes(false, 'no')) });
    const r = await runScenario(s, { seed: 1, trace: { keepAll: true } });
    expect(r.sometimes).toEqual({ never: ['no'], hits: { yes: 1, no: 0 } });
    // Timer lines ride along in a kept trace, outside the hash and the count (trace-timers.ts).
    const counted = r.trace?.filter((l) => !l.includes('"kind":"timer-'));
    expect(counted?.length).toBe(r.traceLines);
    expect(counted?.[0]).toMatch(/"kind":"start"/);
  });
});
