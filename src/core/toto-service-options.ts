// TotoService's options, as Toto's service.py defined them: --processes (-1 = one per CPU),
// --daemon start|stop|restart with the command-line aliases --start, --stop, --restart and
// --nodaemon (an alias overrides --daemon, so a config file can say `daemon = 'start'` and the
// command line --nodaemon), --pidfile and --debug. Beyond Toto: --drain-timeout (how long SIGTERM
// lets in-flight work finish), --start-timeout (how long --start waits for the daemon) and
// --logfile (where a daemon's output goes; Toto's went nowhere).
//
// Unlike Toto, two aliases at once (--start --stop) are an error, not "the first one wins".

import { OptionsError } from './options-error.js';
import type { Options } from './options.js';

export const DAEMON_ACTIONS = ['start', 'stop', 'restart'] as const;
export type DaemonAction = (typeof DAEMON_ACTIONS)[number];

export const PIDFILE_DEFAULT = 'toto.daemon.pid';
export const DRAIN_TIMEOUT_MS_DEFAULT = 10_000;
export const START_TIMEOUT_MS_DEFAULT = 30_000;
/** The most processes one service may run (ProcessGroup's own bound). */
export const PROCESSES_MAX = 1024;

const GROUP = 'Service';

/** Adds TotoService's options to `options` (the service's own may be defined before or after). */
export function defineServiceOptions<T extends object>(options: Options<T>) {
  return options
    .define('processes', { type: 'int', default: 1, min: -1, max: PROCESSES_MAX, group: GROUP, help: 'service processes to run; -1 = one per CPU' })
    .define('daemon', { type: 'string', choices: DAEMON_ACTIONS, metavar: 'start|stop|restart', group: GROUP, help: 'start, stop or restart this service as a daemon (in config files; on the command line use --start, --stop, --restart)' })
    .define('start', { type: 'bool', default: false, group: GROUP, help: 'alias for --daemon=start (overrides the daemon setting)' })
    .define('stop', { type: 'bool', default: false, group: GROUP, help: 'alias for --daemon=stop (overrides the daemon setting)' })
    .define('restart', { type: 'bool', default: false, group: GROUP, help: 'alias for --daemon=restart (overrides the daemon setting)' })
    .define('nodaemon', { type: 'bool', default: false, group: GROUP, help: 'run in the foreground whatever the daemon setting says' })
    .define('pidfile', { type: 'string', default: PIDFILE_DEFAULT, metavar: 'PATH', group: GROUP, help: 'daemon pidfiles: process i writes <name>.<i>.<ext>, the master <name>.master.<ext>' })
    .define('logfile', { type: 'string', metavar: 'PATH', group: GROUP, help: "a daemon's output is appended here (default: the pidfile's name with .log)" })
    .define('drain_timeout', { type: 'duration', default: DRAIN_TIMEOUT_MS_DEFAULT, min: 0, max: 3_600_000, group: GROUP, help: 'on SIGTERM, in-flight work may take this long to finish before the process exits' })
    .define('start_timeout', { type: 'duration', default: START_TIMEOUT_MS_DEFAULT, min: 1, max: 3_600_000, group: GROUP, help: 'how long each process (and --start, the daemon) may take to start' })
    .define('debug', { type: 'bool', default: false, group: GROUP, help: 'print the stack trace of a failure, not just its message' });
}

/** The values defineServiceOptions adds. */
export interface ServiceOptionValues {
  processes: number;
  daemon: string | undefined;
  start: boolean;
  stop: boolean;
  restart: boolean;
  nodaemon: boolean;
  pidfile: string;
  logfile: string | undefined;
  drain_timeout: number;
  start_timeout: number;
  debug: boolean;
}

const ALIASES = ['start', 'stop', 'restart', 'nodaemon'] as const;

/**
 * What the daemon options ask for: an action, or undefined to run in the foreground. An alias
 * overrides `daemon` (Toto's order); two aliases at once are an error naming both.
 */
export function daemonAction(values: Pick<ServiceOptionValues, 'daemon' | 'start' | 'stop' | 'restart' | 'nodaemon'>): DaemonAction | undefined {
  const given = ALIASES.filter((alias) => values[alias] === true);
  if (given.length > 1) {
    throw new OptionsError('BAD_VALUE', `${given.map((a) => `--${a}`).join(' and ')}: give one of --start, --stop, --restart, --nodaemon`, { option: `--${given[1]}` });
  }
  const alias = given[0];
  if (alias === 'nodaemon') return undefined;
  if (alias !== undefined) return alias;
  const daemon = values.daemon;
  if (daemon === undefined || daemon === '') return undefined;
  if (!(DAEMON_ACTIONS as readonly string[]).includes(daemon)) {
    throw new OptionsError('BAD_VALUE', `daemon: expected one of "start", "stop", "restart", got ${JSON.stringify(daemon)}`, { option: 'daemon' });
  }
  return daemon as DaemonAction;
}

/** Toto's process_count(): `processes` when >= 0, else the number of CPUs. */
export function processCount(processes: number, cpuCount: number): number {
  if (!Number.isSafeInteger(processes) || processes < -1 || processes > PROCESSES_MAX) {
    throw new RangeError(`processes: expected an integer in [-1, ${PROCESSES_MAX}] (-1 = one per CPU), got ${String(processes)}`);
  }
  if (processes >= 0) return processes;
  if (!Number.isSafeInteger(cpuCount) || cpuCount < 1) throw new RangeError(`cpuCount: expected an integer >= 1, got ${String(cpuCount)}`);
  return Math.min(cpuCount, PROCESSES_MAX);
}
