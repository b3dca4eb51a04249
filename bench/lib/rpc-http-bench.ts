// The HTTP row of `npm run bench -- rpc`: HttpWorkerConnection (TransportHttp) -> HttpWorkerServer
// in a child process, beside a raw undici keep-alive client -> a raw node:http worker in a child
// process, both POSTing the same JSON {method, parameters} and reading the JSON value back.
// Target: ours >= 0.8 of raw.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { LoopNode } from '../../src/adapters/loop-node.js';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { HttpWorkerConnection } from '../../src/core/http-worker-connection.js';
import { Random } from '../../src/core/random.js';
import { compareSides, type CompareResult } from './rpc-compare.js';
import type { RpcClient } from './rpc-clients.js';
import { Fleet } from './rpc-processes.js';
import type { RowPlan } from './rpc-zmq-bench.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVER = join(here, 'rpc-http-server.ts');
const CALL_TIMEOUT_MS = 60_000;

export function oursHttpClient(url: string): RpcClient {
  const transport = new TransportHttp();
  const loop = new LoopNode();
  const connection = new HttpWorkerConnection({ transport, loop, random: new Random(1), address: url, timeoutMs: CALL_TIMEOUT_MS });
  return {
    call: (parameters) => connection.invoke('bench.echo', parameters),
    close: async () => {
      await connection.close();
      await transport.close();
      loop.close();
    },
  };
}

/** What a user would write with undici alone: a keep-alive Agent, one POST per call, the JSON body parsed. */
export function rawHttpClient(url: string): RpcClient {
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const { origin, pathname } = new URL(url);
  const headers = { 'content-type': 'application/json' };
  return {
    call: async (parameters) => {
      const body = JSON.stringify({ method: 'bench.echo', parameters });
      const response = await agent.request({ origin, path: pathname, method: 'POST', headers, body });
      return response.body.json();
    },
    close: () => agent.close(),
  };
}

export async function runHttp(plan: RowPlan): Promise<CompareResult> {
  const fleet = new Fleet();
  const clients: Record<string, RpcClient> = {};
  try {
    const raw = await fleet.start(SERVER, ['raw'], /^url (\S+)$/);
    const ours = await fleet.start(SERVER, ['ours'], /^url (\S+)$/);
    clients.raw = rawHttpClient(raw.match[1] as string);
    clients.ours = oursHttpClient(ours.match[1] as string);
    const serverPids = { raw: [raw.pid], ours: [ours.pid] };
    console.log(`http: client -> one worker process over node:http, pids ${fleet.pids.join(', ')}`);
    return await compareSides({ row: 'http', clients, serverPids, ratios: [['ours', 'raw']], ...plan });
  } finally {
    await Promise.all(Object.values(clients).map((client) => client.close().catch((error: unknown) => console.error('bench: a client failed to close', error))));
    await fleet.stopAll();
  }
}
