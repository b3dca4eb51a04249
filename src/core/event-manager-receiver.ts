// The receiving side of the EventManager: the loop on the listening PULL, each message decoded
// and handed to the handlers the registry picks. A message is never the loop's end: a malformed
// frame is counted, logged (the first ten, then every power of ten, so a peer sending junk cannot
// flood the log) and dropped; a handler that throws or rejects is logged and the next event is
// handled; a failing receive backs off on the loop port (FailureBackoff), doubling to a bound.

import { WireFormatError } from './errors.js';
import type { FailureBackoff } from './failure-backoff.js';
import type { EventHandlerHandle, HandlerRegistry } from './event-manager-handlers.js';
import { decodeEvent, type EventLimits } from './event-manager-wire.js';
import type { LoopPort } from './ports.js';
import type { Socket } from './transport.js';
import type { WireCodecs } from './wire.js';

/** Malformed frames logged one by one before the log thins out to every power of ten. */
const MALFORMED_LOGGED_EACH = 10;

export interface ReceiverCounts {
  received: number;
  malformed: number;
  unhandled: number;
  handled: number;
  handlerErrors: number;
  receiveFailures: number;
}

export interface ReceiverParts {
  registry: HandlerRegistry;
  loop: LoopPort;
  codecs: WireCodecs;
  limits: EventLimits;
  backoff: FailureBackoff;
  /** The owner's counters, updated in place. */
  counts: ReceiverCounts;
  /** True once the owner is closing: a failing receive then ends the loop. */
  stopping(): boolean;
  log(level: 'warn' | 'error', context: Record<string, unknown>, message: string): void;
}

export class EventReceiver {
  constructor(private readonly parts: ReceiverParts) {}

  /** Receives until the socket closes (or the owner stops); never rejects on a message. */
  async run(socket: Socket): Promise<void> {
    const { backoff, counts } = this.parts;
    for (;;) {
      let message: Uint8Array[];
      try {
        message = await socket.receive();
      } catch (error) {
        if (this.parts.stopping() || socket.closed) return;
        counts.receiveFailures++;
        const { consecutive, delayMs } = backoff.fail();
        this.parts.log('warn', { err: error, code: codeOf(error), consecutive, backoffMs: delayMs }, 'event manager: receive failed');
        await backoff.wait(delayMs);
        continue;
      }
      backoff.succeed();
      this.onMessage(message);
    }
  }

  private onMessage(message: Uint8Array[]): void {
    const { registry, counts } = this.parts;
    counts.received++;
    let name: string;
    let args: unknown;
    try {
      ({ name, args } = decodeEvent(message, this.parts.codecs, this.parts.limits));
    } catch (error) {
      this.malformed(error, message);
      return;
    }
    if (!registry.has(name)) {
      counts.unhandled++;
      return;
    }
    for (const handle of registry.take(name)) {
      if (handle.runOnMainLoop) this.parts.loop.addCallback(() => this.fire(handle, args));
      else this.fire(handle, args);
    }
  }

  private fire(handle: EventHandlerHandle, args: unknown): void {
    this.parts.counts.handled++;
    try {
      const result = handle.handler(args);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (error: unknown) => this.handlerFailed(handle.name, error));
      }
    } catch (error) {
      this.handlerFailed(handle.name, error);
    }
  }

  private handlerFailed(name: string, error: unknown): void {
    this.parts.counts.handlerErrors++;
    this.parts.log('error', { err: error, event: name }, `event manager: handler for ${JSON.stringify(name)} failed; the receive loop goes on`);
  }

  private malformed(error: unknown, message: Uint8Array[]): void {
    const count = ++this.parts.counts.malformed;
    if (!(error instanceof WireFormatError)) {
      // A bug of ours or of a custom codec, not a peer's bytes: said loudly.
      this.parts.log('error', { err: error }, 'event manager: decoding a frame failed');
      return;
    }
    if (count > MALFORMED_LOGGED_EACH && !isPowerOfTen(count)) return;
    const bytes = message.reduce((sum, frame) => sum + frame.byteLength, 0);
    this.parts.log('warn', { err: error, code: error.code, frames: message.length, bytes, malformedSoFar: count }, `event manager: malformed frame dropped: ${error.message}`);
  }
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

export function codeOf(error: unknown): unknown {
  return error !== null && typeof error === 'object' && 'code' in error ? error.code : undefined;
}
