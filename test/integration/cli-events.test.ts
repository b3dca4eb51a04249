// Proves `toto events listen` and `toto events send` round trip between real processes on 127.0.0.1: a listener process prints each event as a JSON line; send broadcasts to two listeners (each gets it once) and --no-broadcast reaches exactly one; zlib on both sides works; sending where nothing listens fails after --timeout saying so; SIGINT ends a listener with exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventsSendCommand } from '../../src/cli/events-command.js';
import { killChildren, repoRoot, runProcess } from '../support/run-process.js';

const listeners: ChildProcess[] = [];
afterEach(() => {
  for (const child of listeners.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(killChildren);

async function listen(...options: string[]) {
  const child = spawn(process.execPath, ['bin/toto.js', 'events', 'listen', 'tcp://127.0.0.1:*', ...options], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  listeners.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 30 s: ${stderr}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /^listening at (tcp:\/\/127\.0\.0\.1:\d+)$/m.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
  });
  const events = () => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { name: string; args: unknown });
  return { child, endpoint, exited, events, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const untilMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > untilMs) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function send(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await eventsSendCommand(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('toto events (real processes)', { timeout: 60_000 }, () => {
  it('send broadcasts to every listener once, --no-broadcast reaches one; listeners print JSON lines; SIGINT ends them', async () => {
    const [a, b] = await Promise.all([listen(), listen()]);
    const both = `${a.endpoint},${b.endpoint}`;
    // Through bin/toto.js once: the exit code and what it says.
    const first = await runProcess(process.execPath, ['bin/toto.js', 'events', 'send', both, 'chat.message', '{"user": "ann", "text": "hi"}']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^sent "chat\.message" to tcp:\/\/127\.0\.0\.1:\d+, tcp:\/\/127\.0\.0\.1:\d+\n$/);
    for (let i = 0; i < 4; i++) expect((await send(both, 'tick', String(i), '--no-broadcast')).code).toBe(0);
    expect((await send(both, 'bare')).code).toBe(0);
    await until(() => a.events().length + b.events().length === 2 + 4 + 2, 'every event arrived');
    for (const l of [a, b]) {
      expect(l.events()[0]).toEqual({ name: 'chat.message', args: { user: 'ann', text: 'hi' } });
      expect(l.events().filter((e) => e.name === 'chat.message')).toHaveLength(1);
      expect(l.events().at(-1)).toEqual({ name: 'bare', args: null });
    }
    // Each single event reaches one listener (each send's round-robin starts at a random server): none lost or doubled.
    const ticks = [...a.events(), ...b.events()].filter((e) => e.name === 'tick').map((e) => e.args);
    expect(ticks.sort()).toEqual([0, 1, 2, 3]);
    a.child.kill('SIGINT');
    b.child.kill('SIGINT');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });

  it('zlib on both sides; nothing listening: send fails after --timeout saying so', async () => {
    const l = await listen('--compression=zlib');
    expect((await send(l.endpoint, 'zipped', '[1, 2, 3]', '--compression=zlib')).code).toBe(0);
    await until(() => l.events().length === 1, 'the zlib event arrived');
    expect(l.events()).toEqual([{ name: 'zipped', args: [1, 2, 3] }]);
    // An uncompressed frame is not an event for a zlib listener: reported, skipped, the listener goes on.
    expect((await send(l.endpoint, 'plain')).code).toBe(0);
    await until(() => l.stderr().includes('skipped a frame that is not an event (1 so far)'), 'the plain frame was reported');
    expect((await send(l.endpoint, 'zipped', '2', '--compression=zlib')).code).toBe(0);
    await until(() => l.events().length === 2, 'the listener went on');
    l.child.kill('SIGTERM');
    expect(await l.exited).toBe(0);

    const nobody = await send('tcp://127.0.0.1:9', 'lost', '--timeout=300ms');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('toto events send: "lost" not taken by tcp://127.0.0.1:9 within 300 ms (is an event server listening there?)\n');
  });
});
