// Who is alive, as the control socket knows it: each worker by the routing identity its hellos
// come from, with when it was last heard. A worker silent for longer than the timeout (crashed,
// partitioned, killed) is gone; one whose connection the ROUTER refuses is forgotten at once.

import type { WorkerInfo } from './worker-control-wire.js';

export interface KnownWorker {
  identity: Uint8Array;
  info: WorkerInfo;
  lastSeenMs: number;
}

export class WorkerRegistry {
  private readonly byIdentity = new Map<string, KnownWorker>();

  constructor(private readonly timeoutMs: number) {}

  /** Records a hello; returns true when the worker is new. */
  heard(identity: Uint8Array, info: WorkerInfo, nowMs: number): boolean {
    const key = keyOf(identity);
    const isNew = !this.byIdentity.has(key);
    this.byIdentity.set(key, { identity, info, lastSeenMs: nowMs });
    return isNew;
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
