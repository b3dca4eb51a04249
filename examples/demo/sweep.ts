// Part 4 of the demo: `toto sim` itself (the same code, in this process) sweeps the bundled
// scenarios over many seeds in worker threads with a progress bar, prints its summary, and
// writes the trace viewer file of one failure. Scenarios named *-bug carry a planted bug: the
// sweep must catch each of them, and nothing else may fail.

import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simCommand } from '../../src/cli/sim-command.js';
import type { SweepJson } from '../../src/cli/sim-summary-json.js';
import { say } from './say.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));

export interface SweepOutcome {
  /** True when every *-bug scenario failed on some seed and every other scenario passed on all. */
  asExpected: boolean;
  viewer: string | undefined;
}

export async function runSweep(seeds: number, outDir: string): Promise<SweepOutcome> {
  say(`4. The simulation: every bundled scenario over ${seeds} seeds, in virtual time (toto sim ${relative(process.cwd(), SCENARIOS) || '.'} --seeds 1..${seeds})`);
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, 'demo-sweep.json');
  // One failure listed and one viewer file written: the JSON summary keeps every failure.
  await simCommand(SCENARIOS, { seeds: `1..${seeds}`, failures: '1', viewerDir: outDir, json });
  const summary = JSON.parse(readFileSync(json, 'utf8')) as SweepJson;

  const planted = summary.scenarios.filter((s) => s.name.endsWith('-bug'));
  const caught = planted.filter((s) => s.failed > 0);
  const unexpected = summary.scenarios.filter((s) => !s.name.endsWith('-bug') && s.failed > 0);
  say(`planted bugs caught: ${caught.map((s) => `${s.name} (${s.failed} of ${s.runs} seeds)`).join(', ') || 'none'}`);
  const missed = planted.filter((s) => s.failed === 0);
  if (missed.length > 0) say(`planted bugs NOT caught in ${seeds} seeds: ${missed.map((s) => s.name).join(', ')}`);
  if (unexpected.length > 0) say(`UNEXPECTED failures: ${unexpected.map((s) => `${s.name} (${s.failed} of ${s.runs})`).join(', ')}: replay them from ${json}`);
  else say(`the other ${summary.scenarios.length - planted.length} scenarios passed every seed`);

  const withViewer = summary.failures.find((f) => f.viewer !== undefined);
  if (withViewer?.viewer !== undefined) {
    say(`trace viewer of ${withViewer.name} seed ${withViewer.seed}: ${withViewer.viewer}`);
    say('  open it in a browser: hosts as lanes, messages as arrows, the faults shaded, the failed check highlighted');
    say(`  replay: ${withViewer.replayCommand}`);
  }
  return { asExpected: missed.length === 0 && unexpected.length === 0, viewer: withViewer?.viewer };
}
