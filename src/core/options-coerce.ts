// Turns what a source gave (command-line text, a config-file literal, a constructor value) into
// an option's value, or says what was expected. Text is parsed as the command line writes it
// whatever the source, as Tornado parses a string found in a config file for a non-str option.

import { DURATION_EXPECTED, formatDuration, parseDurationMs } from './options-duration.js';
import type { OptionDefinition, OptionType } from './options-spec.js';
import { describe } from './validate.js';

/** How a bare number reads for a duration: Toto's seconds in files and text, ms in code. */
export type NumberUnit = 'seconds' | 'ms';

export type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i;
const TRUE_TEXT = ['true', 't', 'yes', 'y', 'on', '1'];
const FALSE_TEXT = ['false', 'f', 'no', 'n', 'off', '0'];

const ARTICLE: Record<OptionType, string> = {
  string: 'a string',
  int: 'an int',
  float: 'a float',
  bool: 'a bool (true/false, yes/no, on/off, 1/0)',
  duration: DURATION_EXPECTED,
};

/** "an int >= 1", "one of "start", "stop"": what one value of `def` must be. */
export function expectedValue(def: OptionDefinition): string {
  if (def.choices) return `one of ${def.choices.map((c) => JSON.stringify(c)).join(', ')}`;
  const show = (n: number) => (def.type === 'duration' ? formatDuration(n) : String(n));
  const { min, max } = def;
  if (min !== undefined && max !== undefined) return `${ARTICLE[def.type]} in [${show(min)}, ${show(max)}]`;
  if (min !== undefined) return `${ARTICLE[def.type]} >= ${show(min)}`;
  if (max !== undefined) return `${ARTICLE[def.type]} <= ${show(max)}`;
  return ARTICLE[def.type];
}

/** What the whole option must be: a list when multiple. */
export function expectedOption(def: OptionDefinition): string {
  return def.multiple ? `a list of ${def.type} (each ${expectedValue(def)})` : expectedValue(def);
}

function parseScalar(type: OptionType, raw: unknown, unit: NumberUnit): unknown {
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    case 'int': {
      const n = typeof raw === 'string' && INT_TEXT.test(raw) ? Number(raw) : raw;
      return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'float': {
      const n = typeof raw === 'string' && FLOAT_TEXT.test(raw) ? Number(raw) : raw;
      return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      return text === undefined ? undefined : TRUE_TEXT.includes(text) ? true : FALSE_TEXT.includes(text) ? false : undefined;
    }
    case 'duration': {
      if (typeof raw === 'string') return parseDurationMs(raw);
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) return undefined;
      const ms = unit === 'seconds' ? raw * 1000 : raw;
      return Number.isFinite(ms) ? ms : undefined;
    }
  }
}

/** One value of `def` (an item of a list for a multiple option). */
export function coerceOne(def: OptionDefinition, raw: unknown, unit: NumberUnit): Coerced {
  let value = parseScalar(def.type, raw, unit);
  const fits =
    value !== undefined &&
    (def.choices === undefined || def.choices.includes(value as string)) &&
    (def.min === undefined || (value as number) >= def.min) &&
    (def.max === undefined || (value as number) <= def.max);
  if (!fits) return { ok: false, problem: `expected ${expectedValue(def)}, got ${describe(raw)}` };
  if (value === 0) value = 0; // -0 would print as 0 and compare unequal by Object.is
  return { ok: true, value };
}

/** Comma-separated items, as Tornado reads a multiple option's text; empty text is an empty list. */
export function splitList(text: string): string[] {
  return text.trim() === '' ? [] : text.split(',').map((item) => item.trim());
}

/** A whole value from a config file or the constructor: a list (or list text) when multiple. */
export function coerceValue(def: OptionDefinition, raw: unknown, unit: NumberUnit): Coerced {
  if (!def.multiple) return coerceOne(def, raw, unit);
  const items = typeof raw === 'string' ? splitList(raw) : raw;
  if (!Array.isArray(items)) return { ok: false, problem: `expected ${expectedOption(def)}, got ${describe(raw)}` };
  return coerceItems(def, items, unit);
}

export function coerceItems(def: OptionDefinition, items: readonly unknown[], unit: NumberUnit): Coerced {
  const values: unknown[] = [];
  for (const [i, item] of items.entries()) {
    const one = coerceOne(def, item, unit);
    if (!one.ok) return { ok: false, problem: `item ${i + 1}: ${one.problem}` };
    values.push(one.value);
  }
  return { ok: true, value: values };
}
