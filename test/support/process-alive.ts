// Process checks for real-process tests, written apart from src/adapters/pidfile.ts so that a test
// of the daemon does not ask the code under test whether its processes are gone.
import { readFileSync } from 'node:fs';

/** Whether `pid` is running: it exists and is not a zombie (exited, waiting to be reaped). Linux /proc. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z');
  } catch {
    return false;
  }
}

/** Waits until `condition` holds, polling; past `timeoutMs` throws naming `what`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const untilMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > untilMs) throw new Error(`not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
