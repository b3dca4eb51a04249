// The ZeroMQ rows of `npm run bench -- rpc`, each server in its own child process:
//   direct: client -> one worker. ZmqWorkerConnection -> WorkerRepServer, beside a raw
//           zeromq.js DEALER client -> raw REP worker, and Moleculer's broker.call over its
//           TCP transporter (static addresses) -> one broker with the same echo action.
//   router: client -> router -> 2 workers. ZmqWorkerConnection -> WorkerBalancer -> 2
//           WorkerRepServers, beside raw zeromq.js in every role.
// Every side calls `bench.echo` with the same parameters and checks what comes back.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareSides, type CompareResult } from './rpc-compare.js';
import { moleculerClient, oursZmqClient, rawZmqClient, type RpcClient } from './rpc-clients.js';
import { freePort } from './rpc-moleculer-options.js';
import { Fleet } from './rpc-processes.js';

const here = dirname(fileURLToPath(import.meta.url));
const ZMQ_SERVER = join(here, 'rpc-zmq-server.ts');
const MOLECULER_SERVER = join(here, 'rpc-moleculer-server.ts');
const ENDPOINT = /^endpoint ?(\S*) ?(\S*)$/;
const ANY = 'tcp://127.0.0.1:*';

export interface RowPlan {
  windows: number[];
  totals: Record<number, number>;
  repeats: number;
}

async function closeAll(clients: RpcClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close().catch((error: unknown) => console.error('bench: a client failed to close', error))));
}

export async function runDirect(plan: RowPlan, withMoleculer: boolean): Promise<CompareResult> {
  const fleet = new Fleet();
  const clients: Record<string, RpcClient> = {};
  const serverPids: Record<string, number[]> = {};
  try {
    const ours = await fleet.start(ZMQ_SERVER, ['ours-worker', 'bind', ANY], ENDPOINT);
    const raw = await fleet.start(ZMQ_SERVER, ['raw-worker', 'bind', ANY], ENDPOINT);
    clients.raw = rawZmqClient(raw.match[1] as string);
    clients.ours = oursZmqClient(ours.match[1] as string);
    Object.assign(serverPids, { raw: [raw.pid], ours: [ours.pid] });
    if (withMoleculer) {
      const clientPort = await freePort();
      const server = await fleet.start(MOLECULER_SERVER, [String(clientPort)], /^port (\d+)$/);
      clients.moleculer = await moleculerClient(clientPort, Number(server.match[1]));
      serverPids.moleculer = [server.pid];
    }
    console.log(`direct: client -> one worker process, pids ${fleet.pids.join(', ')}`);
    const ratios: Array<[string, string]> = [['ours', 'raw']];
    if (withMoleculer) ratios.push(['ours', 'moleculer'], ['moleculer', 'raw']);
    return await compareSides({ row: 'direct', clients, serverPids, ratios, ...plan });
  } finally {
    await closeAll(Object.values(clients));
    await fleet.stopAll();
  }
}

export async function runRouter(plan: RowPlan): Promise<CompareResult> {
  const fleet = new Fleet();
  const clients: Record<string, RpcClient> = {};
  const serverPids: Record<string, number[]> = {};
  try {
    const endpoints: Record<string, string> = {};
    for (const side of ['ours', 'raw']) {
      const router = await fleet.start(ZMQ_SERVER, [`${side}-router`], ENDPOINT);
      const [front, back] = [router.match[1] as string, router.match[2] as string];
      serverPids[side] = [router.pid];
      for (let i = 0; i < 2; i++) (serverPids[side] as number[]).push((await fleet.start(ZMQ_SERVER, [`${side}-worker`, 'connect', back], ENDPOINT)).pid);
      endpoints[side] = front;
    }
    clients.raw = rawZmqClient(endpoints.raw as string);
    clients.ours = oursZmqClient(endpoints.ours as string);
    console.log(`router: client -> router process -> 2 worker processes, pids ${fleet.pids.join(', ')}`);
    return await compareSides({ row: 'router', clients, serverPids, ratios: [['ours', 'raw']], ...plan });
  } finally {
    await closeAll(Object.values(clients));
    await fleet.stopAll();
  }
}
