// Sends one control command (Toto's `--command status|shutdown`) to a worker service's control
// socket and returns the answer, or fails with a TotoError: TIMEOUT when nothing answers within
// timeoutMs (the service is down, or the address is wrong), the service's error otherwise.
// One short-lived DEALER per command, closed whatever happens.

import { ErrorCode, TotoError } from './errors.js';
import type { LoopPort } from './ports.js';
import type { TransportPort } from './transport.js';
import { checkNonEmptyString, checkOneOf, checkOptions, expected } from './validate.js';
import { CONTROL_COMMANDS, controlFrames, parseControlFrames, type ControlCommand } from './worker-control-wire.js';
import type { ShutdownResult, WorkerServiceStatus } from './worker-control.js';

export interface WorkerCommandOptions {
  transport: TransportPort;
  loop: LoopPort;
  /** The service's control address. */
  address: string;
  command: ControlCommand;
  /** shutdown: how long the workers may take to finish the calls in hand. Default: the service's (5000). */
  deadlineMs?: number;
  /** How long to wait for the answer. Default 10 000 (shutdown: its deadlineMs plus 10 000). */
  timeoutMs?: number;
}

export function sendWorkerCommand(options: WorkerCommandOptions & { command: 'status' }): Promise<WorkerServiceStatus>;
export function sendWorkerCommand(options: WorkerCommandOptions & { command: 'shutdown' }): Promise<ShutdownResult>;
export function sendWorkerCommand(options: WorkerCommandOptions): Promise<WorkerServiceStatus | ShutdownResult>;
export async function sendWorkerCommand(options: WorkerCommandOptions): Promise<WorkerServiceStatus | ShutdownResult> {
  if (options === null || typeof options !== 'object') throw new TypeError(expected('sendWorkerCommand options', 'an options object', options));
  checkOptions('sendWorkerCommand options', options, ['transport', 'loop', 'address', 'command', 'deadlineMs', 'timeoutMs']);
  const { transport, loop, address, command, deadlineMs } = options;
  if (transport === null || typeof transport !== 'object' || typeof transport.socket !== 'function') throw new TypeError(expected('transport', 'a TransportPort', transport));
  if (loop === null || typeof loop !== 'object' || typeof loop.callLater !== 'function') throw new TypeError(expected('loop', 'a LoopPort', loop));
  checkNonEmptyString('address', address);
  checkOneOf('command', command, CONTROL_COMMANDS);
  if (deadlineMs !== undefined && (typeof deadlineMs !== 'number' || !Number.isFinite(deadlineMs) || deadlineMs < 0)) {
    throw new RangeError(expected('deadlineMs', 'a finite number >= 0', deadlineMs));
  }
  const timeoutMs = options.timeoutMs ?? (command === 'shutdown' ? (deadlineMs ?? 5_000) + 10_000 : 10_000);
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(expected('timeoutMs', 'a finite number > 0', timeoutMs));

  const socket = transport.socket('dealer', { lingerMs: 0 });
  let timer;
  try {
    socket.connect(address);
    const body = deadlineMs === undefined ? { command } : { command, deadlineMs };
    const answer = new Promise<Uint8Array[]>((resolve, reject) => {
      timer = loop.callLater(timeoutMs, () =>
        reject(new TotoError(ErrorCode.TIMEOUT, `worker control: no answer to ${command} from ${address} within ${timeoutMs} ms`)),
      );
      // The send waits while the service is not reachable; the timeout covers it.
      socket
        .send(controlFrames('command', '1', body))
        .then(() => socket.receive())
        .then(resolve, reject);
    });
    const frames = await answer;
    let message;
    try {
      message = parseControlFrames(frames);
    } catch (error) {
      throw new TotoError(ErrorCode.SERVER, `worker control: malformed answer from ${address}: ${(error as Error).message}`);
    }
    if (message.kind !== 'answer') throw new TotoError(ErrorCode.SERVER, `worker control: expected an answer, got ${JSON.stringify(message.kind)}`);
    const reply = message.body as { ok?: unknown; result?: unknown; error?: unknown } | null;
    if (reply?.ok === true) return reply.result as WorkerServiceStatus | ShutdownResult;
    throw TotoError.fromJSON(reply?.error);
  } finally {
    if (timer !== undefined) loop.cancel(timer);
    // A pending send or receive rejects on close; nobody awaits them any more.
    socket.close();
  }
}
