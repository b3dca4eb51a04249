// Bench: TaskQueue.yieldTask against p-queue's add over the same 1,000,000 no-op async tasks at
// concurrency 8, in one process, alternating ours and theirs each repeat so drift hits both.

import PQueue from 'p-queue';
import { LoopNode } from '../src/adapters/loop-node.js';
import type { LoopPort } from '../src/core/ports.js';
import { TaskQueue } from '../src/core/task-queue.js';
import { benchLine, formatRate, median, ratioLine, timed, type Sample } from './lib/harness.js';
import { rateComparison, type SuiteResult } from './lib/report.js';

const TASKS = 1_000_000;
const CONCURRENCY = 8;
const REPEATS = 5;

const noop = async (): Promise<void> => {};

async function totoOnce(loop: LoopPort, tasks: number): Promise<Sample> {
  const queue = new TaskQueue({ loop, concurrency: CONCURRENCY, name: 'bench' });
  return timed(async () => {
    for (let i = 0; i < tasks; i++) void queue.yieldTask(noop);
    await queue.onIdle();
    return tasks;
  });
}

async function pqueueOnce(tasks: number): Promise<Sample> {
  const queue = new PQueue({ concurrency: CONCURRENCY });
  return timed(async () => {
    for (let i = 0; i < tasks; i++) void queue.add(noop);
    await queue.onIdle();
    return tasks;
  });
}

function rate(sample: Sample): number {
  return (sample.items / sample.ms) * 1000;
}

function report(label: string, rates: number[]): number {
  const m = median(rates);
  console.log(`  ${label.padEnd(44)} median ${formatRate(m)}/s over ${rates.length} runs (${rates.map(formatRate).join(', ')})`);
  return m;
}

export async function run(args: string[]): Promise<SuiteResult> {
  const given = args.find((a) => !a.startsWith('--'));
  const tasks = given !== undefined ? Number(given) : TASKS;
  // The real Node loop: the queue only uses it to retire idle runners (its timers are unref'd).
  const loop = new LoopNode();
  console.log(`# ${tasks} no-op async tasks, concurrency ${CONCURRENCY}, warm-up + ${REPEATS} alternating repeats`);
  await totoOnce(loop, tasks);
  await pqueueOnce(tasks);
  const toto: number[] = [];
  const pqueue: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    toto.push(rate(await totoOnce(loop, tasks)));
    pqueue.push(rate(await pqueueOnce(tasks)));
  }
  const totoRate = report('TaskQueue.yieldTask', toto);
  const pqueueRate = report('p-queue add', pqueue);
  benchLine('task-queue', 'toto_tasks_per_s', Math.round(totoRate));
  benchLine('task-queue', 'pqueue_tasks_per_s', Math.round(pqueueRate));
  ratioLine('task-queue', 'toto', 'p-queue', totoRate / pqueueRate);
  return {
    comparisons: [rateComparison(`TaskQueue.yieldTask, ${tasks.toLocaleString('en')} no-op tasks, concurrency ${CONCURRENCY}`, 'p-queue add', totoRate, pqueueRate, 'tasks/s', { target: '>= 2' })],
    figures: [],
  };
}
