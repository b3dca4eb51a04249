// Proves lossy links are declared, not assumed: a scenario's drop or duplicate fault on a link it did not declare lossy is
// rejected naming the links, a declared one runs and the report names it as a lossy-link fault, and generated plans (nemesis,
// swarm) draw drop/duplicate only on the declared links, and never when none is declared.
import { describe, expect, it } from 'vitest';
import type { Socket } from '../../../src/core/transport.js';
import { defineScenario, runScenario, type ScenarioSpec } from '../../../src/sim/scenario.js';
import { formatResult } from '../../../src/sim/scenario-report.js';

/** A sensor pushing 50 readings to a gateway; the gateway counts what arrives. */
function spec(overrides: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    name: 'sensor',
    hosts: {
      gateway: ({ transport }) => {
        const state = { received: 0 };
        const pull = transport.socket('pull');
        void pull.bind('tcp://*:7000').then(async () => {
          for await (const _ of pull) state.received++;
        });
        return state;
      },
      sensor: ({ transport }) => {
        const push: Socket = transport.socket('push');
        push.connect('tcp://gateway:7000');
        return push;
      },
    },
    workload: async (ctx) => {
      for (let i = 0; i < 50; i++) {
        await ctx.host<Socket>('sensor').send(`reading-${i}`);
        await ctx.sleep(10);
      }
    },
    durationMs: 600,
    ...overrides,
  };
}

describe('lossy links', () => {
  it('a drop fault on an undeclared link is rejected, naming the links', () => {
    expect(() => defineScenario(spec({ faults: [{ kind: 'drop', atMs: 0, durationMs: 100, rate: 0.5, from: ['sensor'] }] }))).toThrow(
      'defineScenario "sensor": faults[0]: a drop fault on links not declared lossy (sensor -> gateway): ZeroMQ over tcp or ipc never loses a single message',
    );
    expect(() => defineScenario(spec({ lossyLinks: [{ from: ['nobody'] }] }))).toThrow('lossyLinks[0].from[0]: expected one of "gateway", "sensor", got "nobody"');
  });

  it('a drop fault on a declared lossy link runs, loses readings, and the report names it as a lossy-link fault', async () => {
    const scenario = defineScenario(spec({ lossyLinks: [{ from: ['sensor'], to: ['gateway'] }], faults: [{ kind: 'drop', atMs: 0, durationMs: 300, rate: 0.5, from: ['sensor'] }] }));
    const result = await runScenario(scenario, { seed: 3, trace: { keepAll: true } });
    expect(result.ok).toBe(true);
    const lost = (result.trace ?? []).filter((l) => l.includes('"reason":"lossy-link"')).length;
    expect(lost).toBeGreaterThan(5);
    expect(formatResult(result)).toContain('lossy links (declared lossy by the scenario; tcp and ipc never drop or duplicate on a live connection): faults[0] drop 0.5 on sensor -> *');
  });

  it('nemesis and swarm draw drop and duplicate only on declared lossy links, and never without one', async () => {
    const plain = defineScenario(spec());
    const lossy = defineScenario(spec({ lossyLinks: [{ from: ['sensor'], to: ['gateway'] }] }));
    const kinds = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      for (const mode of [{ nemesis: true }, { swarm: true }]) {
        for (const fault of (await runScenario(plain, { seed, ...mode })).faultPlan) expect(['drop', 'duplicate']).not.toContain(fault.kind);
        for (const fault of (await runScenario(lossy, { seed, ...mode })).faultPlan) {
          kinds.add(fault.kind);
          if (fault.kind === 'drop' || fault.kind === 'duplicate') expect(fault).toMatchObject({ from: ['sensor'], to: ['gateway'] });
        }
      }
    }
    expect(kinds).toContain('drop');
    expect(kinds).toContain('duplicate');
    expect(kinds).toContain('disconnect');
  });
});
