// Runs a test body with a LoopPort of its world (virtual in the sim, Node's otherwise), closed after it.
import type { LoopPort } from '../../../src/core/ports.js';
import { worldLoop, type World } from '../../contract/transport/worlds.js';

export async function withLoop(w: World, body: (loop: LoopPort) => Promise<void>): Promise<void> {
  const { loop, close } = worldLoop(w);
  try {
    await body(loop);
  } finally {
    close();
  }
}
