// The phases of a TotoService's master process, as a small state machine, so that the adapter's
// asynchronous steps (signals, children exiting, prepare and finish) cannot run out of order:
//
//   new -> preparing -> starting -> running -> stopping -> finishing -> finished
//              |            |           \______________________/  \
//              +------------+-> failed    (children left on their own)  -> failed
//
// prepare() runs once, before any process starts; finish() once, after every process has exited
// (Toto's contract). A stop requested while preparing or starting is remembered and acted on once
// the processes are up, so a SIGTERM during start never leaves processes behind; a second stop
// request while stopping is ignored (the first one's deadline holds).

export type ServicePhase = 'new' | 'preparing' | 'starting' | 'running' | 'stopping' | 'finishing' | 'finished' | 'failed';

const NEXT: Readonly<Record<ServicePhase, readonly ServicePhase[]>> = {
  new: ['preparing'],
  preparing: ['starting', 'failed'],
  starting: ['running', 'failed'],
  running: ['stopping', 'finishing'],
  stopping: ['finishing'],
  finishing: ['finished', 'failed'],
  finished: [],
  failed: [],
};

/** What a stop request means now. */
export type StopDecision =
  /** Running: stop the processes now. */
  | 'stop-now'
  /** Not up yet: stop as soon as they are (stopRequested says why). */
  | 'after-start'
  /** Already stopping or done: nothing more to do. */
  | 'ignored';

export class ServiceLifecycle {
  private current: ServicePhase = 'new';
  private stopReasonText: string | undefined;

  get phase(): ServicePhase {
    return this.current;
  }

  /** Why a stop was requested (the first reason), or undefined. */
  get stopRequested(): string | undefined {
    return this.stopReasonText;
  }

  /** Moves to `next`; an edge the diagram above does not have is a bug, and throws saying which. */
  to(next: ServicePhase): void {
    if (!NEXT[this.current].includes(next)) {
      throw new Error(`TotoService: cannot go from ${this.current} to ${next} (allowed: ${NEXT[this.current].join(', ') || 'none, it is over'})`);
    }
    this.current = next;
  }

  /** A stop was asked for (a signal, a control command): what to do about it now. */
  requestStop(reason: string): StopDecision {
    this.stopReasonText ??= reason;
    switch (this.current) {
      case 'running':
        this.to('stopping');
        return 'stop-now';
      case 'new':
      case 'preparing':
      case 'starting':
        return 'after-start';
      default:
        return 'ignored';
    }
  }

  /** Once the processes are up: true when a stop was requested meanwhile (the caller stops them now). */
  startedAndStopPending(): boolean {
    this.to('running');
    if (this.stopReasonText === undefined) return false;
    this.to('stopping');
    return true;
  }
}
