// `toto worker [OPTIONS] <methods-dir>`: Toto's worker service from the shell. A TotoService whose
// master runs the router (balancer + control socket) and whose processes are the worker processes
// of startWorkerService, so --processes, the daemon flags (--start, --stop, --restart, --nodaemon)
// and --pidfile work as for any service. `--command status|shutdown` talks to a running service's
// control socket instead and prints the answer as JSON. Options keep Toto's names
// (worker_bind_address, worker_socket_address, control_socket_address, startup_function, ...)
// and may come from a config file (--config).

import { existsSync } from 'node:fs';
import { OptionsError } from '../core/options-error.js';
import { Options } from '../core/options.js';
import { daemonAction } from '../core/toto-service-options.js';
import { sendWorkerCommand } from '../core/worker-control-client.js';
import { CONTROL_ADDRESS_DEFAULT, WORKER_BIND_ADDRESS_DEFAULT, WORKER_SOCKET_ADDRESS_DEFAULT } from '../core/worker-service.js';
import { TotoError } from '../core/errors.js';
import { TotoService, type MasterRun, type ServiceProcesses } from '../adapters/toto-service.js';
import { startWorkerService } from '../adapters/worker-service-node.js';
import type { CompressionName, SerializationName } from '../adapters/codecs.js';
import { checkAddress, defineCodecOptions, processIo, shown, withNodePorts, type CommandIo } from './cli-common.js';

const PROGRAM = 'toto worker';

/** The options every service command on the worker sockets shares (worker and router). */
export function defineWorkerSocketOptions<T extends object>(options: Options<T>) {
  return options
    .define('worker_bind_address', { type: 'string', default: WORKER_BIND_ADDRESS_DEFAULT, metavar: 'ADDRESS', group: 'Sockets', help: "where clients connect (the router's ROUTER); '' = no router: the workers connect to --worker-socket-address" })
    .define('worker_socket_address', { type: 'string', default: WORKER_SOCKET_ADDRESS_DEFAULT, metavar: 'ADDRESS', group: 'Sockets', help: "where the workers connect (the router's DEALER); give each service its own" })
    .define('control_socket_address', { type: 'string', default: CONTROL_ADDRESS_DEFAULT, metavar: 'ADDRESS', group: 'Sockets', help: "the control socket (--command status|shutdown); '' = none" })
    .define('command', { type: 'string', choices: ['status', 'shutdown'], metavar: 'status|shutdown', group: 'Control', help: "send this to the running service's control socket, print the answer (JSON) and exit" })
    .define('command_timeout', { type: 'duration', default: 10_000, min: 1, group: 'Control', help: 'how long --command waits for the answer' });
}

function workerOptions() {
  const options = new Options({
    usage: `${PROGRAM} [OPTIONS] <methods-dir>`,
    description: 'Runs a worker service: a router on --worker-bind-address and --processes worker processes serving the methods\n(methods-dir/a/b.ts is the method "a.b"). Or, with --command, asks a running one for its status or to shut down.',
  })
    .define('method_module', { type: 'string', metavar: 'PATH', help: 'the methods: a directory (a/b.ts is method a.b) or a module exporting a method map; or give it as the argument' })
    .define('startup_function', { type: 'string', metavar: 'PATH', help: 'a module exporting startup(worker), run in each worker process before it serves' })
    .define('idempotency_ttl', { type: 'duration', min: 1, help: 'keep replies by call id this long, so a retried call is not run twice (default: off)' })
    .define('restart_workers', { type: 'bool', default: true, help: 'restart a worker process that dies' });
  return defineCodecOptions(defineWorkerSocketOptions(options));
}

type WorkerValues = ReturnType<ReturnType<typeof workerOptions>['values']>;

type WorkerSocketValues = { worker_bind_address: string; worker_socket_address: string; control_socket_address: string; command?: string | undefined; command_timeout: number };

/** Checks the socket addresses given (an empty one is "none"); throws OptionsError naming the option. */
export function checkSocketAddresses(values: Readonly<WorkerSocketValues>): void {
  for (const name of ['worker_bind_address', 'worker_socket_address', 'control_socket_address'] as const) {
    if (values[name] !== '') checkAddress(`--${name.replace(/_/g, '-')}`, values[name]);
  }
}

/** A service command's runInstead: with --command, asks the running service and resolves to the exit code; else undefined. */
export function controlCommandIfAsked(values: Readonly<WorkerSocketValues>, program: string, io: CommandIo): Promise<number> | undefined {
  if (values.command === undefined) return undefined;
  return controlCommand(values.command as 'status' | 'shutdown', values.command_timeout, values.control_socket_address, program, io);
}

/** `--command status|shutdown` against `address`; prints the answer as JSON. */
export async function controlCommand(command: 'status' | 'shutdown', timeoutMs: number, address: string, program: string, io: CommandIo): Promise<number> {
  if (address === '') {
    io.stderr.write(`${program}: --command needs the service's control socket: give --control-socket-address\n`);
    return 2;
  }
  try {
    const answer = await withNodePorts(({ loop, transport }) =>
      sendWorkerCommand({ transport, loop, address, command, timeoutMs }),
    );
    io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TotoError)) throw error;
    io.stderr.write(`${program}: ${error.value}${error.code === -1 ? ' (is the service running? its control socket is --control-socket-address)' : ''}\n`);
    return 1;
  }
}

class WorkerCommandService extends TotoService<WorkerValues> {
  private methods: string | undefined;

  constructor(argv: readonly string[], private readonly io: CommandIo) {
    super({ options: workerOptions() as unknown as Options<WorkerValues>, argv, name: PROGRAM, program: PROGRAM, stdout: io.stdout, stderr: io.stderr });
  }

  mainLoop(): never {
    throw new Error('toto worker: the worker processes run worker-process-main, not mainLoop');
  }

  protected override checkArguments(positionals: readonly string[]): void {
    if (positionals.length > 1) throw new OptionsError('BAD_VALUE', `unexpected argument ${shown(positionals[1] as string)} (one methods directory or module)`);
    const values = this.values;
    checkSocketAddresses(values);
    this.methods = positionals[0] ?? values.method_module;
    if (values.command !== undefined || daemonAction(values) === 'stop') return;
    if (this.methods === undefined) throw new OptionsError('MISSING_VALUE', `expected the methods: ${PROGRAM} <methods-dir> (or --method-module=PATH)`);
    if (!existsSync(this.methods)) throw new OptionsError('BAD_VALUE', `methods: no such file or directory: ${this.methods}`);
    if (values.startup_function !== undefined && !existsSync(values.startup_function)) {
      throw new OptionsError('BAD_VALUE', `--startup-function: no such file: ${values.startup_function}`, { option: '--startup-function' });
    }
  }

  protected override runInstead(): Promise<number> | undefined {
    return controlCommandIfAsked(this.values, PROGRAM, this.io);
  }

  protected override async startProcesses(run: MasterRun<Readonly<WorkerValues>>): Promise<ServiceProcesses> {
    const v = run.values;
    const service = await startWorkerService({
      methods: this.methods as string,
      processes: run.count,
      bindAddress: v.worker_bind_address,
      socketAddress: v.worker_socket_address,
      controlAddress: v.control_socket_address,
      serialization: v.serialization as SerializationName,
      compression: v.compression as CompressionName,
      shutdownDeadlineMs: run.drainTimeoutMs,
      restart: v.restart_workers,
      readyTimeoutMs: run.readyTimeoutMs,
      ...(v.startup_function === undefined ? {} : { startup: v.startup_function }),
      ...(v.idempotency_ttl === undefined ? {} : { idempotencyTtlMs: v.idempotency_ttl }),
    });
    const slots = pidSlots();
    return {
      // A restarting worker is missing for a moment; the pidfiles follow within half a second.
      children: () => slots(service.pids),
      stop: async (deadlineMs) => void (await service.close(deadlineMs)),
      done: service.done.then(() => ({ failed: [] })),
      info: { bind: service.addresses.bind, socket: service.addresses.socket, control: service.addresses.control },
    };
  }
}

/**
 * Service ids for the worker pids a worker service lists (alive ones, in worker order): a pid keeps
 * its id while it lives, and a new pid (a restarted worker) takes the lowest id freed. Numbering
 * the list by position gave a restarting worker's id to the next worker, and its pidfile that pid.
 */
export function pidSlots(): (pids: readonly number[]) => { serviceId: number; pid: number }[] {
  let slots: (number | undefined)[] = [];
  return (pids) => {
    const now = new Set(pids);
    slots = slots.map((pid) => (pid !== undefined && now.has(pid) ? pid : undefined));
    for (const pid of pids) {
      if (slots.includes(pid)) continue;
      const free = slots.indexOf(undefined);
      slots[free === -1 ? slots.length : free] = pid;
    }
    return slots.flatMap((pid, serviceId) => (pid === undefined ? [] : [{ serviceId, pid }]));
  };
}

/** What `toto worker <argv>` would run with, checked without starting anything; throws OptionsError on bad input. */
export function checkWorkerArgs(argv: readonly string[]): void {
  new WorkerCommandService(argv, processIo).checkCommandLine();
}

/** `toto worker ...` (the arguments after `worker`); resolves to the exit code. */
export function workerCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return new WorkerCommandService(argv, io).run();
}
