// The pidfiles a daemon's master keeps: its own (written first, exclusively, so two starts racing
// cannot both run) and one per service process, kept in step with the processes as they exit or
// are restarted; all removed when the service ends, each only if it still holds the pid written.

import { pidPath, type PidIndex } from '../core/toto-service-pidfiles.js';
import { removePidfileOf, writePidfile } from './pidfile.js';

export interface ProcessPid {
  serviceId: number;
  pid: number;
}

export class PidfileSet {
  private readonly written = new Map<PidIndex, { path: string; pid: number }>();
  private lastSyncError: string | undefined;

  /** `pidfile` is the service's --pidfile, absolute. */
  constructor(private readonly pidfile: string) {}

  /** Toto's pid_path(i) for this service. */
  path(index: PidIndex): string {
    return pidPath(this.pidfile, index);
  }

  /** The master's pidfile; throws if it exists (another start is under way or running). */
  writeMaster(pid: number): void {
    const path = this.path('master');
    try {
      writePidfile(path, pid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${path}: exists: another start of this service is under way or running (--stop it first)`, { cause: error });
      throw new Error(`${path}: cannot write the pidfile: ${(error as Error).message}`, { cause: error });
    }
    this.written.set('master', { path, pid });
  }

  /** Makes the numbered pidfiles say exactly `processes`: new and changed pids written, gone ones removed. */
  sync(processes: readonly ProcessPid[]): void {
    const now = new Map(processes.map((p) => [p.serviceId, p.pid]));
    for (const [index, file] of this.written) {
      if (index === 'master' || now.get(index) === file.pid) continue;
      removePidfileOf(file.path, file.pid);
      this.written.delete(index);
    }
    for (const [serviceId, pid] of now) {
      if (this.written.get(serviceId)?.pid === pid) continue;
      const path = this.path(serviceId);
      writePidfile(path, pid, { replace: true });
      this.written.set(serviceId, { path, pid });
    }
  }

  /**
   * sync() for the master's periodic tick: a failure (the pidfile directory removed, a full disk)
   * must not crash the master and take its processes down. It is reported through `warn` once per
   * distinct message, and the next tick tries again.
   */
  syncQuietly(processes: readonly ProcessPid[], warn: (message: string) => void): void {
    try {
      this.sync(processes);
      this.lastSyncError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastSyncError) warn(`cannot update the pidfiles (trying again): ${message}`);
      this.lastSyncError = message;
    }
  }

  /** Removes every pidfile written (the master's last). */
  removeAll(): void {
    for (const [index, file] of this.written) if (index !== 'master') removePidfileOf(file.path, file.pid);
    const master = this.written.get('master');
    if (master) removePidfileOf(master.path, master.pid);
    this.written.clear();
  }
}
