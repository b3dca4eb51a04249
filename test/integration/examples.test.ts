// Proves the examples run as shown: the core on the Node loop (examples/demo/core-loop.ts; npm start itself is test/integration/demo.test.ts), and the counter scenario passing one seed and being caught hanging on another.
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, runProcess } from '../support/run-process.js';

afterAll(killChildren);

describe('examples', () => {
  it('examples/demo/core-loop.ts runs the core on the Node loop and exits', async () => {
    const r = await runProcess(process.execPath, ['--import', 'tsx', 'examples/demo/core-loop.ts']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('TaskQueue: 9 jobs, concurrency 3 -> results 0 1 4 9 16 25 36 49 64');
    expect(r.stdout).toContain('idle runners retired after idleTimeoutMs=100: runners now 0');
    expect(r.stdout).toContain('conn-a served 3, conn-b served 2');
    expect(r.stdout).toContain('RoundRobin (seed 7): 55553 -> 55551 -> 55552 -> 55553 -> 55551 -> 55552');
    expect(r.stdout).toContain('TotoError on the wire (json+zlib, 68 bytes): {"error":{"code":1003,"value":"Missing parameter: user_id"}}');
    expect(r.stdout).toContain('TimeoutError: IOLoop.runSync: operation timed out after timeoutMs=50ms');
  });

  it('the counter scenario passes seed 2 and hangs on seed 15, where a disconnect loses a request in flight', async () => {
    const ok = await runProcess(process.execPath, ['--import', 'tsx', 'examples/counter-scenario.ts', '--seed', '2']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^counter seed 2: ok: 2\.00s virtual/);
    const hang = await runProcess(process.execPath, ['--import', 'tsx', 'examples/counter-scenario.ts', '--seed', '15']);
    expect(hang.code).toBe(1);
    expect(hang.stdout).toContain('workload still running at the end of the liveness phase');
    expect(hang.stdout).toContain('unsettled: call 12 (invoked at 243ms)');
  });
});
