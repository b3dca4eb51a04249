// Pidfiles on disk for TotoService's daemon: finding a service's pidfiles beside its --pidfile,
// reading them (bounded), writing them so no reader ever sees half a file, removing one only
// while it still holds the pid we wrote, and asking the kernel whether a pid is alive.

import { closeSync, linkSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parsePid, pidfileIndex, type PidfileState } from '../core/toto-service-pidfiles.js';

/** A pidfile holds a pid and a newline; anything longer is not one of ours. */
const PIDFILE_BYTES_MAX = 64;

/**
 * Whether a process with this pid is running (one we may not signal is too). A zombie is not:
 * it has exited, and only waits for a parent (or an init that does not reap) to collect it.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Linux: the state field of /proc/<pid>/stat is Z; elsewhere (no /proc) we cannot tell, so no. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The pid in the file, or undefined (missing, empty, too long, not a pid). */
export function readPidfile(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = new Uint8Array(PIDFILE_BYTES_MAX + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return length > PIDFILE_BYTES_MAX ? undefined : parsePid(new TextDecoder().decode(buffer.subarray(0, length)));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Every pidfile of the service whose --pidfile is `pidfile` (numbered and master), with its pid
 * and whether that process is alive. Our own pid counts as gone: a stale file naming a pid the
 * kernel has since given to this very process is not a running service.
 */
export function findPidfiles(pidfile: string): PidfileState[] {
  const full = resolve(pidfile);
  const dir = dirname(full);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`pidfile: cannot list ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const found: PidfileState[] = [];
  for (const name of names) {
    const index = pidfileIndex(basename(full), name);
    if (index === undefined) continue;
    const path = join(dir, name);
    const pid = readPidfile(path);
    found.push({ path, index, pid, alive: pid !== undefined && pid !== process.pid && isProcessAlive(pid) });
  }
  return found;
}

/**
 * Writes `pid` to `path` whole: a temporary file, then a hard link (exclusive: fails with EEXIST
 * if `path` exists) or a rename (replace: true). A reader sees no file or the whole pid.
 */
export function writePidfile(path: string, pid: number, options: { replace?: boolean } = {}): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${pid}\n`);
  try {
    if (options.replace) renameSync(temporary, path);
    else linkSync(temporary, path);
  } finally {
    if (!options.replace) removeQuietly(temporary);
  }
}

/** Removes `path` if it still holds `pid` (a newer service's pidfile is left alone); true if it did. */
export function removePidfileOf(path: string, pid: number): boolean {
  if (readPidfile(path) !== pid) return false;
  return removeQuietly(path);
}

/**
 * Removes the stale pidfiles found, each only if it still holds what it held when found: a start
 * racing this one may have written a live master's pidfile there since, and removing that would
 * let two masters run. Returns those removed.
 */
export function removeStalePidfiles(stale: readonly PidfileState[]): PidfileState[] {
  return stale.filter((file) => readPidfile(file.path) === file.pid && removeQuietly(file.path));
}

/** Removes `path`; false if it was not there. */
export function removeQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}
