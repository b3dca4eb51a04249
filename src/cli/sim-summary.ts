// The summary of a `toto sim` sweep: totals, throughput, sometimes-coverage across every run,
// and each failure (up to a limit) with the one command that replays it.

import type { ScenarioResult } from '../sim/run-scenario.js';
import { formatCount, formatMs, formatRate } from '../sim/scenario-report.js';

/** Failures listed in full; the rest are counted. */
export const FAILURES_SHOWN = 10;
/** Characters of an error message shown per failure (the replay prints the rest). */
const MESSAGE_CHARS_MAX = 400;

/** A run that did not produce a result (its module failed to load in a worker, the worker died). */
export interface RunError {
  /** The scenario's name (counted in its per-scenario line). */
  name: string;
  file: string;
  seed: number;
  message: string;
  replayCommand: string;
}

export class SweepSummary {
  runs = 0;
  virtualMs = 0;
  steps = 0;
  readonly failures: ScenarioResult[] = [];
  readonly errors: RunError[] = [];
  private readonly hits = new Map<string, number>();
  private readonly perScenario = new Map<string, { runs: number; failures: number }>();

  add(result: ScenarioResult): void {
    this.runs++;
    this.virtualMs += result.virtualMs;
    this.steps += result.steps;
    if (!result.ok) this.failures.push(result);
    for (const [message, count] of Object.entries(result.sometimes.hits)) this.hits.set(message, (this.hits.get(message) ?? 0) + count);
    this.countRun(result.name, result.ok);
  }

  addError(error: RunError): void {
    this.runs++;
    this.errors.push(error);
    this.countRun(error.name, false);
  }

  private countRun(name: string, ok: boolean): void {
    const entry = this.perScenario.get(name) ?? { runs: 0, failures: 0 };
    entry.runs++;
    if (!ok) entry.failures++;
    this.perScenario.set(name, entry);
  }

  get failed(): number {
    return this.failures.length + this.errors.length;
  }

  /** Sometimes-messages whose condition never held in any run. */
  get neverHit(): string[] {
    return [...this.hits].filter(([, count]) => count === 0).map(([message]) => message);
  }

  /** The summary; `failures: false` leaves out the failure list (a single run printed its own report). */
  format(wallMs: number, options: { failures?: boolean } = {}): string {
    const lines = [
      `runs: ${formatCount(this.runs)}, failures: ${formatCount(this.failed)}`,
      `virtual time: ${formatMs(this.virtualMs)} simulated`,
      `wall time: ${formatMs(wallMs)}`,
      `events: ${formatCount(this.steps)} simulated (${formatRate(this.steps, wallMs)})`,
      this.coverageLine(),
    ];
    if (this.perScenario.size > 1) {
      for (const [name, { runs, failures }] of this.perScenario) lines.push(`  ${name}: ${formatCount(runs)} runs, ${formatCount(failures)} failed`);
    }
    if (this.failed > 0 && options.failures !== false) lines.push(...this.failureLines());
    return lines.join('\n');
  }

  private coverageLine(): string {
    if (this.hits.size === 0) return 'sometimes: no sometimes() assertions';
    const never = this.neverHit;
    if (never.length === 0) return `sometimes: all ${this.hits.size} hit`;
    return `sometimes: ${this.hits.size - never.length}/${this.hits.size} hit; never hit: ${never.map((m) => JSON.stringify(m)).join(', ')}`;
  }

  private failureLines(): string[] {
    const lines = [`failures${this.failed > FAILURES_SHOWN ? ` (first ${FAILURES_SHOWN} of ${this.failed})` : ''}:`];
    const sorted = [...this.failures].sort((a, b) => a.seed - b.seed);
    for (const error of this.errors.slice(0, FAILURES_SHOWN)) {
      lines.push(`  ${error.file} seed ${error.seed}: ${clip(error.message)}`, `    replay: ${error.replayCommand}`);
    }
    for (const result of sorted.slice(0, Math.max(0, FAILURES_SHOWN - this.errors.length))) {
      const message = clip(result.error?.message ?? 'failed');
      lines.push(`  ${result.name} seed ${result.seed} (${result.error?.phase ?? '?'} phase): ${message}`);
      if (result.swarm !== undefined) lines.push(`    ${result.swarm}`);
      lines.push(`    replay: ${result.replayCommand}`);
    }
    return lines;
  }
}

/** The first lines of a message, indented under the failure, cut at a length a terminal shows. */
function clip(message: string): string {
  const short = message.length > MESSAGE_CHARS_MAX ? `${message.slice(0, MESSAGE_CHARS_MAX)}...` : message;
  return short.split('\n').slice(0, 4).join('\n      ');
}
