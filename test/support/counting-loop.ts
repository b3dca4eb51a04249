// A LoopPort wrapper for tests that need to know how many timers a component keeps armed.
import type { LoopPort, TimerHandle } from '../../src/core/ports.js';

/** A LoopPort that counts the timers armed through it (armed, not yet fired or cancelled). */
export function counting(loop: LoopPort): { port: LoopPort; armed: () => number; maxArmed: () => number } {
  const live = new Set<TimerHandle>();
  let max = 0;
  const port: LoopPort = {
    now: () => loop.now(),
    callLater: (delayMs, cb) => loop.callLater(delayMs, cb),
    addCallback: (cb) => loop.addCallback(cb),
    callAt: (whenMs, cb) => {
      const handle: TimerHandle = loop.callAt(whenMs, () => {
        live.delete(handle);
        cb();
      });
      live.add(handle);
      max = Math.max(max, live.size);
      return handle;
    },
    cancel: (handle) => {
      live.delete(handle);
      loop.cancel(handle);
    },
  };
  return { port, armed: () => live.size, maxArmed: () => max };
}
