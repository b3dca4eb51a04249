// Proves simProperty works with fc.assert and @fast-check/vitest, and that on a planted bug the fault plan shrinks to the known minimal plan (numbers then rounded), reported as a pasteable regression test with its imports, its replay command (none for a factory-built scenario), runs, shrinks and wall time.
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import jobQueue from '../../../scenarios/job-queue.scenario.js';
import jobQueueBug from '../../../scenarios/job-queue-bug.scenario.js';
import { ATTEMPT_TIMEOUT_MS, pingPongScenario } from '../../../scenarios/lib/ping-pong-spec.js';
import pingPong from '../../../scenarios/ping-pong.scenario.js';
import pingPongBug from '../../../scenarios/ping-pong-bug.scenario.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';
import { runScenario } from '../../../src/sim/scenario.js';
import { assertSimProperty, checkSimRun, simArbitraries, simProperty, SimPropertyError, SimPropertyFailure, type SimPropertyReport } from '../../../src/sim/sim-property.js';

const fcParams = { seed: Number(process.env.FC_SEED ?? 42), numRuns: Number(process.env.FC_NUM_RUNS ?? 50) };
// Shrinking is greedy: from another fast-check seed it may stop in a local minimum (a short
// partition over a later ping) or a mirror (sides swapped). The exact shapes below are for these.
const SHRINK_PARAMS = { seed: 42, numRuns: 50 };

async function shrinkError(run: () => Promise<unknown>): Promise<SimPropertyError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(SimPropertyError);
    return error as SimPropertyError;
  }
  throw new Error('expected the property to fail');
}

describe('simProperty', () => {
  it('holds for the correct ping-pong under any realistic network faults (fc.assert)', async () => {
    const property = simProperty(pingPong, { faults: { kinds: ['partition', 'disconnect', 'latency', 'hold'], faultsMax: 4 } });
    await fc.assert(property, fcParams);
  });

  it('holds for the correct job queue under crashes and pauses', async () => {
    await fc.assert(simProperty(jobQueue, { faults: { kinds: ['crash', 'pause', 'partition'], faultsMax: 3 } }), fcParams);
  });

  it('a failing run throws a SimPropertyFailure carrying the result', async () => {
    const faults: FaultPlan = [{ kind: 'partition', atMs: 0, durationMs: 450, sideA: ['client'], sideB: ['server'] }];
    const error = await checkSimRun(pingPongBug, 1, faults).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SimPropertyFailure);
    expect((error as SimPropertyFailure).result.faultPlan).toEqual(faults);
    expect((error as SimPropertyFailure).message).toMatch(/^ping-pong-bug seed 1 with 1 fault\(s\) failed: .*\nreplay: npx toto sim scenarios\/ping-pong-bug\.scenario\.ts --seed 1 --faults '\[/s);
  });

  it('rejects a non-scenario and unknown options', () => {
    expect(() => simProperty({} as never)).toThrow('scenario: expected a scenario from defineScenario({...}), got object Object');
    expect(() => simProperty(pingPong, { fault: 1 } as never)).toThrow('simProperty options: unknown option "fault"');
  });
});

describe('@fast-check/vitest', () => {
  fcTest.prop(simArbitraries(pingPong, { faults: { kinds: ['partition', 'disconnect'], faultsMax: 3 } }), { ...fcParams, numRuns: Math.min(fcParams.numRuns, 20) })(
    'ping-pong passes under partitions and broken connections',
    (seed, faults) => checkSimRun(pingPong, seed, faults),
  );
});

describe('shrinking a planted bug', () => {
  it('ping-pong-bug shrinks to one 2ms client/server partition at 0 that swallows the first SYN', async () => {
    const error = await shrinkError(() => assertSimProperty(pingPongBug, { faults: { kinds: ['partition'] } }, SHRINK_PARAMS));
    const [seed, plan] = error.counterexample;
    // A 2ms partition at 0 swallows the DEALER's first SYN (due at 1ms); Linux resends it only 1s later, so the
    // connection comes up at 1001ms. The first pings and their retries wait in the DEALER's pipe, and each call gives up
    // after 400ms, long before: a retry budget must cover TCP's backoff, not just the partition. 1ms heals in time.
    expect(seed).toBe(0);
    expect(plan).toEqual([{ kind: 'partition', atMs: 0, durationMs: 2, sideA: ['server'], sideB: ['client'] }]);
    const shorter = await runScenario(pingPongBug, { seed, faults: [{ ...(plan[0] as FaultPlan[number]), durationMs: 1 } as FaultPlan[number]] });
    expect(shorter.ok).toBe(true);
    expect(ATTEMPT_TIMEOUT_MS).toBe(100);
    expect(error.message).toBe(
      [
        `simProperty failed: scenario "ping-pong-bug" (fast-check seed 42, path ${JSON.stringify(error.message.match(/path "([^"]*)"/)?.[1])}; ` +
          `${error.report.runs} runs, ${error.report.shrinks} shrinks in ${error.message.match(/shrinks in (\S+)\)/)?.[1]})`,
        'minimal failing case: seed 0, 1 fault(s), failed in the invariants phase:',
        '  13 of 40 pings never answered; first: ping-0 failed at 400ms: call ping-0: no reply after 4 attempt(s) of 100ms (TIMEOUT -1); ' +
          'its pong arrived 4 time(s) after it gave up (the original and its retries, delivered late after the stall)',
        '',
        'regression test:',
        '',
        "import { expect, it } from 'vitest';",
        "import { runScenario, type FaultPlan } from 'toto-ts/sim';",
        "import scenario from './scenarios/ping-pong-bug.scenario.js'; // path from the working directory",
        '',
        "it('ping-pong-bug: seed 0 with the shrunk fault plan', async () => {",
        '  const faults: FaultPlan = [',
        "    { kind: 'partition', atMs: 0, durationMs: 2, sideA: ['server'], sideB: ['client'] },",
        '  ];',
        '  const result = await runScenario(scenario, { seed: 0, faults });',
        '  expect(result.error?.message).toBeUndefined();',
        '});',
        '',
        `replay: npx toto sim scenarios/ping-pong-bug.scenario.ts --seed 0 --faults '[{"kind":"partition","atMs":0,"durationMs":2,"sideA":["server"],"sideB":["client"]}]'`,
      ].join('\n'),
    );
  });

  it('job-queue-bug shrinks to one server crash right after the first ack lands', async () => {
    const error = await shrinkError(() => assertSimProperty(jobQueueBug, { faults: { kinds: ['crash'] } }, SHRINK_PARAMS));
    const [seed, plan] = error.counterexample;
    // job-0's ack reaches the client at 3ms; a crash at 4ms, while job-0 is still being processed,
    // loses it (a crash any earlier also drops the ack in flight, so the client resends).
    expect(seed).toBe(0);
    expect(plan).toEqual([{ kind: 'crash', atMs: 4, host: 'server' }]);
    // (3ms plus the hosts' CPU time per event: a few hundredths of a millisecond.)
    expect(error.message).toMatch(/1 acked job\(s\) never processed \(lost in a crash\); first: job-0, acked at 3(\.\d+)?ms/);
    expect((await runScenario(jobQueueBug, { seed, faults: [{ kind: 'crash', atMs: 3, host: 'server' }] })).ok).toBe(true);
    // The crash has no restartAfterMs: the report says when the host comes back.
    expect(error.message).toContain(`    { kind: 'crash', atMs: 4, host: 'server' }, // restarts when the faults heal, at ${jobQueueBug.durationMs}ms`);
  });

  it('a scenario a test builds with a factory is reported as that scenario, with no replay of another module', async () => {
    const variant = pingPongScenario('ping-pong-variant', 3);
    const error = await shrinkError(() => assertSimProperty(variant, { faults: { kinds: ['partition'] } }, SHRINK_PARAMS));
    // defineScenario ran in the spec module, which exports no scenario; ping-pong-bug.ts exports another one.
    expect(error.message).toContain('// const scenario = ...: build it as your test did (defineScenario was called in scenarios/lib/ping-pong-spec.ts, which does not export it)');
    expect(error.message).toContain('replay: run the regression test above (the scenario is not exported by a module, so `toto sim` cannot load it)');
    expect(error.message).not.toContain('npx toto sim');
    expect(error.result.name).toBe('ping-pong-variant');
    const [seed, plan] = error.counterexample;
    expect((await runScenario(variant, { seed, faults: plan })).ok).toBe(false);
  });

  it('rounds the shrunk numbers toward simple values that still fail, and reports it typed', async () => {
    // fast-check cannot shrink a constant plan; rounding then tries 1000 for 1237 and 400 for 397, and both still fail.
    const plan: FaultPlan = [{ kind: 'partition', atMs: 1237, durationMs: 397, sideA: ['client'], sideB: ['server'] }];
    const error = await shrinkError(() => assertSimProperty(pingPongBug, { faults: fc.constant(plan), seed: fc.constant(7) }, { seed: 1, numRuns: 5 }));
    expect(error.shrunk).toEqual([7, plan]);
    expect(error.counterexample).toEqual([7, [{ kind: 'partition', atMs: 1000, durationMs: 400, sideA: ['client'], sideB: ['server'] }]]);
    expect(error.result.faultPlan).toEqual(error.counterexample[1]);
    expect((await runScenario(pingPongBug, { seed: 7, faults: error.counterexample[1] })).ok).toBe(false);
    expect(error.report).toMatchObject({ runs: 1, shrinks: 0, roundingRuns: 2 });
    expect(error.message).toMatch(/; 1 run, 0 shrinks, 2 rounding runs in \d/);
    expect(error.message).toContain(`--seed 7 --faults '[{"kind":"partition","atMs":1000,"durationMs":400,`);
    const unrounded = await shrinkError(() => assertSimProperty(pingPongBug, { faults: fc.constant(plan), seed: fc.constant(7), roundingRunsMax: 0 }, { seed: 1, numRuns: 5 }));
    expect(unrounded.counterexample).toEqual([7, plan]);
  });

  it('resolves with a typed report when every run passes', async () => {
    const report: SimPropertyReport = await assertSimProperty(pingPong, { faults: { kinds: ['partition'], faultsMax: 2 } }, { seed: 3, numRuns: 5 });
    expect(report).toMatchObject({ scenario: 'ping-pong', fcSeed: 3, runs: 5, shrinks: 0, roundingRuns: 0 });
    expect(report.wallMs).toBeGreaterThan(0);
    await expect(assertSimProperty(pingPong, { roundingRunsMax: -1 })).rejects.toThrow('roundingRunsMax');
    await expect(assertSimProperty(pingPong, { rounding: 1 } as never)).rejects.toThrow('simProperty options: unknown option "rounding"');
  });

  it('the snippet replays: the shrunk plan fails the bug and passes the fix', async () => {
    const faults: FaultPlan = [{ kind: 'partition', atMs: 0, durationMs: 2, sideA: ['server'], sideB: ['client'] }];
    expect((await runScenario(pingPongBug, { seed: 0, faults })).ok).toBe(false);
    expect((await runScenario(pingPong, { seed: 0, faults })).ok).toBe(true);
  });
});
