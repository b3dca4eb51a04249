// Proves the virtualized builtins refuse bad arguments as Node does: each bad call gives, inside a run, the same outcome (a synchronous throw, a rejected promise or a failed first next()) with the same error class, code and message as on real Node, and no bad callback or signal reaches the run to crash it later.
import * as crypto from 'node:crypto';
import * as timersPromises from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/sim/simulation.js';

const buf = (): Buffer => Buffer.alloc(4);
const cb = (): void => {};
/** Bad calls only: on real Node each fails before doing any real work. */
const CASES: Array<[string, () => unknown]> = [
  ['timers/promises setTimeout: options a string', () => timersPromises.setTimeout(10, 1, 'x' as never)],
  ['timers/promises setTimeout: options null', () => timersPromises.setTimeout(10, 1, null as never)],
  ['timers/promises setTimeout: delay a string', () => timersPromises.setTimeout('10' as never)],
  ['timers/promises setTimeout: signal not an AbortSignal', () => timersPromises.setTimeout(1, 1, { signal: 5 } as never)],
  ['timers/promises setTimeout: ref not a boolean', () => timersPromises.setTimeout(1, 1, { ref: 5 } as never)],
  ['timers/promises setImmediate: options a string', () => timersPromises.setImmediate(1, 'x' as never)],
  ['timers/promises setInterval: delay a string', () => timersPromises.setInterval('x' as never)],
  ['timers/promises setInterval: signal null', () => timersPromises.setInterval(1, 1, { signal: null } as never)],
  ['timers/promises scheduler.wait: delay a string', () => timersPromises.scheduler.wait('x' as never)],
  ['AbortSignal.timeout: a string', () => AbortSignal.timeout('x' as never)],
  ['AbortSignal.timeout: negative', () => AbortSignal.timeout(-1)],
  ['AbortSignal.timeout: over 2^32 - 1', () => AbortSignal.timeout(2 ** 32)],
  ['AbortSignal.timeout: a fraction', () => AbortSignal.timeout(1.5)],
  ['process.hrtime: a number', () => process.hrtime(5 as never)],
  ['process.hrtime: one element', () => process.hrtime([1] as never)],
  ['setTimeout: callback a number', () => setTimeout(5 as never)],
  ['setImmediate: callback an object', () => setImmediate({} as never)],
  ['setInterval: callback a long string', () => setInterval('a string longer than twenty-eight characters' as never)],
  ['randomBytes: size a string', () => crypto.randomBytes('x' as never)],
  ['randomBytes: size negative', () => crypto.randomBytes(-1)],
  ['randomBytes: callback a number', () => crypto.randomBytes(1, 5 as never)],
  ['randomFill: no callback', () => crypto.randomFill(buf(), 1, 2 as never)],
  ['randomFill: offset a string', () => crypto.randomFill(buf(), 'x' as never, cb)],
  ['randomFill: offset past the end', () => crypto.randomFill(buf(), 5, cb)],
  ['randomFillSync: not a buffer', () => crypto.randomFillSync('x' as never)],
  ['randomFillSync: size + offset past the end', () => crypto.randomFillSync(new Uint16Array(4), 3, 2)],
  ['randomInt: max a fraction', () => crypto.randomInt(1.5)],
  ['randomInt: max 0', () => crypto.randomInt(0)],
  ['randomInt: range 2^48', () => crypto.randomInt(0, 2 ** 48)],
  ['randomInt: callback a string', () => crypto.randomInt(0, 5, 'x' as never)],
  ['randomUUID: options a number', () => crypto.randomUUID(5 as never)],
  ['randomUUID: disableEntropyCache not a boolean', () => crypto.randomUUID({ disableEntropyCache: 5 } as never)],
  ['getRandomValues: too many bytes', () => crypto.getRandomValues(new Uint8Array(65_537))],
  ['webcrypto getRandomValues detached from crypto', () => crypto.webcrypto.getRandomValues.call(undefined, new Uint8Array(2))],
  ['globalThis.crypto.randomUUID detached from crypto', () => globalThis.crypto.randomUUID.call({})],
];

function describeError(error: unknown): string {
  const e = error as { constructor?: { name?: string }; name?: string; code?: unknown; message?: string };
  return `${e?.constructor?.name} ${e?.name} ${String(e?.code)}: ${e?.message}`;
}

/** How a call ended: threw, returned, a promise settled, or an iterator's first next() settled. */
async function outcome(call: () => unknown): Promise<string> {
  let value: unknown;
  try {
    value = call();
  } catch (error) {
    return `threw ${describeError(error)}`;
  }
  if (value instanceof Promise) return value.then((v) => `resolved ${String(v)}`, (e: unknown) => `rejected ${describeError(e)}`);
  if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
    const iterator = value as unknown as AsyncIterator<unknown>;
    return iterator.next().then((r) => `next gave ${JSON.stringify(r)}`, (e: unknown) => `next rejected ${describeError(e)}`);
  }
  return `returned ${typeof value}`;
}

describe('bad arguments to virtualized builtins', () => {
  it('fail inside a run exactly as on Node, and the run goes on', async () => {
    const real: string[] = [];
    for (const [, call] of CASES) real.push(await outcome(call));
    const virtual: string[] = [];
    const sim = new Simulation({ seed: 1 });
    sim.host('svc', async () => {
      for (const [, call] of CASES) virtual.push(await outcome(call));
    });
    await sim.run({ untilMs: 1_000 });
    expect(sim.failure).toBeUndefined();
    const table = (outcomes: string[]): string[] => CASES.map(([name], i) => `${name}: ${outcomes[i]}`);
    expect(table(virtual)).toEqual(table(real));
    // Each one really failed on Node (a case that succeeded would prove nothing here).
    for (const line of real) expect(line).toMatch(/^(threw|rejected|next rejected) /);
  });
});
