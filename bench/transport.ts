// `npm run bench -- transport` (`-- transport --quick` for a short run): the real transports
// beside the raw libraries they wrap, each server in a child process. ZeroMQ first
// (TransportZmq vs zeromq.js, DEALER/ROUTER echo), then HTTP (TransportHttp vs node:http +
// undici). Targets: ours >= 0.9 of raw at 256 in flight for both.

import { run as runHttp } from './lib/transport-http-bench.js';
import { run as runZmq } from './lib/transport-zmq-bench.js';
import { recorded } from './lib/harness.js';
import { rateComparison, type Comparison, type SuiteResult } from './lib/report.js';

/** The comparisons of one half, from the lines comparePairs printed (`zmq_ours_msgs_per_s_256`, ...). */
function comparisons(prefix: string, rateName: string, unit: string, what: string, peer: string): Comparison[] {
  const { metrics, ratios } = recorded('transport');
  const found: Comparison[] = [];
  for (const [metric, ours] of metrics) {
    const window = new RegExp(`^${prefix}_ours_${rateName}_(\\d+)$`).exec(metric)?.[1];
    const raw = metrics.get(`${prefix}_raw_${rateName}_${window}`);
    const ratio = ratios.get(`${prefix}_ours_${window}/${prefix}_raw_${window}`);
    if (window === undefined || raw === undefined) continue;
    found.push(rateComparison(`${what}, ${window} in flight`, peer, ours, raw, unit, { ...(ratio !== undefined ? { ratio } : {}), ...(window === '256' ? { target: '>= 0.9' } : {}) }));
  }
  return found;
}

export async function run(args: string[]): Promise<SuiteResult> {
  await runZmq(args);
  console.log('');
  await runHttp(args);
  return {
    comparisons: [
      ...comparisons('zmq', 'msgs_per_s', 'msgs/s', 'TransportZmq DEALER/ROUTER echo', 'raw zeromq.js'),
      ...comparisons('http', 'req_per_s', 'req/s', 'TransportHttp POST echo', 'raw node:http + undici'),
    ],
    figures: [],
  };
}
