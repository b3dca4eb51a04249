// The text `--help` prints: every option with its help, type and default, grouped as defined
// (ungrouped ones first, as Tornado lists its own), then one line on each syntax in use.

import { formatDuration } from './options-duration.js';
import type { OptionDefinition } from './options-spec.js';

/** Help text starts in this column; a longer `--name=METAVAR` puts it on the next line. */
const HELP_COLUMN = 32;

export interface HelpHeader {
  /** `toto worker [OPTIONS] <methods-dir>`: the line after `Usage: `. */
  usage?: string;
  /** One or more lines under the usage line. */
  description?: string;
}

function metavar(def: OptionDefinition): string {
  if (def.type === 'bool' && !def.multiple) return '';
  const one = def.metavar ?? (def.choices ? def.choices.join('|') : def.type.toUpperCase());
  return def.multiple && def.metavar === undefined ? `=${one}[,${one}...]` : `=${one}`;
}

function formatOne(def: OptionDefinition, value: unknown): string {
  if (def.type === 'duration') return formatDuration(value as number);
  return def.type === 'string' ? JSON.stringify(value) : String(value);
}

/** A value as --help and messages show it: "10s", "a", [1, 2]. */
export function formatValue(def: OptionDefinition, value: unknown): string {
  if (value === undefined || value === null) return 'none';
  return Array.isArray(value) ? `[${value.map((v) => formatOne(def, v)).join(', ')}]` : formatOne(def, value);
}

function typeLabel(def: OptionDefinition): string {
  const show = (n: number) => (def.type === 'duration' ? formatDuration(n) : String(n));
  const { min, max } = def;
  const bounds =
    min !== undefined && max !== undefined ? ` in [${show(min)}, ${show(max)}]` : min !== undefined ? ` >= ${show(min)}` : max !== undefined ? ` <= ${show(max)}` : '';
  return `${def.multiple ? 'list of ' : ''}${def.type}${bounds}`;
}

function line(left: string, right: string): string {
  const start = `  ${left}`;
  if (right === '') return start;
  return start.length + 2 <= HELP_COLUMN ? `${start.padEnd(HELP_COLUMN)}${right}` : `${start}\n${' '.repeat(HELP_COLUMN)}${right}`;
}

function optionLine(def: OptionDefinition): string {
  const fact = def.default === undefined ? typeLabel(def) : `${typeLabel(def)}, default ${formatValue(def, def.default)}`;
  return line(`--${def.name}${metavar(def)}`, `${def.help}${def.help === '' ? '' : ' '}(${fact})`);
}

/** The full help text, ending with a newline. */
export function formatHelp(definitions: readonly OptionDefinition[], header: HelpHeader = {}): string {
  const groups = new Map<string, OptionDefinition[]>([['', []]]);
  for (const def of definitions) groups.set(def.group, [...(groups.get(def.group) ?? []), def]);
  const out = [`Usage: ${header.usage ?? '[OPTIONS]'}`];
  if (header.description) out.push('', header.description);
  for (const [group, defs] of groups) {
    out.push('', group === '' ? 'Options:' : `${group} options:`);
    if (group === '') out.push(line('--help', 'show this help and exit'));
    out.push(...defs.map(optionLine));
  }
  const notes = [
    definitions.some((d) => d.type === 'duration') && 'Durations are seconds (10, 0.5) or have a unit: 250ms, 1.5s, 2m, 1h.',
    definitions.some((d) => d.type === 'bool' && !d.multiple) && 'A flag --name sets it true; --no-name or --name=false sets it false.',
    definitions.some((d) => d.multiple) && 'Lists: --name=a,b or --name=a --name=b.',
    definitions.length > 0 && "Option names may use - or _ alike; a value may follow '=' or a space.",
  ].filter((note): note is string => typeof note === 'string');
  if (notes.length > 0) out.push('', ...notes);
  return `${out.join('\n')}\n`;
}
