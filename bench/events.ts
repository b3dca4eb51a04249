// `npm run bench -- events` (`-- events --quick` for a short run): a broadcast to three event
// servers, each its own child process, through EventManager (TransportZmq, JSON frames) beside
// raw zeromq.js: one PUSH per server to three PULLs, sending the very bytes of our event frame.
// A run sends N events (each to all three servers), then an end marker; it ends when every
// server has reported its count (checked: exactly N each). One warm-up per side, then repeats
// alternating the sides; medians, and the median of the ours/raw pairs as the ratio.
// Target: ours >= 0.8 of raw.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { LoopNode } from '../src/adapters/loop-node.js';
import { TransportZmq } from '../src/adapters/transport-zmq.js';
import { jsonSerialization, noCompression } from '../src/core/codec.js';
import { EventManager, encodeEvent } from '../src/core/event-manager.js';
import { Random } from '../src/core/random.js';
import { benchLine, formatRate, median, ratioLine, recorded } from './lib/harness.js';
import { costComparison, rateComparison, type SuiteResult } from './lib/report.js';

/** ours_burst: the same EventManager, all N events queued by one synchronous loop before any is sent. */
type Side = 'ours' | 'ours_burst' | 'raw';
const here = dirname(fileURLToPath(import.meta.url));
const SERVERS = 3;
const START_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 120_000;
/** The args of every event: a small chat message, as Toto's chat template sent. */
const ARGS = { seq: 12345, user: 'bench-user', text: 'hello from the event bench, forty chars!' };
const FRAME = encodeEvent('tick', ARGS, { serialization: jsonSerialization, compression: noCompression }, { maxPayloadBytes: 1 << 20, maxDepth: 8, maxContainers: 8 });
const END = new Uint8Array([0]);
const YIELD_EVERY = 256;

interface Server {
  child: ChildProcess;
  endpoint: string;
  /** The next `done <count> <cpu µs>` line: the events counted, and the server's CPU time so far. */
  nextDone(): Promise<{ count: number; cpuUs: number }>;
}

async function startServer(side: Side): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'lib/events-server.ts'), side], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const dones: { count: number; cpuUs: number }[] = [];
  let wake: (() => void) | undefined;
  let endpoint: ((address: string) => void) | undefined;
  const ready = new Promise<string>((resolve) => (endpoint = resolve));
  lines.on('line', (line) => {
    const match = /^(endpoint|done) (\S+)(?: (\d+))?$/.exec(line);
    if (match?.[1] === 'endpoint') endpoint?.(match[2] as string);
    if (match?.[1] === 'done') dones.push({ count: Number(match[2]), cpuUs: Number(match[3]) });
    wake?.();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  const address = await Promise.race([ready, once(child, 'exit').then(() => Promise.reject(new Error(`bench events: the ${side} server exited before it was ready`)))]);
  clearTimeout(timer);
  const nextDone = async (): Promise<{ count: number; cpuUs: number }> => {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (dones.length === 0) {
      if (Date.now() > deadline) throw new Error(`bench events: a ${side} server reported nothing within ${RUN_TIMEOUT_MS}ms`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
    }
    return dones.shift() as { count: number; cpuUs: number };
  };
  return { child, endpoint: address, nextDone };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.stdin?.end();
  const kill = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(kill);
}

interface Run {
  /** Events per second, each delivered to every server. */
  perSec: number;
  /** The sender's CPU time per event (µs). */
  senderCpuUs: number;
  /** One server's CPU time per event it handled (µs, mean of the three). */
  serverCpuUs: number;
}

/** Server CPU time so far, per server: a run's cost is the difference. */
const serverCpuSeen = new Map<Server, number>();

/**
 * Sends `total` events to every server of `side`; resolves once each server counted them all.
 * CPU time per event is reported beside the rate: on a shared machine the rate moves with the
 * load, the CPU each side spends per event much less.
 */
async function runOnce(side: Side, servers: Server[], send: (total: number) => Promise<void>, total: number): Promise<Run> {
  const reports = servers.map((s) => s.nextDone());
  const cpu = process.cpuUsage();
  const start = performance.now();
  await send(total);
  const done = await Promise.all(reports);
  const ms = performance.now() - start;
  const senderCpu = process.cpuUsage(cpu);
  if (done.some((d) => d.count !== total)) throw new Error(`bench events: ${side} servers counted ${done.map((d) => d.count).join(', ')} of ${total} each`);
  let serverCpuUs = 0;
  servers.forEach((server, i) => {
    const now = (done[i] as { cpuUs: number }).cpuUs;
    serverCpuUs += now - (serverCpuSeen.get(server) ?? now);
    serverCpuSeen.set(server, now);
  });
  return { perSec: (total / ms) * 1000, senderCpuUs: (senderCpu.user + senderCpu.system) / total, serverCpuUs: serverCpuUs / servers.length / total };
}

/** The returned comparisons, from the lines printed (rates, CPU per event, the paired ratios). */
function result(): SuiteResult {
  const { metrics, ratios } = recorded('events');
  const get = (metric: string): number => metrics.get(metric) ?? Number.NaN;
  const peer = 'raw zeromq.js PUSH';
  return {
    comparisons: [
      rateComparison('EventManager broadcast to 3 servers, sending as it goes', peer, get('ours_broadcast_events_per_s'), get('raw_push_events_per_s'), 'events/s', { ratio: ratios.get('ours_broadcast/raw_push') ?? Number.NaN, target: '>= 0.8' }),
      rateComparison('EventManager broadcast, all events queued first', peer, get('ours_burst_broadcast_events_per_s'), get('raw_push_events_per_s'), 'events/s', { ratio: ratios.get('ours_burst_broadcast/raw_push') ?? Number.NaN }),
      costComparison('sender CPU per event', peer, get('ours_sender_cpu_us_per_event'), get('raw_sender_cpu_us_per_event'), 'µs'),
      costComparison("each server's CPU per event", 'raw zeromq.js PULL', get('ours_server_cpu_us_per_event'), get('raw_server_cpu_us_per_event'), 'µs'),
    ],
    figures: [],
  };
}

export async function run(args: string[]): Promise<SuiteResult> {
  const quick = args.includes('--quick');
  const repeats = quick ? 3 : 7;
  const given = args.find((a) => a.startsWith('--events='));
  const total = given !== undefined ? Number(given.slice('--events='.length)) : quick ? 20_000 : 100_000;
  console.log(`events: EventManager broadcast vs raw zeromq.js PUSH (libzmq ${zmq.version}), ${FRAME.byteLength}-byte frames to ${SERVERS} servers (each a child process) over tcp://127.0.0.1, ${total} events a run, medians of ${repeats}`);
  const servers: Record<'ours' | 'raw', Server[]> = { ours: [], raw: [] };
  const transport = new TransportZmq();
  const loop = new LoopNode();
  const events = new EventManager({ transport, loop, random: new Random(1), sendQueueMax: total + 1, serverSocketOptions: { lingerMs: 0 } });
  const pushes: zmq.Push[] = [];
  try {
    for (const side of ['ours', 'raw'] as const) for (let i = 0; i < SERVERS; i++) servers[side].push(await startServer(side));
    for (const server of servers.ours) events.registerServer(server.endpoint);
    for (const server of servers.raw) {
      // What a user would write with zeromq.js directly: a PUSH per server, each send awaited.
      const push = new zmq.Push({ linger: 0 });
      push.connect(server.endpoint);
      pushes.push(push);
    }
    const senders: Record<Side, (n: number) => Promise<void>> = {
      ours: async (n) => {
        // An application sends as it goes; letting the loop turn every few hundred events keeps
        // the sockets busy while the next ones are encoded (as raw's awaited sends do).
        for (let i = 0; i < n; i++) {
          events.send('tick', ARGS);
          if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        events.send('end');
        await events.flush();
      },
      ours_burst: async (n) => {
        for (let i = 0; i < n; i++) events.send('tick', ARGS);
        events.send('end');
        await events.flush();
      },
      raw: async (n) => {
        await Promise.all(
          pushes.map(async (push) => {
            for (let i = 0; i < n; i++) await push.send(FRAME);
            await push.send(END);
          }),
        );
      },
    };
    const runs: Record<Side, Run[]> = { ours: [], ours_burst: [], raw: [] };
    const serversOf = (side: Side): Server[] => (side === 'raw' ? servers.raw : servers.ours);
    for (const side of ['raw', 'ours', 'ours_burst'] as const) await runOnce(side, serversOf(side), senders[side], Math.ceil(total / 2));
    for (let i = 0; i < repeats; i++) {
      const order: Side[] = i % 2 === 0 ? ['raw', 'ours', 'ours_burst'] : ['ours_burst', 'ours', 'raw'];
      for (const side of order) runs[side].push(await runOnce(side, serversOf(side), senders[side], total));
    }
    const rates = Object.fromEntries((['raw', 'ours', 'ours_burst'] as const).map((side) => [side, runs[side].map((r) => r.perSec)])) as Record<Side, number[]>;
    const cpu = (side: Side, key: 'senderCpuUs' | 'serverCpuUs'): number => median(runs[side].map((r) => r[key]));
    for (const side of ['raw', 'ours', 'ours_burst'] as const) {
      console.log(
        `  ${side.padEnd(10)} median ${formatRate(median(rates[side]))} events/s (${formatRate(median(rates[side]) * SERVERS)} deliveries/s) over ${repeats} runs (${rates[side].map(formatRate).join(', ')}); CPU per event: sender ${cpu(side, 'senderCpuUs').toFixed(1)} µs, each server ${cpu(side, 'serverCpuUs').toFixed(1)} µs`,
      );
    }
    const pairs = (side: Side): number[] => rates[side].map((r, i) => r / (rates.raw[i] as number));
    console.log(`  ours/raw per pair: ${pairs('ours').map((x) => x.toFixed(2)).join(' ')}; ours_burst/raw: ${pairs('ours_burst').map((x) => x.toFixed(2)).join(' ')}`);
    benchLine('events', 'ours_broadcast_events_per_s', Math.round(median(rates.ours)));
    benchLine('events', 'ours_burst_broadcast_events_per_s', Math.round(median(rates.ours_burst)));
    benchLine('events', 'raw_push_events_per_s', Math.round(median(rates.raw)));
    for (const side of ['ours', 'raw'] as const) {
      benchLine('events', `${side}_sender_cpu_us_per_event`, cpu(side, 'senderCpuUs'));
      benchLine('events', `${side}_server_cpu_us_per_event`, cpu(side, 'serverCpuUs'));
    }
    ratioLine('events', 'ours_broadcast', 'raw_push', median(pairs('ours')));
    ratioLine('events', 'ours_burst_broadcast', 'raw_push', median(pairs('ours_burst')));
  } finally {
    await events.close();
    for (const push of pushes) push.close();
    await transport.close();
    loop.close();
    await Promise.all([...servers.ours, ...servers.raw].map(stopServer));
  }
  return result();
}
