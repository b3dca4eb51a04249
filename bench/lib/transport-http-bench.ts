// The HTTP half of `npm run bench -- transport`: TransportHttp (our server and our client)
// beside raw node:http with an undici keep-alive client, the same 256-byte echo, each server
// in its own child process, at 1, 16 and 256 requests in flight. Requests/s and p50/p99
// latency, one warm-up, medians of the repeats; the two sides alternate so drift on a shared
// machine hits both alike, and the ratio is the median of side-by-side pairs. Target: ours
// >= 0.9 of raw.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { TransportHttp } from '../../src/adapters/transport-http.js';
import { benchLine, median, ratioLine } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAYLOAD_BYTES = 256;
const START_TIMEOUT_MS = 20_000;

type Side = 'ours' | 'raw';
type RequestFn = (body: Uint8Array) => Promise<number>;

interface RunResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(side: Side): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'transport-http-server.ts'), side], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      const match = /^port (\d+)$/.exec(line);
      if (match) return { child, url: `http://127.0.0.1:${match[1]}/echo` };
    }
    throw new Error(`bench: the ${side} server exited before listening`);
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
  const ms = performance.now() - start;
  latencies.sort();
  return { perSec: (total / ms) * 1000, p50Ms: latencies[Math.floor(total * 0.5)] as number, p99Ms: latencies[Math.floor(total * 0.99)] as number };
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
  const servers = { ours: await startServer('ours'), raw: await startServer('raw') };
  const { request, close } = clients(servers);
  try {
    for (const inFlight of windows) {
      const total = totals[inFlight] as number;
      const runs: Record<Side, RunResult[]> = { ours: [], raw: [] };
      for (const side of ['raw', 'ours'] as const) await runOnce(request[side], inFlight, Math.ceil(total / 2)); // warm-up
      for (let i = 0; i < repeats; i++) {
        const order: Side[] = i % 2 === 0 ? ['raw', 'ours'] : ['ours', 'raw'];
        for (const side of order) runs[side].push(await runOnce(request[side], inFlight, total));
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
        benchLine('transport', `http_${side}_req_per_s_${inFlight}`, Math.round(r.perSec));
        benchLine('transport', `http_${side}_p50_ms_${inFlight}`, r.p50Ms);
        benchLine('transport', `http_${side}_p99_ms_${inFlight}`, r.p99Ms);
      }
      // Each ours run is compared with the raw run beside it, so load from elsewhere that
      // drifts during the bench cancels out; the ratio is the median of these pairs.
      const pairs = runs.ours.map((r, i) => r.perSec / (runs.raw[i] as RunResult).perSec);
      console.log(`  ours/raw per pair: ${pairs.map((x) => x.toFixed(2)).join(' ')}`);
      ratioLine('transport', `http_ours_${inFlight}`, `http_raw_${inFlight}`, median(pairs));
    }
  } finally {
    await close();
    await Promise.all([stopServer(servers.ours), stopServer(servers.raw)]);
  }
}
