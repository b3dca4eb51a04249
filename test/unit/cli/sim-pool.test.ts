// Proves the toto sim worker pool stops respawning workers that cannot start and fails the waiting tasks with the reason, instead of hanging.
import { afterEach, describe, expect, it } from 'vitest';
import { SimPool } from '../../../src/cli/sim-pool.js';

let pool: SimPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('SimPool', () => {
  it('fails every task with the start error when no worker can start', async () => {
    pool = new SimPool(2, 5000, '5s', `throw new Error('tsx is not installed');`);
    const task = { id: 7, file: 'x.ts', seed: 1 };
    const reply = await pool.run(task);
    expect(reply).toEqual({ id: 7, error: 'no worker thread could start: worker thread failed: tsx is not installed' });
    // Later tasks fail at once with the same reason.
    expect(await pool.run({ ...task, id: 8 })).toEqual({ id: 8, error: 'no worker thread could start: worker thread failed: tsx is not installed' });
  });
});
