// Memory per pending call at 100,000 pending (issue 7's target: < 1 KiB): the bare CallTable, and
// the CallTableDriver with its promise and abort wiring per call. The payload is one shared buffer,
// so the figure is the table's own cost (ids, entries, heap entries, actions), not the request's.
// Run: npm run bench -- call-table-memory [count] (it re-runs itself under node --expose-gc).

import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CallTableDriver } from '../src/core/call-table-driver.js';
import { CallTable } from '../src/core/call-table.js';
import { Random } from '../src/core/random.js';
import { LoopSim } from '../src/sim/loop-sim.js';
import { SimKernel } from '../src/sim/sim-kernel.js';
import { benchLine, recorded, spawnRecorded } from './lib/harness.js';
import { plainFigure, type SuiteResult } from './lib/report.js';

const gc = (globalThis as { gc?: () => void }).gc;
const payload = new Uint8Array(64);
let count = 100_000;

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

function measure(name: string, metric: string, fill: () => unknown): void {
  const before = heapUsed();
  const kept = fill();
  const after = heapUsed();
  const perCall = (after - before) / count;
  console.log(`${name}: ${count} pending, ${((after - before) / 2 ** 20).toFixed(1)} MiB, ${perCall.toFixed(0)} B per pending call`);
  benchLine('call-table-memory', `bytes_per_pending_${metric}`, Math.round(perCall));
  // Keep what was measured alive until after the reading.
  if (kept === undefined) console.log('');
}

function measureAll(): void {
  measure('CallTable', 'table', () => {
    const table = new CallTable({ timeoutMs: 10_000, random: new Random(1) });
    for (let i = 0; i < count; i++) {
      table.register('a.b', payload, { autoRetry: i % 2 === 0, timeoutMs: 1_000 + (i % 5_000) }, i / 10);
      table.poll();
    }
    return table;
  });

  measure('CallTableDriver (promise per call)', 'driver', () => {
    const loop = new LoopSim(new SimKernel());
    const driver = new CallTableDriver({ loop, table: new CallTable({ timeoutMs: 10_000, random: new Random(1) }), send: () => {} });
    const promises: Array<Promise<unknown>> = [];
    for (let i = 0; i < count; i++) promises.push(driver.call('a.b', payload, { autoRetry: i % 2 === 0 }));
    return { driver, promises };
  });

  measure('CallTableDriver (promise and AbortSignal listener per call)', 'driver_with_signal', () => {
    const loop = new LoopSim(new SimKernel());
    const driver = new CallTableDriver({ loop, table: new CallTable({ timeoutMs: 10_000, random: new Random(1) }), send: () => {} });
    const signal = new AbortController().signal;
    setMaxListeners(0, signal);
    const promises: Array<Promise<unknown>> = [];
    for (let i = 0; i < count; i++) promises.push(driver.call('a.b', payload, { signal }));
    return { driver, promises, signal };
  });
}

/** The bench suite entry: heap figures need a forced GC, so without --expose-gc it re-runs itself with it. */
export async function run(args: string[]): Promise<SuiteResult> {
  const given = args.find((a) => !a.startsWith('--'));
  count = Number(given ?? 100_000);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count: expected an integer >= 1, got ${JSON.stringify(given)}`);
  if (gc !== undefined) measureAll();
  else {
    const self = fileURLToPath(import.meta.url);
    await spawnRecorded(['--expose-gc', '--import', 'tsx', '-e', `import(${JSON.stringify(self)}).then((m) => m.run(${JSON.stringify([String(count)])}))`], 'call-table-memory');
  }
  const { metrics } = recorded('call-table-memory');
  const rows: Array<[string, string]> = [
    ['table', 'CallTable entry (id, deadline heap entry, send action)'],
    ['driver', 'CallTableDriver: plus the caller\'s promise'],
    ['driver_with_signal', 'CallTableDriver: plus an AbortSignal listener'],
  ];
  const figures = rows.flatMap(([metric, name]) => {
    const value = metrics.get(`bytes_per_pending_${metric}`);
    return value === undefined ? [] : [plainFigure(`${name}, at ${count.toLocaleString('en')} pending`, value, 'B per pending call', '< 1 KiB')];
  });
  return { comparisons: [], figures };
}
