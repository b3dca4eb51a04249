// The logger a simulated host receives: pino-compatible (`log(msg)`, `log(ctx, msg)`,
// `child(bindings)`), writing one JSON line per call whose `time` is virtual time and which
// names the host, so a run's logs read in simulated order. Silent without a sink.

import type { LogFn, Logger } from '../core/ports.js';
import { silentLogger } from '../core/ports.js';
import { checkFunction, checkOptions, describe, expected } from '../core/validate.js';

export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

export interface SimLoggerOptions {
  /** Receives each line (JSON, no trailing newline). */
  sink: ((line: string) => void) | undefined;
  /** Lowest level written. */
  level: LogLevelName;
  /** Virtual time of the line (ms). */
  now: () => number;
  /** Fields on every line (host, incarnation, child bindings). */
  bindings: Record<string, unknown>;
}

const noop: LogFn = () => {};

export function createSimLogger(options: SimLoggerOptions): Logger {
  checkOptions('createSimLogger options', options, ['sink', 'level', 'now', 'bindings']);
  if (options === undefined) throw new TypeError(expected('createSimLogger options', 'an options object { sink, level, now, bindings }', options));
  const { sink, now, bindings } = options;
  if (sink !== undefined) checkFunction('sink', sink);
  checkFunction('now', now);
  if (typeof options.level !== 'string' || !Object.hasOwn(LOG_LEVELS, options.level)) {
    throw new RangeError(`level: expected one of ${Object.keys(LOG_LEVELS).join(', ')}, got ${describe(options.level)}`);
  }
  checkOptions('bindings', bindings, Object.keys(bindings ?? {}));
  if (bindings === undefined) throw new TypeError(expected('bindings', 'an object of fields every line carries', bindings));
  if (!sink || options.level === 'silent') return silentLogger;
  const threshold = LOG_LEVELS[options.level];
  const method = (level: number): LogFn => {
    if (level < threshold) return noop;
    return ((context: unknown, message?: string) => {
      const line: Record<string, unknown> = { level, time: now(), ...bindings };
      if (typeof context === 'string') line.msg = context;
      else {
        if (context instanceof Error) line.err = serializeError(context);
        else if (context !== null && typeof context === 'object') {
          for (const [key, value] of Object.entries(context)) line[key] = value instanceof Error ? serializeError(value) : value;
        }
        if (message !== undefined) line.msg = message;
      }
      sink(stringify(line));
    }) as LogFn;
  };
  return {
    trace: method(LOG_LEVELS.trace),
    debug: method(LOG_LEVELS.debug),
    info: method(LOG_LEVELS.info),
    warn: method(LOG_LEVELS.warn),
    error: method(LOG_LEVELS.error),
    fatal: method(LOG_LEVELS.fatal),
    child: (more) => createSimLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

function serializeError(error: Error): Record<string, unknown> {
  return { type: error.name, message: error.message, stack: error.stack };
}

function stringify(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch (error) {
    // A circular context must not crash the component that logs it.
    return JSON.stringify({ level: line.level, time: line.time, host: line.host, msg: line.msg, logError: String(error) });
  }
}
