// Proves InstancePool hands out instances FIFO and always takes them back (methods, leases with `using`, transactions, queued transactions, await), that its own names win over the instances', that AwaitableInstance runs every call in its TaskQueue, and that bad input fails with exact messages.
import { describe, expect, it } from 'vitest';
import { AwaitableInstance } from '../../../src/core/awaitable-instance.js';
import { InstancePool } from '../../../src/core/instance-pool.js';
import { silentLogger } from '../../../src/core/ports.js';
import { TaskQueue } from '../../../src/core/task-queue.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A connection-like object with a sync and an async method. */
class Conn {
  calls: string[] = [];
  label = 'field';
  constructor(readonly id: string) {}
  query(sql: string): string {
    this.calls.push(sql);
    return `${this.id}:${sql}`;
  }
  async slow(gate: Promise<void>, tag: string): Promise<string> {
    this.calls.push(tag);
    await gate;
    return `${this.id}:${tag}`;
  }
  fail(): never {
    throw new Error(`${this.id} failed`);
  }
}

function setup(count = 2) {
  const loop = new LoopSim(new SimKernel());
  const conns = Array.from({ length: count }, (_, i) => new Conn(`c${i}`));
  const pool = InstancePool.create(conns, { loop });
  return { loop, conns, pool };
}

describe('InstancePool method forwarding', () => {
  it('calls a sync method at once on a free instance and returns a promise of the result', async () => {
    const { pool, conns } = setup();
    const result = pool.query('a');
    expect(conns[0]!.calls).toEqual(['a']);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('c0:a');
    await expect(pool.query('b')).resolves.toBe('c1:b');
    await expect(pool.query('c')).resolves.toBe('c0:c');
  });

  it('keeps an instance until an async method settles; callers wait FIFO when none is free', async () => {
    const { pool } = setup();
    const gates = [deferred(), deferred()];
    const first = pool.slow(gates[0]!.promise, 'one');
    const second = pool.slow(gates[1]!.promise, 'two');
    const order: string[] = [];
    const third = pool.query('three').then((r) => void order.push(r));
    const fourth = pool.query('four').then((r) => void order.push(r));
    expect([InstancePool.freeOf(pool), InstancePool.waitingOf(pool), InstancePool.sizeOf(pool)]).toEqual([0, 2, 2]);
    gates[1]!.resolve();
    await expect(second).resolves.toBe('c1:two');
    await flush();
    expect(order).toEqual(['c1:three', 'c1:four']);
    gates[0]!.resolve();
    await Promise.all([first, third, fourth]);
    expect([InstancePool.freeOf(pool), InstancePool.waitingOf(pool)]).toEqual([2, 0]);
  });

  it('puts the instance back after a throw and passes the error on', async () => {
    const { pool } = setup(1);
    await expect(pool.fail()).rejects.toThrow('c0 failed');
    await expect(pool.transaction(async () => Promise.reject(new Error('async no')))).rejects.toThrow('async no');
    expect(InstancePool.freeOf(pool)).toBe(1);
    await expect(pool.query('again')).resolves.toBe('c0:again');
  });

  it('wraps a single instance that is not an array', async () => {
    const loop = new LoopSim(new SimKernel());
    const pool = InstancePool.create(new Conn('solo'), { loop });
    expect(InstancePool.sizeOf(pool)).toBe(1);
    await expect(pool.query('x')).resolves.toBe('solo:x');
  });
});

describe('InstancePool naming rule', () => {
  class Clashing {
    transaction(): string {
      return 'instance transaction';
    }
    then(): string {
      return 'instance then';
    }
    toString(): string {
      return 'instance toString';
    }
    ping(): string {
      return 'pong';
    }
  }

  it("the pool's own names win; then, symbols and non-methods are never forwarded", async () => {
    const loop = new LoopSim(new SimKernel());
    const pool = InstancePool.create(new Clashing(), { loop });
    expect(await pool.transaction((i) => i.transaction())).toBe('instance transaction');
    expect((pool as unknown as { then: unknown }).then).toBeUndefined();
    expect(await pool).toBe(pool);
    expect(String(pool)).toBe('[object Object]');
    expect((pool as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
    await expect(pool.ping()).resolves.toBe('pong');
    const conns = setup().pool as unknown as Record<string, unknown>;
    expect(conns.label).toBeUndefined();
    expect(conns.id).toBeUndefined();
    expect(conns.query).toBe(conns.query);
  });
});

describe('InstancePool leases and transactions', () => {
  it('instance() leases one instance until released; `using` releases at scope end; release is idempotent', async () => {
    const { pool } = setup(1);
    {
      using lease = await pool.instance();
      expect(lease.value.query('held')).toBe('c0:held');
      expect(InstancePool.freeOf(pool)).toBe(0);
    }
    expect(InstancePool.freeOf(pool)).toBe(1);
    const lease = await pool.instance();
    const waiting = pool.query('waits');
    let done = false;
    void waiting.then(() => (done = true));
    await flush();
    expect(done).toBe(false);
    lease.release();
    lease.release();
    await expect(waiting).resolves.toBe('c0:waits');
    expect(InstancePool.freeOf(pool)).toBe(1);
  });

  it('a lease waits for a free instance; thousands of waiters are served in order', async () => {
    const { pool } = setup(1);
    const first = await pool.instance();
    const next = pool.instance();
    const served: number[] = [];
    const many = Array.from({ length: 3000 }, (_, i) => pool.transaction(() => void served.push(i)));
    first.release();
    const second = await next;
    expect(second.value.id).toBe('c0');
    second.release();
    await Promise.all(many);
    expect(served).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect([InstancePool.freeOf(pool), InstancePool.waitingOf(pool)]).toEqual([1, 0]);
  });

  it('instance(fn) and transaction(fn) run fn with one instance and resolve with its result', async () => {
    const { pool } = setup();
    await expect(pool.instance((c) => [c.query('x'), c.query('y')])).resolves.toEqual(['c0:x', 'c0:y']);
    await expect(pool.transaction(async (c) => c.id)).resolves.toBe('c1');
  });

  it('asyncTransaction runs in the named TaskQueue, fire-and-forget', async () => {
    const { pool, loop, conns } = setup(1);
    const custom = TaskQueue.instance('custom', { loop });
    const gate = deferred();
    custom.addTask(() => gate.promise);
    pool.asyncTransaction((c) => c.query('queued'), 'custom');
    pool.asyncTransaction((c) => c.query('default'));
    await flush();
    expect(conns[0]!.calls).toEqual(['default']);
    expect(TaskQueue.instance('pool', { loop }).runners).toBe(1);
    gate.resolve();
    await custom.onIdle();
    expect(conns[0]!.calls).toEqual(['default', 'queued']);
  });

  it('asyncTransaction failures are logged by the queue the pool creates, with its logger', async () => {
    const loop = new LoopSim(new SimKernel());
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (...args: unknown[]) => void errors.push(args) };
    const pool = InstancePool.create(new Conn('a'), { loop, logger, defaultQueue: 'logged' });
    pool.asyncTransaction((c) => c.fail());
    await TaskQueue.instance('logged', { loop }).onIdle();
    expect(errors).toEqual([[{ err: new Error('a failed'), queue: 'logged' }, 'logged: task failed']]);
  });

  it('awaitTransaction and await(queueName) use the given queue and return the result', async () => {
    const { pool, loop } = setup();
    const queue = TaskQueue.instance('side', { loop });
    const gate = deferred();
    queue.addTask(() => gate.promise);
    const viaTransaction = pool.awaitTransaction((c) => c.query('t'), 'side');
    const viaAwait = pool.await('side').query('a');
    expect(queue.queued).toBe(2);
    gate.resolve();
    await expect(viaTransaction).resolves.toBe('c0:t');
    await expect(viaAwait).resolves.toBe('c1:a');
  });
});

describe('AwaitableInstance', () => {
  it('runs every call in its TaskQueue, one at a time with the default concurrency', async () => {
    const loop = new LoopSim(new SimKernel());
    const conn = new Conn('a');
    const awaitable = AwaitableInstance.create(conn, { loop, queueName: 'serial' });
    const gate = deferred();
    const first = awaitable.slow(gate.promise, 'first');
    const second = awaitable.query('second');
    await flush();
    expect(conn.calls).toEqual(['first']);
    gate.resolve();
    await expect(Promise.all([first, second])).resolves.toEqual(['a:first', 'a:second']);
    expect(AwaitableInstance.unwrap(awaitable)).toBe(conn);
    expect(AwaitableInstance.queueOf(awaitable)).toBe(TaskQueue.instance('serial', { loop }));
    await expect(awaitable.fail()).rejects.toThrow('a failed');
  });

  it('forwards only methods: then, symbols, fields and Object.prototype names read as undefined', async () => {
    const loop = new LoopSim(new SimKernel());
    const awaitable = AwaitableInstance.create(new Conn('a'), { loop }) as unknown as Record<string | symbol, unknown>;
    expect([awaitable.then, awaitable.label, awaitable.constructor, awaitable.toString, awaitable[Symbol.toPrimitive]]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(await awaitable).toBe(awaitable);
    expect(awaitable.query).toBe(awaitable.query);
  });
});

describe('InstancePool and AwaitableInstance bad input', () => {
  const loop = new LoopSim(new SimKernel());
  const pool = InstancePool.create(new Conn('x'), { loop });
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    ['empty instances', () => InstancePool.create([], { loop }), RangeError, 'instances: expected at least one instance, got array of length 0'],
    ['primitive instance', () => InstancePool.create(3 as never, { loop }), TypeError, 'instances: expected an object or an array of objects, got 3'],
    ['null in array', () => InstancePool.create([new Conn('a'), null] as never, { loop }), TypeError, 'instances: expected an object or an array of objects, got null'],
    ['unknown pool option', () => InstancePool.create(new Conn('a'), { loop, queue: 'q' } as never), RangeError, 'InstancePool options: unknown option "queue" (known: defaultQueue, loop, logger)'],
    ['pool without loop', () => InstancePool.create(new Conn('a'), {} as never), TypeError, 'loop: expected a LoopPort, got undefined'],
    ['pool without options', () => InstancePool.create(new Conn('a'), undefined as never), TypeError, 'loop: expected a LoopPort, got undefined'],
    ['bad defaultQueue', () => InstancePool.create(new Conn('a'), { loop, defaultQueue: 5 as never }), TypeError, 'defaultQueue: expected a string, got 5'],
    ['non-function transaction', () => pool.transaction(1 as never), TypeError, 'fn: expected a function, got 1'],
    ['non-function asyncTransaction', () => pool.asyncTransaction('f' as never), TypeError, 'fn: expected a function, got "f"'],
    ['non-function awaitTransaction', () => pool.awaitTransaction(null as never), TypeError, 'fn: expected a function, got null'],
    ['bad await queue', () => pool.await(5 as never), TypeError, 'queueName: expected a string, got 5'],
    ['stats of a non-pool', () => InstancePool.sizeOf({}), TypeError, 'pool: expected a pool made by InstancePool.create, got object Object'],
    ['awaitable over a primitive', () => AwaitableInstance.create(1 as never, { loop }), TypeError, 'instance: expected an object, got 1'],
    ['unknown awaitable option', () => AwaitableInstance.create({}, { loop, queue: 'q' } as never), RangeError, 'AwaitableInstance options: unknown option "queue" (known: queueName, loop)'],
    ['awaitable without loop', () => AwaitableInstance.create({}, {} as never), TypeError, 'loop: expected a LoopPort, got undefined'],
    ['bad awaitable queueName', () => AwaitableInstance.create({}, { loop, queueName: 3 as never }), TypeError, 'queueName: expected a string, got 3'],
    ['unwrap a non-awaitable', () => AwaitableInstance.unwrap({} as never), TypeError, 'awaitable: expected a wrapper made by AwaitableInstance.create, got object Object'],
  ];
  it.each(cases)('%s', (_label, act, type, message) => {
    expect(act).toThrow(type);
    try {
      act();
    } catch (error) {
      expect((error as Error).message).toBe(message);
    }
  });
});
