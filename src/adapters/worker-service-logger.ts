// The logger of a worker process (and of the HTTP worker process): pino JSON lines on stderr,
// which a ProcessGroup shows in the parent's stderr (output 'inherit') and keeps the tail of for
// a child that fails to start. Writes are synchronous, so the lines just before an exit (a
// failed startup hook, a shutdown) are not lost to an asynchronous buffer.

import { pino } from 'pino';
import type { Logger } from '../core/ports.js';
import { expected } from '../core/validate.js';

export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

/** Worker processes write warnings and errors (a method that throws, a malformed request) unless told otherwise. */
export const WORKER_LOG_LEVEL_DEFAULT: LogLevelName = 'warn';

/** The level name, checked: "<name>: expected one of trace, ..., got X". */
export function checkLogLevel(name: string, value: unknown): LogLevelName {
  if (typeof value !== 'string' || !(LOG_LEVEL_NAMES as readonly string[]).includes(value)) {
    throw new RangeError(expected(name, `one of ${LOG_LEVEL_NAMES.join(', ')}`, value));
  }
  return value as LogLevelName;
}

/** A pino logger writing to this process's stderr at `level`, every line carrying `bindings` (pid, worker name). */
export function createStderrLogger(level: LogLevelName, bindings: Record<string, unknown>): Logger {
  return pino({ level, base: bindings }, pino.destination({ fd: 2, sync: true }));
}
