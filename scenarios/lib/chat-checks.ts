// The chat scenario's checker: what each server's room holds against what was posted, and what its
// socket delivered. Over TCP a partition only delays (nothing on a live connection is lost or
// doubled), so every server must end with every message exactly once, each origin's messages in
// the order they were posted, and nothing that was never posted.

import type { ChatMessage } from '../../examples/chat/chat-room.js';
import type { Arrival } from './chat-hosts.js';

/** What the workload posted: message `id` went to server `origin` at `tMs`. */
export interface Posted {
  id: string;
  origin: string;
  seq: number;
  tMs: number;
}

export interface ChatReport {
  server: string;
  problems: string[];
  /** Posted messages this server does not have. */
  missing: string[];
  /** Longest time from post to arrival here (a partition or stall shows up as a long one). */
  latencyMsMax: number;
}

const SHOWN = 5;
const list = (ids: string[]): string => `${ids.slice(0, SHOWN).join(', ')}${ids.length > SHOWN ? `, ... (${ids.length})` : ''}`;

export function checkChatServer(server: string, posted: readonly Posted[], history: readonly ChatMessage[], arrived: readonly Arrival[]): ChatReport {
  const problems: string[] = [];
  const byId = new Map(posted.map((p) => [p.id, p]));
  const invented = history.filter((m) => !byId.has(m.id)).map((m) => m.id);
  if (invented.length > 0) problems.push(`${server} holds messages nobody posted: ${list(invented)}`);
  const counts = new Map<string, number>();
  for (const a of arrived) counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (twice.length > 0) problems.push(`${server} was delivered messages more than once: ${list(twice)}`);
  const kept = new Set<string>();
  const keptTwice = history.filter((m) => (kept.has(m.id) ? true : (kept.add(m.id), false))).map((m) => m.id);
  if (keptTwice.length > 0) problems.push(`${server} holds messages twice: ${list(keptTwice)}`);
  const lastSeq = new Map<string, number>();
  for (const m of history) {
    const before = lastSeq.get(m.origin) ?? 0;
    if (m.seq <= before) problems.push(`${server} holds ${m.origin}'s message ${m.seq} after its ${before}: out of order`);
    lastSeq.set(m.origin, Math.max(before, m.seq));
  }
  const missing = posted.filter((p) => !kept.has(p.id)).map((p) => p.id);
  let latencyMsMax = 0;
  for (const a of arrived) {
    const p = byId.get(a.id);
    if (p) latencyMsMax = Math.max(latencyMsMax, a.tMs - p.tMs);
  }
  return { server, problems, missing, latencyMsMax };
}
