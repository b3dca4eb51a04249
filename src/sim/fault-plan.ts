// The fault vocabulary: a fault plan is a timeline of faults, plain data, so it can be
// generated (nemesis, swarm, fast-check), shrunk, printed as code and replayed exactly.
// The faults are what real networks do to ZeroMQ over tcp: a partition or hold stalls
// connections (everything arrives late, in order), a crash or disconnect breaks them (what
// was in flight is lost, the connecting side reconnects). Per-message drop and duplicate
// exist only on links a scenario declares lossy (`lossyLinks`), never on plain tcp.

/** Who a link fault applies to: hosts sending (`from`) and receiving (`to`); absent = every host. */
export interface LinkScope {
  from?: string[];
  to?: string[];
}

export type Fault =
  /**
   * Hosts in `sideA` cannot reach hosts in `sideB` (and back, unless oneWay) for the window: their
   * connections stall and deliver everything late after it (unless heartbeats expire meanwhile).
   */
  | { kind: 'partition'; atMs: number; durationMs: number; sideA: string[]; sideB: string[]; oneWay?: boolean }
  /** Every connection between a host of `sideA` and one of `sideB` breaks at atMs (an RST): in-flight messages are lost, peers reconnect. */
  | { kind: 'disconnect'; atMs: number; sideA: string[]; sideB: string[] }
  /** The host crashes at atMs and, if restartAfterMs is given, restarts that much later. */
  | { kind: 'crash'; atMs: number; host: string; restartAfterMs?: number }
  /** The host stalls (a GC pause): its due events wait until the pause ends. */
  | { kind: 'pause'; atMs: number; host: string; durationMs: number }
  /** The host's clock steps by deltaMs (an NTP jump). */
  | { kind: 'clockJump'; atMs: number; host: string; deltaMs: number }
  /** Link latency rises to [minMs, maxMs] for the window. */
  | ({ kind: 'latency'; atMs: number; durationMs: number; minMs: number; maxMs: number } & LinkScope)
  /** Lossy links only: each message is lost with probability `rate` for the window. */
  | ({ kind: 'drop'; atMs: number; durationMs: number; rate: number } & LinkScope)
  /** Lossy links only: each message is delivered twice with probability `rate` for the window. */
  | ({ kind: 'duplicate'; atMs: number; durationMs: number; rate: number } & LinkScope)
  /** Messages on from->to wait for the window, then arrive in order. */
  | { kind: 'hold'; atMs: number; durationMs: number; from: string; to: string };

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = ['partition', 'disconnect', 'crash', 'pause', 'clockJump', 'latency', 'drop', 'duplicate', 'hold'];

/** Kinds that act on single messages: only allowed on links a scenario declares lossy. */
export const LOSSY_KINDS: readonly FaultKind[] = ['drop', 'duplicate'];

/** Links a scenario declares lossy (absent side = every host): e.g. `{ from: ['sensor'], to: ['gateway'] }`. */
export type LossyLinks = readonly LinkScope[];

/** A timeline of faults; order does not matter, atMs does. */
export type FaultPlan = Fault[];

/** When a fault's window closes, or undefined for an instant fault (clock jump, crash for good). */
export function windowEndMs(fault: Fault): number | undefined {
  switch (fault.kind) {
    case 'crash':
      return fault.restartAfterMs === undefined ? undefined : fault.atMs + fault.restartAfterMs;
    case 'clockJump':
    case 'disconnect':
      return undefined;
    default:
      return fault.atMs + fault.durationMs;
  }
}

/** When the last window of `plan` closes (its last fault's time for instant faults); 0 for an empty plan. */
export function faultsEndMs(plan: FaultPlan): number {
  let endMs = 0;
  for (const fault of plan) endMs = Math.max(endMs, windowEndMs(fault) ?? fault.atMs);
  return endMs;
}
