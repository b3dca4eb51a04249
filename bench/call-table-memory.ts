// Memory per pending call at 100,000 pending (issue 7's target: < 1 KiB): the bare CallTable, and
// the CallTableDriver with its promise and abort wiring per call. The payload is one shared buffer,
// so the figure is the table's own cost (ids, entries, heap entries, actions), not the request's.
// Run: node --expose-gc --import tsx bench/call-table-memory.ts [count]

import { setMaxListeners } from 'node:events';
import { CallTableDriver } from '../src/core/call-table-driver.js';
import { CallTable } from '../src/core/call-table.js';
import { Random } from '../src/core/random.js';
import { LoopSim } from '../src/sim/loop-sim.js';
import { SimKernel } from '../src/sim/sim-kernel.js';

const count = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const payload = new Uint8Array(64);

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

function measure(name: string, fill: () => unknown): void {
  const before = heapUsed();
  const kept = fill();
  const after = heapUsed();
  const perCall = (after - before) / count;
  console.log(`${name}: ${count} pending, ${((after - before) / 2 ** 20).toFixed(1)} MiB, ${perCall.toFixed(0)} B per pending call`);
  // Keep what was measured alive until after the reading.
  if (kept === undefined) console.log('');
}

measure('CallTable', () => {
  const table = new CallTable({ timeoutMs: 10_000, random: new Random(1) });
  for (let i = 0; i < count; i++) {
    table.register('a.b', payload, { autoRetry: i % 2 === 0, timeoutMs: 1_000 + (i % 5_000) }, i / 10);
    table.poll();
  }
  return table;
});

measure('CallTableDriver (promise per call)', () => {
  const loop = new LoopSim(new SimKernel());
  const driver = new CallTableDriver({ loop, table: new CallTable({ timeoutMs: 10_000, random: new Random(1) }), send: () => {} });
  const promises: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) promises.push(driver.call('a.b', payload, { autoRetry: i % 2 === 0 }));
  return { driver, promises };
});

measure('CallTableDriver (promise and AbortSignal listener per call)', () => {
  const loop = new LoopSim(new SimKernel());
  const driver = new CallTableDriver({ loop, table: new CallTable({ timeoutMs: 10_000, random: new Random(1) }), send: () => {} });
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const promises: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) promises.push(driver.call('a.b', payload, { signal }));
  return { driver, promises, signal };
});
