// A pino-compatible logger for tests that keeps every line, so a test can assert what a user would see logged.
import type { Logger } from '../../src/core/ports.js';

export interface LogLine {
  level: string;
  context?: any;
  message?: string;
}

export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make =
    (level: string) =>
    (a: string | object, b?: string): void => {
      lines.push(typeof a === 'string' ? { level, message: a } : { level, context: a, message: b });
    };
  const logger: Logger = {
    trace: make('trace'),
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    fatal: make('fatal'),
    child: () => logger,
  };
  return { logger, lines };
}

/** A line whose context is always an object (a message-only call records `{}`), for tests that read context fields. */
export interface ContextLogLine {
  level: string;
  context: Record<string, unknown>;
  message: string | undefined;
}

/** A logger that appends every line it is given to `into`. */
export function loggerInto(into: ContextLogLine[]): Logger {
  const at =
    (level: string) =>
    (context: object | string, message?: string): void => {
      if (typeof context === 'string') into.push({ level, context: {}, message: context });
      else into.push({ level, context: context as Record<string, unknown>, message });
    };
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => logger };
  return logger;
}
