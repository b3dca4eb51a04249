// The ZeroMQ half of `npm run bench -- transport`: DEALER/ROUTER echo between two processes
// (the ROUTER echo server in a child), TransportZmq on both sides beside raw zeromq.js on both
// sides, the same 64-byte payload, at 1, 16 and 256 messages in flight. Messages/s and p50/p99
// round-trip latency; one warm-up, medians of the repeats; the sides alternate so drift on a
// shared machine hits both alike, and the ratio is the median of side-by-side pairs.
// Target: ours >= 0.9 of raw at 256 in flight.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { benchLine, median, ratioLine } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAYLOAD_BYTES = 64;
const START_TIMEOUT_MS = 20_000;
const HWM = 100_000;

type Side = 'ours' | 'raw';

/** What both clients offer: the same two calls, so one loop drives either. */
interface Client {
  send(message: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array[]>;
}

interface RunResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

interface Server {
  child: ChildProcess;
  endpoint: string;
}

async function startServer(side: Side): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'transport-zmq-echo.ts'), side], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      const match = /^endpoint (tcp:\/\/\S+)$/.exec(line);
      if (match) return { child, endpoint: match[1] as string };
    }
    throw new Error(`bench: the ${side} echo server exited before binding`);
  } finally {
    clearTimeout(timer);
  }
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.stdin?.end();
  const kill = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(kill);
}

/**
 * `total` messages with at most `inFlight` unanswered; each carries its sequence number, so the
 * reply gives its round-trip time. One sender and one receiver, as a real DEALER client runs.
 */
async function runOnce(client: Client, inFlight: number, total: number): Promise<RunResult> {
  const sentAt = new Float64Array(total);
  const latencies = new Float64Array(total);
  let sent = 0;
  let received = 0;
  let wake: (() => void) | undefined;
  const start = performance.now();
  const receiver = (async () => {
    while (received < total) {
      const [frame] = await client.receive();
      const seq = Buffer.from((frame as Uint8Array).buffer, (frame as Uint8Array).byteOffset, 4).readUInt32LE(0);
      latencies[received++] = performance.now() - (sentAt[seq] as number);
      const w = wake;
      wake = undefined;
      w?.();
    }
  })();
  while (sent < total) {
    if (sent - received >= inFlight) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const payload = Buffer.alloc(PAYLOAD_BYTES, 7);
    payload.writeUInt32LE(sent, 0);
    sentAt[sent] = performance.now();
    sent++;
    await client.send(payload);
  }
  await receiver;
  const ms = performance.now() - start;
  latencies.sort();
  return { perSec: (total / ms) * 1000, p50Ms: latencies[Math.floor(total * 0.5)] as number, p99Ms: latencies[Math.floor(total * 0.99)] as number };
}

async function connectClients(servers: Record<Side, Server>): Promise<{ clients: Record<Side, Client>; close(): Promise<void> }> {
  const transport = new TransportZmq();
  const ours = transport.socket('dealer', { lingerMs: 0, sendHighWaterMark: HWM, receiveHighWaterMark: HWM });
  ours.connect(servers.ours.endpoint);
  // The peer: what a user would write with zeromq.js directly, same options.
  const raw = new zmq.Dealer({ linger: 0, sendHighWaterMark: HWM, receiveHighWaterMark: HWM });
  raw.connect(servers.raw.endpoint);
  return {
    clients: { ours, raw },
    close: async () => {
      raw.close();
      await transport.close();
    },
  };
}

function line(side: Side, inFlight: number, r: RunResult): string {
  return `  ${side.padEnd(5)} ${String(inFlight).padStart(3)} in flight: ${Math.round(r.perSec).toString().padStart(7)} msgs/s, p50 ${r.p50Ms.toFixed(3)} ms, p99 ${r.p99Ms.toFixed(3)} ms`;
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const repeats = quick ? 3 : 7;
  const windows = [1, 16, 256];
  const totals: Record<number, number> = quick ? { 1: 2_000, 16: 10_000, 256: 30_000 } : { 1: 5_000, 16: 30_000, 256: 80_000 };
  console.log(`zmq: TransportZmq vs raw zeromq.js ${zmq.version}, DEALER/ROUTER ${PAYLOAD_BYTES}-byte echo over tcp://127.0.0.1, ROUTER in a child process (medians of ${repeats})`);
  const servers = { ours: await startServer('ours'), raw: await startServer('raw') };
  const { clients, close } = await connectClients(servers);
  try {
    for (const inFlight of windows) {
      const total = totals[inFlight] as number;
      const runs: Record<Side, RunResult[]> = { ours: [], raw: [] };
      for (const side of ['raw', 'ours'] as const) await runOnce(clients[side], inFlight, Math.ceil(total / 2)); // warm-up
      for (let i = 0; i < repeats; i++) {
        const order: Side[] = i % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw'];
        for (const side of order) runs[side].push(await runOnce(clients[side], inFlight, total));
      }
      const med = (side: Side): RunResult => ({
        perSec: median(runs[side].map((r) => r.perSec)),
        p50Ms: median(runs[side].map((r) => r.p50Ms)),
        p99Ms: median(runs[side].map((r) => r.p99Ms)),
      });
      const ours = med('ours');
      const raw = med('raw');
      console.log(line('raw', inFlight, raw));
      console.log(line('ours', inFlight, ours));
      for (const [side, r] of [['ours', ours], ['raw', raw]] as const) {
        benchLine('transport', `zmq_${side}_msgs_per_s_${inFlight}`, Math.round(r.perSec));
        benchLine('transport', `zmq_${side}_p50_ms_${inFlight}`, r.p50Ms);
        benchLine('transport', `zmq_${side}_p99_ms_${inFlight}`, r.p99Ms);
      }
      const pairs = runs.ours.map((r, i) => r.perSec / (runs.raw[i] as RunResult).perSec);
      console.log(`  ours/raw per pair: ${pairs.map((x) => x.toFixed(2)).join(' ')}`);
      ratioLine('transport', `zmq_ours_${inFlight}`, `zmq_raw_${inFlight}`, median(pairs));
    }
  } finally {
    await close();
    await Promise.all([stopServer(servers.ours), stopServer(servers.raw)]);
  }
}
