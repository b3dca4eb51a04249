// Proves the cases of Toto's tests/test_tasks.py hold for the port: add_task order, yield_task results, exceptions, AwaitableInstance and InstancePool.
import { describe, expect, it } from 'vitest';
import { AwaitableInstance } from '../../../src/core/awaitable-instance.js';
import { InstancePool } from '../../../src/core/instance-pool.js';
import { TaskQueue } from '../../../src/core/task-queue.js';
import { LoopSim } from '../../../src/sim/loop-sim.js';
import { SimKernel } from '../../../src/sim/sim-kernel.js';

/** Toto's _Instance. */
class Counter {
  counter = 0;
  increment(): number {
    this.counter += 1;
    return this.counter;
  }
  value(): number {
    return this.counter;
  }
}

function loop(): LoopSim {
  return new LoopSim(new SimKernel());
}

describe("Toto's tests/test_tasks.py", () => {
  it('test_add_task: three add_task calls run in order', async () => {
    const queue = new TaskQueue({ loop: loop() });
    expect(queue.length).toBe(0);
    const results: number[] = [];
    const task = (x: number): void => void results.push(x);
    queue.addTask(task, 1);
    queue.addTask(task, 2);
    queue.addTask(task, 3);
    await queue.onIdle();
    expect(results).toEqual([1, 2, 3]);
  });

  it('test_yield_task: results come back in order', async () => {
    const queue = new TaskQueue({ loop: loop() });
    const task = (x: number): number => x;
    const results = await Promise.all([queue.yieldTask(task, 1), queue.yieldTask(task, 2), queue.yieldTask(task, 3)]);
    expect(results).toEqual([1, 2, 3]);
  });

  it('test_add_task_exception: a failing task does not stop the queue', async () => {
    const queue = new TaskQueue({ loop: loop() });
    expect(queue.length).toBe(0);
    const results: number[] = [];
    const task = (x: number): void => {
      results.push(x);
      throw new Error('failure');
    };
    queue.addTask(task, 1);
    queue.addTask(task, 2);
    queue.addTask(task, 3);
    await queue.onIdle();
    expect(results).toEqual([1, 2, 3]);
  });

  it("test_yield_task_exception: each failure surfaces through yieldTask's promise", async () => {
    const queue = new TaskQueue({ loop: loop() });
    const task = (_x: number): never => {
      throw new Error('failure');
    };
    const futures = [queue.yieldTask(task, 1), queue.yieldTask(task, 2), queue.yieldTask(task, 3)];
    const errors: Error[] = [];
    for (const future of futures) {
      try {
        await future;
      } catch (error) {
        errors.push(error as Error);
      }
    }
    expect(errors.map((e) => e.message)).toEqual(['failure', 'failure', 'failure']);
  });

  it('test_awaitable: an AwaitableInstance over a counter returns 2, 3, 4 then value 4', async () => {
    const instance = new Counter();
    instance.increment();
    expect(instance.value()).toBe(1);
    const awaitable = AwaitableInstance.create(instance, { loop: loop() });
    expect(await awaitable.increment()).toBe(2);
    expect(await awaitable.increment()).toBe(3);
    expect(await awaitable.increment()).toBe(4);
    expect(await awaitable.value()).toBe(4);
    expect(instance.value()).toBe(4);
  });

  it('test_instance_pool: two counters are used alternately', async () => {
    const instance1 = new Counter();
    const instance2 = new Counter();
    const pool = InstancePool.create([instance1, instance2], { loop: loop() });
    void pool.increment();
    void pool.increment();
    expect(instance1.value()).toBe(1);
    expect(instance2.value()).toBe(1);
    void pool.transaction((i) => i.increment());
    void pool.transaction((i) => i.increment());
    expect(instance1.value()).toBe(2);
    expect(instance2.value()).toBe(2);
    expect(await pool.await().increment()).toBe(3);
    expect(await pool.await().increment()).toBe(3);
    expect(instance1.value()).toBe(3);
    expect(instance2.value()).toBe(3);
    expect(await pool.awaitTransaction((i) => i.increment())).toBe(4);
    expect(await pool.awaitTransaction((i) => i.increment())).toBe(4);
    expect(instance1.value()).toBe(4);
    expect(instance2.value()).toBe(4);
  });
});
