// Proves the Scheduler's removeWhere keeps its invariants: order by (deadline, insertion) after removal, removed handles are no longer pending, and a throwing predicate changes nothing.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/core/scheduler.js';

const noop = (): void => {};

function drain(scheduler: Scheduler): string[] {
  const out: string[] = [];
  for (let task = scheduler.pop(); task; task = scheduler.pop()) out.push(task.owner as string);
  return out;
}

describe('Scheduler.removeWhere', () => {
  it('removes the matching tasks, keeps the rest in (deadline, insertion) order, and marks removed handles not pending', () => {
    const scheduler = new Scheduler();
    const tasks = [5, 1, 5, 3, 1, 9].map((deadlineMs, i) => scheduler.schedule(deadlineMs, noop, `${i % 2 === 0 ? 'a' : 'b'}${i}`));
    expect(scheduler.removeWhere((task) => (task.owner as string).startsWith('b'))).toBe(3);
    expect(scheduler.size).toBe(3);
    tasks.forEach((task, i) => expect(scheduler.isPending(task)).toBe(i % 2 === 0));
    expect(scheduler.cancel(tasks[1]!)).toBe(false);
    expect(scheduler.removeWhere(() => false)).toBe(0);
    expect(drain(scheduler)).toEqual(['a4', 'a0', 'a2']);
  });

  it('a predicate that throws leaves every task scheduled and cancellable', () => {
    const scheduler = new Scheduler();
    const tasks = [3, 1, 2, 4].map((deadlineMs, i) => scheduler.schedule(deadlineMs, noop, `t${i}`));
    let calls = 0;
    expect(() =>
      scheduler.removeWhere(() => {
        if (++calls === 3) throw new Error('predicate failed');
        return true;
      }),
    ).toThrow('predicate failed');
    expect(scheduler.size).toBe(4);
    for (const task of tasks) expect(scheduler.isPending(task)).toBe(true);
    expect(scheduler.cancel(tasks[0]!)).toBe(true);
    expect(drain(scheduler)).toEqual(['t1', 't2', 't3']);
  });
});
