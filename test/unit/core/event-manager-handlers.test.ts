// Proves the EventManager's handler registry against a simple model (fast-check, seed printed by fast-check on failure, FC_SEED to replay): for any sequence of registrations (persist or once, with or without a request `until` or an AbortSignal), removals, finished requests, aborts and events, the handlers that fire are the model's, in registration order; once-handlers fire once, finished or aborted ones never again, and the count matches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandlerRegistry, type EventHandlerHandle } from '../../../src/core/event-manager-handlers.js';

const seed = Number(process.env.FC_SEED ?? 42);
const numRuns = Number(process.env.FC_NUM_RUNS ?? 200);

type Until = 'none' | 'request' | 'signal';
type Op =
  | { kind: 'register'; name: string; persist: boolean; until: Until }
  | { kind: 'remove'; index: number }
  | { kind: 'finish'; index: number }
  | { kind: 'event'; name: string };

const names = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), name: names, persist: fc.boolean(), until: fc.constantFrom<Until>('none', 'request', 'signal') }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat(12) }),
  fc.record({ kind: fc.constant('finish' as const), index: fc.nat(12) }),
  fc.record({ kind: fc.constant('event' as const), name: names }),
);

interface ModelHandler {
  id: number;
  name: string;
  persist: boolean;
  until: Until;
  finished: boolean;
  active: boolean;
}

function check(ops: Op[]): void {
  const registry = new HandlerRegistry(1000);
  const model: ModelHandler[] = [];
  const real: { handle: EventHandlerHandle; request?: { finished: boolean }; controller?: AbortController }[] = [];
  let fired: number[] = [];
  for (const o of ops) {
    if (o.kind === 'register') {
      const id = model.length;
      const request = o.until === 'request' ? { finished: false } : undefined;
      const controller = o.until === 'signal' ? new AbortController() : undefined;
      const until = request ?? controller?.signal;
      const handle = registry.register(o.name, () => void fired.push(id), { persist: o.persist, ...(until ? { until } : {}) });
      real.push({ handle, ...(request ? { request } : {}), ...(controller ? { controller } : {}) });
      model.push({ id, name: o.name, persist: o.persist, until: o.until, finished: false, active: true });
    } else if (o.kind === 'remove' || o.kind === 'finish') {
      const target = model[o.index];
      if (target === undefined) continue;
      const { handle, request, controller } = real[o.index] as (typeof real)[number];
      if (o.kind === 'remove') {
        expect(registry.remove(handle)).toBe(target.active);
        target.active = false;
      } else if (target.until !== 'none') {
        target.finished = true;
        if (request) request.finished = true;
        // An AbortSignal frees its handler at once; a request's flag is read when the next event comes.
        controller?.abort();
        if (controller) target.active = false;
      }
    } else {
      fired = [];
      for (const handle of registry.take(o.name)) handle.handler(undefined);
      const expected: number[] = [];
      for (const h of model) {
        if (!h.active || h.name !== o.name) continue;
        if (h.finished) {
          h.active = false;
          continue;
        }
        if (!h.persist) h.active = false;
        expected.push(h.id);
      }
      expect(fired).toEqual(expected);
    }
    expect(registry.count).toBe(model.filter((h) => h.active).length);
    model.forEach((h, i) => expect((real[i] as (typeof real)[number]).handle.registered).toBe(h.active));
  }
}

describe('HandlerRegistry against a model', () => {
  it('fires exactly the model handlers, in registration order, for any sequence of operations', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), check), { seed, numRuns });
  });
});

describe('HandlerRegistry examples', () => {
  it('a persistent handler whose request finished does not fire, beside other persistent handlers', () => {
    const registry = new HandlerRegistry(10);
    const fired: string[] = [];
    const request = { finished: false };
    registry.register('a', () => void fired.push('plain'), { persist: true });
    registry.register('a', () => void fired.push('request'), { persist: true, until: request });
    for (const h of registry.take('a')) h.handler(undefined);
    request.finished = true;
    for (const h of registry.take('a')) h.handler(undefined);
    expect(fired).toEqual(['plain', 'request', 'plain']);
    expect(registry.expired).toBe(1);
  });
});

describe('HandlerRegistry at scale (Toto chat: one one-shot handler per waiting long poll)', () => {
  it('30,000 one-shot handlers on one name: registering, one event firing them all and removals take linear time, not quadratic', () => {
    // Quadratic work here (a list copied or filtered per handler) is ~10^9 steps: seconds on any
    // machine. Linear work is ~10^5 steps: milliseconds. The bound sits far from both.
    const count = 30_000;
    const registry = new HandlerRegistry(100_000);
    const startedMs = performance.now();
    const handles = Array.from({ length: count }, () => registry.register('message', () => undefined, { until: { finished: false } }));
    const waiting = Array.from({ length: count }, () => registry.register('other', () => undefined, { until: { finished: false } }));
    let fired = 0;
    for (const handle of registry.take('message')) fired += handle.handler(undefined) === undefined ? 1 : 0;
    for (const handle of waiting) registry.remove(handle);
    const tookMs = performance.now() - startedMs;
    expect([fired, registry.count, handles.some((h) => h.registered)]).toEqual([count, 0, false]);
    expect(tookMs).toBeLessThan(2_000);
  });
});
