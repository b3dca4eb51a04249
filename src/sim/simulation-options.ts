// The Simulation's options (checked up front, "expected X, got Y") and its defaults, and the
// determinism hazard a run reports: real work that escaped virtual time.

import { checkBoolean, checkFinite, checkFunction, checkInteger, checkNonNegative, checkOneOf, checkOptions, describe, expected } from '../core/validate.js';
import type { Hazard } from './hazard-detector.js';
import { LOG_LEVELS, type LogLevelName } from './sim-logger.js';
import type { TraceOptions } from './trace.js';

export interface SimulationOptions {
  /** Every random choice of the run derives from it: a non-negative safe integer. */
  seed: number;
  trace?: TraceOptions;
  /** Receives the hosts' log lines (JSON); without it logging is silent. */
  logSink?: (line: string) => void;
  /** Lowest level written to logSink. Default 'info'. */
  logLevel?: LogLevelName;
  /** Default step budget of every run. */
  stepsMax?: number;
  /**
   * Run timers (global, node:timers, node:timers/promises, AbortSignal.timeout), Date,
   * performance.now, process.hrtime and Math.random/crypto randomness on the simulation during
   * runs, and watch for real work that escapes it (fake-timers-bridge.ts). Default true.
   */
  fakeTimers?: boolean;
  /** The wall clock's start: Date.now() at virtual time 0 on a host without offset. Default DEFAULT_EPOCH_MS (2024-01-01T00:00:00Z). */
  epochMs?: number;
  /** Virtual CPU time each host event costs (ms), unless the host sets its own. Default DEFAULT_EVENT_CPU_MS (0.01). */
  eventCpuMs?: number;
  /**
   * What a determinism hazard does: 'fail' the run (default), only 'report' it in sim.hazards,
   * or 'off': no watching at all (saves the async hook's ~10-20% on promise-heavy runs).
   */
  hazards?: 'fail' | 'report' | 'off';
  /** Write a trace line per kernel event (slower; to pinpoint a divergence). Default false. */
  traceEvents?: boolean;
}

export const OPTION_NAMES = ['seed', 'trace', 'logSink', 'logLevel', 'stepsMax', 'fakeTimers', 'epochMs', 'traceEvents', 'eventCpuMs', 'hazards'];
/** Bounds of the trace options: a tail or a preview larger than these is a mistake, not a need. */
export const TRACE_TAIL_LINES_MAX = 1_000_000;
export const TRACE_PREVIEW_CHARS_MAX = 1_000_000;
/** The wall clock's default start: 2024-01-01T00:00:00Z. */
export const DEFAULT_EPOCH_MS = Date.UTC(2024, 0, 1);

/** A determinism hazard seen during a run: real work that escaped virtual time. */
export interface RunHazard extends Hazard {
  virtualTimeMs: number;
}

/** Fails a run in which real work completed: the run is not a function of its seed. */
export class DeterminismHazardError extends Error {
  constructor(readonly hazard: RunHazard) {
    super(
      `determinism hazard: ${hazard.api} ${hazard.pending ? 'was still pending when the run ended' : 'completed during the run'} ` +
        `(${hazard.resource}, at virtual time ${hazard.virtualTimeMs}ms); ` +
        'real work escapes virtual time, so the run depends on the machine, not on the seed: use the simulated transport, ' +
        "an injected port or an in-memory fake, or pass hazards: 'report' to only list it",
    );
    this.name = 'DeterminismHazardError';
  }
}

/** Checks every option; throws TypeError/RangeError naming the bad one. */
export function checkSimulationOptions(options: SimulationOptions): void {
  checkOptions('Simulation options', options, OPTION_NAMES);
  if (options === undefined) throw new TypeError('Simulation options: expected an options object, got undefined');
  checkInteger('seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
  if (options.stepsMax !== undefined) checkInteger('stepsMax', options.stepsMax, 1);
  if (options.logSink !== undefined) checkFunction('logSink', options.logSink);
  // Own keys only: `'toString' in LOG_LEVELS` is true.
  if (options.logLevel !== undefined && !(typeof options.logLevel === 'string' && Object.hasOwn(LOG_LEVELS, options.logLevel))) {
    throw new RangeError(`logLevel: expected one of ${Object.keys(LOG_LEVELS).join(', ')}, got ${describe(options.logLevel)}`);
  }
  if (options.epochMs !== undefined) checkFinite('epochMs', options.epochMs);
  if (options.eventCpuMs !== undefined) checkNonNegative('eventCpuMs', options.eventCpuMs);
  if (options.hazards !== undefined) checkOneOf('hazards', options.hazards, ['fail', 'report', 'off']);
  // A string 'false' is truthy: without the check it would turn fake timers on.
  if (options.fakeTimers !== undefined) checkBoolean('fakeTimers', options.fakeTimers);
  if (options.traceEvents !== undefined) checkBoolean('traceEvents', options.traceEvents);
  if (options.trace !== undefined) checkTraceOptions('trace', options.trace);
}

/** Checks a TraceOptions object (Simulation's and runScenario's `trace`). */
export function checkTraceOptions(name: string, trace: unknown): asserts trace is TraceOptions {
  if (trace === undefined) throw new TypeError(expected(name, 'an options object { keepAll?, tailLines?, previewChars? }', trace));
  checkOptions(name, trace, ['keepAll', 'tailLines', 'previewChars']);
  const { keepAll, tailLines, previewChars } = trace as TraceOptions;
  if (keepAll !== undefined) checkBoolean(`${name}.keepAll`, keepAll);
  if (tailLines !== undefined) checkInteger(`${name}.tailLines`, tailLines, 1, TRACE_TAIL_LINES_MAX);
  if (previewChars !== undefined) checkInteger(`${name}.previewChars`, previewChars, 0, TRACE_PREVIEW_CHARS_MAX);
}
