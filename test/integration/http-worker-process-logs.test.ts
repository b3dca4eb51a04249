// Proves the HTTP worker process logs pino JSON lines on its stderr at --log-level (a method that throws, with its pid), and names a bad --log-level and exits 1 before serving.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { repoRoot, runProcess } from '../support/run-process.js';

const MAIN = fileURLToPath(new URL('../../src/adapters/http-worker-process-main.ts', import.meta.url));
const METHODS = fileURLToPath(new URL('../fixtures/http-worker-methods', import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (const untilMs = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > untilMs) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('logs a method that throws on stderr, as a JSON line with its pid', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--methods', METHODS, '--log-level', 'info'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await until(() => stdout.includes('\n') || child.exitCode !== null, 'the worker says where it listens');
  const { listening, pid } = JSON.parse(stdout.split('\n')[0]!) as { listening: string; pid: number };
  const response = await fetch(listening, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'throw_exception', parameters: {} }) });
  expect(response.status).toBe(500);
  await until(() => stderr.includes('worker: method failed'), 'the failure logged');
  const line = stderr.split('\n').find((text) => text.includes('worker: method failed'))!;
  expect(JSON.parse(line)).toMatchObject({ level: 50, pid, method: 'throw_exception', err: { message: 'Test Exception' } });
});

it('names a bad --log-level and exits 1', async () => {
  const result = await runProcess(process.execPath, ['--import', 'tsx', MAIN, '--methods', METHODS, '--log-level', 'loud'], 30_000);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('http-worker-process-main: --log-level: expected one of trace, debug, info, warn, error, fatal, silent, got "loud"');
});
