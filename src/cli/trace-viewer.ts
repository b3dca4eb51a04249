// Turns a trace (JSON lines) into the viewer's HTML file. Used by `toto trace view` and by a
// failed sweep, which writes one viewer file per failing seed.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../sim/run-scenario.js';
import { traceFileLines } from '../sim/trace-file.js';
import { traceModel } from './trace-model.js';
import { viewerPage } from './trace-viewer-page.js';

/** The viewer page of a trace's lines; throws an Error naming the first bad line. */
export function viewerHtml(lines: readonly string[], title: string): string {
  const { model, lines: ordered } = traceModel(lines, title);
  return viewerPage(model, ordered);
}

/** Writes the viewer file of a run traced with tracedRunOptions (its trace and log lines). */
export function writeRunViewer(result: ScenarioResult, logs: readonly string[], outFile: string): void {
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, viewerHtml(traceFileLines(result, logs), `${result.name} seed ${result.seed}`));
}

/** `<dir>/<scenario>-seed-<seed>.html`, the scenario's name made safe for a file name. */
export function viewerFileName(dir: string, scenarioName: string, seed: number): string {
  const safe = scenarioName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'scenario';
  return path.join(dir, `${safe}-seed-${seed}.html`);
}
