// Proves the chat example runs for real as the README says: three chat server processes (a TotoService) on 127.0.0.1; a message posted to one reaches long polls waiting on the other two and every server's history exactly once, each origin in order; SIGTERM to the master stops every process (exit 0, none left).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-process.js';
import { alive } from '../support/process-alive.js';

interface Message {
  id: string;
  origin: string;
  seq: number;
  user: string;
  text: string;
}
interface Poll {
  messages: Message[];
  next: number;
}

const started: ChildProcess[] = [];
const pids: number[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

const post = async (server: string, user: string, text: string): Promise<Message> =>
  (await (await fetch(`${server}message`, { method: 'POST', body: JSON.stringify({ user, text }) })).json()) as Message;
const poll = async (server: string, since: number): Promise<Poll> => (await (await fetch(`${server}messages?since=${since}`)).json()) as Poll;

describe('examples/chat (real processes)', { timeout: 60_000 }, () => {
  it('three servers: posts reach the long polls of the others and every history once, in order per origin; SIGTERM stops all', async () => {
    const master = spawn(process.execPath, ['--import', 'tsx', 'examples/chat/server.ts', '--processes=3', '--http-port=0', '--event-port=0', '--poll-timeout=20s'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(master);
    let stderr = '';
    master.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => master.once('exit', (code) => resolve(code)));
    const info = await new Promise<{ processes: { pid: number; http: string }[] }>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`no start within 30 s: ${stdout} ${stderr}`)), 30_000);
      master.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('{"processes"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
    });
    pids.push(...info.processes.map((p) => p.pid));
    const [s0, s1, s2] = info.processes.map((p) => p.http) as [string, string, string];

    // Long polls wait on servers 1 and 2 before anything is posted.
    const waiting = [poll(s1, 0), poll(s2, 0)];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = await post(s0, 'ann', 'hello from 0');
    expect(first).toMatchObject({ id: 'server-0:1', origin: 'server-0', seq: 1 });
    for (const answer of await Promise.all(waiting)) expect(answer.messages.map((m) => m.id)).toEqual(['server-0:1']);

    await post(s2, 'bob', 'hello from 2');
    await post(s2, 'bob', 'again from 2');
    await post(s1, 'cy', 'from 1');
    const deadline = Date.now() + 15_000;
    let histories: Message[][];
    do {
      histories = await Promise.all([s0, s1, s2].map(async (s) => (await poll(s, 0)).messages));
    } while (histories.some((h) => h.length < 4) && Date.now() < deadline);
    for (const history of histories) {
      const ids = history.map((m) => m.id);
      expect([...ids].sort()).toEqual(['server-0:1', 'server-1:1', 'server-2:1', 'server-2:2']);
      expect(ids.indexOf('server-2:1')).toBeLessThan(ids.indexOf('server-2:2'));
    }
    // A bad post is answered with the reason.
    const bad = await fetch(`${s1}message`, { method: 'POST', body: JSON.stringify({ user: '', text: 'x' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'user: expected a name of 1 to 100 characters, got ""' });

    master.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    expect(info.processes.map((p) => p.pid).filter(alive)).toEqual([]);
  });
});
