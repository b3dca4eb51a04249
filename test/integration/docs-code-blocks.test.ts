// Proves every TypeScript example in README.md and docs/*.md still works: each ```ts block is
// written to a folder in the repository, type-checked with tsc (imports as a user writes them:
// toto-ts, toto-ts/sim, toto-ts/zmq, toto-ts/http) and, unless marked no-run or fragment, run
// with tsx; it must exit 0 within its deadline. Failures name the markdown file and line.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDocBlocks, blockDiagnostics, extractBlocks, blockFileName, blockSource, blocksTsconfig, type DocBlock, type Diagnostic } from '../support/docs-blocks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const blocksDir = path.join(root, 'test-artifacts', 'docs-blocks');
/** One block's run: a simulation of a few seconds, or real sockets and processes on a loaded machine. */
const BLOCK_DEADLINE_MS = 45_000;
/** Blocks run two at a time: the machine has two cores, shared. */
const PARALLEL_RUNS = 2;
const TSC_DEADLINE_MS = 120_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
  /** A process the block started was still running after it exited (then stopped here). */
  leftBehind: boolean;
  wallMs: number;
}

/** Stops a process group by its leader's pid (the group may be gone already: nothing was left). */
function stopGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: no process of the group is left
  }
}

/**
 * True while a live process of the group remains. A zombie does not count: tsx's esbuild service
 * exits with the block but, re-parented to a slow init, may wait a while to be reaped.
 */
function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/** Runs a command in its own process group, so a deadline can stop whatever it started. */
function run(command: string, args: string[], deadlineMs: number): Promise<Outcome> {
  const startedMs = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: blocksDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup(child.pid);
    }, deadlineMs);
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // What the block started must end with it: a process of its group still there (after a
      // moment for exits under way) is reported, and stopped here.
      const settle = groupAlive(child.pid) ? new Promise((r) => setTimeout(r, 1000)) : Promise.resolve();
      void settle.then(() => {
        const leftBehind = !timedOut && groupAlive(child.pid);
        stopGroup(child.pid);
        resolve({ code, signal, output, timedOut, leftBehind, wallMs: Date.now() - startedMs });
      });
    });
  });
}

/** Starts every block's run, PARALLEL_RUNS at a time; each block's test awaits its own. */
function runAll(blocks: DocBlock[]): Map<DocBlock, Promise<Outcome>> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running >= PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const release = (): void => {
    running--;
    waiting.shift()?.();
  };
  const outcomes = new Map<DocBlock, Promise<Outcome>>();
  for (const block of blocks) {
    outcomes.set(block, slot().then(() => run(process.execPath, ['--import', 'tsx', blockFileName(block)], BLOCK_DEADLINE_MS).finally(release)));
  }
  return outcomes;
}

const blocks = allDocBlocks(root);
const checked = blocks.filter((block) => block.mode !== 'fragment');
const runnable = blocks.filter((block) => block.mode === 'run');
let diagnostics: Diagnostic[] = [];
let tscOutcome: Outcome | undefined;
let runs = new Map<DocBlock, Promise<Outcome>>();

beforeAll(async () => {
  rmSync(blocksDir, { recursive: true, force: true });
  mkdirSync(blocksDir, { recursive: true });
  writeFileSync(path.join(blocksDir, 'tsconfig.json'), blocksTsconfig(path.posix.relative(blocksDir, root) || '.'));
  for (const block of checked) {
    const file = path.join(blocksDir, blockFileName(block));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, blockSource(block));
  }
  // Type-check and run at once: a block that does not type-check fails its own test either way.
  runs = runAll(runnable);
  tscOutcome = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], TSC_DEADLINE_MS);
  diagnostics = blockDiagnostics(tscOutcome.output, checked);
}, TSC_DEADLINE_MS + 10_000);

afterAll(async () => {
  await Promise.allSettled(runs.values());
  rmSync(blocksDir, { recursive: true, force: true });
});

describe('code blocks of README.md and docs/*.md', () => {
  it('finds the blocks, and most of them run', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(runnable.length).toBeGreaterThan(blocks.length / 2);
  });

  it('the extractor reads modes and names, maps lines, and refuses an unknown flag', () => {
    const page = ['# x', '```ts', 'a();', '```', '```ts no-run file=b.ts', 'b();', '```', '```sh', 'ls', '```', '```ts fragment', '...', '```'].join('\n');
    expect(extractBlocks(page, 'docs/x.md').map(({ line, mode, name }) => ({ line, mode, name }))).toEqual([
      { line: 3, mode: 'run', name: undefined },
      { line: 6, mode: 'no-run', name: 'b.ts' },
      { line: 12, mode: 'fragment', name: undefined },
    ]);
    expect(() => extractBlocks('```ts norun\n```\n', 'docs/y.md')).toThrow('docs/y.md:1: unknown code block flag "norun"');
  });

  it('type-check (tsc, the project settings, imports through the package names)', () => {
    expect(tscOutcome?.timedOut, 'tsc did not finish in time').toBe(false);
    const report = diagnostics.map((d) => `${d.where}: ${d.message}`).join('\n');
    expect(report, 'type errors in the docs').toBe('');
  });

  it.each(runnable.map((block) => [`${block.file}:${block.line}`, block] as const))('%s runs and exits 0', async (_where, block) => {
    const { code, signal, timedOut, leftBehind, output, wallMs } = await (runs.get(block) as Promise<Outcome>);
    const tail = output.split('\n').slice(-30).join('\n');
    expect(timedOut, `still running after ${BLOCK_DEADLINE_MS} ms; its output:\n${tail}`).toBe(false);
    expect({ code, signal }, `exited ${code ?? signal} after ${wallMs} ms; its output:\n${tail}`).toEqual({ code: 0, signal: null });
    expect(leftBehind, 'a process it started outlived it').toBe(false);
  }, 600_000);
});
