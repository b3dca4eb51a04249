// `toto trace view <trace.jsonl> [--out run.html] [--open]`: writes the trace viewer of a trace
// file (as `toto sim --trace` or `npx tsx <scenario> --trace` write them) and, with --open,
// opens it in the browser ($BROWSER, else the platform's opener).

import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './load-scenarios.js';
import { viewerHtml } from './trace-viewer.js';

export interface TraceViewOptions {
  out?: string;
  open?: boolean;
}

/** Largest trace file read (a trace of millions of events is still well below it). */
const TRACE_BYTES_MAX = 1024 ** 3;

/** `run.jsonl` -> `run.html`; any other name gets `.html` added. */
export function defaultViewerPath(tracePath: string): string {
  const ext = path.extname(tracePath);
  return ext === '.jsonl' || ext === '.json' || ext === '.ndjson' ? `${tracePath.slice(0, -ext.length)}.html` : `${tracePath}.html`;
}

function readTrace(tracePath: string): string[] {
  const usage = (message: string): UsageError => new UsageError(message, 'trace view');
  let stats;
  try {
    stats = statSync(tracePath);
  } catch {
    throw usage(`${tracePath}: no such file (expected a trace written by toto sim --trace out.jsonl)`);
  }
  if (!stats.isFile()) throw usage(`${tracePath}: not a regular file (expected a trace written by toto sim --trace out.jsonl)`);
  if (stats.size > TRACE_BYTES_MAX) throw usage(`${tracePath}: ${stats.size} bytes, more than the ${TRACE_BYTES_MAX} the viewer reads`);
  const lines = readFileSync(tracePath, 'utf8').split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw usage(`${tracePath}: empty (expected JSON lines {"tMs": ..., "kind": ...})`);
  return lines;
}

/** Writes the viewer; resolves to the exit code. Throws UsageError on bad input. */
export async function traceViewCommand(tracePath: string, options: TraceViewOptions): Promise<number> {
  const lines = readTrace(tracePath);
  const out = options.out ?? defaultViewerPath(tracePath);
  if (path.resolve(out) === path.resolve(tracePath)) throw new UsageError(`--out: ${out} is the trace itself; give another file`, 'trace view');
  let html: string;
  try {
    html = viewerHtml(lines, path.basename(tracePath));
  } catch (error) {
    throw new UsageError(`${tracePath}: ${(error as Error).message}`, 'trace view');
  }
  try {
    writeFileSync(out, html);
  } catch (error) {
    throw new UsageError(`--out: cannot write ${out}: ${(error as Error).message}`, 'trace view');
  }
  process.stdout.write(`viewer: ${lines.length} trace lines written to ${out} (${(html.length / 1024).toFixed(0)} KiB)\n`);
  if (options.open) await openInBrowser(out);
  return 0;
}

/** Opens `file` with $BROWSER or the platform's opener; says so (exit code unchanged) when none starts. */
function openInBrowser(file: string): Promise<void> {
  const url = path.resolve(file);
  const [command, args] = process.env.BROWSER
    ? [process.env.BROWSER, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (error) => {
      process.stderr.write(`toto trace view: could not open a browser (${command}: ${error.message}); open ${url} yourself\n`);
      resolve();
    });
    child.once('spawn', () => {
      child.unref();
      process.stdout.write(`opened ${url} with ${command}\n`);
      resolve();
    });
  });
}
