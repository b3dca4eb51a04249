// A config file may also be one JSON object of options ({"processes": 4, "worker_timeout": "10s"}).
// JSON.parse reads it; a small scan finds the line of each top-level key, so a bad value is
// reported as path:line like a bad Python line.

import type { ConfigEntry } from './options-config-python.js';
import { OptionsError } from './options-error.js';
import { jsonErrorOffset } from './options-json-check.js';

/** Where each top-level key of valid JSON object text starts (the last one wins, as in JSON.parse). */
function topLevelKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      // A string at depth 1 followed by ':' is a key of the top-level object.
      let next = i + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      if (depth === 1 && text[next] === ':') lines.set(JSON.parse(text.slice(start, i + 1)) as string, line);
    }
  }
  return lines;
}

/** The line of character `position` in `text`. */
function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function describeJson(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** The entries of a JSON config file: one object whose keys are option names. */
export function parseJsonConfig(text: string, path: string): ConfigEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const where = offset < 0 ? path : `${path}:${lineAt(text, offset)}`;
    throw new OptionsError('MALFORMED_CONFIG', `${where}: not valid JSON: ${(error as Error).message}`, { where });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OptionsError('MALFORMED_CONFIG', `${path}: expected a JSON object of options, got ${describeJson(parsed)}`, { where: path });
  }
  const lines = topLevelKeyLines(text);
  return Object.entries(parsed).map(([name, value]) => ({ name, value, line: lines.get(name) ?? 1 }));
}
