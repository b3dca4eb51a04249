// Pidfile names and what to do with the pidfiles found, for TotoService's daemon (pure: the
// adapter lists the directory, reads the files and asks the kernel which pids are alive).
//
// Toto's pid_path(i) inserts `.i` before the last extension of the pidfile's name:
// toto.daemon.pid -> toto.daemon.1.pid; a name without a dot gets `.i` appended. Process i of the
// service writes pidPath(i); the master (the process that starts the others and runs prepare
// and finish) writes pidPath('master'): toto.daemon.master.pid.
//
// Beyond Toto: a pidfile whose process is gone (or whose content is not a pid) is stale: start
// removes it and starts, saying so, where Toto refused until someone deleted it by hand.

export type PidIndex = number | 'master';

/** One pidfile found beside the service's pidfile, with what the kernel says of its pid. */
export interface PidfileState {
  path: string;
  index: PidIndex;
  /** The pid it holds; undefined when the file does not hold one (empty, garbage, unreadable). */
  pid: number | undefined;
  /** Whether a process with that pid is running. */
  alive: boolean;
}

/** The largest pid any kernel hands out (Linux's PID_MAX_LIMIT is 2^22; others are below 2^31). */
const PID_MAX = 2 ** 31 - 1;

function split(pidfile: string): { dir: string; stem: string; ext: string | undefined } {
  if (typeof pidfile !== 'string' || pidfile === '' || pidfile.endsWith('/')) {
    throw new TypeError(`pidfile: expected a file path like "toto.daemon.pid", got ${JSON.stringify(pidfile)}`);
  }
  const slash = pidfile.lastIndexOf('/');
  const dir = pidfile.slice(0, slash + 1);
  const name = pidfile.slice(slash + 1);
  // A leading dot starts a hidden name, not an extension (".toto" -> ".toto.1").
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { dir, stem: name, ext: undefined };
  return { dir, stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

/** Toto's pid_path(i): `.i` before the last extension (`toto.daemon.pid` -> `toto.daemon.1.pid`); 'master' for the master's. */
export function pidPath(pidfile: string, index: PidIndex): string {
  if (index !== 'master' && (!Number.isSafeInteger(index) || index < 0)) {
    throw new RangeError(`pidPath: expected an integer >= 0 or 'master', got ${typeof index === 'number' ? String(index) : JSON.stringify(index)}`);
  }
  const { dir, stem, ext } = split(pidfile);
  return `${dir}${stem}.${index}${ext === undefined ? '' : `.${ext}`}`;
}

/** The directory the pidfiles live in ('' for the current one) and the file name of each. */
export function pidfileDir(pidfile: string): string {
  return split(pidfile).dir;
}

/** Which pidfile of this service `fileName` (a name in pidfileDir) is: its index, 'master', or undefined. */
export function pidfileIndex(pidfile: string, fileName: string): PidIndex | undefined {
  const { stem, ext } = split(pidfile);
  const tail = ext === undefined ? '' : `.${ext}`;
  if (!fileName.startsWith(`${stem}.`) || !fileName.endsWith(tail)) return undefined;
  const middle = fileName.slice(stem.length + 1, fileName.length - tail.length);
  if (middle === 'master') return 'master';
  // Only the names pidPath writes: no leading zeros, no sign.
  if (!/^(0|[1-9]\d{0,9})$/.test(middle)) return undefined;
  const index = Number(middle);
  return Number.isSafeInteger(index) ? index : undefined;
}

/** The pid a pidfile holds (decimal, surrounding whitespace allowed), or undefined. */
export function parsePid(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[1-9]\d{0,9}$/.test(trimmed)) return undefined;
  const pid = Number(trimmed);
  return pid <= PID_MAX ? pid : undefined;
}

/** Master first, then by index: the order messages list pidfiles in. */
export function sortPidfiles(found: readonly PidfileState[]): PidfileState[] {
  const rank = (index: PidIndex) => (index === 'master' ? -1 : index);
  return [...found].sort((a, b) => rank(a.index) - rank(b.index));
}

export type StartPlan =
  /** Nothing is running: remove the stale pidfiles (saying so) and start. */
  | { start: true; stale: PidfileState[] }
  /** Processes of this service are running: refuse, naming their pidfiles. */
  | { start: false; running: PidfileState[]; stale: PidfileState[] };

export function planStart(found: readonly PidfileState[]): StartPlan {
  const sorted = sortPidfiles(found);
  const running = sorted.filter((p) => p.alive);
  const stale = sorted.filter((p) => !p.alive);
  return running.length === 0 ? { start: true, stale } : { start: false, running, stale };
}

export interface StopPlan {
  /** The master, alive: SIGTERM first; it stops its processes (their drain), runs finish and removes every pidfile. */
  master: PidfileState | undefined;
  /** Numbered pidfiles whose process is alive: SIGTERM those still running once the master is gone. */
  numbered: PidfileState[];
  /** Pidfiles of processes that are gone: just removed. */
  stale: PidfileState[];
}

/**
 * Stop signals the master first, so a restart policy in it cannot bring back a process that was
 * just stopped; Toto signalled the numbered processes (its master then ran finish and left).
 */
export function planStop(found: readonly PidfileState[]): StopPlan {
  const sorted = sortPidfiles(found);
  return {
    master: sorted.find((p) => p.index === 'master' && p.alive),
    numbered: sorted.filter((p) => p.index !== 'master' && p.alive),
    stale: sorted.filter((p) => !p.alive),
  };
}

/** `a (pid 12), b (pid 13)`: pidfiles as messages name them. */
export function describePidfiles(pidfiles: readonly PidfileState[]): string {
  return pidfiles.map((p) => (p.pid === undefined ? `${p.path} (no pid in it)` : `${p.path} (pid ${p.pid})`)).join(', ');
}

/** Start's refusal, as Toto printed it, with the pids and what to do. */
export function refusalMessage(serviceName: string, running: readonly PidfileState[]): string {
  const s = running.length > 1 ? 's' : '';
  return `Not starting ${serviceName}: pidfile${s} of running processes exist${running.length > 1 ? '' : 's'}: ${describePidfiles(running)}; stop it first (--stop), or --restart`;
}

/** What start says of the stale pidfiles it removed. */
export function staleMessage(stale: readonly PidfileState[]): string {
  const s = stale.length > 1 ? 's' : '';
  return `Removed ${stale.length} stale pidfile${s} (their pids are gone): ${describePidfiles(stale)}`;
}

/** A daemon's log file when --logfile is not given: the pidfile's name with .log (toto.daemon.pid -> toto.daemon.log). */
export function defaultLogPath(pidfile: string): string {
  const { dir, stem, ext } = split(pidfile);
  return ext === 'log' ? `${dir}${stem}.daemon.log` : `${dir}${stem}.log`;
}
