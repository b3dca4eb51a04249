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
