// Proves each virtualized API — node:timers and node:timers/promises (ESM named imports), AbortSignal.timeout, util.promisify(setTimeout), process.hrtime(.bigint), performance.now/mark/measure, Date and Intl.DateTimeFormat of now, crypto's randomUUID/getRandomValues/randomBytes/randomInt/randomFill, Math.random — runs on virtual time and the seed inside a scenario: identical traces twice, different across seeds where randomness is involved, per host; and that every patched global and module export is restored after a run, also one that throws.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { getRandomValues, randomBytes, randomFill, randomFillSync, randomInt, randomUUID } from 'node:crypto';
import { clearTimeout as timersClearTimeout, setImmediate as timersSetImmediate, setInterval as timersSetInterval, setTimeout as timersSetTimeout } from 'node:timers';
import { setInterval as every, setImmediate as nextTurn, scheduler, setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkDeterminism } from '../../../src/sim/check-determinism.js';
import { Simulation } from '../../../src/sim/simulation.js';

const EPOCH = Date.UTC(2024, 0, 1);

/** Everything the bridge patches, read now (ESM bindings included). */
function patchedSnapshot(): unknown[] {
  return [
    timersSetTimeout, timersSetInterval, timersSetImmediate, timersClearTimeout, sleep, nextTurn, every, scheduler,
    randomUUID, randomBytes, randomInt, randomFill, randomFillSync, getRandomValues, crypto.webcrypto.getRandomValues, globalThis.crypto.randomUUID,
    process.hrtime, process.hrtime.bigint, process.uptime, performance.now, performance.timeOrigin, AbortSignal.timeout, Math.random, globalThis.fetch,
    globalThis.setTimeout, Date, Object.getOwnPropertyDescriptor(Intl.DateTimeFormat.prototype, 'format')?.get, Intl.DateTimeFormat.prototype.formatToParts, performance.mark, performance.measure,
    fs.write, fs.writev,
  ];
}
const ORIGINAL = patchedSnapshot();

/** Host code that knows nothing of the simulation: it uses Node's APIs and records what it sees. */
async function timeUser(record: (kind: string, details: Record<string, unknown>) => void): Promise<void> {
  const at = (): number => performance.now();
  timersSetTimeout(() => record('timers.setTimeout', { at: at() }), 7);
  const cancelled = timersSetTimeout(() => record('never', {}), 8);
  timersClearTimeout(cancelled);
  timersSetImmediate(() => record('timers.setImmediate', { at: at() }));
  await sleep(10);
  record('timers/promises.setTimeout', { at: at(), date: Date.now() - EPOCH });
  let ticks = 0;
  for await (const value of every(5, 'tick')) {
    record('timers/promises.setInterval', { at: at(), value });
    if (++ticks === 3) break;
  }
  await scheduler.wait(3);
  await scheduler.yield();
  await nextTurn();
  record('scheduler.wait', { at: at() });
  const aborted = await sleep(100, 'late', { signal: AbortSignal.timeout(20) }).catch((e: Error) => `${e.name} (${(e.cause as Error).name})`);
  record('AbortSignal.timeout', { at: at(), aborted });
  await promisify(setTimeout)(4);
  record('util.promisify(setTimeout)', { at: at() });
  const t0 = process.hrtime.bigint();
  const h0 = process.hrtime();
  await sleep(2);
  const [s, ns] = process.hrtime(h0);
  record('process.hrtime', { bigintNs: Number(process.hrtime.bigint() - t0), diff: s * 1e9 + ns, uptimeS: process.uptime() });
}

async function randomUser(record: (kind: string, details: Record<string, unknown>) => void): Promise<void> {
  const viaCallback = await new Promise<string>((resolve, reject) => randomBytes(4, (e, b) => (e ? reject(e) : resolve(b.toString('hex')))));
  const filled = await new Promise<string>((resolve) => randomFill(Buffer.alloc(3), (_e, b) => resolve(b.toString('hex'))));
  record('crypto', {
    uuid: randomUUID(),
    webUuid: globalThis.crypto.randomUUID(),
    bytes: randomBytes(6).toString('hex'),
    int: randomInt(10, 1_000_000),
    values: [...getRandomValues(new Uint32Array(2))],
    webValues: [...globalThis.crypto.getRandomValues(new Uint8Array(3))],
    fillSync: randomFillSync(Buffer.alloc(5)).toString('hex'),
    viaCallback,
    filled,
    math: Math.random(),
  });
}

function scenario(options: { extraDrawsOnA?: boolean } = {}) {
  return async (sim: Simulation): Promise<void> => {
    for (const name of ['a', 'b']) {
      sim.host(name, async ({ sim: world }) => {
        const record = (kind: string, details: Record<string, unknown>): void => world.record(kind, details);
        if (name === 'a' && options.extraDrawsOnA) randomBytes(64);
        await timeUser(record);
        await randomUser(record);
      });
    }
    await sim.run();
  };
}

function recordsOf(lines: string[], kind: string): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.kind === kind);
}

async function trace(seed: number, options?: { extraDrawsOnA?: boolean }): Promise<string[]> {
  const sim = new Simulation({ seed, trace: { keepAll: true } });
  await scenario(options)(sim);
  return sim.trace.kept();
}

describe('virtualized Node APIs', () => {
  it('give identical traces twice on one seed', async () => {
    const report = await checkDeterminism(scenario(), 42);
    expect(report.message).toMatch(/^deterministic/);
    expect(report.ok).toBe(true);
  });

  it('run on the host clocks: timers, timers/promises, AbortSignal.timeout, util.promisify(setTimeout), hrtime', async () => {
    const lines = await trace(1);
    const of = (kind: string) => recordsOf(lines, kind).filter((e) => e.host === 'a');
    expect(of('never')).toEqual([]);
    expect(of('timers.setImmediate')[0]?.at).toBeCloseTo(0.01, 9);
    expect(of('timers.setTimeout')[0]?.at).toBe(7);
    expect(of('timers/promises.setTimeout')[0]).toMatchObject({ at: 10, date: 10 });
    expect(of('timers/promises.setInterval').map((e) => [e.at, e.value])).toEqual([[15, 'tick'], [20, 'tick'], [25, 'tick']]);
    expect(of('scheduler.wait')[0]?.at).toBeCloseTo(28.02, 9);
    expect(of('AbortSignal.timeout')[0]).toMatchObject({ aborted: 'AbortError (TimeoutError)' });
    expect(of('AbortSignal.timeout')[0]?.at).toBeCloseTo(48.02, 9);
    expect(of('util.promisify(setTimeout)')[0]?.at).toBeCloseTo(52.02, 9);
    const hr = of('process.hrtime')[0] as { bigintNs: number; diff: number; uptimeS: number };
    expect(hr.bigintNs).toBe(2_000_000);
    expect(hr.diff).toBe(2_000_000);
    expect(hr.uptimeS).toBeCloseTo(0.05402, 9);
  });

  it('time performance marks and measures on the host clock, not the real one', async () => {
    const seen: number[] = [];
    const sim = new Simulation({ seed: 1 });
    sim.host('a', ({ loop }) => {
      loop.callLater(50, () => {
        const detail = performance.mark('toto-start', { detail: 'kept' });
        seen.push(detail.startTime, performance.mark('toto-null', null as never).startTime, performance.mark('toto-at', { startTime: 7 }).startTime);
        expect(detail.detail).toBe('kept');
        loop.callLater(20, () => {
          seen.push(performance.measure('toto-since-start', 'toto-start').duration, performance.measure('toto-all').duration);
          seen.push(performance.measure('toto-options', { start: 'toto-at' }).duration, performance.measure('toto-marks', 'toto-at', 'toto-start').duration);
        });
      });
    });
    await sim.run();
    performance.clearMarks();
    performance.clearMeasures();
    expect(seen).toEqual([50, 50, 7, 20, 70, 63, 43]);
  });

  it('draw crypto randomness and Math.random from the seed, per host: another seed differs, another host is not perturbed', async () => {
    const crypto1 = recordsOf(await trace(1), 'crypto');
    const crypto1again = recordsOf(await trace(1), 'crypto');
    const crypto2 = recordsOf(await trace(2), 'crypto');
    expect(crypto1).toHaveLength(2);
    expect(crypto1again).toEqual(crypto1);
    const [a1, b1] = crypto1 as [Record<string, unknown>, Record<string, unknown>];
    const [a2] = crypto2 as [Record<string, unknown>];
    for (const field of ['uuid', 'webUuid', 'bytes', 'int', 'values', 'webValues', 'fillSync', 'viaCallback', 'filled', 'math']) {
      expect(a1[field], field).not.toEqual(a2[field]);
      expect(a1[field], field).not.toEqual(b1[field]);
    }
    expect(a1.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Host a draws 64 more bytes first: its own values move, host b's stay.
    const perturbed = recordsOf(await trace(1, { extraDrawsOnA: true }), 'crypto');
    expect(perturbed.find((e) => e.host === 'b')).toEqual(b1);
    expect(perturbed.find((e) => e.host === 'a')?.uuid).not.toEqual(a1.uuid);
  });

  it('restores every global and builtin export after a run, also one that throws', async () => {
    const sim = new Simulation({ seed: 3 });
    let inside: unknown[] = [];
    sim.host('a', ({ loop }) => {
      inside = patchedSnapshot();
      loop.callLater(5, () => {
        throw new Error('boom');
      });
    });
    await expect(sim.run()).rejects.toThrow('boom');
    expect(patchedSnapshot()).toEqual(ORIGINAL);
    // During the run every binding read the virtual one, but node:crypto's getRandomValues: it
    // stays Node's own function, which calls the (patched) webcrypto instance's method.
    inside.forEach((value, i) => {
      if (i === 13) expect(value).toBe(ORIGINAL[i]);
      else expect(value, `entry ${i}`).not.toBe(ORIGINAL[i]);
    });
  });

  it("starts the wall clock at the epochMs option (default 2024-01-01), while loop.now() starts at 0", async () => {
    const seen: number[] = [];
    const sim = new Simulation({ seed: 4, epochMs: Date.UTC(2031, 2, 3, 4, 5, 6) });
    sim.host('a', ({ loop }) => void seen.push(Date.now(), new Date().getTime(), loop.now(), performance.timeOrigin + performance.now()));
    await sim.run();
    expect(seen).toEqual([Date.UTC(2031, 2, 3, 4, 5, 6), Date.UTC(2031, 2, 3, 4, 5, 6), 0, Date.UTC(2031, 2, 3, 4, 5, 6)]);
    // Intl formats "now" from the same clock (the engine would read the real time).
    const utc = { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' } as const;
    const formatted: string[] = [];
    const intl = new Simulation({ seed: 4, epochMs: Date.UTC(2031, 2, 3, 4, 5, 6) });
    intl.host('a', () => {
      const formatter = new Intl.DateTimeFormat('en-US', utc);
      formatted.push(formatter.format(), formatter.formatToParts().map((p) => p.value).join(''), formatter.format(0));
      // Still Node's own formatter.
      expect(formatter).toBeInstanceOf(Intl.DateTimeFormat);
      expect(Object.prototype.toString.call(formatter)).toBe('[object Intl.DateTimeFormat]');
    });
    await intl.run();
    expect(formatted).toEqual(['3/3/31, 04:05:06', '3/3/31, 04:05:06', '1/1/70, 00:00:00']);
    const plain = new Simulation({ seed: 4 });
    let date = '';
    plain.host('a', () => void (date = new Date().toISOString()));
    await plain.run();
    expect(date).toBe('2024-01-01T00:00:00.000Z');
  });
});
