// InstancePool: Toto's pool of interchangeable objects (connections, clients). Calling a method
// of the instances on the pool takes a free instance (waiting FIFO if none is free), calls it and
// puts the instance back; transactions hold one instance for several calls.

import { AwaitableInstance, type Awaitable } from './awaitable-instance.js';
import type { Logger, LoopPort } from './ports.js';
import { TaskQueue, checkLoop } from './task-queue.js';
import { checkFunction, checkOptions, checkString, expected } from './validate.js';

type AnyFunction = (...args: any[]) => any;

export interface InstancePoolOptions {
  /** The TaskQueue (TaskQueue.instance on `loop`) asyncTransaction, awaitTransaction and await use. Default "pool". */
  defaultQueue?: string;
  /** The loop whose queue registry is used. Required. */
  loop: LoopPort;
  /**
   * Given to the queues this pool creates, so asyncTransaction failures are logged (a queue that
   * already exists keeps its own logger). Default silent.
   */
  logger?: Logger;
}

/** One instance held until released; `using lease = await pool.instance()` releases at scope end. */
export interface Lease<T> {
  readonly value: T;
  /** Puts the instance back. Safe to call twice: the second call does nothing. */
  release(): void;
  [Symbol.dispose](): void;
}

/**
 * The pool as `create` returns it: the pool's own methods, plus every method of T returning a
 * promise. Where a name is both, the pool's wins (see InstancePool.create).
 */
export type Pooled<T extends object> = InstancePool<T> & Omit<Awaitable<T>, keyof InstancePool<T>>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

export class InstancePool<T extends object> {
  readonly #instances: readonly T[];
  readonly #free: T[];
  readonly #defaultQueue: string;
  readonly #loop: LoopPort;
  readonly #logger: Logger | undefined;
  /** Callers waiting for an instance, oldest at #waitersHead. */
  #waiters: Array<(instance: T) => void> = [];
  #waitersHead = 0;
  #proxy: Pooled<T> | undefined;

  private constructor(instances: readonly T[], defaultQueue: string, loop: LoopPort, logger: Logger | undefined) {
    this.#instances = instances;
    this.#free = [...instances];
    this.#defaultQueue = defaultQueue;
    this.#loop = loop;
    this.#logger = logger;
  }

  /**
   * A pool over one instance or an array of them (an array is always a collection). The result
   * forwards any method of the instances: `pool.m(...args)` takes an instance, calls `m`, puts it
   * back once the result settles, and returns a promise of the result.
   *
   * Naming rule: the pool's own names win. `instance`, `transaction`, `asyncTransaction`,
   * `awaitTransaction`, `await`, and Object.prototype's names (constructor, toString, ...) are the
   * pool's; `then` and symbols are never forwarded (the pool is not a promise); a name that is not a
   * method of the first instance reads as undefined. Reach a shadowed method through
   * `pool.transaction((i) => i.await())`.
   */
  static create<T extends object>(instances: T | readonly T[], options: InstancePoolOptions): Pooled<T> {
    const list: readonly T[] = Array.isArray(instances) ? [...(instances as readonly T[])] : [instances as T];
    if (list.length === 0) throw new RangeError(expected('instances', 'at least one instance', instances));
    for (const instance of list) {
      if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) {
        throw new TypeError(expected('instances', 'an object or an array of objects', instance));
      }
    }
    checkOptions('InstancePool options', options, ['defaultQueue', 'loop', 'logger']);
    const { defaultQueue = 'pool', loop, logger } = options ?? ({} as InstancePoolOptions);
    checkString('defaultQueue', defaultQueue);
    checkLoop('loop', loop);
    const pool = new InstancePool<T>(list, defaultQueue, loop, logger);
    pool.#proxy = new Proxy(pool, forwarding(list[0] as T)) as Pooled<T>;
    targets.set(pool.#proxy, pool);
    return pool.#proxy;
  }

  /** Holds one free instance (waiting FIFO if none is) until the lease is released. */
  instance(): Promise<Lease<T>>;
  /** Callback form: `fn(instance)`, the instance is put back once its result settles. */
  instance<R>(fn: (instance: T) => R): Promise<Awaited<R>>;
  instance<R>(fn?: (instance: T) => R): Promise<Lease<T> | Awaited<R>> {
    if (fn !== undefined) return this.transaction(fn);
    return this.#acquire().then((value) => this.#lease(value));
  }

  /** Toto's transaction: `fn(instance)` with one instance; it goes back once the result settles. */
  transaction<R>(fn: (instance: T) => R): Promise<Awaited<R>> {
    checkFunction('fn', fn);
    const instance = this.#free.shift();
    if (instance !== undefined) return this.#runWith(instance, fn);
    return new Promise<T>((resolve) => this.#waiters.push(resolve)).then((value) => this.#runWith(value, fn));
  }

  /** transaction run in a TaskQueue (default: the pool's), fire-and-forget; a failure is logged by the queue. */
  asyncTransaction(fn: (instance: T) => unknown, queueName?: string): void {
    checkFunction('fn', fn);
    this.#queue(queueName).addTask((work: (instance: T) => unknown) => this.transaction(work), fn);
  }

  /** transaction run in a TaskQueue (default: the pool's); the promise settles with fn's result. */
  awaitTransaction<R>(fn: (instance: T) => R, queueName?: string): Promise<Awaited<R>> {
    checkFunction('fn', fn);
    return this.#queue(queueName).yieldTask((work: (instance: T) => R) => this.transaction(work), fn) as Promise<Awaited<R>>;
  }

  /** An AwaitableInstance over the pool: each method call runs in the TaskQueue (default: the pool's). */
  await(queueName?: string): Awaitable<Pooled<T>> {
    return AwaitableInstance.create(this.#proxy as Pooled<T>, { queueName: this.#queueName(queueName), loop: this.#loop });
  }

  #queueName(queueName: string | undefined): string {
    if (queueName === undefined) return this.#defaultQueue;
    checkString('queueName', queueName);
    return queueName;
  }

  #queue(queueName: string | undefined): TaskQueue {
    const name = this.#queueName(queueName);
    return TaskQueue.instance(name, this.#logger === undefined ? { loop: this.#loop } : { loop: this.#loop, logger: this.#logger });
  }

  #acquire(): Promise<T> {
    const instance = this.#free.shift();
    if (instance !== undefined) return Promise.resolve(instance);
    return new Promise<T>((resolve) => this.#waiters.push(resolve));
  }

  /** Hands the instance to the oldest waiter, or back to the free list. */
  #put(instance: T): void {
    if (this.#waitersHead < this.#waiters.length) {
      const resolve = this.#waiters[this.#waitersHead] as (instance: T) => void;
      this.#waiters[this.#waitersHead++] = undefined as never;
      if (this.#waitersHead === this.#waiters.length) {
        this.#waiters = [];
        this.#waitersHead = 0;
      } else if (this.#waitersHead > 1024 && this.#waitersHead * 2 > this.#waiters.length) {
        this.#waiters = this.#waiters.slice(this.#waitersHead);
        this.#waitersHead = 0;
      }
      resolve(instance);
      return;
    }
    this.#free.push(instance);
  }

  #runWith<R>(instance: T, fn: (instance: T) => R): Promise<Awaited<R>> {
    let result: R;
    try {
      result = fn(instance);
    } catch (error) {
      this.#put(instance);
      return Promise.reject(error);
    }
    if (!isThenable(result)) {
      this.#put(instance);
      return Promise.resolve(result as Awaited<R>);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.#put(instance);
        return value as Awaited<R>;
      },
      (error: unknown) => {
        this.#put(instance);
        throw error;
      },
    );
  }

  #lease(value: T): Lease<T> {
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      this.#put(value);
    };
    return { value, release, [Symbol.dispose]: release };
  }

  /** How many instances the pool holds (for diagnostics; not forwarded). */
  static sizeOf(pool: object): number {
    return InstancePool.#unwrap(pool).#instances.length;
  }

  /** How many instances are free right now. */
  static freeOf(pool: object): number {
    return InstancePool.#unwrap(pool).#free.length;
  }

  /** How many callers wait for an instance right now. */
  static waitingOf(pool: object): number {
    const inner = InstancePool.#unwrap(pool);
    return inner.#waiters.length - inner.#waitersHead;
  }

  static #unwrap(pool: object): InstancePool<any> {
    const inner = targets.get(pool);
    if (inner === undefined) throw new TypeError(expected('pool', 'a pool made by InstancePool.create', pool));
    return inner;
  }
}

const targets = new WeakMap<object, InstancePool<any>>();

/** The Proxy handler: the pool's own names first, then the instances' methods. */
function forwarding<T extends object>(sample: T): ProxyHandler<InstancePool<T>> {
  const cache = new Map<string | symbol, AnyFunction>();
  return {
    get(pool, key) {
      if (key in pool) {
        const own: unknown = Reflect.get(pool, key, pool);
        if (typeof own !== 'function') return own;
        let bound = cache.get(key);
        if (bound === undefined) cache.set(key, (bound = (own as AnyFunction).bind(pool)));
        return bound;
      }
      if (typeof key === 'symbol' || key === 'then') return undefined;
      if (typeof (sample as Record<string, unknown>)[key] !== 'function') return undefined;
      let forward = cache.get(key);
      if (forward === undefined) {
        forward = (...args: unknown[]) => pool.transaction((instance) => (instance as Record<string, AnyFunction>)[key]!(...args));
        cache.set(key, forward);
      }
      return forward;
    },
  };
}
