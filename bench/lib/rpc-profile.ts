// Drives one side of the RPC bench alone, for a CPU profile of both processes:
//   RPC_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/lib/rpc-profile.ts <client ours|raw|moleculer> <server ours|raw> direct|router|http [calls] [inFlight]
// (this process and each server then write a profile).

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moleculerClient, oursZmqClient, rawZmqClient, type RpcClient } from './rpc-clients.js';
import { oursHttpClient, rawHttpClient } from './rpc-http-bench.js';
import { freePort } from './rpc-moleculer-options.js';
import { Fleet } from './rpc-processes.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVER = join(here, 'rpc-zmq-server.ts');
const ENDPOINT = /^endpoint ?(\S*) ?(\S*)$/;
const [side = 'ours', serverSide = side, topology = 'direct', callsArg = '200000', inFlightArg = '256'] = process.argv.slice(2);
const calls = Number(callsArg);
const inFlight = Number(inFlightArg);

const fleet = new Fleet();
const TICKS_PER_S = 100;

/** CPU time of a process so far (all its threads, libzmq's I/O thread included), in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}
/** Context switches of every thread of a process (a thread that sleeps and wakes counts one each time). */
function switches(pid: number): number {
  let sum = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    for (const match of status.matchAll(/ctxt_switches:\s+(\d+)/g)) sum += Number(match[1]);
  }
  return sum;
}

try {
  let address = '';
  let client: RpcClient | undefined;
  if (side === 'moleculer') {
    const clientPort = await freePort();
    const serverPort = Number((await fleet.start(join(here, 'rpc-moleculer-server.ts'), [String(clientPort)], /^port (\d+)$/)).match[1]);
    client = await moleculerClient(clientPort, serverPort);
  } else if (topology === 'http') {
    const url = (await fleet.start(join(here, 'rpc-http-server.ts'), [serverSide], /^url (\S+)$/)).match[1] as string;
    client = side === 'ours' ? oursHttpClient(url) : rawHttpClient(url);
  } else if (topology === 'direct') {
    address = (await fleet.start(SERVER, [`${serverSide}-worker`, 'bind', 'tcp://127.0.0.1:*'], ENDPOINT)).match[1] as string;
  } else {
    const { match } = await fleet.start(SERVER, [`${serverSide}-router`], ENDPOINT);
    for (let i = 0; i < 2; i++) await fleet.start(SERVER, [`${serverSide}-worker`, 'connect', match[2] as string], ENDPOINT);
    address = match[1] as string;
  }
  client ??= side === 'ours' ? oursZmqClient(address) : rawZmqClient(address);
  // A short warm-up, so both sides run optimised code and every worker is connected.
  for (let i = 0; i < 2_000; i++) await client.call({ seq: i, text: 'x'.repeat(40) });
  const pids = [process.pid, ...fleet.pids];
  const cpuBefore = pids.map(cpuMs);
  const switchesBefore = pids.map(switches);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        next++;
        await client.call({ seq: next, text: 'x'.repeat(40) });
      }
    }),
  );
  const ms = performance.now() - start;
  const cpuPerCallUs = pids.map((pid, i) => (((cpuMs(pid) - (cpuBefore[i] as number)) * 1000) / calls).toFixed(1));
  const switchesPerCall = pids.map((pid, i) => ((switches(pid) - (switchesBefore[i] as number)) / calls).toFixed(2));
  console.log(`${side} client, ${serverSide} server, ${topology}: ${calls} calls at ${inFlight} in flight, ${Math.round((calls / ms) * 1000)} req/s; CPU µs per call: client ${cpuPerCallUs[0]}, servers ${cpuPerCallUs.slice(1).join(', ')}; context switches per call: client ${switchesPerCall[0]}, servers ${switchesPerCall.slice(1).join(', ')}`);
  await client.close();
} finally {
  await fleet.stopAll();
}
