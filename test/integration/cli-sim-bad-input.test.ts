// Proves the real `toto sim` refuses paths that are not a regular file or a directory (/dev/zero, a FIFO) with exit 2 instead of reading forever or blocking, stops a single --seed run at --run-timeout, and exits quietly when its reader goes away (`| head`) instead of printing an EPIPE stack trace.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, repoRoot, runProcess, type ProcessResult } from '../support/run-process.js';

const PING_PONG = 'scenarios/ping-pong.scenario.ts';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'toto-cli-bad-'));
const toto = (...args: string[]): Promise<ProcessResult> => runProcess(process.execPath, ['bin/toto.js', 'sim', ...args, '--viewer-dir', path.join(tmp, 'viewers')]);

afterAll(() => {
  killChildren();
  rmSync(tmp, { recursive: true, force: true });
});

describe('toto sim: paths that are not scenario files', () => {
  it('/dev/zero: refused at once, exit 2', async () => {
    const r = await toto('/dev/zero', '--seed', '1');
    expect([r.code, r.stderr]).toEqual([2, 'toto sim: /dev/zero: a character device, not a scenario file or a directory of them\n']);
  });

  it('a FIFO: refused without opening it (no writer ever comes), exit 2', async () => {
    const fifo = path.join(tmp, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    const r = await toto(fifo, '--seed', '1');
    expect([r.code, r.stderr]).toEqual([2, `toto sim: ${fifo}: a named pipe (FIFO), not a scenario file or a directory of them\n`]);
  });

  it('a FIFO inside a directory is skipped, the scenario files beside it run', async () => {
    const dir = path.join(tmp, 'dir');
    mkdirSync(dir);
    execFileSync('mkfifo', [path.join(dir, 'a-pipe.scenario.ts')]);
    writeFileSync(path.join(dir, 'ok.scenario.ts'), `export { default } from ${JSON.stringify(path.join(repoRoot, PING_PONG))};\n`);
    const r = await toto(dir, '--seeds', '1..2', '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('runs: 2, failures: 0');
  });
});

describe('toto sim --seed N --run-timeout', () => {
  it('stops a single run stuck in a synchronous infinite loop, exit 1 with the replay command', async () => {
    writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
    const file = path.join(tmp, 'spin.ts');
    writeFileSync(file, [
      `import { defineScenario } from ${JSON.stringify(path.join(repoRoot, 'src/sim/index.js'))};`,
      `export default defineScenario({ name: 'spin', hosts: { a: () => ({}) }, durationMs: 100, workload: async (ctx) => {`,
      `  await ctx.sleep(10);`,
      `  for (;;) {}`,
      `} });`,
    ].join('\n'));
    const r = await toto(file, '--seed', '2', '--run-timeout', '2s');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      `  ${file} seed 2: run exceeded --run-timeout=2s of wall time (a synchronous infinite loop never yields to the step budget); its worker thread was terminated\n    replay: npx toto sim ${file} --seed 2\n`,
    );
  });
});

describe('toto ... | head', () => {
  it('exits quietly (141, as SIGPIPE would) when the reader closes the pipe', async () => {
    expect(existsSync(path.join(repoRoot, 'bin/toto.js'))).toBe(true);
    const child = spawn(process.execPath, ['bin/toto.js', 'sim', PING_PONG, '--seeds', '1..400', '--jobs', '1', '--viewer-dir', path.join(tmp, 'v2')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Like `head -1`: read the first line, then close the pipe while the sweep still writes.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exited;
    clearTimeout(deadline);
    expect(code).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|at .*\(.*:\d+:\d+\)/);
  }, 90_000);
});
