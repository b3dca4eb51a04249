// `toto router [OPTIONS]`: Toto's shared router (a worker service with processes = 0): a balancer
// whose ROUTER clients connect to (--worker-bind-address) and whose DEALER the workers of other
// services connect to (--worker-socket-address; start them with `toto worker --worker-bind-address=''
// --worker-socket-address=<this>`), and the control socket. A TotoService with no service
// processes, so the daemon flags and --pidfile work; --command status|shutdown as for toto worker.

import { hostname } from 'node:os';
import { OptionsError } from '../core/options-error.js';
import { Options } from '../core/options.js';
import { RouterRole } from '../core/worker-service-router.js';
import { LoopNode } from '../adapters/loop-node.js';
import { TransportZmq } from '../adapters/transport-zmq.js';
import { TotoService, type MasterRun, type ServiceProcesses } from '../adapters/toto-service.js';
import { processIo, shown, type CommandIo } from './cli-common.js';
import { checkSocketAddresses, controlCommandIfAsked, defineWorkerSocketOptions } from './worker-command.js';

const PROGRAM = 'toto router';

function routerOptions() {
  return defineWorkerSocketOptions(
    new Options({
      usage: `${PROGRAM} [OPTIONS]`,
      description: 'Runs a router alone: clients connect to --worker-bind-address, the workers of other services to --worker-socket-address.',
    }),
  );
}

type RouterValues = ReturnType<ReturnType<typeof routerOptions>['values']>;

class RouterCommandService extends TotoService<RouterValues> {
  constructor(argv: readonly string[], private readonly io: CommandIo) {
    super({ options: routerOptions() as unknown as Options<RouterValues>, argv, name: PROGRAM, program: PROGRAM, stdout: io.stdout, stderr: io.stderr });
  }

  mainLoop(): never {
    throw new Error('toto router runs no service processes');
  }

  /** The router alone: no service processes (Toto's processes = 0). */
  override processCount(): number {
    return 0;
  }

  protected override checkArguments(positionals: readonly string[]): void {
    if (positionals.length > 0) throw new OptionsError('BAD_VALUE', `unexpected argument ${shown(positionals[0] as string)} (${PROGRAM} takes options only; --help lists them)`);
    const values = this.values;
    if (values.processes !== 1) throw new OptionsError('BAD_VALUE', `--processes: ${PROGRAM} runs no worker processes (start workers with toto worker --worker-bind-address='' --worker-socket-address=ADDRESS)`, { option: '--processes' });
    if (values.worker_bind_address === '') throw new OptionsError('BAD_VALUE', `--worker-bind-address: a router needs an address to bind, got ''`, { option: '--worker-bind-address' });
    checkSocketAddresses(values);
  }

  protected override runInstead(): Promise<number> | undefined {
    return controlCommandIfAsked(this.values, PROGRAM, this.io);
  }

  protected override async startProcesses(run: MasterRun<Readonly<RouterValues>>): Promise<ServiceProcesses> {
    const v = run.values;
    const loop = new LoopNode();
    const transport = new TransportZmq();
    let router: RouterRole;
    try {
      router = await RouterRole.start({
        transport,
        loop,
        bindAddress: v.worker_bind_address,
        socketAddress: v.worker_socket_address,
        controlAddress: v.control_socket_address,
        info: { pid: process.pid, host: hostname() },
        shutdownDeadlineMs: run.drainTimeoutMs,
      });
    } catch (error) {
      await transport.close();
      loop.close();
      throw error;
    }
    const done = router.done.then(async () => {
      await transport.close();
      loop.close();
      return { failed: [] };
    });
    return {
      children: () => [],
      stop: async (deadlineMs) => {
        await router.shutdown(deadlineMs);
        await done;
      },
      done,
      info: router.addresses,
    };
  }
}

/** What `toto router <argv>` would run with, checked without starting anything; throws OptionsError on bad input. */
export function checkRouterArgs(argv: readonly string[]): void {
  new RouterCommandService(argv, processIo).checkCommandLine();
}

/** `toto router ...` (the arguments after `router`); resolves to the exit code. */
export function routerCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  return new RouterCommandService(argv, io).run();
}
