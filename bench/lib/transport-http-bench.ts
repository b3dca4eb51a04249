// The HTTP half of `npm run bench -- transport`: TransportHttp (our server and our client)
// beside raw node:http with an undici keep-alive client, the same 256-byte echo, each server
// in its own child process, at 1, 16 and 256 requests in flight. Requests/s and p50/p99
// latency, one warm-up, medians of the repeats; the two sides alternate so drift on a shared
// machine hits both alike, and the ratio is the median of side-by-side pairs. Target: ours
// >= 0.9 of raw.

import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { comparePairs, runResult, startChild, stopChild, type RunResult, type Side } from './transport-pairs.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAYLOAD_BYTES = 256;
type RequestFn = (body: Uint8Array) => Promise<number>;

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(side: Side): Promise<Server> {
  const { child, match } = await startChild(join(here, 'transport-http-server.ts'), side, /^port (\d+)$/);
  return { child, url: `http://127.0.0.1:${match[1]}/echo` };
}

/** `total` requests, `inFlight` at a time; the latency of each one. */
async function runOnce(request: RequestFn, inFlight: number, total: number): Promise<RunResult> {
  const payload = new Uint8Array(PAYLOAD_BYTES).fill(7);
  const latencies = new Float64Array(total);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      const start = performance.now();
      const length = await request(payload);
      latencies[index] = performance.now() - start;
      if (length !== PAYLOAD_BYTES) throw new Error(`bench: expected a ${PAYLOAD_BYTES}-byte echo, got ${length} bytes`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return runResult(latencies, total, performance.now() - start);
}

function clients(servers: Record<Side, Server>): { request: Record<Side, RequestFn>; close(): Promise<void> } {
  const ours = new TransportHttp();
  // The peer: what a user would write with undici directly, keep-alive Agent, same request.
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const rawUrl = new URL(servers.raw.url);
  const origin = rawUrl.origin;
  const headers = { 'content-type': 'application/octet-stream' };
  return {
    request: {
      ours: async (body) => (await ours.httpRequest(servers.ours.url, { method: 'POST', headers, body })).body.length,
      raw: async (body) => {
        const response = await agent.request({ origin, path: rawUrl.pathname, method: 'POST', headers, body });
        return (await response.body.arrayBuffer()).byteLength;
      },
    },
    close: async () => {
      await ours.close();
      await agent.close();
    },
  };
}

function line(side: Side, inFlight: number, r: RunResult): string {
  return `  ${side.padEnd(5)} ${String(inFlight).padStart(3)} in flight: ${Math.round(r.perSec).toString().padStart(6)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`;
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const repeats = quick ? 3 : 9;
  const windows = [1, 16, 256];
  const totals: Record<number, number> = quick ? { 1: 500, 16: 2_000, 256: 4_000 } : { 1: 2_000, 16: 8_000, 256: 10_000 };
  console.log(`http: TransportHttp vs raw node:http + undici keep-alive, ${PAYLOAD_BYTES}-byte echo, servers in child processes (medians of ${repeats})`);
  const ours = await startServer('ours');
  const raw = await startServer('raw').catch(async (error: unknown) => {
    await stopChild(ours.child);
    throw error;
  });
  const servers = { ours, raw };
  const { request, close } = clients(servers);
  try {
    await comparePairs({
      prefix: 'http',
      rateName: 'req_per_s',
      windows,
      totals,
      repeats,
      runOnce: (side, inFlight, total) => runOnce(request[side], inFlight, total),
      line,
    });
  } finally {
    await close();
    await Promise.all([stopChild(servers.ours.child), stopChild(servers.raw.child)]);
  }
}
