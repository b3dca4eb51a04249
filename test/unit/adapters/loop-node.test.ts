// Proves LoopNode runs real timers in (deadline, insertion) order with microtasks drained between callbacks, cancels, logs throwing callbacks, lets an idle process exit unless ref'd, and backs IOLoop.instance().
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { IOLoop } from '../../../src/core/io-loop.js';
import type { Logger } from '../../../src/core/ports.js';
import { installNodeDefaultLoop, LoopNode } from '../../../src/adapters/loop-node.js';
import { recordingLogger } from '../../support/recording-logger.js';

/** Resolves when `done` resolves; fails (instead of hanging) after `deadlineMs`. */
function within<T>(done: Promise<T>, deadlineMs = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`condition not met within ${deadlineMs}ms`)), deadlineMs);
  });
  return Promise.race([done, expired]).finally(() => clearTimeout(timer));
}

const loops: LoopNode[] = [];
const children: ChildProcess[] = [];

function newLoop(logger?: Logger): LoopNode {
  const loop = new LoopNode({ logger });
  loops.push(loop);
  return loop;
}

afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  IOLoop.clearInstance();
  IOLoop.clearCurrent();
  IOLoop.setDefaultFactory(undefined);
});

describe('LoopNode', () => {
  it('runs callbacks in (deadline, insertion) order, never before their deadline', async () => {
    const loop = newLoop();
    const seen: string[] = [];
    const early: string[] = [];
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => (finish = resolve));
    const record = (tag: string, deadlineMs: number) => () => {
      seen.push(tag);
      if (loop.now() < deadlineMs) early.push(tag);
    };
    loop.addCallback(record('now', 0));
    // Taken after addCallback, so the expected order holds however slowly this test is scheduled.
    const base = loop.now();
    loop.callLater(30, () => {
      record('late', base + 30)();
      finish();
    });
    for (const tag of ['tie-1', 'tie-2', 'tie-3']) loop.callAt(base + 15, record(tag, base + 15));
    loop.callAt(base + 5, record('soon', base + 5));
    await within(done);
    expect(seen).toEqual(['now', 'soon', 'tie-1', 'tie-2', 'tie-3', 'late']);
    expect(early).toEqual([]);
  });

  it('drains every microtask of a callback before the next callback runs', async () => {
    const loop = newLoop();
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      loop.addCallback(() => {
        void (async () => {
          for (let i = 0; i < 50; i++) await Promise.resolve();
          seen.push('chain done');
        })();
      });
      loop.addCallback(() => {
        seen.push('second');
        resolve();
      });
    });
    await within(done);
    expect(seen).toEqual(['chain done', 'second']);
  });

  it('cancel prevents a callback and is safe after it ran or twice', async () => {
    const loop = newLoop();
    const seen: string[] = [];
    const cancelled = loop.callLater(5, () => seen.push('cancelled'));
    const earliest = loop.callLater(1, () => seen.push('earliest cancelled'));
    const ran = loop.addCallback(() => seen.push('ran'));
    loop.cancel(cancelled);
    loop.cancel(cancelled);
    loop.cancel(earliest);
    await within(new Promise<void>((resolve) => loop.callLater(20, resolve)));
    loop.cancel(ran);
    expect(seen).toEqual(['ran']);
    expect(loop.pending).toBe(0);
  });

  it('logs a throwing callback through the injected logger and goes on', async () => {
    const { logger, lines } = recordingLogger();
    const loop = newLoop(logger);
    loop.addCallback(function broken() {
      throw new Error('real boom');
    });
    await within(new Promise<void>((resolve) => loop.addCallback(resolve)));
    expect(lines.map((l) => [l.level, l.message, l.context.err.message, l.context.callback])).toEqual([
      ['error', 'LoopNode: callback threw', 'real boom', 'broken'],
    ]);
  });

  it('now() is epoch milliseconds on a monotonic clock', () => {
    const loop = newLoop();
    const a = loop.now();
    const b = loop.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });

  it('close() drops pending callbacks and refuses new ones', async () => {
    const loop = newLoop();
    const seen: string[] = [];
    loop.addCallback(() => seen.push('due'));
    loop.callLater(5, () => seen.push('timer'));
    loop.ref();
    loop.close();
    expect(loop.isClosed).toBe(true);
    expect(loop.pending).toBe(0);
    expect(() => loop.callLater(1, () => {})).toThrow(new Error('LoopNode is closed: cannot schedule a callback'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
  });

  it.each([
    ['negative delay', (l: LoopNode) => l.callLater(-1, () => {}), new RangeError('delayMs: expected a finite number >= 0, got -1')],
    ['NaN deadline', (l: LoopNode) => l.callAt(Number.NaN, () => {}), new RangeError('whenMs: expected a number, got NaN')],
    ['non-function callback', (l: LoopNode) => l.addCallback(null as never), new TypeError('callback: expected a function, got null')],
    ['unknown option', () => new LoopNode({ log: 1 } as never), new RangeError('LoopNode options: unknown option "log" (known: logger)')],
  ])('rejects bad input: %s', (_name, act, error) => {
    const loop = newLoop();
    expect(() => act(loop)).toThrow(error);
  });
});

describe('LoopNode keeps the process alive only when asked', () => {
  const moduleUrl = new URL('../../../src/adapters/loop-node.ts', import.meta.url).href;

  function runChild(script: string, deadlineMs = 10_000): Promise<{ code: number | null; stdout: string; elapsedMs: number }> {
    const startMs = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { LoopNode } from ${JSON.stringify(moduleUrl)};\n${script}`], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; stdout: string; elapsedMs: number }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stdout, elapsedMs: Date.now() - startMs })),
    );
    return within(exited, deadlineMs);
  }

  it('an unref\'d timer far in the future does not hold the process; due callbacks still run', async () => {
    const result = await runChild(`const loop = new LoopNode(); loop.callLater(600000, () => console.log('never')); loop.addCallback(() => console.log('due ran'));`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('due ran\n');
    // Far below the 10-minute timer; generous for a loaded machine starting tsx.
    expect(result.elapsedMs).toBeLessThan(8000);
  });

  it('ref() holds the process until the matching unref()', async () => {
    const result = await runChild(
      `const loop = new LoopNode(); loop.ref(); loop.ref(); loop.unref();
       loop.callLater(300, () => { console.log('fired'); loop.unref(); });
       loop.callLater(600000, () => console.log('never'));`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('fired\n');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
  });
});

describe('LoopNode under IOLoop', () => {
  it('installNodeDefaultLoop makes IOLoop.instance() a loop over LoopNode that runSync uses and close() frees', async () => {
    installNodeDefaultLoop();
    const loop = IOLoop.instance();
    expect(loop.port).toBeInstanceOf(LoopNode);
    const value = await within(
      loop.runSync(async () => {
        await new Promise<void>((resolve) => loop.callLater(5, resolve));
        return 'done';
      }),
    );
    expect(value).toBe('done');
    const error = await within(loop.runSync(() => new Promise(() => {}), { timeoutMs: 10 }).catch((e: unknown) => e));
    expect((error as Error).message).toBe('IOLoop.runSync: operation timed out after timeoutMs=10ms (TIMEOUT -1)');
    loop.close();
    expect((loop.port as LoopNode).isClosed).toBe(true);
    expect(IOLoop.initialized()).toBe(false);
  });

  it('a callback that busy-waits ~30ms past a 10ms threshold is logged by name', async () => {
    const { logger, lines } = recordingLogger();
    const port = newLoop();
    const loop = new IOLoop({ port, logger, keepAlive: port });
    loop.setBlockingLogThreshold(10);
    await within(
      loop.runSync(function hog() {
        const until = performance.now() + 30;
        while (performance.now() < until) {
          // Busy on purpose: this is the blocking being measured.
        }
      }),
    );
    loop.addCallback(function quick() {});
    await within(new Promise<void>((resolve) => port.callLater(5, resolve)));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('warn');
    expect(lines[0]?.context.callback).toBe('hog');
    expect(lines[0]?.context.elapsedMs).toBeGreaterThanOrEqual(29);
    expect(lines[0]?.message).toMatch(/^IOLoop blocked for \d+\.\dms by callback hog \(threshold 10ms\)$/);
  });
});
