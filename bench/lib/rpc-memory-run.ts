// Runs the memory row (rpc-memory.ts) in a process of its own under --expose-gc: heap figures
// need a forced GC, and the bench's other rows must not be in that heap.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function runMemory(count: number): Promise<void> {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'rpc-memory.ts'), String(count)], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`rpc: the memory process exited with ${child.status ?? child.signal}`);
}
