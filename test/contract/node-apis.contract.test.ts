// Proves the virtual node:timers/promises, AbortSignal.timeout, util.promisify(setTimeout) and crypto randomness behave as Node's real ones: one body each, run on Node and inside a simulated host (values, AbortError shapes, iterator protocol, ranges, error types).
import * as crypto from 'node:crypto';
import * as timers from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/simulation.js';

interface World {
  name: string;
  /** Runs `body` in this world and returns its result. */
  run<T>(body: () => Promise<T>): Promise<T>;
}

const worlds: World[] = [
  { name: 'node', run: (body) => body() },
  {
    name: 'sim',
    async run(body) {
      const sim = new Simulation({ seed: 1 });
      let result: { value: unknown } | { error: unknown } | undefined;
      sim.host('h', () => void body().then((value) => (result = { value }), (error: unknown) => (result = { error })));
      await sim.run({ stepsMax: 100_000 });
      if (result === undefined) throw new Error('the body did not settle in the simulation');
      if ('error' in result) throw result.error;
      return result.value as never;
    },
  },
];

const errorShape = (e: unknown) => ({ name: (e as Error).name, code: (e as { code?: unknown }).code, message: (e as Error).message });

for (const world of worlds) {
  describe(`Node APIs (${world.name})`, () => {
    it('timers/promises: setTimeout, setImmediate and scheduler.wait resolve with their value; an abort rejects with AbortError', async () => {
      const out = await world.run(async () => {
        const values = [await timers.setTimeout(2, 'late'), await timers.setImmediate('soon'), await timers.scheduler.wait(1)];
        const reason = new Error('stop');
        const pre = await timers.setTimeout(5, 'x', { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
        const controller = new AbortController();
        const during = timers.setTimeout(50, 'x', { signal: controller.signal }).catch((e: unknown) => e);
        await timers.setTimeout(1);
        controller.abort('why');
        const duringError = await during;
        return { values, pre: errorShape(pre), preCause: (pre as Error).cause === reason, during: errorShape(duringError), duringCause: (duringError as Error).cause };
      });
      expect(out).toEqual({
        values: ['late', 'soon', undefined],
        pre: { name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' },
        preCause: true,
        during: { name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' },
        duringCause: 'why',
      });
    });

    it('timers/promises: setInterval is an async iterator that yields its value each period and stops on return or abort', async () => {
      const out = await world.run(async () => {
        const seen: string[] = [];
        for await (const v of timers.setInterval(2, 'tick')) {
          seen.push(v);
          if (seen.length === 3) break;
        }
        const controller = new AbortController();
        const iterator = timers.setInterval(2, 'y', { signal: controller.signal });
        const first = await iterator.next();
        const pending = iterator.next().catch((e: unknown) => e);
        controller.abort();
        const aborted = errorShape(await pending);
        const returned = await timers.setInterval(2).return?.();
        return { seen, first, aborted, returned };
      });
      expect(out).toEqual({
        seen: ['tick', 'tick', 'tick'],
        first: { value: 'y', done: false },
        aborted: { name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' },
        returned: { value: undefined, done: true },
      });
    });

    it('AbortSignal.timeout aborts with a TimeoutError DOMException; util.promisify(setTimeout) passes its value', async () => {
      const out = await world.run(async () => {
        const signal = AbortSignal.timeout(3);
        const before = signal.aborted;
        await timers.setTimeout(10);
        const reason = signal.reason as DOMException;
        const promised = await promisify(setTimeout)(1, 'value');
        return { before, after: signal.aborted, reason: { name: reason.name, message: reason.message, isDom: reason instanceof DOMException }, promised };
      });
      expect(out).toEqual({
        before: false,
        after: true,
        reason: { name: 'TimeoutError', message: 'The operation was aborted due to timeout', isDom: true },
        promised: 'value',
      });
    });

    it('crypto: ranges, lengths, in-place fills, UUID v4 form and error types match', async () => {
      const out = await world.run(async () => {
        const ints = Array.from({ length: 200 }, () => crypto.randomInt(10));
        const ranged = Array.from({ length: 200 }, () => crypto.randomInt(5, 7));
        const buffer = Buffer.alloc(4, 0xaa);
        const same = crypto.randomFillSync(buffer, 1, 2) === buffer;
        const array = new Uint16Array(3);
        const sameArray = crypto.getRandomValues(array) === array;
        const float = (() => {
          try {
            crypto.getRandomValues(new Float64Array(1) as never);
            return 'no error';
          } catch (e) {
            return (e as Error).name;
          }
        })();
        const badInt = (() => {
          try {
            crypto.randomInt(5, 5);
            return 'no error';
          } catch (e) {
            return [(e as Error).name, (e as { code?: string }).code];
          }
        })();
        const viaCallback = await new Promise<number>((resolve) => crypto.randomBytes(7, (_e, b) => resolve(b.length)));
        const intViaCallback = await new Promise<number>((resolve) => crypto.randomInt(3, (_e, n) => resolve(n)));
        return {
          intsInRange: ints.every((n) => Number.isInteger(n) && n >= 0 && n < 10),
          intsVary: new Set(ints).size > 5,
          rangedInRange: ranged.every((n) => n === 5 || n === 6),
          bytes: crypto.randomBytes(5).length,
          untouchedEnds: [buffer[0], buffer[3]],
          same,
          sameArray,
          uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
          webUuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(globalThis.crypto.randomUUID()),
          float,
          badInt,
          viaCallback,
          intViaCallbackInRange: intViaCallback >= 0 && intViaCallback < 3,
        };
      });
      expect(out).toEqual({
        intsInRange: true,
        intsVary: true,
        rangedInRange: true,
        bytes: 5,
        untouchedEnds: [0xaa, 0xaa],
        same: true,
        sameArray: true,
        uuid: true,
        webUuid: true,
        float: 'TypeMismatchError',
        badInt: ['RangeError', 'ERR_OUT_OF_RANGE'],
        viaCallback: 7,
        intViaCallbackInRange: true,
      });
    });
  });
}
