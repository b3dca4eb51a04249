// The two worlds of the HTTP contract (test/contract/http.contract.test.ts): the simulated HTTP
// of NetworkSim in virtual time, and TransportHttp on 127.0.0.1 with a crashable server in a
// child process. Each world closes what it opened.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { Random } from '../../src/core/random.js';
import type { TransportPort } from '../../src/core/transport.js';
import { NetworkSim } from '../../src/sim/network-sim.js';
import { SimKernel } from '../../src/sim/sim-kernel.js';

export interface World {
  name: string;
  /** The HTTP half of TransportPort; server and client share one host, as on 127.0.0.1. */
  transport: Pick<TransportPort, 'httpListen' | 'httpRequest'>;
  /** Waits for `work`, advancing virtual time in the simulation (no further than it needs). */
  settle<T>(work: Promise<T>): Promise<T>;
  /** A server in another process (sim: on another host) whose handler never answers, and a way to kill that process. */
  crashableServer(): Promise<CrashableServer>;
  close(): Promise<void>;
}

export interface CrashableServer {
  url: string;
  /** Resolves once the handler has the request. */
  handling: Promise<void>;
  /** The process dies (SIGKILL; sim: crashHost): its OS closes the connection. */
  crash(): Promise<void>;
}

const START_DEADLINE_MS = 15_000;

// The real crashable server: plain node:http in a child process (the client side is under test).
const CRASHABLE_SERVER = `
const server = require('node:http').createServer(() => console.log('handling'));
server.listen({ host: '127.0.0.1', port: 0 }, () => console.log('port ' + server.address().port));
`;

export const worlds: { name: string; make(): World }[] = [
  {
    name: 'sim',
    make() {
      const kernel = new SimKernel({ startMs: 0 });
      const net = new NetworkSim({ kernel, random: new Random(7) });
      const transport = net.transport('host');
      const settle = async <T>(work: Promise<T>): Promise<T> => {
        let settled = false;
        work.then(
          () => (settled = true),
          () => (settled = true),
        );
        // One event at a time, so virtual time stops where the work settled (a timer due later stays due).
        for (let steps = 0; !settled && steps < 1_000_000; steps++) {
          if (await kernel.step()) continue;
          await new Promise((resolve) => setImmediate(resolve)); // handlers resolve on microtasks and immediates
          if (!settled && kernel.pending === 0) break;
        }
        if (!settled) throw new Error('the work never settled in virtual time');
        return work;
      };
      return {
        name: 'sim',
        transport,
        settle,
        async crashableServer() {
          let started!: () => void;
          const handling = new Promise<void>((resolve) => (started = resolve));
          const server = await net.transport('server').httpListen('http://server:0', () => {
            started();
            return new Promise(() => {});
          });
          return { url: server.address, handling, crash: async () => net.crashHost('server') };
        },
        close: async () => {},
      };
    },
  },
  {
    name: 'real',
    make() {
      const transport = new TransportHttp();
      const children: ReturnType<typeof spawn>[] = [];
      return {
        name: 'real',
        transport,
        settle: (work) => work,
        async crashableServer() {
          const child = spawn(process.execPath, ['-e', CRASHABLE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
          children.push(child);
          const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> })[Symbol.asyncIterator]();
          // Bounded: a child that never prints (a loaded machine, a broken node) fails here, not at the test timeout.
          let timer: NodeJS.Timeout | undefined;
          const first = await Promise.race([
            lines.next(),
            new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`crashable server: no port within ${START_DEADLINE_MS}ms`)), START_DEADLINE_MS))),
          ]).finally(() => clearTimeout(timer));
          const port = /^port (\d+)$/.exec(String(first.value))?.[1];
          if (!port) throw new Error(`crashable server: expected "port <n>", got ${JSON.stringify(first.value)}`);
          const handling = lines.next().then(() => undefined);
          const crash = async (): Promise<void> => {
            const exited = once(child, 'exit');
            child.kill('SIGKILL');
            await exited;
          };
          return { url: `http://127.0.0.1:${port}`, handling, crash };
        },
        close: async () => {
          for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await transport.close();
        },
      };
    },
  },
];

/** The rejection of `work` (fails the test if it resolves). */
export async function failure(world: World, work: Promise<unknown>): Promise<Error> {
  try {
    await world.settle(work);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got a response');
}
