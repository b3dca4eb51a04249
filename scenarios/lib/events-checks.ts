// The checker of the event scenarios: what each server handled, against what was sent to it and
// the connection breaks its sender's PUSH reported. What ZeroMQ over tcp promises (NETWORK.md),
// stated exactly for one PUSH -> PULL connection:
// - nothing invented: a server handles only events sent to it;
// - at most once: no event twice, unless a link declared lossy duplicated that very event (the
//   sender saw the network duplicate a copy as it sent it);
// - in order: a server handles its events in the order they were sent (the connect side keeps
//   its pipe, in order, across reconnects);
// - what a break loses: the events in flight on the connection when it broke (on the wire, and
//   in the server's receive pipe if the server itself crashed) and nothing else. Those are one
//   contiguous run of the server's events, all sent before the break; what was still in the
//   PUSH's pipe is delivered after the reconnect. So the events a server never got form at most
//   one run per break, each sent no later than its break; on a lossy link, an event whose copy
//   the network dropped as it was sent may also go missing on its own.
// A partition or a paused host is a stall: everything arrives late, nothing is lost.

import type { Break, Received, Sent } from './events-hosts.js';

export interface DeliveryReport {
  server: string;
  sent: number;
  handled: number;
  /** Events lost, by the break that lost them (its time), in order. */
  lostAtBreaks: { breakMs: number; ids: number[] }[];
  /** Events lost to drop faults on a lossy link. */
  dropped: number[];
  /** Extra deliveries (lossy links only). */
  duplicates: number;
  /** The longest time between sending an event and the server handling it (ms). */
  latencyMsMax: number;
  problems: string[];
}

export function checkDeliveries(server: string, address: string, sent: readonly Sent[], received: readonly Received[], breaks: readonly Break[]): DeliveryReport {
  const mine = sent.filter((s) => s.to.includes(address));
  const position = new Map(mine.map((s, i) => [s.id, i]));
  const report: DeliveryReport = { server, sent: mine.length, handled: received.length, lostAtBreaks: [], dropped: [], duplicates: 0, latencyMsMax: 0, problems: [] };
  const problem = (text: string): void => void report.problems.push(`${server}: ${text}`);
  const count = new Map<number, number>();
  let last = -1;
  for (const r of received) {
    const at = position.get(r.id);
    if (at === undefined) {
      problem(`handled event ${r.id}, which was never sent to it`);
      continue;
    }
    const times = (count.get(r.id) ?? 0) + 1;
    count.set(r.id, times);
    report.latencyMsMax = Math.max(report.latencyMsMax, r.tMs - (mine[at] as Sent).tMs);
    if (times > 1) {
      report.duplicates++;
      if (!((mine[at] as Sent).lossy?.duplicated ?? 0)) {
        problem(`handled event ${r.id} ${times} times (sent at ${(mine[at] as Sent).tMs}ms; no lossy link duplicated it: ZeroMQ over tcp never duplicates)`);
      }
      continue;
    }
    if (at < last) problem(`handled event ${r.id} after event ${(mine[last] as Sent).id}, though it was sent first: a connection delivers in order`);
    last = Math.max(last, at);
  }
  // The events it never got, as runs of consecutive positions in what was sent to it.
  const runs: Sent[][] = [];
  let run: Sent[] = [];
  for (const s of mine) {
    const missing = !count.has(s.id);
    if (missing && (s.lossy?.dropped ?? 0) > 0) {
      report.dropped.push(s.id);
      continue;
    }
    if (missing) {
      run.push(s);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  const mineBreaks = breaks.filter((b) => b.server === server).map((b) => b.tMs);
  let next = 0;
  for (const lost of runs) {
    const lastSentMs = (lost.at(-1) as Sent).tMs;
    while (next < mineBreaks.length && (mineBreaks[next] as number) < lastSentMs) next++;
    const first = lost[0] as Sent;
    const ids = lost.map((s) => s.id);
    if (next >= mineBreaks.length) {
      const seen = mineBreaks.length === 0 ? 'none' : mineBreaks.map((t) => `${t}ms`).join(', ');
      problem(
        `never got ${lost.length} event(s) ${first.id}..${(lost.at(-1) as Sent).id} (sent ${first.tMs}-${lastSentMs}ms) with no broken connection left to explain them: only a break loses events, at most one run each (breaks its sender's PUSH reported: ${seen})`,
      );
      continue;
    }
    report.lostAtBreaks.push({ breakMs: mineBreaks[next] as number, ids });
    next++;
  }
  return report;
}
