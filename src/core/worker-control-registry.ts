// Who is alive, as the control socket knows it: each worker by the routing identity its hellos
// come from, with when it was last heard. A worker silent for longer than the timeout (crashed,
// partitioned, killed) is gone; one whose connection the ROUTER refuses is forgotten at once.
// Bounded: a new worker past workersMax (after the silent ones are dropped) is not recorded, so
// hellos from ever new identities (a restart loop, a stray peer) cannot grow it without end.

import type { WorkerInfo } from './worker-control-wire.js';

export interface KnownWorker {
  identity: Uint8Array;
  info: WorkerInfo;
  lastSeenMs: number;
}

/** Most workers one control socket knows at once. */
export const CONTROL_WORKERS_MAX_DEFAULT = 4096;

export class WorkerRegistry {
  private readonly byIdentity = new Map<string, KnownWorker>();

  constructor(
    private readonly timeoutMs: number,
    private readonly workersMax = CONTROL_WORKERS_MAX_DEFAULT,
  ) {}

  /** Records a hello: 'new' for a worker not known before, 'known', or 'full' (not recorded: workersMax live ones). */
  heard(identity: Uint8Array, info: WorkerInfo, nowMs: number): 'new' | 'known' | 'full' {
    const key = keyOf(identity);
    const known = this.byIdentity.get(key);
    if (known !== undefined) {
      known.info = info;
      known.lastSeenMs = nowMs;
      return 'known';
    }
    if (this.byIdentity.size >= this.workersMax && this.live(nowMs).length >= this.workersMax) return 'full';
    this.byIdentity.set(key, { identity, info, lastSeenMs: nowMs });
    return 'new';
  }

  get size(): number {
    return this.byIdentity.size;
  }

  /** Any message from a known worker shows it alive. */
  touch(identity: Uint8Array, nowMs: number): void {
    const worker = this.byIdentity.get(keyOf(identity));
    if (worker) worker.lastSeenMs = nowMs;
  }

  /** The workers heard from within the timeout, by name; the others are dropped. */
  live(nowMs: number): KnownWorker[] {
    for (const [key, worker] of this.byIdentity) if (nowMs - worker.lastSeenMs > this.timeoutMs) this.byIdentity.delete(key);
    return [...this.byIdentity.values()].sort((a, b) => (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : 0));
  }

  forget(name: string): void {
    for (const [key, worker] of this.byIdentity) if (worker.info.name === name) this.byIdentity.delete(key);
  }
}

function keyOf(identity: Uint8Array): string {
  let key = '';
  for (const byte of identity) key += byte.toString(16).padStart(2, '0');
  return key;
}
