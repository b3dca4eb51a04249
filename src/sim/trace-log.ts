// A host's log lines (the pino-style JSON lines a simulated logger writes, `time` in virtual
// ms) as a trace file carries them (`log` lines, merged by time) and as a person reads them on a
// terminal (`--log`): virtual time rounded to 0.01 ms, host and incarnation, level, message,
// then any other fields as JSON.

import { LOG_LEVELS } from './sim-logger.js';

const LEVEL_NAMES = new Map<number, string>(Object.entries(LOG_LEVELS).map(([name, level]) => [level, name]));

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function levelName(level: unknown): unknown {
  return typeof level === 'number' ? (LEVEL_NAMES.get(level) ?? String(level)) : level;
}

/** A pino-style log line `{level, time, host, msg, ...}` as a trace line `{tMs, kind: 'log', host, level, msg, ...}`. */
export function logTraceLine(line: string): string | undefined {
  const value = parse(line);
  if (value === undefined) return undefined;
  const { time, level, host, ...rest } = value;
  if (typeof time !== 'number') return undefined;
  return JSON.stringify({ tMs: time, kind: 'log', ...(typeof host === 'string' ? { host } : {}), level: levelName(level), ...rest });
}

/**
 * A log line as text: `   592.67ms worker-1#2 warn  send failed {"attempt":2}` (the incarnation
 * only after a restart; `sim` for the simulation's own logger). A line that is not a log line
 * comes back as it was.
 */
export function formatLogLine(line: string): string {
  const value = parse(line);
  if (value === undefined || typeof value.time !== 'number') return line;
  const { time, level, host, incarnation, msg, ...rest } = value;
  const who = `${typeof host === 'string' ? host : 'sim'}${typeof incarnation === 'number' && incarnation > 1 ? `#${incarnation}` : ''}`;
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${`${(time as number).toFixed(2)}ms`.padStart(11)} ${who} ${String(levelName(level)).padEnd(5)} ${typeof msg === 'string' ? msg : ''}${fields}`.trimEnd();
}
