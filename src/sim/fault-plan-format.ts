// Prints a fault plan as TypeScript a user pastes into a regression test: one fault a line,
// fields in a fixed order, single-quoted strings, so the same plan always prints the same text.

import { checkBoolean, checkNonNegative, checkOptions, checkString, expected } from '../core/validate.js';
import { FAULT_FIELDS } from './fault-plan-check.js';
import type { Fault, FaultPlan } from './fault-plan.js';

export interface FormatFaultPlanOptions {
  /** The variable name. Default `faults`. */
  name?: string;
  /** Leading `const <name>: FaultPlan = `; false prints the bare array literal. Default true. */
  declaration?: boolean;
  /** Indentation of each fault. Default two spaces. */
  indent?: string;
  /**
   * When every fault heals (the scenario's durationMs): a crash without restartAfterMs then says,
   * in a comment, that its host restarts at that time, so a reader sees the restart.
   */
  healAtMs?: number;
}

/** `const faults: FaultPlan = [\n  { kind: 'partition', atMs: 1200, ... },\n];` */
export function formatFaultPlan(plan: readonly Fault[] | FaultPlan, options: FormatFaultPlanOptions = {}): string {
  checkOptions('formatFaultPlan options', options, ['name', 'declaration', 'indent', 'healAtMs']);
  if (options.name !== undefined && !(typeof options.name === 'string' && /^[A-Za-z_$][\w$]*$/.test(options.name))) throw new TypeError(expected('name', 'a variable name', options.name));
  if (options.declaration !== undefined) checkBoolean('declaration', options.declaration);
  if (options.indent !== undefined) checkString('indent', options.indent);
  if (options.healAtMs !== undefined) checkNonNegative('healAtMs', options.healAtMs);
  const name = options.name ?? 'faults';
  const indent = options.indent ?? '  ';
  const head = options.declaration === false ? '' : `const ${name}: FaultPlan = `;
  const tail = options.declaration === false ? '' : ';';
  if (plan.length === 0) return `${head}[]${tail}`;
  const lines = plan.map((fault) => `${indent}${formatFault(fault)},${restartNote(fault, options.healAtMs)}`);
  return `${head}[\n${lines.join('\n')}\n]${tail}`;
}

/** A crash for good restarts when every fault heals: say when, since the fault itself does not. */
function restartNote(fault: Fault, healAtMs: number | undefined): string {
  if (healAtMs === undefined || fault.kind !== 'crash' || fault.restartAfterMs !== undefined) return '';
  return ` // restarts when the faults heal, at ${healAtMs}ms`;
}

/** One fault as an object literal: `{ kind: 'crash', atMs: 10, host: 'a' }`. */
export function formatFault(fault: Fault): string {
  const record = fault as unknown as Record<string, unknown>;
  const known = FAULT_FIELDS[fault.kind] ?? ['kind', 'atMs'];
  const keys = [...known.filter((k) => k in record), ...Object.keys(record).filter((k) => !known.includes(k)).sort()];
  const fields = keys.filter((k) => record[k] !== undefined).map((k) => `${formatKey(k)}: ${formatValue(record[k])}`);
  return `{ ${fields.join(', ')} }`;
}

function formatKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : formatString(key);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return formatString(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${formatKey(k)}: ${formatValue(v)}`).join(', ')} }`;
  }
  // Functions, symbols and bigints have no place in a plan; print something a reader notices.
  return `/* unprintable ${typeof value} */ undefined`;
}

/** A single-quoted string literal with JSON's escapes (so control characters stay visible). */
function formatString(text: string): string {
  const body = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}
