// Values written back as a Toto config file (`name = literal` lines) that parseConfigText reads
// to the same values: strings in JSON's double-quoted form (whose escapes Python reads alike),
// durations as exact '250ms'-style strings, True/False, [lists].

import { formatDuration } from './options-duration.js';
import type { OptionDefinition } from './options-spec.js';

function literal(def: OptionDefinition, value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => literal(def, v)).join(', ')}]`;
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (def.type === 'duration') return JSON.stringify(formatDuration(value as number));
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** One `name = value` line per option given, in the order given; names with _ for -, as Python spells them. */
export function formatConfigText(entries: Iterable<{ def: OptionDefinition; value: unknown }>): string {
  let out = '';
  for (const { def, value } of entries) out += `${def.key} = ${literal(def, value)}\n`;
  return out;
}
