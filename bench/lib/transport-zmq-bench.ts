// The ZeroMQ half of `npm run bench -- transport`: DEALER/ROUTER echo between two processes
// (the ROUTER echo server in a child), TransportZmq on both sides beside raw zeromq.js on both
// sides, the same 64-byte payload, at 1, 16 and 256 messages in flight. Messages/s and p50/p99
// round-trip latency; one warm-up, medians of the repeats; the sides alternate so drift on a
// shared machine hits both alike, and the ratio is the median of side-by-side pairs.
// Target: ours >= 0.9 of raw at 256 in flight.

import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { TransportZmq } from '../../src/adapters/transport-zmq.js';
import { comparePairs, runResult, startChild, stopChild, type RunResult, type Side } from './transport-pairs.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAYLOAD_BYTES = 64;
const HWM = 100_000;

/** What both clients offer: the same two calls, so one loop drives either. */
interface Client {
  send(message: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array[]>;
}

interface Server {
  child: ChildProcess;
  endpoint: string;
}

async function startServer(side: Side): Promise<Server> {
  const { child, match } = await startChild(join(here, 'transport-zmq-echo.ts'), side, /^endpoint (tcp:\/\/\S+)$/);
  return { child, endpoint: match[1] as string };
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
  return runResult(latencies, total, performance.now() - start);
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
  const ours = await startServer('ours');
  const raw = await startServer('raw').catch(async (error: unknown) => {
    await stopChild(ours.child);
    throw error;
  });
  const servers = { ours, raw };
  const { clients, close } = await connectClients(servers);
  try {
    await comparePairs({
      prefix: 'zmq',
      rateName: 'msgs_per_s',
      windows,
      totals,
      repeats,
      runOnce: (side, inFlight, total) => runOnce(clients[side], inFlight, total),
      line,
    });
  } finally {
    await close();
    await Promise.all([stopChild(servers.ours.child), stopChild(servers.raw.child)]);
  }
}
