// The worker service's control messages: frames and their JSON bodies, shared by the control
// server (the router process), the agent in each worker and the command client.
//
// Every message is ['', kind, id, body]: an empty delimiter first (so a REQ socket can be a
// client, as REQ adds and strips it), a kind, an id that pairs a question with its answer
// (empty for a hello), and a JSON body (UTF-8). A ROUTER sees [identity, '', kind, id, body].
//
//   client -> router   'command' {command: 'status' | 'shutdown', deadlineMs?}
//   router -> client   'answer'  {ok: true, result} | {ok: false, error: {code, value}}
//   worker -> router   'hello'   WorkerInfo, at start and every helloIntervalMs (liveness)
//   router -> worker   'ask'     {command: 'status' | 'shutdown', deadlineMs?}
//   worker -> router   'report'  WorkerReport (to 'shutdown': once drained, before it closes)

import { describe, expected } from './validate.js';

export const CONTROL_COMMANDS = ['status', 'shutdown'] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

export const CONTROL_KINDS = ['command', 'answer', 'hello', 'ask', 'report'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

/** Longest control body read; a larger one is refused unread (control messages are small). */
export const CONTROL_BODY_BYTES_MAX = 256 * 1024;
/** Longest id frame: ids are short counters. */
const CONTROL_ID_BYTES_MAX = 64;

/** What a worker says about itself in its hello. */
export interface WorkerInfo {
  /** Unique within the service (e.g. "worker-0"); the control socket's routing id is made from it. */
  name: string;
  /** The process id, in production; a per-host id in the simulation. */
  pid?: number | string;
  /** Host name, when known. */
  host?: string;
  /** The worker's index in its service (Toto's service_id). */
  serviceId?: number;
}

/** A worker's answer to 'ask'. */
export interface WorkerReport extends WorkerInfo {
  /** Toto's worker status: 'Listening' (serving), 'Draining' (shutdown asked), 'Finished' (closed). */
  status: 'Listening' | 'Draining' | 'Finished';
  uptimeMs: number;
  /** Replies sent (values and errors). */
  served: number;
  /** @asynchronous acknowledgements sent. */
  acks: number;
  /** Requests received and not yet answered. */
  inFlight: number;
  /** Socket failures survived. */
  errors: number;
}

export type WorkerEntry = WorkerReport | (WorkerInfo & { status: 'Unresponsive' });

export interface WorkerServiceStatus {
  role: 'router';
  pid?: number | string;
  host?: string;
  uptimeMs: number;
  /** Workers known (heard from within workerTimeoutMs). */
  workerCount: number;
  /** Replies sent by the workers that answered. */
  served: number;
  workers: WorkerEntry[];
  [more: string]: unknown;
}

export interface ShutdownResult {
  /** The workers' last reports (Finished once drained; Unresponsive if silent until the deadline). */
  workers: WorkerEntry[];
  tookMs: number;
}

export interface ControlMessage {
  kind: ControlKind;
  id: string;
  body: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/** The frames of a control message, delimiter first. */
export function controlFrames(kind: ControlKind, id: string, body: unknown): Uint8Array[] {
  return [EMPTY, encoder.encode(kind), encoder.encode(id), encoder.encode(JSON.stringify(body ?? null))];
}

/**
 * Reads ['', kind, id, body] (a DEALER's or REQ's view); throws a TypeError saying what is wrong.
 * A ROUTER passes the frames after the identity.
 */
export function parseControlFrames(frames: readonly Uint8Array[]): ControlMessage {
  if (!Array.isArray(frames) || frames.length !== 4) {
    const got = Array.isArray(frames) ? `${frames.length} frames` : describe(frames);
    throw new TypeError(`control message: expected 4 frames ['', kind, id, body], got ${got}`);
  }
  const [delimiter, kindFrame, idFrame, bodyFrame] = frames as Uint8Array[];
  if (!(delimiter instanceof Uint8Array) || delimiter.byteLength !== 0) throw new TypeError('control message: expected an empty delimiter frame first');
  const kind = text(kindFrame, 'kind', 16);
  if (!(CONTROL_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(expected('control message kind', `one of ${CONTROL_KINDS.join(', ')}`, kind));
  }
  const id = text(idFrame, 'id', CONTROL_ID_BYTES_MAX);
  const raw = text(bodyFrame, 'body', CONTROL_BODY_BYTES_MAX);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw new TypeError(`control message body: expected JSON, got ${raw.length > 80 ? `${JSON.stringify(raw.slice(0, 80))}...` : JSON.stringify(raw)} (${(error as Error).message})`, { cause: error });
  }
  return { kind: kind as ControlKind, id, body };
}

/** Reads a 'command' or 'ask' body: the command and its optional deadline. */
export function parseCommandBody(body: unknown): { command: ControlCommand; deadlineMs: number | undefined } {
  const command = (body as { command?: unknown } | null)?.command;
  if (typeof command !== 'string' || !(CONTROL_COMMANDS as readonly string[]).includes(command)) {
    throw new TypeError(expected('command', `one of ${CONTROL_COMMANDS.join(', ')}`, command));
  }
  const deadlineMs = (body as { deadlineMs?: unknown }).deadlineMs;
  if (deadlineMs !== undefined && (typeof deadlineMs !== 'number' || !Number.isFinite(deadlineMs) || deadlineMs < 0)) {
    throw new RangeError(expected('deadlineMs', 'a finite number >= 0', deadlineMs));
  }
  return { command: command as ControlCommand, deadlineMs };
}

/** Reads a hello's WorkerInfo; throws a TypeError naming the bad field. */
export function parseWorkerInfo(body: unknown): WorkerInfo {
  if (body === null || typeof body !== 'object') throw new TypeError(expected('worker info', 'an object', body));
  const { name, pid, host, serviceId } = body as Record<string, unknown>;
  if (typeof name !== 'string' || name === '' || name.length > 200) throw new TypeError(expected('worker info name', 'a non-empty string', name));
  if (pid !== undefined && typeof pid !== 'number' && typeof pid !== 'string') throw new TypeError(expected('worker info pid', 'a number or string', pid));
  if (host !== undefined && typeof host !== 'string') throw new TypeError(expected('worker info host', 'a string', host));
  if (serviceId !== undefined && typeof serviceId !== 'number') throw new TypeError(expected('worker info serviceId', 'a number', serviceId));
  return { name, pid, host, serviceId };
}

function text(frame: Uint8Array | undefined, what: string, bytesMax: number): string {
  if (!(frame instanceof Uint8Array)) throw new TypeError(expected(`control message ${what}`, 'a frame', frame));
  if (frame.byteLength > bytesMax) throw new RangeError(`control message ${what}: expected at most ${bytesMax} bytes, got ${frame.byteLength}`);
  try {
    return decoder.decode(frame);
  } catch {
    throw new TypeError(`control message ${what}: expected UTF-8 text`);
  }
}
