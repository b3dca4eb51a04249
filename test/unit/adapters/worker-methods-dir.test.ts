// Proves loadWorkerMethodsDir over a real temp directory of .js/.mjs/.ts modules: paths become dotted method names, invoke (sync, async, asynchronous()) is loaded and served through WorkerDispatcher, helpers/declarations/tests/dotfiles are skipped, and every bad tree is refused with a message naming the file.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkerMethodsDir } from '../../../src/adapters/worker-methods-dir.js';
import { jsonSerialization, noCompression } from '../../../src/core/codec.js';
import { encodeInvocation } from '../../../src/core/wire.js';
import { WorkerDispatcher, type WorkerReply } from '../../../src/core/worker-dispatch.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

const coreMethods = fileURLToPath(new URL('../../../src/core/worker-methods.ts', import.meta.url));
const json = { serialization: jsonSerialization, compression: noCompression };
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

let dir: string;

function write(path: string, source: string): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'toto-methods-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadWorkerMethodsDir', () => {
  it('loads every module by path and serves them through the dispatcher', async () => {
    write('return_value.js', 'export function invoke(worker, parameters) { return { parameters }; }\n');
    write('return_pid.mjs', 'export const invoke = (worker) => ({ pid: worker.pid });\n');
    write('a/b.ts', 'export async function invoke(_w: unknown, p: unknown): Promise<unknown> { return { ab: p }; }\n');
    write('a/deep/c.ts', `import { asynchronous } from ${JSON.stringify(coreMethods)};\nexport const invoke = asynchronous((w: { fired: unknown[] }, p: unknown) => { w.fired.push(p); });\n`);
    write('a/fire_raw.js', "const f = (w, p) => { w.fired.push(['raw', p]); };\nObject.defineProperty(f, Symbol.for('toto-ts.worker.asynchronous'), { value: true });\nexport const invoke = f;\n");
    // Skipped: helpers, declarations, tests, dotfiles, other files.
    write('_helpers.js', 'throw new Error("a helper must not be imported");\n');
    write('a/_private/x.js', 'throw new Error("must not be imported");\n');
    write('types.d.ts', 'export declare const x: number;\n');
    write('a/b.test.ts', 'throw new Error("a test must not be imported");\n');
    write('.hidden.js', 'throw new Error("must not be imported");\n');
    write('README.md', '# methods\n');

    const methods = await loadWorkerMethodsDir<{ pid: number; fired: unknown[] }>(dir);
    expect(methods.names()).toEqual(['a.b', 'a.deep.c', 'a.fire_raw', 'return_pid', 'return_value']);
    expect(methods.get('a.deep.c')?.asynchronous).toBe(true);
    expect(methods.get('a.fire_raw')?.asynchronous).toBe(true);
    expect(methods.get('a.b')?.asynchronous).toBe(false);

    const kernel = new SimKernel();
    const worker = { pid: 99, fired: [] as unknown[] };
    const dispatcher = new WorkerDispatcher({ methods, worker, codecs: json, loop: new LoopSim(kernel) });
    const call = async (id: string, method: string, parameters: unknown) =>
      dispatcher.dispatchFrames([text(id), encodeInvocation({ method, parameters }, json)]);
    const body = (o: unknown) => JSON.parse(str((o as WorkerReply).payload));
    expect(body(await call('1', 'return_value', { arg1: 1, arg2: 'hello' }))).toEqual({ parameters: { arg1: 1, arg2: 'hello' } });
    expect(body(await call('2', 'return_pid', {}))).toEqual({ pid: 99 });
    expect(body(await call('3', 'a.b', [1]))).toEqual({ ab: [1] });
    const ack = await call('4', 'a.deep.c', 'x');
    const rawAck = await call('5', 'a.fire_raw', 'y');
    expect([ack.kind, rawAck.kind]).toEqual(['ack', 'ack']);
    expect(ack.frames.map(str)).toEqual(['4']);
    await kernel.run();
    expect(worker.fired).toEqual(['x', ['raw', 'y']]);
  });

  it('follows a symlinked file but not a symlinked directory', async () => {
    write('real/m.js', 'export const invoke = () => 1;\n');
    symlinkSync(join(dir, 'real', 'm.js'), join(dir, 'linked.js'));
    symlinkSync(dir, join(dir, 'loop'));
    const methods = await loadWorkerMethodsDir(dir);
    expect(methods.names()).toEqual(['linked', 'real.m']);
  });

  it('extensions limit which files are modules', async () => {
    write('a.js', 'export const invoke = () => 1;\n');
    write('b.ts', 'export const invoke = () => 2;\n');
    expect((await loadWorkerMethodsDir(dir, { extensions: ['.js'] })).names()).toEqual(['a']);
  });

  it('refuses a module without invoke, naming the file', async () => {
    write('x/y.js', 'export const run = () => 1;\n');
    await expect(loadWorkerMethodsDir(dir)).rejects.toThrow(`${join(dir, 'x', 'y.js')}: expected an exported invoke(worker, parameters) function, got undefined`);
  });

  it('refuses a path that is no method name, naming the file', async () => {
    write('bad-name.js', 'export const invoke = () => 1;\n');
    await expect(loadWorkerMethodsDir(dir)).rejects.toThrow(
      `${join(dir, 'bad-name.js')}: expected a path of [A-Za-z0-9_] names giving a method name like "a.b", got "bad-name"`,
    );
  });

  it('refuses two files for one method', async () => {
    write('a/b.js', 'export const invoke = () => 1;\n');
    write('a/b.ts', 'export const invoke = () => 2;\n');
    await expect(loadWorkerMethodsDir(dir)).rejects.toThrow(`method a.b: given by both ${join(dir, 'a', 'b.js')} and ${join(dir, 'a', 'b.ts')}`);
  });

  it('reports a module that fails to import, naming the file and the method', async () => {
    write('broken.js', 'throw new Error("startup failure");\n');
    await expect(loadWorkerMethodsDir(dir)).rejects.toThrow(`${join(dir, 'broken.js')}: cannot import method broken: startup failure`);
  });

  it('checks its arguments up front', async () => {
    await expect(loadWorkerMethodsDir('')).rejects.toThrow('dir: expected a non-empty string, got ""');
    await expect(loadWorkerMethodsDir(3 as never)).rejects.toThrow('dir: expected a string, got 3');
    await expect(loadWorkerMethodsDir(join(dir, 'missing'))).rejects.toThrow(`dir: cannot read ${JSON.stringify(join(dir, 'missing'))}: ENOENT`);
    write('file.js', 'export const invoke = () => 1;\n');
    await expect(loadWorkerMethodsDir(join(dir, 'file.js'))).rejects.toThrow(`dir: expected a directory, got ${JSON.stringify(join(dir, 'file.js')).slice(0, 20)}`);
    await expect(loadWorkerMethodsDir(dir, { extensions: ['js'] })).rejects.toThrow('extensions: expected an array of file endings like ".js", got array of length 1');
    await expect(loadWorkerMethodsDir(dir, { ext: [] } as never)).rejects.toThrow('loadWorkerMethodsDir options: unknown option "ext" (known: extensions)');
  });
});
