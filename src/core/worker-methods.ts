// The worker's method registry: Toto's methods/a/b/c.py modules, each with invoke(worker,
// parameters), by dotted name. Built from an object map here (pure); src/adapters builds it
// from a directory of modules. A method marked with asynchronous(fn) is Toto's @asynchronous:
// the REP worker acknowledges the call at once with a bare [id] frame, then runs it.

import { isMethodName } from './wire.js';
import { checkFunction, expected } from './validate.js';

/** A method: Toto's invoke(worker, parameters). Its return value (or what its promise resolves to) is the reply. */
export type MethodFn<W = unknown> = (worker: W, parameters: unknown) => unknown;

/** One registered method. */
export interface WorkerMethod<W = unknown> {
  readonly name: string;
  readonly invoke: MethodFn<W>;
  /** Acknowledged at once, then run; its value is not sent (a REP socket answers once). */
  readonly asynchronous: boolean;
}

/** An object map of methods: `{ 'a.b': fn }`, nested `{ a: { b: fn } }`, or both mixed. */
export interface MethodMap<W = unknown> {
  [key: string]: MethodFn<W> | MethodMap<W>;
}

// A registry-wide symbol, not a WeakSet: a method module may import a different copy of this
// file (src vs dist, two package versions) than the loader, and the mark must still be seen.
const ASYNCHRONOUS = Symbol.for('toto-ts.worker.asynchronous');

/**
 * Toto's @asynchronous: marks a method to be acknowledged at once and then run. Returns a new
 * function (the original stays unmarked, so it can also be registered as an ordinary method).
 */
export function asynchronous<W = unknown>(fn: MethodFn<W>): MethodFn<W> {
  checkFunction('asynchronous(fn)', fn);
  const marked: MethodFn<W> = (worker, parameters) => fn(worker, parameters);
  Object.defineProperty(marked, 'name', { value: fn.name || 'asynchronous' });
  Object.defineProperty(marked, ASYNCHRONOUS, { value: true });
  return marked;
}

/** True when `fn` was made by asynchronous(). */
export function isAsynchronous(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[ASYNCHRONOUS] === true;
}

/** Deepest nesting accepted in a method map: a cyclic map would otherwise recurse forever. */
const MAP_DEPTH_MAX = 64;

export class WorkerMethods<W = unknown> {
  private readonly byName = new Map<string, WorkerMethod<W>>();

  /** Builds a registry from an object map; every name is checked and a name given twice throws. */
  static fromMap<W = unknown>(map: MethodMap<W>): WorkerMethods<W> {
    const methods = new WorkerMethods<W>();
    methods.addMap(map);
    return methods;
  }

  /** Adds one method. `name` must be dotted [A-Za-z0-9_] segments ("a.b.c") and not registered yet. */
  add(name: string, invoke: MethodFn<W>): this {
    if (!isMethodName(name)) throw new TypeError(expected('method name', 'a dotted name like "a.b.c"', name));
    checkFunction(`method ${name}`, invoke);
    if (this.byName.has(name)) throw new RangeError(`method name: ${JSON.stringify(name)} is already registered`);
    this.byName.set(name, Object.freeze({ name, invoke, asynchronous: isAsynchronous(invoke) }));
    return this;
  }

  /** Adds every method of an object map (see MethodMap); nested keys join with dots. */
  addMap(map: MethodMap<W>): this {
    if (!isPlainObject(map)) throw new TypeError(expected('methods', 'an object map of methods', map));
    // Collect first, then add: a bad entry deep inside leaves the registry unchanged.
    const found: [string, MethodFn<W>][] = [];
    collect(map, '', 0, found);
    const seen = new Set<string>();
    for (const [name] of found) {
      if (!isMethodName(name)) throw new TypeError(expected('method name', 'a dotted name like "a.b.c"', name));
      if (this.byName.has(name) || seen.has(name)) {
        throw new RangeError(`method name: ${JSON.stringify(name)} is given twice`);
      }
      seen.add(name);
    }
    for (const [name, fn] of found) this.add(name, fn);
    return this;
  }

  get(name: string): WorkerMethod<W> | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get size(): number {
    return this.byName.size;
  }
}

function collect<W>(map: MethodMap<W>, prefix: string, depth: number, out: [string, MethodFn<W>][]): void {
  if (depth > MAP_DEPTH_MAX) {
    throw new RangeError(`methods: expected a map nested at most ${MAP_DEPTH_MAX} deep, got deeper at ${JSON.stringify(prefix)}`);
  }
  for (const key of Object.keys(map)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    const value: unknown = map[key];
    if (typeof value === 'function') out.push([name, value as MethodFn<W>]);
    else if (isPlainObject(value)) collect(value as MethodMap<W>, name, depth + 1, out);
    else throw new TypeError(expected(`method ${name}`, 'a function or a nested map of methods', value));
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  // Module namespace objects have a null prototype too, so `{ a: await import('./a.js') }` is a map.
  return proto === Object.prototype || proto === null;
}
