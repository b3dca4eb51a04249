// How link conditions compose while fault windows overlap: each window contributes to the links
// its scope covers, and the contributions combine to the stronger effect (drop and duplicate
// rates as independent losses, the larger latency bounds, reorder if any asks for it). Pure:
// the fault injector sets what composeLinks returns on the network.

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

/** One layer of link conditions: the base's or an open window's; no scope = every link between distinct hosts. */
export interface ScopedConditions {
  conditions: LinkConditions;
  scope?: LinkScope | undefined;
}

/**
 * The entries to set on the network for `base` plus the open `windows` (in plan order): one
 * global entry (the unscoped base merged, composed with every unscoped window), then, for each
 * link a scoped layer touches, its whole composition, one entry per sender and value. The base
 * keeps the network's own layering (a scoped setting overrides the global one); windows compose
 * with it to the stronger effect, so closing or removing a fault never makes a link worse, which
 * keeps shrinking monotone.
 */
export function composeLinks(base: readonly ScopedConditions[], windows: readonly ScopedConditions[], hosts: readonly string[]): ScopedConditions[] {
  const entries: ScopedConditions[] = [];
  const baseGlobal = Object.assign({}, ...base.filter((b) => isGlobal(b.scope)).map((b) => b.conditions)) as LinkConditions;
  const global = strongest([baseGlobal, ...windows.filter((w) => isGlobal(w.scope)).map((w) => w.conditions)]);
  if (Object.keys(global).length > 0) entries.push({ conditions: global });
  const scoped = [...base, ...windows].filter((layer) => !isGlobal(layer.scope));
  if (scoped.length === 0) return entries;
  const scopedBase = base.filter((b) => !isGlobal(b.scope));
  for (const from of hosts) {
    const byValue = new Map<string, { conditions: LinkConditions; to: string[] }>();
    for (const to of hosts) {
      if (!scoped.some((layer) => covers(layer.scope, from, to))) continue;
      const linkBase = Object.assign({}, from === to ? {} : baseGlobal, ...scopedBase.filter((b) => covers(b.scope, from, to)).map((b) => b.conditions)) as LinkConditions;
      const conditions = strongest([linkBase, ...windows.filter((w) => covers(w.scope, from, to)).map((w) => w.conditions)]);
      const key = JSON.stringify(conditions);
      const group = byValue.get(key) ?? { conditions, to: [] };
      group.to.push(to);
      byValue.set(key, group);
    }
    for (const { conditions, to } of byValue.values()) entries.push({ conditions, scope: { from: [from], to } });
  }
  return entries;
}
