// AwaitableInstance: Toto's wrapper that runs every method call of an object in a named
// TaskQueue and hands back a promise, so a non-reentrant object is used one call at a time.

import type { LoopPort } from './ports.js';
import { TaskQueue, checkLoop } from './task-queue.js';
import { checkOptions, checkString, expected } from './validate.js';

type AnyFunction = (...args: any[]) => any;

/**
 * T's methods, each returning a promise of its (awaited) result. `then` is left out on purpose:
 * a wrapper must never look like a promise, or `await wrapper` would call into it.
 */
export type Awaitable<T> = {
  [K in keyof T as K extends 'then' ? never : T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export interface AwaitableInstanceOptions {
  /** The TaskQueue (TaskQueue.instance on `loop`) the calls run in. Default "pool". */
  queueName?: string;
  /** The loop whose queue registry is used. Required. */
  loop: LoopPort;
}

interface Wrapped {
  readonly instance: object;
  readonly queue: TaskQueue;
}

const wrapped = new WeakMap<object, Wrapped>();

function invoke(instance: object, key: string, args: unknown[]): unknown {
  return (instance as Record<string, AnyFunction>)[key]!(...args);
}

export class AwaitableInstance {
  private constructor() {}

  /**
   * Wraps `instance`: `wrapper.m(...args)` runs `instance.m(...args)` in the queue and returns a
   * promise. The wrapper has no members of its own, so no method of the instance is hidden, except
   * `then` and Object.prototype's names (constructor, toString, ...), which are never forwarded; a
   * name that is not a method of the instance (a field, a symbol) reads as undefined.
   */
  static create<T extends object>(instance: T, options: AwaitableInstanceOptions): Awaitable<T> {
    if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) {
      throw new TypeError(expected('instance', 'an object', instance));
    }
    checkOptions('AwaitableInstance options', options, ['queueName', 'loop']);
    const { queueName = 'pool', loop } = options ?? ({} as AwaitableInstanceOptions);
    checkString('queueName', queueName);
    checkLoop('loop', loop);
    const queue = TaskQueue.instance(queueName, { loop });
    const callers = new Map<string, AnyFunction>();
    const proxy = new Proxy(Object.create(null) as object, {
      get(_target, key) {
        if (typeof key === 'symbol' || key === 'then' || key in Object.prototype) return undefined;
        if (typeof (instance as Record<string, unknown>)[key] !== 'function') return undefined;
        let caller = callers.get(key);
        if (caller === undefined) {
          caller = (...args: unknown[]) => queue.yieldTask(invoke, instance, key, args);
          callers.set(key, caller);
        }
        return caller;
      },
    });
    wrapped.set(proxy, { instance, queue });
    return proxy as Awaitable<T>;
  }

  /** The object a wrapper made by `create` forwards to. */
  static unwrap<T extends object>(awaitable: Awaitable<T>): T {
    return AwaitableInstance.lookup(awaitable).instance as T;
  }

  /** The TaskQueue a wrapper made by `create` runs its calls in. */
  static queueOf(awaitable: object): TaskQueue {
    return AwaitableInstance.lookup(awaitable).queue;
  }

  private static lookup(awaitable: object): Wrapped {
    const entry = wrapped.get(awaitable);
    if (entry === undefined) throw new TypeError(expected('awaitable', 'a wrapper made by AwaitableInstance.create', awaitable));
    return entry;
  }
}
