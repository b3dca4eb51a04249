// Proves every message a user of a TotoService's command line sees for bad input, in-process (run() returns the exit code, nothing is started): an unknown option, a bad value, two daemon aliases, an argument that is not an option, an unreadable config file and a malformed config line exit 2 with the reason; a pidfile in a missing directory exits 1 saying so; --help prints the service options and exits 0; constructor values sit under the command line; pidPath and processCount follow the options.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TotoService } from '../../../src/adapters/toto-service.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-service-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

class Quiet extends TotoService {
  mainLoop(): void {
    throw new Error('mainLoop must not run in these tests');
  }
}

function run(argv: string[], init: ConstructorParameters<typeof Quiet>[0] = {}) {
  let stdout = '';
  let stderr = '';
  const service = new Quiet({ argv, program: 'quiet', stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, ...init });
  return service.run().then((code) => ({ code, stdout, stderr, service }));
}

describe('TotoService command line: bad input', () => {
  const badConfig = path.join(tmp, 'bad.conf');
  writeFileSync(badConfig, "processes = 2\npidfile = 'x.pid\n");

  it.each([
    [['--proceses=2'], 'quiet: command line: --proceses: unknown option; did you mean --processes? (--help lists the options)\n'],
    [['--workers=2'], 'quiet: command line: --workers: unknown option (--help lists the options)\n'],
    [['--processes=two'], 'quiet: command line: --processes: expected an int in [-1, 1024], got "two"\n'],
    [['--processes'], 'quiet: command line: --processes: expected a value (an int in [-1, 1024]), got the end of the arguments; write --processes=VALUE\n'],
    [['--daemon=begin'], 'quiet: command line: --daemon: expected one of "start", "stop", "restart", got "begin"\n'],
    [['--start', '--stop'], 'quiet: --start and --stop: give one of --start, --stop, --restart, --nodaemon\n'],
    [['--drain-timeout=soon'], 'quiet: command line: --drain-timeout: expected a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h) in [0s, 1h], got "soon"\n'],
    [['start'], 'quiet: unexpected argument "start" (Quiet takes options only; --help lists them)\n'],
    [['-p', '2'], 'quiet: command line: -p: unknown option (options are long, like --name; -h or --help lists them)\n'],
    [[`--config=${path.join(tmp, 'none.conf')}`], `quiet: ${path.join(tmp, 'none.conf')}: cannot read the config file: no such file\n`],
    [[`--config=${badConfig}`], expect.stringMatching(new RegExp(`^quiet: ${badConfig.replace(/[.]/g, '\\.')}:2: `))],
  ])('%j exits 2 with the reason', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(message);
    expect(r.stdout).toBe('');
  });

  it('a pidfile in a directory that does not exist: --start exits 1 saying so, nothing started', async () => {
    const pidfile = path.join(tmp, 'no', 'such', 'q.pid');
    const r = await run(['--start', `--pidfile=${pidfile}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`quiet: pidfile: ${pidfile}: no directory ${path.dirname(pidfile)} (create it, or give --pidfile a path in an existing one)\n`);
  });

  it('--help prints every service option and exits 0', async () => {
    const r = await run(['--help', '--processes=bad']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: Quiet \[OPTIONS\]\n/);
    expect(r.stdout).toContain('Service options:');
    expect(r.stdout).toMatch(/--processes=INT\s+service processes to run; -1 = one per CPU \(int in \[-1, 1024\], default 1\)/);
    expect(r.stdout).toContain('--config=PATH');
  });
});

describe('TotoService options', () => {
  it('constructor values, then the config file, then the command line; pidPath and processCount follow them', () => {
    const conf = path.join(tmp, 'good.conf');
    writeFileSync(conf, "processes = 3\npidfile = '/run/q/quiet.pid'\n");
    const service = new Quiet({ argv: ['--processes=-1'], values: { processes: 2, debug: true }, configFile: conf });
    expect(service.values.debug).toBe(true);
    expect(service.values.processes).toBe(-1);
    expect(service.processCount()).toBe(os.availableParallelism());
    expect(service.pidPath(0)).toBe('/run/q/quiet.0.pid');
    expect(service.pidPath('master')).toBe('/run/q/quiet.master.pid');
    expect(new Quiet({ argv: [], configFile: conf }).processCount()).toBe(3);
    expect(new Quiet({ argv: [] }).pidPath(1)).toBe(path.resolve('toto.daemon.1.pid'));
  });
});
