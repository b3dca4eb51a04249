// Proves the two clocks per host: a lease measured on loop.now() (monotonic) holds under every clock fault a property sweep draws (steps of the wall clock either way on any host, plus drift within the lease's margin), while the same lease measured on Date.now() is caught by the sweep.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoopPort } from '../../../src/core/ports.js';
import { faultPlanArbitrary } from '../../../src/sim/fault-arbitrary.js';
import { applyFaultPlan } from '../../../src/sim/fault-injector.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';
import { AssertionFailure } from '../../../src/sim/assertions.js';
import { Simulation } from '../../../src/sim/simulation.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 60);
const HOSTS = ['lock', 'a', 'b'];
const DURATION_MS = 2_000;
const LEASE_MS = 100;
/** Covers a drift of ±1000 ppm on both ends of a 100 ms lease (0.2 ms), with room to spare. */
const MARGIN_MS = 1;
const LATENCY_MS = 1;

type ClockKind = 'loop' | 'date';

interface Case {
  plan: FaultPlan;
  /** Drift (ppm) of each host's oscillator, set before the run. */
  driftsPpm: number[];
}

/**
 * Two clients compete for a lease from a lock host. A client counts its lease from the moment it
 * sent the request (so it ends before the lock's), on `kind`'s clock; the lock expires it on
 * the same kind of clock. Requests and replies are events on the receiver's loop, so each side
 * reads its own clocks. Invariant: while a client believes it holds the lease, the lock has
 * granted it to no one else.
 */
async function leaseRun(kind: ClockKind, c: Case, runSeed: number): Promise<Error | undefined> {
  const sim = new Simulation({ seed: runSeed });
  const now = (loop: LoopPort): number => (kind === 'loop' ? loop.now() : Date.now());
  const lock = { holder: undefined as string | undefined, expiresAtMs: -Infinity };
  const lockHost = sim.host('lock', () => {});
  for (const name of ['a', 'b']) {
    sim.host(name, ({ loop, sim: world }) => {
      let startMs = -Infinity;
      let asking = false;
      const believes = (): boolean => now(loop) - startMs < LEASE_MS - MARGIN_MS;
      const acquire = (): void => {
        asking = true;
        const sentMs = now(loop);
        lockHost.loop.callLater(LATENCY_MS, () => {
          const t = now(lockHost.loop);
          const granted = lock.holder === name || t >= lock.expiresAtMs;
          if (granted) Object.assign(lock, { holder: name, expiresAtMs: t + LEASE_MS });
          loop.callLater(LATENCY_MS, () => {
            asking = false;
            if (granted) startMs = sentMs;
          });
        });
      };
      const work = (): void => {
        if (believes()) world.always(lock.holder === name, `${name} acts as leaseholder only while the lock has granted it no one else`, { holder: lock.holder });
        else if (!asking) acquire();
        loop.callLater(10, work);
      };
      loop.callLater(name === 'a' ? 0 : 5, work);
    });
  }
  HOSTS.forEach((host, i) => sim.setDrift(host, c.driftsPpm[i] ?? 0));
  applyFaultPlan(sim, c.plan, { hosts: HOSTS });
  try {
    await sim.run({ untilMs: DURATION_MS });
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  plan: faultPlanArbitrary({ hosts: HOSTS, durationMs: DURATION_MS, kinds: ['clockJump'], clockJumpMsMax: 5_000 }),
  driftsPpm: fc.array(fc.integer({ min: -1_000, max: 1_000 }), { minLength: 3, maxLength: 3 }),
});

describe('leases under clock faults', () => {
  it('a lease measured on loop.now() holds under every clock fault the sweep draws', async () => {
    console.log(`lease-clock-faults: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
    await fc.assert(
      fc.asyncProperty(caseArbitrary, fc.nat(1_000), async (c, runSeed) => {
        const error = await leaseRun('loop', c, runSeed);
        if (error) throw error;
      }),
      { seed, numRuns },
    );
  });

  it('the same lease measured on Date.now() is caught by the sweep: a wall-clock step breaks it', async () => {
    const result = await fc.check(
      fc.asyncProperty(caseArbitrary, fc.nat(1_000), async (c, runSeed) => {
        const error = await leaseRun('date', c, runSeed);
        if (error) throw error;
      }),
      { seed, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    expect(result.errorInstance).toBeInstanceOf(AssertionFailure);
    expect(String((result.errorInstance as Error).message)).toContain('acts as leaseholder only while the lock has granted it no one else');
    // The shrunk counterexample is one wall-clock step.
    const [shrunk] = result.counterexample as [Case, number];
    expect(shrunk.plan.length).toBeGreaterThanOrEqual(1);
    expect(shrunk.plan.every((f) => f.kind === 'clockJump')).toBe(true);
    // And without clock faults the Date-based lease holds too: it is the fault that breaks it.
    expect(await leaseRun('date', { plan: [], driftsPpm: [0, 0, 0] }, 1)).toBeUndefined();
  });
});
