// The progress of a sweep on stderr: a cli-progress bar on a terminal, else a plain line at
// every tenth of the sweep (CI logs stay short).

import cliProgress from 'cli-progress';

/** A cli-progress bar on a terminal; otherwise a plain line at every tenth of the sweep. */
export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private nextLine: number;

  constructor(private readonly total: number) {
    this.nextLine = Math.ceil(total / 10);
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'sim {bar} {value}/{total} runs | {failures} failed | {eta_formatted} left', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { failures: 0 });
    }
  }

  tick(failures: number): void {
    this.done++;
    if (this.bar) return this.bar.update(this.done, { failures });
    if (this.done >= this.nextLine || this.done === this.total) {
      process.stderr.write(`progress: ${this.done}/${this.total} runs, ${failures} failed\n`);
      this.nextLine = this.done + Math.ceil(this.total / 10);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
