// Proves the daemon's pidfiles on disk: written whole and exclusively (a second master pidfile fails naming it), replaced for processes, removed only while they hold the pid written, found beside the service's pidfile with their pid and liveness (a dead pid, garbage and our own pid count as gone), and PidfileSet keeps the numbered files in step with the processes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PidfileSet } from '../../../src/adapters/pidfile-set.js';
import { findPidfiles, isProcessAlive, readPidfile, removePidfileOf, removeStalePidfiles, writePidfile } from '../../../src/adapters/pidfile.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-pidfiles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

describe('pidfiles on disk', () => {
  it('writes exclusively or replaces, reads back, removes only its own', () => {
    const file = path.join(tmp, 'a.pid');
    writePidfile(file, 123);
    expect(readFileSync(file, 'utf8')).toBe('123\n');
    expect(() => writePidfile(file, 456)).toThrow(/EEXIST/);
    writePidfile(file, 456, { replace: true });
    expect(readPidfile(file)).toBe(456);
    expect(removePidfileOf(file, 123)).toBe(false);
    expect(existsSync(file)).toBe(true);
    expect(removePidfileOf(file, 456)).toBe(true);
    expect(readPidfile(file)).toBeUndefined();
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('finds the service\'s pidfiles with their pids; dead, garbage and our own pid are not alive', async () => {
    const dir = path.join(tmp, 'svc');
    mkdirSync(dir);
    const dead = await deadPid();
    writeFileSync(path.join(dir, 'toto.master.pid'), `${process.ppid}\n`);
    writeFileSync(path.join(dir, 'toto.0.pid'), `${dead}\n`);
    writeFileSync(path.join(dir, 'toto.1.pid'), 'garbage');
    writeFileSync(path.join(dir, 'toto.2.pid'), `${process.pid}\n`);
    writeFileSync(path.join(dir, 'other.0.pid'), `${process.ppid}\n`);
    writeFileSync(path.join(dir, 'toto.pid'), `${process.ppid}\n`);
    const found = findPidfiles(path.join(dir, 'toto.pid')).sort((a, b) => a.path.localeCompare(b.path));
    expect(found.map(({ index, pid, alive }) => ({ index, pid, alive }))).toEqual([
      { index: 0, pid: dead, alive: false },
      { index: 1, pid: undefined, alive: false },
      { index: 2, pid: process.pid, alive: false },
      { index: 'master', pid: process.ppid, alive: true },
    ]);
    expect(findPidfiles(path.join(tmp, 'no', 'such', 'toto.pid'))).toEqual([]);
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(dead)).toBe(false);
  });

  it('PidfileSet: the master exclusively, processes kept in step, all removed at the end', () => {
    const dir = path.join(tmp, 'set');
    mkdirSync(dir);
    const set = new PidfileSet(path.join(dir, 'svc.pid'));
    set.writeMaster(10);
    expect(() => new PidfileSet(path.join(dir, 'svc.pid')).writeMaster(11)).toThrow(`${path.join(dir, 'svc.master.pid')}: exists: another start of this service is under way or running (--stop it first)`);
    set.sync([{ serviceId: 0, pid: 20 }, { serviceId: 1, pid: 21 }]);
    expect(readdirSync(dir).sort()).toEqual(['svc.0.pid', 'svc.1.pid', 'svc.master.pid']);
    set.sync([{ serviceId: 1, pid: 31 }]);
    expect(readdirSync(dir).sort()).toEqual(['svc.1.pid', 'svc.master.pid']);
    expect(readPidfile(path.join(dir, 'svc.1.pid'))).toBe(31);
    set.removeAll();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("PidfileSet.syncQuietly: the master's periodic sync survives a pidfile directory that is gone, says so once, and catches up when it is back", () => {
    const dir = path.join(tmp, 'quiet');
    mkdirSync(dir);
    const set = new PidfileSet(path.join(dir, 'svc.pid'));
    const warnings: string[] = [];
    set.syncQuietly([{ serviceId: 0, pid: 20 }], (m) => warnings.push(m));
    rmSync(dir, { recursive: true });
    // A worker restarted while the directory is gone: sync() throws (ENOENT); the tick must not.
    expect(() => set.sync([{ serviceId: 0, pid: 21 }])).toThrow(/ENOENT/);
    set.syncQuietly([{ serviceId: 0, pid: 21 }], (m) => warnings.push(m));
    set.syncQuietly([{ serviceId: 0, pid: 21 }], (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cannot update the pidfiles \(trying again\): .*ENOENT/);
    mkdirSync(dir);
    set.syncQuietly([{ serviceId: 0, pid: 21 }], (m) => warnings.push(m));
    expect(readPidfile(path.join(dir, 'svc.0.pid'))).toBe(21);
    expect(warnings).toHaveLength(1);
  });
});

describe('stale pidfiles removed by a start or a stop', () => {
  it('only while they still hold what they held when found: a pidfile a racing start wrote since is left alone', async () => {
    const dir = path.join(tmp, 'race');
    mkdirSync(dir);
    const pidfile = path.join(dir, 'svc.pid');
    const [deadMaster, deadZero] = [await deadPid(), await deadPid()];
    writeFileSync(path.join(dir, 'svc.master.pid'), `${deadMaster}\n`);
    writeFileSync(path.join(dir, 'svc.0.pid'), `${deadZero}\n`);
    writeFileSync(path.join(dir, 'svc.1.pid'), 'garbage\n');
    const stale = findPidfiles(pidfile).filter((f) => !f.alive);
    expect(stale).toHaveLength(3);
    // Another start found them stale too, removed them and its master wrote its own pidfile.
    writePidfile(path.join(dir, 'svc.master.pid'), process.ppid, { replace: true });
    const removed = removeStalePidfiles(stale);
    expect(removed.map((f) => path.basename(f.path)).sort()).toEqual(['svc.0.pid', 'svc.1.pid']);
    expect(readdirSync(dir)).toEqual(['svc.master.pid']);
    expect(readPidfile(path.join(dir, 'svc.master.pid'))).toBe(process.ppid);
  });
});
