// Toto's method_module on Node: every module under a directory is a worker method, named by its
// path (methods/a/b.ts is "a.b"), each exporting invoke(worker, parameters), sync or async, or
// `invoke = asynchronous(fn)` for Toto's @asynchronous. The registry itself (and its checks) is
// src/core's WorkerMethods; this file only walks the directory and imports.

import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkNonEmptyString, checkOptions, describe, expected } from '../core/validate.js';
import { isMethodName } from '../core/wire.js';
import { WorkerMethods, type MethodFn } from '../core/worker-methods.js';

export interface WorkerMethodsDirOptions {
  /** File endings that are method modules. Default .js, .mjs, .cjs, .ts, .mts, .cts (.d.ts never). */
  extensions?: readonly string[];
}

export const METHOD_EXTENSIONS_DEFAULT: readonly string[] = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** Deepest directory nesting walked: method names are short; a deeper tree is a mistake (or a loop). */
const DIR_DEPTH_MAX = 32;

/**
 * Imports every method module under `dir` and returns the registry. Files starting with "." or
 * "_", declaration files (.d.ts) and tests (*.test.*, *.spec.*) are skipped; symlinked
 * directories are not followed (no cycles). Every problem names the file: a path that is not a
 * method name, a module without an invoke function, two files for one name, an import failure.
 */
export async function loadWorkerMethodsDir<W = unknown>(dir: string, options?: WorkerMethodsDirOptions): Promise<WorkerMethods<W>> {
  checkNonEmptyString('dir', dir);
  checkOptions('loadWorkerMethodsDir options', options, ['extensions']);
  const extensions = options?.extensions ?? METHOD_EXTENSIONS_DEFAULT;
  if (!Array.isArray(extensions) || extensions.some((e) => typeof e !== 'string' || !/^\.[A-Za-z0-9.]+$/.test(e))) {
    throw new TypeError(expected('extensions', 'an array of file endings like ".js"', extensions));
  }
  let root;
  try {
    root = await stat(dir);
  } catch (error) {
    throw new Error(`dir: cannot read ${JSON.stringify(dir)}: ${(error as Error).message}`, { cause: error });
  }
  if (!root.isDirectory()) throw new TypeError(expected('dir', 'a directory', dir));

  const files: string[] = [];
  await walk(dir, 0, files);
  // Longest ending first, so ".d.ts"-like multi-part endings are matched before ".ts".
  const endings = [...extensions].sort((a, b) => b.length - a.length);
  const byName = new Map<string, string>();
  for (const file of files) {
    const base = file.slice(file.lastIndexOf(sep) + 1);
    if (base.endsWith('.d.ts') || base.endsWith('.d.mts') || base.endsWith('.d.cts')) continue;
    if (/\.(test|spec)\.[^.]+$/.test(base)) continue;
    const ending = endings.find((e) => base.endsWith(e) && base.length > e.length);
    if (ending === undefined) continue;
    const name = relative(dir, file).slice(0, -ending.length).split(sep).join('.');
    if (!isMethodName(name)) {
      throw new TypeError(`${file}: expected a path of [A-Za-z0-9_] names giving a method name like "a.b", got ${JSON.stringify(name)}`);
    }
    const other = byName.get(name);
    if (other !== undefined) throw new RangeError(`method ${name}: given by both ${other} and ${file}`);
    byName.set(name, file);
  }

  const methods = new WorkerMethods<W>();
  for (const [name, file] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${file}: cannot import method ${name}: ${(error as Error)?.message ?? describe(error)}`, { cause: error });
    }
    const invoke = module.invoke;
    if (typeof invoke !== 'function') {
      throw new TypeError(`${file}: expected an exported invoke(worker, parameters) function, got ${describe(invoke)}`);
    }
    methods.add(name, invoke as MethodFn<W>);
  }
  return methods;
}

async function walk(dir: string, depth: number, out: string[]): Promise<void> {
  if (depth > DIR_DEPTH_MAX) throw new RangeError(`${dir}: expected a methods tree at most ${DIR_DEPTH_MAX} directories deep`);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, depth + 1, out);
    else if (entry.isFile()) out.push(path);
    else if (entry.isSymbolicLink()) {
      // A linked file is a method; a linked directory is not followed (it could link back up).
      const target = await stat(path).catch(() => undefined);
      if (target?.isFile()) out.push(path);
    }
  }
}
