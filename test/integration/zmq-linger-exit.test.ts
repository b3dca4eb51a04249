// Proves closing TransportZmq sockets never keeps a real process alive past what linger asks: with lingerMs 0 it exits at once and with a short lingerMs after about that long, even with messages queued for an absent peer and a socket-events listener attached; with the default (-1) libzmq holds the exit until they are delivered (forever here), as zeromq.js warns.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-process.js';

const script = fileURLToPath(new URL('./zmq-linger-child.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Outcome {
  /** Child's wall clock when every socket was closed. */
  closedAtMs: number;
  /** Parent's wall clock at exit, or undefined if still alive at the deadline. */
  exitedAtMs: number | undefined;
  code: number | null;
  stderr: string;
}

/** Runs the child; resolves at its exit, or `aliveForMs` after it closed its sockets if it is still running then. */
function runChild(linger: string, port: number, aliveForMs: number, startDeadlineMs = 30_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, linger, String(port)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    let closedAtMs: number | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    const startTimer = setTimeout(() => reject(new Error(`child never closed its sockets within ${startDeadlineMs}ms: ${stdout}${stderr}`)), startDeadlineMs);
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /closed (\d+)/.exec(stdout);
      if (match && closedAtMs === undefined) {
        closedAtMs = Number(match[1]);
        clearTimeout(startTimer);
        watchdog = setTimeout(() => resolve({ closedAtMs: closedAtMs!, exitedAtMs: undefined, code: null, stderr }), aliveForMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const exitedAtMs = Date.now();
      clearTimeout(startTimer);
      clearTimeout(watchdog);
      if (closedAtMs === undefined) reject(new Error(`child exited (${code}) before closing: ${stdout}${stderr}`));
      else resolve({ closedAtMs, exitedAtMs, code, stderr });
    });
  });
}

describe('process exit after close, with messages queued for an absent peer', () => {
  it('lingerMs 0: exits at once', async () => {
    const outcome = await runChild('0', await freePort(), 5000);
    expect(outcome.exitedAtMs).toBeDefined();
    expect(outcome.code).toBe(0);
    expect(outcome.exitedAtMs! - outcome.closedAtMs).toBeLessThan(3000);
  });

  it('lingerMs 300: exits once the linger has passed, not before', async () => {
    const outcome = await runChild('300', await freePort(), 5000);
    expect(outcome.exitedAtMs).toBeDefined();
    expect(outcome.code).toBe(0);
    const waitedMs = outcome.exitedAtMs! - outcome.closedAtMs;
    expect(waitedMs).toBeGreaterThanOrEqual(250);
    expect(waitedMs).toBeLessThan(3300);
  });

  it('default linger (-1): libzmq holds the exit while messages are undelivered, and zeromq.js says so', async () => {
    const outcome = await runChild('default', await freePort(), 2000);
    expect(outcome.exitedAtMs).toBeUndefined();
    expect(outcome.stderr).toContain('Waiting for queued ZeroMQ messages to be delivered');
  });
});
