// The RPC bench's server processes: each started under tsx with its arguments, ready at its
// first stdout line matching a pattern, stopped by closing its stdin (SIGKILL by pid after 5 s).
// A Fleet remembers every child it started so one finally-block stops them all, whatever failed.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stopChild } from './transport-pairs.js';

const START_TIMEOUT_MS = 20_000;
/** Extra node flags for every server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (node refuses those in NODE_OPTIONS). */
const NODE_ARGS = (process.env.RPC_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');

export class Fleet {
  private readonly children: ChildProcess[] = [];

  /** Starts `script args...`; resolves with its pid and the match of its first stdout line matching `ready`. */
  async start(script: string, args: string[], ready: RegExp): Promise<{ match: RegExpExecArray; pid: number }> {
    const child = spawn(process.execPath, [...NODE_ARGS, '--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.children.push(child);
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, START_TIMEOUT_MS);
    try {
      for await (const line of lines) {
        const match = ready.exec(line);
        if (match) return { match, pid: child.pid as number };
      }
      const why = timedOut ? `did not start within ${START_TIMEOUT_MS}ms` : 'exited before it was ready';
      throw new Error(`bench: ${script} ${args.join(' ')} ${why}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Pids of the children still running (for the report and for checks). */
  get pids(): number[] {
    return this.children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => c.pid as number);
  }

  /** Stops every child started, in parallel. */
  async stopAll(): Promise<void> {
    const children = this.children.splice(0);
    await Promise.all(children.map((child) => stopChild(child)));
  }
}
