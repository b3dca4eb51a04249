// Proves a seed replays byte-identically: 200 seeds each run twice give identical trace hashes, different seeds differ, the hash covers message payload bytes (not only sizes), checkDeterminism pinpoints the first diverging line and refuses a run with a determinism hazard.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDeterminism } from '../../../src/sim/check-determinism.js';
import { Simulation } from '../../../src/sim/simulation.js';

const HOSTS = ['a', 'b', 'c'];

/**
 * Three hosts gossiping with random latencies and drops (hand-made messages on the receiver's
 * loop, and PUSH/PULL over the simulated network with random latency, loss and reordering),
 * plus global setTimeout and Math.random through the bridge, and a crash half the time.
 */
async function gossip(sim: Simulation): Promise<void> {
  const inbox = new Map<string, (from: string, hops: number) => void>();
  sim.network.setLinkConditions({ latencyMs: { min: 1, max: 30, distribution: 'exponential' }, dropRate: 0.1, reorder: true });
  for (const name of HOSTS) {
    sim.host(name, async ({ loop, random, transport, sim: world }) => {
      const deliver = (from: string, hops: number): void => {
        world.record('recv', { from, hops });
        if (hops >= 6 || random.bool(0.1)) return;
        const to = random.pick(HOSTS.filter((h) => h !== name));
        const latencyMs = random.int(1, 20);
        const target = world.getHost(to);
        // A message: lands on the receiver's loop after a random latency.
        target.loop.callLater(latencyMs, () => inbox.get(to)?.(name, hops + 1));
      };
      inbox.set(name, deliver);
      loop.callLater(random.int(0, 5), () => deliver('client', 0));
      setTimeout(() => world.record('jitter', { x: Math.floor(Math.random() * 1000) }), random.int(1, 30));
      const pull = transport.socket('pull');
      await pull.bind('tcp://*:7000');
      void (async () => {
        for await (const [frame] of pull) world.record('net-recv', { what: new TextDecoder().decode(frame) });
      })().catch(() => {});
      const pushes = HOSTS.filter((h) => h !== name).map((peer) => {
        const push = transport.socket('push');
        push.connect(`tcp://${peer}:7000`);
        return push;
      });
      for (let i = 0; i < 5; i++) loop.callLater(random.int(0, 100), () => void random.pick(pushes).send(`${name}${i}`));
    });
  }
  await sim.run({ untilMs: 200 });
  if (sim.random.fork('chaos').bool(0.5)) sim.crash('b');
  await sim.run({ untilMs: 400 });
}

async function hashOf(seed: number): Promise<string> {
  const sim = new Simulation({ seed });
  await gossip(sim);
  return sim.trace.hash();
}

describe('determinism', () => {
  it('gives identical trace hashes for 200 seeds each run twice, and different traces for different seeds', async () => {
    const hashes = new Map<string, number>();
    for (let seed = 0; seed < 200; seed++) {
      const first = await hashOf(seed);
      const second = await hashOf(seed);
      expect(second, `seed ${seed}`).toBe(first);
      hashes.set(first, seed);
    }
    expect(hashes.size).toBe(200);
  });

  it('checkDeterminism reports ok with the hash for a deterministic scenario', async () => {
    const report = await checkDeterminism(gossip, 42);
    expect(report.ok).toBe(true);
    expect(report.hashes[0]).toBe(report.hashes[1]);
    expect(report.message).toBe(`deterministic: seed 42, ${report.lines} trace lines, hash ${report.hashes[0]}`);
    expect(report.lines).toBeGreaterThan(20);
  });

  it('checkDeterminism reports the first diverging line of a scenario that leaks state between runs', async () => {
    let leaked = 0;
    const leaky = async (sim: Simulation): Promise<void> => {
      sim.host('a', ({ loop, sim: world }) => {
        loop.callLater(5, () => world.record('tick'));
        loop.callLater(10, () => world.record('leak', { n: leaked++ % 2 }));
      });
      await sim.run();
    };
    const report = await checkDeterminism(leaky, 9);
    expect(report.ok).toBe(false);
    expect(report.divergence).toEqual({
      index: 5,
      first: '{"tMs":10,"kind":"leak","host":"a","n":0}',
      second: '{"tMs":10,"kind":"leak","host":"a","n":1}',
    });
    expect(report.message).toBe(
      'not deterministic: seed 9, traces diverge at line 5\n' +
        '  first run:  {"tMs":10,"kind":"leak","host":"a","n":0}\n' +
        '  second run: {"tMs":10,"kind":"leak","host":"a","n":1}',
    );
  });

  it('checkDeterminism compares failing runs too', async () => {
    const failing = async (sim: Simulation): Promise<void> => {
      sim.host('a', ({ loop, sim: world }) => void loop.callLater(3, () => world.always(false, 'boom')));
      await sim.run();
    };
    const report = await checkDeterminism(failing, 1);
    expect(report.ok).toBe(true);
  });

  it('hashes message payload bytes: same sizes, same moments, different bytes give different hashes', async () => {
    const hashWith = async (payload: string): Promise<{ hash: string; lines: string[] }> => {
      const sim = new Simulation({ seed: 5, trace: { keepAll: true } });
      sim.host('server', async ({ transport }) => {
        const pull = transport.socket('pull');
        await pull.bind('tcp://*:7001');
        await pull.receive();
      });
      sim.host('client', ({ transport, loop }) => {
        const push = transport.socket('push');
        push.connect('tcp://server:7001');
        loop.callLater(5, () => void push.send(payload));
      });
      await sim.run();
      return { hash: sim.trace.hash(), lines: sim.trace.kept() };
    };
    const one = await hashWith('pay-load-A');
    const same = await hashWith('pay-load-A');
    const other = await hashWith('pay-load-B');
    expect(same.hash).toBe(one.hash);
    // The lines are identical (they carry sizes only); the bytes alone set the hashes apart.
    expect(other.lines).toEqual(one.lines);
    expect(one.lines.some((l) => l.includes('"kind":"deliver"') && l.includes('"bytes":10'))).toBe(true);
    expect(other.hash).not.toBe(one.hash);
  });

  it('checkDeterminism refuses a run in which real work escaped virtual time, naming the API', async () => {
    const file = fileURLToPath(import.meta.url);
    const report = await checkDeterminism(
      async (sim) => {
        sim.host('a', async ({ sim: world }) => world.record('read', { n: (await readFile(file)).length }));
        await sim.run().catch(() => {});
      },
      3,
      { simulation: { hazards: 'report' } },
    );
    expect(report.ok).toBe(false);
    expect(report.hazards.length).toBeGreaterThan(0);
    expect(report.message).toMatch(/^not deterministic: seed 3, real work escaped virtual time \(determinism hazard: fs/);
  });
});
