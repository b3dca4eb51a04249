// Wires the fake-timers bridge to a simulation: what the code running now reads (the current
// host's loop, clocks and seeded streams, or the simulation's own outside hosts), and where a
// determinism hazard goes.

import type { Random } from '../core/random.js';
import { FakeTimersBridge } from './fake-timers-bridge.js';
import type { Hazard } from './hazard-detector.js';
import type { Incarnation } from './host.js';
import type { LoopSim } from './loop-sim.js';
import type { SimKernel } from './sim-kernel.js';

export interface SimBridgeDeps {
  kernel: SimKernel;
  /** The simulation's own loop, for code outside hosts. */
  loop: LoopSim;
  /** The root stream: per-incarnation streams fork from it. */
  random: Random;
  epochMs: number;
  /** The incarnation whose event (or its microtasks) is running, if any. */
  current(): Incarnation | undefined;
  /** Where hazards go; undefined: nothing is watched. */
  onHazard: ((hazard: Hazard) => void) | undefined;
}

export function createSimBridge(deps: SimBridgeDeps): FakeTimersBridge {
  const { kernel, current } = deps;
  const roots = { 'Math.random': deps.random.fork('Math.random'), crypto: deps.random.fork('crypto') };
  return new FakeTimersBridge(
    {
      currentLoop: () => current()?.loop ?? deps.loop,
      wallNow: () => current()?.host.wallNow() ?? deps.epochMs + kernel.now(),
      monotonicNow: () => current()?.loop.now() ?? kernel.now(),
      performanceNow: () => {
        const incarnation = current();
        return incarnation === undefined ? kernel.now() : incarnation.loop.now() - incarnation.startMonotonicMs;
      },
      timeOrigin: () => current()?.timeOriginMs ?? deps.epochMs,
      random: (purpose) => current()?.stream(purpose, deps.random) ?? roots[purpose],
    },
    deps.onHazard === undefined ? {} : { onHazard: deps.onHazard, isOwnResource: (resource) => kernel.isOwnImmediate(resource) },
  );
}
