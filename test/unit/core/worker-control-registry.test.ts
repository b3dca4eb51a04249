// Proves the control socket's registry of live workers: a hello records or refreshes a worker, silence past the timeout drops it, and it never holds more than workersMax (a new identity past that is refused until silent ones are gone).
import { expect, it } from 'vitest';
import { WorkerRegistry } from '../../../src/core/worker-control-registry.js';

const id = (n: number): Uint8Array => new Uint8Array([n]);

it('records, refreshes and drops workers by their silence', () => {
  const registry = new WorkerRegistry(1_000);
  expect(registry.heard(id(1), { name: 'b' }, 0)).toBe('new');
  expect(registry.heard(id(2), { name: 'a' }, 0)).toBe('new');
  expect(registry.heard(id(1), { name: 'b', pid: 7 }, 500)).toBe('known');
  expect(registry.live(900).map((w) => w.info)).toEqual([{ name: 'a' }, { name: 'b', pid: 7 }]);
  expect(registry.live(1_200).map((w) => w.info.name)).toEqual(['b']);
  registry.forget('b');
  expect([registry.live(1_200), registry.size]).toEqual([[], 0]);
});

it('holds at most workersMax: a new identity is refused while they are all live, taken once one is silent', () => {
  const registry = new WorkerRegistry(1_000, 3);
  for (let n = 0; n < 3; n++) expect(registry.heard(id(n), { name: `w${n}` }, n * 100)).toBe('new');
  for (let n = 3; n < 100; n++) expect(registry.heard(id(n), { name: `w${n}` }, 500)).toBe('full');
  expect(registry.size).toBe(3);
  // w0 was last heard at 0: silent past the timeout at 1001, so its place is free.
  expect(registry.heard(id(50), { name: 'w50' }, 1_001)).toBe('new');
  expect(registry.live(1_001).map((w) => w.info.name)).toEqual(['w1', 'w2', 'w50']);
});
