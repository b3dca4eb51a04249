// Proves parseOptionsCli, what a `toto` command calls: unknown options, bad values, a missing value, a malformed config line (path:line) and an unreadable config file each give exit code 2 and print the reason on stderr; --help prints the help and exits 0; good input runs with the values. In-process (parseOptionsCli only returns the code); one real bin/toto.js process shows the code and the line a shell sees.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOptionsCli } from '../../../src/adapters/options-file.js';
import { Options } from '../../../src/core/options.js';
import { killChildren, runProcess } from '../../support/run-process.js';

/** The options of a tiny command on parseOptionsCli. */
function probeOptions() {
  return new Options({ usage: 'toto probe [OPTIONS] <address>' })
    .define('processes', { type: 'int', default: 1, min: -1, help: 'worker processes' })
    .define('worker_timeout', { type: 'duration', default: 10000, help: 'per-call deadline' });
}

/** parseOptionsCli as a command calls it, its output captured. */
function runCommand(args: string[]) {
  const out = { stdout: '', stderr: '' };
  const result = parseOptionsCli(probeOptions(), args, { program: 'toto probe', stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } });
  return { code: result.run ? 0 : result.exitCode, result, ...out };
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toto-options-cli-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  killChildren();
});

describe('parseOptionsCli: what a command prints and exits with', () => {
  it('bad input exits 2 with the reason on stderr, one case per kind', () => {
    const badConf = join(dir, 'bad.conf');
    writeFileSync(badConf, "processes = 2\nworker_timeout = 10 s\n");
    const cases: [string[], string][] = [
      [['--processs=2'], 'toto probe: command line: --processs: unknown option; did you mean --processes? (--help lists the options)\n'],
      [['--processes=two'], 'toto probe: command line: --processes: expected an int >= -1, got "two"\n'],
      [['--worker-timeout'], 'toto probe: command line: --worker-timeout: expected a value (a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h)), got the end of the arguments; write --worker-timeout=VALUE\n'],
      [['--config', badConf], `toto probe: ${badConf}:2: unexpected text after the value of worker_timeout: "s"\n`],
      [['--config', join(dir, 'none.conf')], `toto probe: ${join(dir, 'none.conf')}: cannot read the config file: no such file\n`],
    ];
    for (const [args, message] of cases) {
      const result = runCommand(args);
      expect([args, result.code, result.stderr, result.stdout]).toEqual([args, 2, message, '']);
    }
  });

  it('--help prints the help and exits 0; good input runs with the file and the command line', () => {
    const conf = join(dir, 'w.conf');
    writeFileSync(conf, "processes = 4\nworker_timeout = '250ms'\n");
    const help = runCommand(['--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('Usage: toto probe [OPTIONS] <address>\n');
    expect(help.stdout).toContain('  --processes=INT               worker processes (int >= -1, default 1)\n');
    const run = runCommand(['tcp://127.0.0.1:1', '--config', conf, '--processes=8']);
    expect([run.code, run.stderr, run.stdout]).toEqual([0, '', '']);
    expect(run.result).toEqual({ run: true, values: { processes: 8, worker_timeout: 250, config: conf }, positionals: ['tcp://127.0.0.1:1'] });
  });

  it('a real process (bin/toto.js, a command on parseOptionsCli): the exit code 2 and the one line a shell sees', async () => {
    const r = await runProcess(process.execPath, ['bin/toto.js', 'invoke', 'tcp://127.0.0.1:1', 'a', '--tiemout=1'], 60_000);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'toto invoke: command line: --tiemout: unknown option; did you mean --timeout? (--help lists the options)\n' });
  });
});

describe('parseOptionsCli in-process', () => {
  function capture() {
    const out = { stdout: '', stderr: '' };
    return { out, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } };
  }

  it('returns the exit code instead of exiting, and writes to the given streams', () => {
    const options = new Options().define('n', { type: 'int', default: 0 });
    const bad = capture();
    expect(parseOptionsCli(options, ['--n=x'], { program: 'p', ...bad })).toEqual({ run: false, exitCode: 2 });
    expect(bad.out).toEqual({ stdout: '', stderr: 'p: command line: --n: expected an int, got "x"\n' });
    const help = capture();
    expect(parseOptionsCli(options, ['-h'], { program: 'p', ...help })).toEqual({ run: false, exitCode: 0 });
    expect(help.out.stdout).toBe(options.helpText());
    expect(parseOptionsCli(options, ['--n=3', 'x'], { program: 'p', ...capture() })).toEqual({ run: true, values: { n: 3, config: undefined }, positionals: ['x'] });
  });

  it('an error that is not bad input is not turned into an exit code', () => {
    const options = new Options();
    const broken = { write: () => { throw new Error('stdout closed'); } };
    expect(() => parseOptionsCli(options, ['--help'], { program: 'p', stdout: broken, stderr: broken })).toThrow('stdout closed');
  });
});
