// The trace file of one run, as `toto sim --trace`, `npx tsx <scenario> --trace` and the viewer
// files of a sweep write it: the run's trace lines with payload previews and timer lines, the
// hosts' log lines merged in by virtual time (as `log` lines: outside the trace hash, so the
// file's hash is the sweep's), and a last `result` line with the outcome, so the viewer can show
// and highlight the failure. One copy, used by both commands.

import type { RunScenarioOptions, ScenarioResult } from './run-scenario.js';
import { logTraceLine } from './trace-log.js';

export { logTraceLine } from './trace-log.js';

/** Characters of payload preview on each message line. */
export const TRACE_PREVIEW_CHARS = 80;
/** Log lines kept per run (a chatty host must not fill the disk). */
export const LOG_LINES_MAX = 200_000;

/** Run options that keep every trace line with previews, and collect the log lines into `logs`. */
export function tracedRunOptions(logs: string[]): Partial<RunScenarioOptions> {
  return {
    trace: { keepAll: true, previewChars: TRACE_PREVIEW_CHARS },
    logSink: (line) => {
      if (logs.length < LOG_LINES_MAX) logs.push(line);
    },
  };
}

/** The time of a trace line: every line the simulation writes starts with `{"tMs":<n>,`. */
function timeOf(line: string): number {
  const match = /^\{"tMs":(-?[\d.e+-]+),/.exec(line);
  return match ? Number(match[1]) : (JSON.parse(line) as { tMs: number }).tMs;
}

/** The `result` line closing a trace file. */
export function resultTraceLine(result: ScenarioResult): string {
  return JSON.stringify({
    tMs: result.virtualMs,
    kind: 'result',
    ok: result.ok,
    scenario: result.name,
    seed: result.seed,
    ...(result.error ? { phase: result.error.phase, message: result.error.message } : {}),
    traceHash: result.traceHash,
    replay: result.replayCommand,
  });
}

/** The trace file's lines: trace and log lines merged by time (trace first at a tie), then the result line. */
export function traceFileLines(result: ScenarioResult, logs: readonly string[]): string[] {
  const trace = result.trace ?? [];
  const logLines = logs.map(logTraceLine).filter((line): line is string => line !== undefined);
  const out: string[] = [];
  let j = 0;
  for (const line of trace) {
    const t = timeOf(line);
    while (j < logLines.length && timeOf(logLines[j] as string) < t) out.push(logLines[j++] as string);
    out.push(line);
  }
  while (j < logLines.length) out.push(logLines[j++] as string);
  out.push(resultTraceLine(result));
  return out;
}
