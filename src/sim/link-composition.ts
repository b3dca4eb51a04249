// How link conditions compose while fault windows overlap: each window contributes to the links
// its scope covers, and the contributions combine to the stronger effect (drop and duplicate
// rates as independent losses, the larger latency bounds, reorder if any asks for it).

import type { LinkConditions, LinkScope } from './network/link-conditions.js';

/** A scope side as a list (the network accepts one name or several). */
export function namesOf(side: string | string[] | undefined): string[] {
  return side === undefined ? [] : typeof side === 'string' ? [side] : side;
}

export function isGlobal(scope: LinkScope | undefined): boolean {
  return scope === undefined || (scope.from === undefined && scope.to === undefined);
}

/** Whether a scope covers the link from -> to, by the network's rule: an unscoped side never covers a host's link to itself. */
export function covers(scope: LinkScope | undefined, from: string, to: string): boolean {
  const local = from === to;
  const fromOk = scope?.from !== undefined ? namesOf(scope.from).includes(from) : !local;
  const toOk = scope?.to !== undefined ? namesOf(scope.to).includes(to) : !local;
  return fromOk && toOk;
}

/** The stronger effect of several layers (see recomputeLinks); a single contribution keeps its exact value. */
export function strongest(layers: LinkConditions[]): LinkConditions {
  const out: LinkConditions = {};
  const combineRate = (rates: number[]): number | undefined =>
    rates.length === 0 ? undefined : rates.length === 1 ? rates[0] : 1 - rates.reduce((keep, p) => keep * (1 - p), 1);
  const dropRate = combineRate(layers.flatMap((l) => (l.dropRate === undefined ? [] : [l.dropRate])));
  const duplicateRate = combineRate(layers.flatMap((l) => (l.duplicateRate === undefined ? [] : [l.duplicateRate])));
  for (const l of layers) {
    if (l.latencyMs === undefined) continue;
    const prior = out.latencyMs;
    out.latencyMs = prior === undefined ? { ...l.latencyMs } : { ...prior, min: Math.max(prior.min, l.latencyMs.min), max: Math.max(prior.max, l.latencyMs.max) };
  }
  if (dropRate !== undefined) out.dropRate = dropRate;
  if (duplicateRate !== undefined) out.duplicateRate = duplicateRate;
  if (layers.some((l) => l.reorder !== undefined)) out.reorder = layers.some((l) => l.reorder === true);
  return out;
}
