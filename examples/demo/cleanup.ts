// What the demo opened, closed in reverse order at the end or on Ctrl-C. Each close has a
// deadline, so a stuck socket cannot hold the demo; the ProcessGroups behind the worker service
// and the event servers SIGKILL their children when this process exits in any case.

/** How long one close may take before the demo goes on without it. */
const CLOSE_DEADLINE_MS = 8_000;

interface Closer {
  what: string;
  close: () => Promise<unknown> | unknown;
}

export class Cleanup {
  private readonly closers: Closer[] = [];

  /** Registers `close`; returns a function that runs it now (once) and unregisters it. */
  add(what: string, close: () => Promise<unknown> | unknown): () => Promise<void> {
    const closer: Closer = { what, close };
    this.closers.push(closer);
    return () => this.run(closer);
  }

  /** Closes everything still open, last opened first. Failures are reported, not thrown. */
  async closeAll(): Promise<void> {
    for (const closer of [...this.closers].reverse()) await this.run(closer);
  }

  private async run(closer: Closer): Promise<void> {
    const index = this.closers.indexOf(closer);
    if (index < 0) return;
    this.closers.splice(index, 1);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_DEADLINE_MS)));
    try {
      const outcome = await Promise.race([Promise.resolve().then(closer.close), deadline]);
      if (outcome === 'late') process.stderr.write(`demo: closing ${closer.what} took over ${CLOSE_DEADLINE_MS} ms; going on\n`);
    } catch (error) {
      process.stderr.write(`demo: closing ${closer.what} failed: ${(error as Error).message}\n`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * On Ctrl-C (SIGINT) or SIGTERM: close everything, then exit 130 (143). A second signal while
 * closing is ignored (a terminal's Ctrl-C reaches tsx and this process both).
 */
export function closeOnSignals(cleanup: Cleanup): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    // The progress bar hides the cursor; give it back and start a fresh line.
    if (process.stderr.isTTY) process.stderr.write('\u001b[?25h\n');
    process.stdout.write(`\n${signal}: closing the router, the worker processes and the event servers\n`);
    void cleanup.closeAll().finally(() => {
      process.stdout.write('closed; no process left behind\n');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
