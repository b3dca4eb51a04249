// A config file is either Toto's Python `name = value` lines or one JSON object: the first
// character that is not blank tells which (`{` cannot begin a meaningful Python config line).

import { parseJsonConfig } from './options-config-json.js';
import { parsePythonConfig, type ConfigEntry } from './options-config-python.js';

export type { ConfigEntry } from './options-config-python.js';

export type ConfigFormat = 'python' | 'json';

export function configFormat(text: string): ConfigFormat {
  return /^\uFEFF?\s*\{/.test(text) ? 'json' : 'python';
}

/** The entries of a config file's text; `path` names it in every message (path:line: reason). */
export function parseConfigText(text: string, path: string): ConfigEntry[] {
  return configFormat(text) === 'json' ? parseJsonConfig(text.replace(/^\uFEFF/, ''), path) : parsePythonConfig(text, path);
}
