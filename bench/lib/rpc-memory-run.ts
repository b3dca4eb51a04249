// Runs the memory row (rpc-memory.ts) in a process of its own under --expose-gc: heap figures
// need a forced GC, and the bench's other rows must not be in that heap.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnRecorded } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function runMemory(count: number): Promise<void> {
  // Its bench line is recorded here too, for the figures rpc.ts returns.
  await spawnRecorded(['--expose-gc', '--import', 'tsx', join(here, 'rpc-memory.ts'), String(count)], 'rpc memory');
}
