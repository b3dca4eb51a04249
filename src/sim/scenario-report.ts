// How a scenario run reads on a terminal: one headline, the plan as pasteable code, the
// error, and the command that replays it. Shared by runMain and `toto sim`.

import { formatFaultPlan } from './fault-plan-format.js';
import type { FaultPlan } from './fault-plan.js';
import type { ScenarioResult } from './run-scenario.js';

/** `1,234,567` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `850ms`, `12.5s`, `3m 20s` */
export function formatMs(ms: number): string {
  // Each unit is chosen by the value as it rounds, so 59,999ms reads 1m 0s rather than 60.0s or 1m 60s.
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 9995) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** Events per wall second, or '-' when the wall time is too short to tell. */
export function formatRate(events: number, wallMs: number): string {
  return wallMs > 0 ? `${formatCount((events * 1000) / wallMs)} events/s` : '- events/s';
}

export function headline(result: ScenarioResult): string {
  const status = result.ok ? 'ok' : `FAILED (${result.error?.phase ?? 'unknown'} phase)`;
  return `${result.name} seed ${result.seed}: ${status}: ${formatMs(result.virtualMs)} virtual in ${formatMs(result.wallMs)} wall, ` +
    `${formatCount(result.steps)} events (${formatRate(result.steps, result.wallMs)}), trace ${result.traceHash}`;
}

/** The whole report of one run, as runMain prints it. */
export function formatResult(result: ScenarioResult): string {
  const lines = [headline(result)];
  if (result.swarm !== undefined) lines.push(result.swarm);
  lines.push(result.faultPlan.length === 0 ? 'faults: none' : `faults (${result.faultPlan.length}):\n${formatFaultPlan(result.faultPlan)}`);
  const lossy = lossyFaults(result.faultPlan);
  if (lossy.length > 0) lines.push(`lossy links (declared lossy by the scenario; tcp and ipc never drop or duplicate on a live connection): ${lossy.join('; ')}`);
  if (result.sometimes.never.length > 0) lines.push(`sometimes never hit: ${result.sometimes.never.map((m) => JSON.stringify(m)).join(', ')}`);
  if (!result.ok && result.error) {
    lines.push(`error: ${result.error.message}`);
    lines.push(`replay: ${result.replayCommand}`);
  }
  return lines.join('\n');
}

/** `faults[2] drop 0.3 on client -> *`: the plan's per-message faults, named as lossy-link faults. */
export function lossyFaults(plan: FaultPlan): string[] {
  const side = (hosts: readonly string[] | undefined): string => (hosts === undefined ? '*' : hosts.join(','));
  const out: string[] = [];
  plan.forEach((f, i) => {
    if (f.kind === 'drop' || f.kind === 'duplicate') out.push(`faults[${i}] ${f.kind} ${f.rate} on ${side(f.from)} -> ${side(f.to)}`);
  });
  return out;
}
