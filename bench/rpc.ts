// `npm run bench -- rpc [direct] [router] [http] [memory] [--quick] [--no-moleculer]`: Toto's
// RPC end to end, each server in its own child process on 127.0.0.1, at 1, 16 and 256 calls in
// flight, req/s and p50/p99 latency, in one run:
//   direct  ZmqWorkerConnection -> one worker, beside raw zeromq.js and Moleculer (TCP transporter)
//   router  ZmqWorkerConnection -> WorkerBalancer -> 2 workers, beside raw zeromq.js
//   http    HttpWorkerConnection -> HttpWorkerServer, beside raw node:http + undici keep-alive
//   memory  bytes per pending call of a whole ZmqWorkerConnection at 100,000 pending
// With no row named, all of them. Targets (issue 7): ours >= 0.8 of raw in the same topology,
// ahead of Moleculer at 256 in flight; memory < 1 KiB per pending call.

import type { CompareResult } from './lib/rpc-compare.js';
import { runHttp } from './lib/rpc-http-bench.js';
import { runMemory } from './lib/rpc-memory-run.js';
import { runDirect, runRouter, type RowPlan } from './lib/rpc-zmq-bench.js';
import { recorded } from './lib/harness.js';
import { costComparison, plainFigure, rateComparison, type Comparison, type SuiteResult } from './lib/report.js';

const ROWS = ['direct', 'router', 'http', 'memory'] as const;
type Row = (typeof ROWS)[number];

function plan(quick: boolean): RowPlan {
  return quick
    ? { windows: [1, 16, 256], totals: { 1: 1_000, 16: 5_000, 256: 10_000 }, repeats: 3 }
    : { windows: [1, 16, 256], totals: { 1: 3_000, 16: 15_000, 256: 40_000 }, repeats: 5 };
}

function summary(row: string, result: CompareResult): void {
  console.log(`\n| ${row}: in flight | ${Object.keys(result.medians[1] ?? {}).map((s) => `${s} req/s (p50 / p99 ms; CPU per call)`).join(' | ')} | ${Object.keys(result.ratios[1] ?? {}).join(' | ')} |`);
  for (const [inFlight, medians] of Object.entries(result.medians)) {
    const cells = Object.values(medians).map((r) => `${Math.round(r.perSec).toLocaleString('en')} (${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)}; ${r.cpuUsPerCall.toFixed(1)} µs)`);
    const ratios = Object.values(result.ratios[Number(inFlight)] ?? {}).map((x) => x.toFixed(2));
    console.log(`| ${inFlight} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}

const PEERS: Record<string, string> = { raw: 'raw zeromq.js', moleculer: 'Moleculer 0.15 (TCP transporter)' };

/** Each ours/peer pair of a row at each window, by rate (req/s) and by CPU per call. */
function comparisons(row: string, result: CompareResult): Comparison[] {
  const found: Comparison[] = [];
  for (const [window, medians] of Object.entries(result.medians)) {
    const ratios = result.ratios[Number(window)] ?? {};
    for (const key of Object.keys(ratios)) {
      const [ours, peer] = key.split('/') as [string, string];
      const oursRun = medians[ours];
      const peerRun = medians[peer];
      if (ours !== 'ours' || oursRun === undefined || peerRun === undefined) continue;
      const peerName = row === 'http' && peer === 'raw' ? 'raw node:http + undici' : (PEERS[peer] ?? peer);
      const target = window === '1' ? undefined : peer === 'raw' ? '>= 0.8' : window === '256' ? '> 1' : undefined;
      const extra = { ratio: ratios[key] as number, ...(target !== undefined ? { target } : {}) };
      found.push(rateComparison(`${row}, ${window} in flight: rate`, peerName, oursRun.perSec, peerRun.perSec, 'req/s', extra));
      const cpu = ratios[`cpu ${key}`];
      if (cpu !== undefined) found.push(costComparison(`${row}, ${window} in flight: CPU per call (all processes)`, peerName, oursRun.cpuUsPerCall, peerRun.cpuUsPerCall, 'µs', { ratio: cpu, ...(target !== undefined ? { target } : {}) }));
    }
  }
  return found;
}

export async function run(args: string[]): Promise<SuiteResult> {
  const quick = args.includes('--quick');
  const named = args.filter((a) => !a.startsWith('--'));
  for (const name of named) {
    if (!(ROWS as readonly string[]).includes(name)) throw new RangeError(`rpc: row: expected one of ${ROWS.join(', ')}, got ${JSON.stringify(name)}`);
  }
  const rows: Row[] = named.length === 0 ? [...ROWS] : (named as Row[]);
  const results: Array<[string, CompareResult]> = [];
  const p = plan(quick);
  console.log(`rpc: bench.echo({seq, text}) over JSON, servers in child processes on 127.0.0.1, medians of ${p.repeats}`);
  if (rows.includes('direct')) results.push(['direct', await runDirect(p, !args.includes('--no-moleculer'))]);
  if (rows.includes('router')) results.push(['router', await runRouter(p)]);
  if (rows.includes('http')) results.push(['http', await runHttp(p)]);
  if (rows.includes('memory')) await runMemory(quick ? 20_000 : 100_000);
  for (const [row, result] of results) summary(row, result);
  const memory = recorded('rpc').metrics.get('memory_bytes_per_pending_call');
  return {
    comparisons: results.flatMap(([row, result]) => comparisons(row, result)),
    figures: memory === undefined || !rows.includes('memory') ? [] : [plainFigure(`ZmqWorkerConnection memory at ${(quick ? 20_000 : 100_000).toLocaleString('en')} pending`, memory, 'B per pending call', '< 1 KiB')],
  };
}
