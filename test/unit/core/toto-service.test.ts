// Proves TotoService's pure parts: Toto's pid_path naming (and which file names are a service's pidfiles), pid parsing, what start and stop decide from the pidfiles found and the messages they print, the daemon aliases (one at a time, overriding --daemon), process_count, and the master's lifecycle (no step out of order; a stop during start is acted on once started).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Options } from '../../../src/core/options.js';
import { OptionsError } from '../../../src/core/options-error.js';
import { ServiceLifecycle } from '../../../src/core/toto-service-lifecycle.js';
import { daemonAction, defineServiceOptions, processCount } from '../../../src/core/toto-service-options.js';
import {
  defaultLogPath,
  parsePid,
  pidfileDir,
  pidfileIndex,
  pidPath,
  planStart,
  planStop,
  refusalMessage,
  staleMessage,
  type PidfileState,
} from '../../../src/core/toto-service-pidfiles.js';

describe('pidPath (Toto pid_path)', () => {
  it.each([
    ['toto.daemon.pid', 1, 'toto.daemon.1.pid'],
    ['toto.daemon.pid', 'master', 'toto.daemon.master.pid'],
    ['/var/run/my.app/toto.pid', 0, '/var/run/my.app/toto.0.pid'],
    ['/var/run/my.app/toto', 12, '/var/run/my.app/toto.12'],
    ['.toto', 3, '.toto.3'],
    ['run/.toto.pid', 3, 'run/.toto.3.pid'],
  ] as const)('%s, %s -> %s', (pidfile, index, path) => {
    expect(pidPath(pidfile, index)).toBe(path);
  });

  it('rejects a bad index or pidfile with the reason', () => {
    expect(() => pidPath('a.pid', -1)).toThrow('pidPath: expected an integer >= 0 or \'master\', got -1');
    expect(() => pidPath('a.pid', 1.5)).toThrow('got 1.5');
    expect(() => pidPath('a.pid', 'x' as never)).toThrow('got "x"');
    expect(() => pidPath('', 0)).toThrow('pidfile: expected a file path like "toto.daemon.pid", got ""');
    expect(() => pidPath('/run/', 0)).toThrow('got "/run/"');
  });

  it('pidfileIndex recognises exactly the names pidPath writes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z.]{1,8}$/), fc.oneof(fc.nat(10_000), fc.constant('master' as const)), (name, index) => {
        fc.pre(!name.endsWith('.') && !name.startsWith('..'));
        const file = pidPath(name, index);
        expect(pidfileIndex(name, file)).toBe(index);
      }),
      { seed: 8, numRuns: 300 },
    );
    expect(pidfileIndex('toto.daemon.pid', 'toto.daemon.pid')).toBeUndefined();
    expect(pidfileIndex('toto.daemon.pid', 'toto.daemon.01.pid')).toBeUndefined();
    expect(pidfileIndex('toto.daemon.pid', 'toto.daemon.-1.pid')).toBeUndefined();
    expect(pidfileIndex('toto.daemon.pid', 'toto.daemon.1.pid.tmp')).toBeUndefined();
    expect(pidfileIndex('toto.daemon.pid', 'other.1.pid')).toBeUndefined();
    expect(pidfileDir('/a/b/toto.pid')).toBe('/a/b/');
    expect(defaultLogPath('/a/toto.daemon.pid')).toBe('/a/toto.daemon.log');
    expect(defaultLogPath('toto')).toBe('toto.log');
    expect(defaultLogPath('x.log')).toBe('x.daemon.log');
  });

  it('parsePid reads a pid and nothing else', () => {
    expect(parsePid('1234\n')).toBe(1234);
    expect(parsePid('  7 ')).toBe(7);
    for (const bad of ['', '0', '-5', '12a', '1.5', '99999999999', '0x10', '1 2']) expect(parsePid(bad)).toBeUndefined();
  });
});

const file = (index: number | 'master', pid: number | undefined, alive: boolean): PidfileState => ({ path: `/r/t.${index}.pid`, index, pid, alive });

describe('start and stop plans', () => {
  it('start refuses while any pidfile names a running process, and lists those (master first)', () => {
    const found = [file(1, 11, true), file('master', 10, true), file(0, 9, false)];
    const plan = planStart(found);
    expect(plan).toEqual({ start: false, running: [found[1], found[0]], stale: [found[2]] });
    expect(refusalMessage('Ticker', [found[1]!, found[0]!])).toBe(
      'Not starting Ticker: pidfiles of running processes exist: /r/t.master.pid (pid 10), /r/t.1.pid (pid 11); stop it first (--stop), or --restart',
    );
    expect(refusalMessage('Ticker', [found[1]!])).toBe('Not starting Ticker: pidfile of running processes exists: /r/t.master.pid (pid 10); stop it first (--stop), or --restart');
  });

  it('start goes ahead when every pidfile is stale, removing them with a message', () => {
    const found = [file(0, 9, false), file('master', undefined, false)];
    expect(planStart(found)).toEqual({ start: true, stale: [found[1], found[0]] });
    expect(planStart([])).toEqual({ start: true, stale: [] });
    expect(staleMessage([found[1]!, found[0]!])).toBe('Removed 2 stale pidfiles (their pids are gone): /r/t.master.pid (no pid in it), /r/t.0.pid (pid 9)');
  });

  it('stop signals the live master first, then live numbered processes; the stale ones are only removed', () => {
    const found = [file(1, 11, true), file(0, 9, false), file('master', 10, true)];
    expect(planStop(found)).toEqual({ master: found[2], numbered: [found[0]], stale: [found[1]] });
    expect(planStop([file('master', 10, false)])).toEqual({ master: undefined, numbered: [], stale: [file('master', 10, false)] });
  });
});

describe('service options', () => {
  const values = { daemon: undefined, start: false, stop: false, restart: false, nodaemon: false };

  it('an alias overrides --daemon; --nodaemon runs in the foreground', () => {
    expect(daemonAction(values)).toBeUndefined();
    expect(daemonAction({ ...values, daemon: 'restart' })).toBe('restart');
    expect(daemonAction({ ...values, daemon: 'restart', stop: true })).toBe('stop');
    expect(daemonAction({ ...values, daemon: 'start', nodaemon: true })).toBeUndefined();
    expect(daemonAction({ ...values, daemon: '' })).toBeUndefined();
  });

  it('two aliases at once, or a daemon value outside the three, are errors naming them', () => {
    const error = (() => {
      try {
        daemonAction({ ...values, start: true, stop: true });
      } catch (e) {
        return e as OptionsError;
      }
    })();
    expect(error).toBeInstanceOf(OptionsError);
    expect(error?.message).toBe('--start and --stop: give one of --start, --stop, --restart, --nodaemon');
    expect(error?.exitCode).toBe(2);
    expect(() => daemonAction({ ...values, restart: true, nodaemon: true })).toThrow('--restart and --nodaemon: give one of');
    expect(() => daemonAction({ ...values, daemon: 'bogus' })).toThrow('daemon: expected one of "start", "stop", "restart", got "bogus"');
  });

  it('process_count: processes when >= 0, else the CPUs', () => {
    expect(processCount(3, 8)).toBe(3);
    expect(processCount(0, 8)).toBe(0);
    expect(processCount(-1, 8)).toBe(8);
    expect(() => processCount(-2, 8)).toThrow('processes: expected an integer in [-1, 1024] (-1 = one per CPU), got -2');
    expect(() => processCount(-1, 0)).toThrow('cpuCount: expected an integer >= 1, got 0');
  });

  it('defines Toto\'s options with their defaults, and --help lists them', () => {
    const options = defineServiceOptions(new Options());
    expect(options.values()).toEqual({
      processes: 1,
      daemon: undefined,
      start: false,
      stop: false,
      restart: false,
      nodaemon: false,
      pidfile: 'toto.daemon.pid',
      logfile: undefined,
      drain_timeout: 10_000,
      start_timeout: 30_000,
      debug: false,
    });
    const help = options.helpText();
    for (const name of ['--processes=INT', '--daemon=start|stop|restart', '--start', '--stop', '--restart', '--nodaemon', '--pidfile=PATH', '--debug']) expect(help).toContain(name);
    expect(() => options.parseCommandLine(['--processes=-2'])).toThrow('command line: --processes: expected an int in [-1, 1024], got "-2"');
    expect(() => options.parseCommandLine(['--daemon=go'])).toThrow('command line: --daemon: expected one of "start", "stop", "restart", got "go"');
  });
});

describe('ServiceLifecycle', () => {
  it('runs new -> preparing -> starting -> running -> stopping -> finishing -> finished', () => {
    const life = new ServiceLifecycle();
    for (const phase of ['preparing', 'starting'] as const) life.to(phase);
    expect(life.startedAndStopPending()).toBe(false);
    expect(life.requestStop('SIGTERM')).toBe('stop-now');
    expect(life.requestStop('SIGINT')).toBe('ignored');
    expect(life.stopRequested).toBe('SIGTERM');
    life.to('finishing');
    life.to('finished');
    expect(life.phase).toBe('finished');
  });

  it('a stop requested while starting is acted on once the processes are up', () => {
    const life = new ServiceLifecycle();
    life.to('preparing');
    expect(life.requestStop('SIGTERM')).toBe('after-start');
    life.to('starting');
    expect(life.startedAndStopPending()).toBe(true);
    expect(life.phase).toBe('stopping');
  });

  it('an edge out of order throws naming both phases', () => {
    const life = new ServiceLifecycle();
    expect(() => life.to('running')).toThrow('TotoService: cannot go from new to running (allowed: preparing)');
    life.to('preparing');
    life.to('failed');
    expect(() => life.to('finishing')).toThrow('TotoService: cannot go from failed to finishing (allowed: none, it is over)');
    expect(life.requestStop('SIGTERM')).toBe('ignored');
  });
});
