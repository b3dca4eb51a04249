// The summary of a `toto sim` sweep: totals, throughput, each scenario's runs, failures and
// `sometimes` coverage (per scenario file: two files that use one message text are two
// assertions), and every failure (or the first --failures N) with its trace hash and the one
// command that replays it. It is plain data (SweepJson), so shards of a sweep run on several
// machines merge into the summary one machine would have printed.

import type { ScenarioResult } from '../sim/run-scenario.js';
import { formatCount, formatMs, formatRate } from '../sim/scenario-report.js';
import { roundTimes } from './sim-text.js';

/** Characters of an error message shown per failure (the replay prints the rest). */
const MESSAGE_CHARS_MAX = 400;

/** One failed run: its result's error, or why it produced none (its module failed to load, its worker died). */
export interface FailureEntry {
  name: string;
  /** The scenario file as the command line names it. */
  file: string;
  seed: number;
  /** Absent when the run produced no result. */
  phase?: string;
  message: string;
  swarm?: string;
  /** Absent when the run produced no result. */
  traceHash?: string;
  replayCommand: string;
  /** The trace viewer file written for it, if any. */
  viewer?: string;
}

/** A run that did not produce a result (its module failed to load in a worker, the worker died). */
export type RunError = Pick<FailureEntry, 'name' | 'file' | 'seed' | 'message' | 'replayCommand'>;

export interface ScenarioTally {
  file: string;
  name: string;
  runs: number;
  failed: number;
  /** Times each sometimes() message held, over this scenario's runs (0: never). */
  sometimes: Record<string, number>;
}

/** The figures of a sweep, as --json writes them and merge reads them. */
export interface SweepTotals {
  runs: number;
  failed: number;
  virtualMs: number;
  steps: number;
  wallMs: number;
  scenarios: ScenarioTally[];
  /** Every failure, by seed then scenario. */
  failures: FailureEntry[];
}

export interface FormatOptions {
  /** False leaves out the failure list (a single run printed its own report). */
  failures?: boolean;
  /** Most failures listed; default all. */
  failuresShown?: number;
}

export class SweepSummary {
  runs = 0;
  steps = 0;
  /** Virtual time in whole microseconds: sums of integers do not depend on the order runs finish in. */
  private virtualUs = 0;
  private readonly failureList: FailureEntry[] = [];
  private readonly tallies = new Map<string, ScenarioTally>();

  /** `scenarios` in the order the summary lists them. */
  constructor(scenarios: readonly { file: string; name: string }[]) {
    for (const { file, name } of scenarios) this.tallies.set(file, { file, name, runs: 0, failed: 0, sometimes: {} });
  }

  get virtualMs(): number {
    return this.virtualUs / 1000;
  }

  add(result: ScenarioResult, file: string): void {
    const tally = this.tally(file, result.name);
    this.runs++;
    tally.runs++;
    this.virtualUs += Math.round(result.virtualMs * 1000);
    this.steps += result.steps;
    for (const [message, count] of Object.entries(result.sometimes.hits)) tally.sometimes[message] = (tally.sometimes[message] ?? 0) + count;
    if (result.ok) return;
    tally.failed++;
    this.failureList.push({
      name: result.name,
      file,
      seed: result.seed,
      phase: result.error?.phase ?? 'unknown',
      message: result.error?.message ?? 'failed',
      ...(result.swarm !== undefined ? { swarm: result.swarm } : {}),
      traceHash: result.traceHash,
      replayCommand: result.replayCommand,
    });
  }

  addError(error: RunError): void {
    const tally = this.tally(error.file, error.name);
    this.runs++;
    tally.runs++;
    tally.failed++;
    this.failureList.push({ ...error });
  }

  private tally(file: string, name: string): ScenarioTally {
    let tally = this.tallies.get(file);
    if (tally === undefined) {
      tally = { file, name, runs: 0, failed: 0, sometimes: {} };
      this.tallies.set(file, tally);
    }
    return tally;
  }

  get failed(): number {
    return this.failureList.length;
  }

  /** Every failure, by seed, then in the scenarios' order. */
  get failures(): FailureEntry[] {
    const order = [...this.tallies.keys()];
    return [...this.failureList].sort((a, b) => a.seed - b.seed || order.indexOf(a.file) - order.indexOf(b.file));
  }

  /** Notes the viewer file written for the failure of `file` at `seed`. */
  setViewer(file: string, seed: number, viewer: string): void {
    const entry = this.failureList.find((f) => f.file === file && f.seed === seed);
    if (entry) entry.viewer = viewer;
  }

  totals(wallMs: number): SweepTotals {
    return {
      runs: this.runs,
      failed: this.failed,
      virtualMs: this.virtualMs,
      steps: this.steps,
      wallMs,
      scenarios: [...this.tallies.values()].map((t) => ({ ...t, sometimes: { ...t.sometimes } })),
      failures: this.failures,
    };
  }

  /** The summary as printed. */
  format(wallMs: number, options: FormatOptions = {}): string {
    return formatTotals(this.totals(wallMs), options);
  }

  /** A summary holding `totals` (read from --json files), to format or merge. */
  static from(totals: SweepTotals): SweepSummary {
    const summary = new SweepSummary(totals.scenarios);
    summary.absorb(totals);
    return summary;
  }

  /** Adds another part of the same sweep (a shard). */
  absorb(totals: SweepTotals): void {
    this.runs += totals.runs;
    this.steps += totals.steps;
    this.virtualUs += Math.round(totals.virtualMs * 1000);
    for (const t of totals.scenarios) {
      const tally = this.tally(t.file, t.name);
      tally.runs += t.runs;
      tally.failed += t.failed;
      for (const [message, count] of Object.entries(t.sometimes)) tally.sometimes[message] = (tally.sometimes[message] ?? 0) + count;
    }
    this.failureList.push(...totals.failures.map((f) => ({ ...f })));
  }
}

/** `all 2 hit`, `1/2 hit; never hit: "x"`, or undefined when the scenario has no sometimes(). */
function coverage(sometimes: Record<string, number>): string | undefined {
  const messages = Object.keys(sometimes);
  if (messages.length === 0) return undefined;
  const never = messages.filter((m) => sometimes[m] === 0);
  if (never.length === 0) return `all ${messages.length} hit`;
  return `${messages.length - never.length}/${messages.length} hit; never hit: ${never.map((m) => JSON.stringify(m)).join(', ')}`;
}

export function formatTotals(totals: SweepTotals, options: FormatOptions = {}): string {
  const lines = [
    `runs: ${formatCount(totals.runs)}, failures: ${formatCount(totals.failed)}`,
    `virtual time: ${formatMs(totals.virtualMs)} simulated`,
    `wall time: ${formatMs(totals.wallMs)}`,
    `events: ${formatCount(totals.steps)} simulated (${formatRate(totals.steps, totals.wallMs)})`,
  ];
  const [only] = totals.scenarios;
  if (totals.scenarios.length === 1 && only) {
    lines.push(`sometimes: ${coverage(only.sometimes) ?? 'no sometimes() assertions'}`);
  } else {
    const all = totals.scenarios.flatMap((t) => Object.values(t.sometimes));
    lines.push(all.length === 0 ? 'sometimes: no sometimes() assertions' : `sometimes: ${all.filter((n) => n > 0).length}/${all.length} hit (per scenario below)`);
    const names = totals.scenarios.map((t) => t.name);
    for (const t of totals.scenarios) {
      // Two files may define scenarios of one name: then the file tells them apart.
      const label = names.indexOf(t.name) !== names.lastIndexOf(t.name) ? `${t.name} (${t.file})` : t.name;
      const cover = coverage(t.sometimes);
      lines.push(`  ${label}: ${formatCount(t.runs)} runs, ${formatCount(t.failed)} failed${cover === undefined ? '' : `; sometimes: ${cover}`}`);
    }
  }
  if (totals.failed > 0 && options.failures !== false) lines.push(...failureLines(totals.failures, options.failuresShown ?? Infinity));
  return lines.join('\n');
}

function failureLines(failures: readonly FailureEntry[], shown: number): string[] {
  if (shown <= 0) return [`failures: ${formatCount(failures.length)} (none listed: --failures 0)`];
  const lines = [failures.length > shown ? `failures (first ${formatCount(shown)} of ${formatCount(failures.length)}; --failures N lists more, --json all):` : `failures (${formatCount(failures.length)}):`];
  for (const f of failures.slice(0, shown)) {
    lines.push(f.phase === undefined ? `  ${f.file} seed ${f.seed}: ${clip(f.message)}` : `  ${f.name} seed ${f.seed} (${f.phase} phase): ${clip(f.message)}`);
    if (f.swarm !== undefined) lines.push(`    ${f.swarm}`);
    lines.push(`    replay: ${f.replayCommand}`);
    if (f.traceHash !== undefined) lines.push(`    trace ${f.traceHash}${f.viewer === undefined ? '' : `, viewer: ${f.viewer}`}`);
  }
  return lines;
}

/** The first lines of a message, indented under the failure, cut at a length a terminal shows; times rounded. */
function clip(message: string): string {
  const rounded = roundTimes(message);
  const short = rounded.length > MESSAGE_CHARS_MAX ? `${rounded.slice(0, MESSAGE_CHARS_MAX)}...` : rounded;
  return short.split('\n').slice(0, 4).join('\n      ');
}
