// A worker's request handling, as Toto's TotoWorker._process_message but pure: a request in
// (REP frames, an HTTP body, or a decoded invocation), an outcome out -- the reply frames, or
// Toto's bare [id] acknowledgement of an @asynchronous method, which then runs on the next
// loop turn. The same code serves a REP socket (real or simulated) and the HTTP worker server.
//
// Dispatch never throws and never rejects, whatever the input: a malformed request is answered
// with an error reply (SERVER, as Toto did, flagged `malformed` so HTTP can answer 400), a
// method's TotoError keeps its code and value, any other exception becomes SERVER with its
// message, an unknown method MISSING_METHOD naming it. Every failure is logged with context.
//
// One difference from Toto, on purpose: Toto ran an @asynchronous method inside its REP loop
// right after the ack, so the worker took no new request until it finished. Here it runs on the
// next loop turn and the outcome's `completion` settles when it is done: a server loop that
// awaits it after sending the ack gets Toto's one-at-a-time; one that does not serves on.

import { ErrorCode, TotoError } from './errors.js';
import { IdempotencyWindow, type IdempotencyStats, type IdempotencyWindowOptions } from './idempotency-window.js';
import { silentLogger, type Logger, type LoopPort } from './ports.js';
import { checkOptions, expected } from './validate.js';
import {
  decodeInvocation,
  encodeErrorReply,
  encodeInvocation,
  encodeReply,
  isMethodName,
  messageIdKey,
  parseRepRequest,
  type Invocation,
  type WireCodecs,
  type WireOptions,
} from './wire.js';
import { bound, isTotoErrorLike, messageOf, readCallId, recoverId, toTotoError, wireCodeOf } from './worker-inputs.js';
import { WorkerMethods, type WorkerMethod } from './worker-methods.js';

/** The window's options without its clock: the dispatcher's loop is the clock. */
export type IdempotencyWindowOptionsOf = Omit<IdempotencyWindowOptions, 'loop'>;

export interface WorkerDispatcherOptions<W> {
  methods: WorkerMethods<W>;
  /** Passed to every method as its first argument (Toto's worker). */
  worker: W;
  /** How requests are read (and replies written, unless replyCodecs says otherwise). */
  codecs: WireCodecs;
  /**
   * How replies are written, when not as requests are: Toto's HTTP worker answers serialized but
   * uncompressed (see httpReplyCodecs in wire.ts).
   */
  replyCodecs?: WireCodecs;
  /** Runs @asynchronous methods after their acknowledgement, and is the idempotency window's clock. */
  loop: LoopPort;
  logger?: Logger;
  /** Payload bounds for decoding requests and encoding replies. */
  wire?: WireOptions;
  /** Beyond Toto: keep replies by call id so a re-sent call is not run twice. Off by default. */
  /**
   * Beyond Toto: keep replies by call id so a re-sent call is not run twice. Off by default.
   * Options make a window of this dispatcher's own; a window passed in may be shared (the HTTP
   * server's dispatchers, one per serialization, share one so an id runs once whatever it came in).
   */
  idempotency?: IdempotencyWindowOptionsOf | IdempotencyWindow<WorkerOutcome>;
}

/** A reply to send: the method's value or an `{error: {code, value}}`. */
export interface WorkerReply {
  readonly kind: 'reply';
  /** The call id, when the request carried a usable one. */
  readonly id: Uint8Array | undefined;
  /** The encoded reply (for HTTP, the body). */
  readonly payload: Uint8Array;
  /** What a REP socket sends: [id, payload], or ['', payload] when no id could be read (no caller can match it). */
  readonly frames: Uint8Array[];
  /** Set when the reply is an error. */
  readonly error: TotoError | undefined;
  /** The request could not be read (HTTP answers 400). */
  readonly malformed: boolean;
  readonly method: string | undefined;
}

/** Toto's @asynchronous acknowledgement: send `frames` ([id]) now; the method runs on the next loop turn. */
export interface WorkerAck {
  readonly kind: 'ack';
  /** The call id; undefined when the request carried none (an HTTP call without one). */
  readonly id: Uint8Array | undefined;
  readonly frames: Uint8Array[];
  /** A body for transports that must send one (HTTP): null, encoded as a method returning nothing. */
  readonly payload: Uint8Array;
  readonly method: string;
  /** Settles (never rejects) when the method has run; a failure is logged, there is nobody to answer. */
  readonly completion: Promise<void>;
}

export type WorkerOutcome = WorkerReply | WorkerAck;

export interface WorkerDispatchStats {
  /** Requests handed to dispatch*. */
  requests: number;
  /** Value replies sent. */
  values: number;
  /** Error replies to well-formed requests (unknown method, method failures, unencodable values). */
  errors: number;
  /** Error replies to requests that could not be read. */
  malformed: number;
  /** @asynchronous acknowledgements sent. */
  acks: number;
  /** Method runs started (a retry answered from the idempotency window starts none). */
  runs: number;
  /** The idempotency window's counters, when it is on. */
  idempotency: IdempotencyStats | undefined;
}

const EMPTY = new Uint8Array(0);

export class WorkerDispatcher<W = unknown> {
  private readonly methods: WorkerMethods<W>;
  private readonly worker: W;
  private readonly codecs: WireCodecs;
  private readonly replyCodecs: WireCodecs;
  private readonly loop: LoopPort;
  private readonly logger: Logger;
  private readonly wire: WireOptions | undefined;
  private readonly window: IdempotencyWindow<WorkerOutcome> | undefined;
  /** The last-resort reply, encoded up front: if even this cannot be encoded the codecs are unusable. */
  private readonly fallbackPayload: Uint8Array;
  private readonly ackPayload: Uint8Array;
  private readonly counts = { requests: 0, values: 0, errors: 0, malformed: 0, acks: 0, runs: 0 };

  constructor(options: WorkerDispatcherOptions<W>) {
    checkOptions('WorkerDispatcher options', options, ['methods', 'worker', 'codecs', 'replyCodecs', 'loop', 'logger', 'wire', 'idempotency']);
    if (options === undefined) throw new TypeError(expected('WorkerDispatcher options', 'an options object', options));
    const { methods, worker, codecs, replyCodecs = codecs, loop, logger = silentLogger, wire, idempotency } = options;
    if (!(methods instanceof WorkerMethods)) throw new TypeError(expected('methods', 'a WorkerMethods', methods));
    if (loop === null || typeof loop !== 'object' || typeof loop.addCallback !== 'function' || typeof loop.now !== 'function') {
      throw new TypeError(expected('loop', 'a LoopPort', loop));
    }
    if (logger === null || typeof logger !== 'object' || typeof logger.error !== 'function' || typeof logger.warn !== 'function') {
      throw new TypeError(expected('logger', 'a Logger', logger));
    }
    if (!(idempotency instanceof IdempotencyWindow)) checkOptions('idempotency', idempotency, ['ttlMs', 'entriesMax', 'inFlightMaxMs']);
    this.methods = methods;
    this.worker = worker;
    this.codecs = codecs;
    this.replyCodecs = replyCodecs;
    this.loop = loop;
    this.logger = logger;
    this.wire = wire;
    // Encoding these checks both codecs and the wire options (TypeError/RangeError naming them) before any request.
    encodeInvocation({ method: 'check', parameters: {} }, codecs, wire);
    this.fallbackPayload = encodeErrorReply(new TotoError(ErrorCode.SERVER, 'reply could not be encoded'), replyCodecs, wire);
    this.ackPayload = encodeReply(null, replyCodecs, wire);
    if (idempotency === undefined || idempotency instanceof IdempotencyWindow) this.window = idempotency;
    else this.window = new IdempotencyWindow<WorkerOutcome>({ loop, ...idempotency });
  }

  /** A REP socket's request, [id, payload]; anything else gets an error reply. */
  dispatchFrames(frames: unknown): Promise<WorkerOutcome> {
    return this.guard(() => {
      let id: Uint8Array;
      let payload: Uint8Array;
      try {
        ({ id, payload } = parseRepRequest(frames));
      } catch (error) {
        return this.malformed(recoverId(frames), undefined, error);
      }
      return this.decodeAndRun(payload, id, messageIdKey(id));
    });
  }

  /**
   * An encoded invocation (an HTTP body, or a payload the caller took from frames). `id` is the
   * call id the idempotency window keys on: bytes (as a REP id) or a string (e.g. an HTTP header).
   */
  dispatchPayload(payload: unknown, id?: Uint8Array | string): Promise<WorkerOutcome> {
    return Promise.resolve(this.dispatchPayloadNow(payload, id));
  }

  /**
   * dispatchPayload without the promise when it is not needed: the outcome itself when the
   * method returned a value (or threw, or the request was refused), a promise only when the
   * method returned one (or the idempotency window is on). Same outcomes, counts and logs.
   * The HTTP worker server answers through it: two promise hops and an async frame per request
   * were ~3 us of its CPU per call on a method that returns at once (bench rpc, http row).
   */
  dispatchPayloadNow(payload: unknown, id?: Uint8Array | string): WorkerOutcome | Promise<WorkerOutcome> {
    this.counts.requests++;
    let outcome: WorkerOutcome | Promise<WorkerOutcome>;
    try {
      const call = readCallId(id);
      outcome = typeof call === 'string' ? this.malformed(undefined, undefined, call) : this.decodeAndRun(payload, call?.bytes, call?.key);
    } catch (error) {
      return this.malformed(undefined, undefined, error);
    }
    return this.caught(outcome);
  }

  /** An invocation already decoded; its shape and method name are still checked. */
  dispatchInvocation(invocation: unknown, id?: Uint8Array | string): Promise<WorkerOutcome> {
    return this.guard(() => {
      const call = readCallId(id);
      if (typeof call === 'string') return this.malformed(undefined, undefined, call);
      if (invocation === null || typeof invocation !== 'object' || !isMethodName((invocation as Invocation).method)) {
        const reason = expected('invocation', 'an object {method, parameters} with a dotted method name', invocation);
        return this.malformed(call?.bytes, undefined, reason);
      }
      const { method, parameters } = invocation as Invocation;
      return this.run({ method, parameters: parameters === undefined ? {} : parameters }, call?.bytes, call?.key);
    });
  }

  get stats(): WorkerDispatchStats {
    return { ...this.counts, idempotency: this.window?.stats };
  }

  /**
   * Counts the request and makes sure nothing escapes: a hostile input (a Proxy that throws on
   * every access) fails our checks by throwing; that is a malformed request like any other.
   */
  private guard(handle: () => WorkerOutcome | Promise<WorkerOutcome>): Promise<WorkerOutcome> {
    this.counts.requests++;
    let outcome: WorkerOutcome | Promise<WorkerOutcome>;
    try {
      outcome = handle();
    } catch (error) {
      return Promise.resolve(this.malformed(undefined, undefined, error));
    }
    return Promise.resolve(this.caught(outcome));
  }

  /** execute() turns every failure into a reply; a rejection here is a bug of ours, still answered. */
  private caught(outcome: WorkerOutcome | Promise<WorkerOutcome>): WorkerOutcome | Promise<WorkerOutcome> {
    if (!(outcome instanceof Promise)) return outcome;
    return outcome.catch((error: unknown) => this.errorReply(undefined, undefined, toTotoError(error), false));
  }

  private decodeAndRun(payload: unknown, id: Uint8Array | undefined, key: string | undefined): WorkerOutcome | Promise<WorkerOutcome> {
    let invocation: Invocation;
    try {
      invocation = decodeInvocation(payload as Uint8Array, this.codecs, this.wire);
    } catch (error) {
      return this.malformed(id, key, error);
    }
    return this.run(invocation, id, key);
  }

  /** Logs through the injected logger; a logger that throws must not take a reply with it. */
  private log(level: 'info' | 'warn' | 'error', context: Record<string, unknown>, message: string): void {
    try {
      this.logger[level](context, message);
    } catch {
      // Nothing to do: the reply matters more than its log line.
    }
  }

  private run(invocation: Invocation, id: Uint8Array | undefined, key: string | undefined): WorkerOutcome | Promise<WorkerOutcome> {
    if (this.window === undefined || key === undefined) return this.executeGuarded(invocation, id, key);
    // Never rejects: executeGuarded() turns every failure into a reply.
    return this.window.run(key, () => this.executeGuarded(invocation, id, key));
  }

  /** execute() answers every method failure; a throw here is a bug of ours, answered as caught() answers a rejection. */
  private executeGuarded(invocation: Invocation, id: Uint8Array | undefined, key: string | undefined): WorkerOutcome | Promise<WorkerOutcome> {
    try {
      return this.execute(invocation, id, key);
    } catch (error) {
      return this.errorReply(undefined, undefined, toTotoError(error), false);
    }
  }

  /**
   * Runs the method. A method that returns a value (not a promise) is answered at once, without
   * an async frame and a promise hop (see dispatchPayloadNow); a promise is awaited. A sync throw
   * and a rejection give the same error reply, as `await method.invoke()` did.
   */
  private execute(invocation: Invocation, id: Uint8Array | undefined, key: string | undefined): WorkerOutcome | Promise<WorkerOutcome> {
    const { method: name, parameters } = invocation;
    const method = this.methods.get(name);
    if (method === undefined) {
      // A valid method name may be megabytes long: the reply and the log repeat a bounded part of it.
      const error = new TotoError(ErrorCode.MISSING_METHOD, bound(`unknown method ${JSON.stringify(name)}`));
      this.log('warn', { method: bound(name), callId: key, code: error.code }, 'worker: unknown method');
      return this.errorReply(id, name, error, false);
    }
    if (method.asynchronous) return this.acknowledge(method, parameters, id, key);
    this.counts.runs++;
    let value: unknown;
    let pending: boolean;
    try {
      value = method.invoke(this.worker, parameters);
      // Read inside the try: a `then` getter that throws is the method's failure, as awaiting it said.
      pending = isThenable(value);
    } catch (thrown) {
      return this.methodFailed(id, name, key, thrown);
    }
    if (pending) return this.settleLater(value as PromiseLike<unknown>, id, name, key);
    return this.valueReply(value, id, name, key);
  }

  private async settleLater(promise: PromiseLike<unknown>, id: Uint8Array | undefined, name: string, key: string | undefined): Promise<WorkerOutcome> {
    let value: unknown;
    try {
      value = await promise;
    } catch (thrown) {
      return this.methodFailed(id, name, key, thrown);
    }
    return this.valueReply(value, id, name, key);
  }

  private methodFailed(id: Uint8Array | undefined, name: string, key: string | undefined, thrown: unknown): WorkerReply {
    const error = toTotoError(thrown);
    const level = isTotoErrorLike(thrown) ? 'info' : 'error';
    this.log(level, { method: name, callId: key, code: error.code, err: thrown }, 'worker: method failed');
    return this.errorReply(id, name, error, false);
  }

  private valueReply(value: unknown, id: Uint8Array | undefined, name: string, key: string | undefined): WorkerReply {
    let payload: Uint8Array;
    try {
      // An Error returned (not thrown) is sent as an error reply, as encodeReply does; count it so.
      if (value instanceof Error) return this.errorReply(id, name, toTotoError(value), false);
      payload = encodeReply(value, this.replyCodecs, this.wire);
    } catch (failure) {
      const error = new TotoError(ErrorCode.SERVER, bound(messageOf(failure)));
      this.log('error', { method: name, callId: key, code: error.code, err: failure }, 'worker: reply could not be encoded');
      return this.errorReply(id, name, error, false);
    }
    this.counts.values++;
    return reply(id, payload, undefined, false, name);
  }

  private acknowledge(method: WorkerMethod<W>, parameters: unknown, id: Uint8Array | undefined, key: string | undefined): WorkerAck {
    this.counts.acks++;
    this.counts.runs++;
    const completion = new Promise<void>((resolve) => {
      // The next loop turn, so the caller sends the acknowledgement before the method starts.
      this.loop.addCallback(() => {
        let result: unknown;
        try {
          result = method.invoke(this.worker, parameters);
        } catch (thrown) {
          this.logAsyncFailure(method.name, key, thrown);
          resolve();
          return;
        }
        Promise.resolve(result).then(
          () => resolve(),
          (thrown: unknown) => {
            this.logAsyncFailure(method.name, key, thrown);
            resolve();
          },
        );
      });
    });
    const frames = Object.freeze([id ?? EMPTY]) as Uint8Array[];
    return Object.freeze({ kind: 'ack', id, frames, payload: this.ackPayload, method: method.name, completion });
  }

  private logAsyncFailure(name: string, key: string | undefined, thrown: unknown): void {
    const error = toTotoError(thrown);
    this.log('error', { method: name, callId: key, code: error.code, err: thrown }, 'worker: asynchronous method failed');
  }

  private malformed(id: Uint8Array | undefined, key: string | undefined, reason: unknown): WorkerReply {
    const error = new TotoError(ErrorCode.SERVER, bound(messageOf(reason)));
    // A WireFormatError says what kind of malformed (its code); a string reason is our own check.
    const wireCode = wireCodeOf(reason);
    const callId = key ?? (id === undefined ? undefined : messageIdKey(id));
    this.log('warn', { callId, code: error.code, reason: error.value, ...(wireCode === undefined ? {} : { wireCode }) }, 'worker: malformed request');
    return this.errorReply(id, undefined, error, true);
  }

  private errorReply(id: Uint8Array | undefined, method: string | undefined, error: TotoError, malformed: boolean): WorkerReply {
    if (malformed) this.counts.malformed++;
    else this.counts.errors++;
    let payload: Uint8Array;
    try {
      payload = encodeErrorReply(error, this.replyCodecs, this.wire);
    } catch (failure) {
      // A codec that cannot carry this error (a value too large for maxPayloadBytes, say): the fixed one it can.
      this.log('error', { method, code: error.code, err: failure }, 'worker: error reply could not be encoded');
      payload = this.fallbackPayload;
    }
    return reply(id, payload, error, malformed, method);
  }
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

function reply(id: Uint8Array | undefined, payload: Uint8Array, error: TotoError | undefined, malformed: boolean, method: string | undefined): WorkerReply {
  // Frozen: the idempotency window hands the same outcome to every retry, so no caller may alter it.
  return Object.freeze({ kind: 'reply', id, payload, frames: Object.freeze([id ?? EMPTY, payload]) as Uint8Array[], error, malformed, method });
}

/**
 * The HTTP status for an outcome, as Toto's HTTP test worker answered: 200 with the value, 404
 * for an unknown method, 500 for a method's error; beyond Toto, 400 for a request that could not
 * be read and 202 for an @asynchronous acknowledgement (the body then is null). 413 and 415 are
 * the server's to decide before dispatch (size, Content-Type).
 */
export function httpStatusOf(outcome: WorkerOutcome): 200 | 202 | 400 | 404 | 500 {
  if (outcome.kind === 'ack') return 202;
  if (outcome.error === undefined) return 200;
  if (outcome.malformed) return 400;
  return outcome.error.code === ErrorCode.MISSING_METHOD ? 404 : 500;
}
