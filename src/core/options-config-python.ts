// Toto's config file: Python `name = value` lines whose values are Python literals ('text',
// "text", 10, 2.5, 0x1f, True, False, None, [lists] and (tuples), lists spanning lines,
// # comments). Toto exec'd the file; we parse the literal subset, so a config file cannot run
// code, and report anything else as path:line with the reason.

import { OptionsError } from './options-error.js';

export interface ConfigEntry {
  name: string;
  /** string | number | boolean | null | ConfigEntry['value'][] */
  value: unknown;
  /** 1-based line of the name. */
  line: number;
}

/** Lists nested deeper than this are refused, so hostile input cannot exhaust the stack. */
export const CONFIG_NESTING_MAX = 16;

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const DIGITS = String.raw`\d(?:_?\d)*`;
const EXPONENT = String.raw`(?:[eE][+-]?${DIGITS})`;
const NUMBER_FORMS = [
  /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+/y,
  new RegExp(String.raw`(?:${DIGITS}\.(?:${DIGITS})?|\.${DIGITS})${EXPONENT}?|${DIGITS}${EXPONENT}`, 'y'),
  /[1-9](?:_?\d)*|0(?:_?0)*/y,
];
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
const JSON_SPELLINGS: Record<string, string> = { true: 'True', false: 'False', null: 'None', none: 'None' };

class PythonConfigParser {
  private readonly text: string;
  private pos = 0;
  private line = 1;
  private depth = 0;

  constructor(
    text: string,
    private readonly path: string,
  ) {
    this.text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  }

  entries(): ConfigEntry[] {
    const out: ConfigEntry[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) return out;
      out.push(this.statement());
    }
  }

  private fail(reason: string, line = this.line): OptionsError {
    return new OptionsError('MALFORMED_CONFIG', `${this.path}:${line}: ${reason}`, { where: `${this.path}:${line}` });
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  /** The rest of the current line, for "got ..." in a message. */
  private rest(): string {
    const end = this.text.indexOf('\n', this.pos);
    const text = this.text.slice(this.pos, end === -1 ? undefined : end).trimEnd();
    return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
  }

  /** Spaces, `\` line continuations, comments; newlines too inside brackets or between statements. */
  private skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\f') {
        this.pos++;
      } else if (c === '#') {
        while (this.pos < this.text.length && this.peek() !== '\n') this.pos++;
      } else if ((c === '\n' && (newlines || this.depth > 0)) || (c === '\\' && this.peek(1) === '\n')) {
        this.pos += c === '\n' ? 1 : 2;
        this.line++;
      } else {
        return;
      }
    }
  }

  private statement(): ConfigEntry {
    const line = this.line;
    IDENT.lastIndex = this.pos;
    const name = IDENT.exec(this.text)?.[0];
    if (name === undefined) throw this.fail(`expected name = value, got ${this.rest()}`);
    this.pos += name.length;
    this.skipBlank(false);
    if (this.peek() !== '=' || this.peek(1) === '=') throw this.fail(`expected = after ${name}, got ${this.rest()}`);
    this.pos++;
    this.skipBlank(false);
    if (this.peek() === '\n' || this.pos >= this.text.length) throw this.fail(`expected a value after ${name} =`);
    const value = this.value();
    this.skipBlank(false);
    if (this.peek() === ';') throw this.fail('one statement per line: remove the ;');
    if (this.peek() !== '\n' && this.pos < this.text.length) throw this.fail(`unexpected text after the value of ${name}: ${this.rest()}`);
    return { name, value, line };
  }

  private value(): unknown {
    const c = this.peek();
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') throw this.fail('dicts and sets {...} are not supported: use a string, number, True/False/None or a [list]');
    if (c === '-' || c === '+') return this.signed();
    if (c === '"' || c === "'") return this.strings('');
    if (/[0-9.]/.test(c)) return this.number();
    IDENT.lastIndex = this.pos;
    const word = IDENT.exec(this.text)?.[0];
    if (word !== undefined) {
      const quote = this.peek(word.length);
      if (/^[rRbBfFuU]{1,2}$/.test(word) && (quote === '"' || quote === "'")) {
        if (!/^[rRuU]$/.test(word)) throw this.fail(`${word}'...' strings are not supported: use a plain 'string'`);
        this.pos++;
        return this.strings(word);
      }
      this.pos += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      const spelling = JSON_SPELLINGS[word.toLowerCase()];
      if (spelling !== undefined) throw this.fail(`${word} is not a Python value: write ${spelling}`);
      throw this.fail(`${word} is not a value: put text in quotes ('${word}'), or use a number, True, False, None or a [list]`);
    }
    throw this.fail(`expected a value, got ${this.rest()}`);
  }

  private signed(): number {
    const negative = this.peek() === '-';
    this.pos++;
    this.skipBlank(false);
    if (!/[0-9.]/.test(this.peek())) throw this.fail(`expected a number after ${negative ? '-' : '+'}, got ${this.rest()}`);
    const n = this.number();
    return negative ? -n : n;
  }

  private number(): number {
    for (const form of NUMBER_FORMS) {
      form.lastIndex = this.pos;
      const match = form.exec(this.text)?.[0];
      if (match === undefined) continue;
      if (/[A-Za-z0-9_.]/.test(this.text[this.pos + match.length] ?? '')) break;
      this.pos += match.length;
      return Number(match.replace(/_/g, ''));
    }
    const word = /[A-Za-z0-9_.+-]*/y;
    word.lastIndex = this.pos;
    throw this.fail(`invalid number ${JSON.stringify(word.exec(this.text)?.[0] ?? '')}`);
  }

  private sequence(close: ']' | ')'): unknown {
    const openLine = this.line;
    if (this.depth >= CONFIG_NESTING_MAX) throw this.fail(`lists nested more than ${CONFIG_NESTING_MAX} deep`);
    this.depth++;
    this.pos++;
    const items: unknown[] = [];
    let commas = 0;
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.text.length) throw this.fail(`${close === ']' ? '[' : '('} is never closed`, openLine);
      if (this.peek() === close) break;
      if (items.length > commas) throw this.fail(`expected , or ${close} in the list, got ${this.rest()}`);
      items.push(this.value());
      this.skipBlank(true);
      if (this.peek() === ',') {
        this.pos++;
        commas++;
      }
    }
    this.pos++;
    this.depth--;
    // (x) is x in parentheses; (x,) is a one-item tuple.
    return close === ')' && items.length === 1 && commas === 0 ? items[0] : items;
  }

  /** One string literal, and any adjacent ones ('a' 'b' is 'ab' in Python). */
  private strings(prefix: string): string {
    let out = this.string(/[rR]/.test(prefix));
    for (;;) {
      const { pos, line } = this;
      this.skipBlank(false);
      if (this.peek() !== '"' && this.peek() !== "'") {
        // Not another string: give back what was skipped, so the caller sees the line's end.
        this.pos = pos;
        this.line = line;
        return out;
      }
      out += this.string(false);
    }
  }

  private string(raw: boolean): string {
    const quote = this.peek();
    const startLine = this.line;
    if (this.peek(1) === quote && this.peek(2) === quote) throw this.fail('triple-quoted strings are not supported: use one line in quotes');
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') throw this.fail(`unterminated string (no closing ${quote})`, startLine);
      this.pos++;
      if (c === quote) return out;
      if (c !== '\\') out += c;
      else if (raw) out += c + this.rawEscaped();
      else out += this.escape();
    }
  }

  private rawEscaped(): string {
    const c = this.peek();
    if (c === '') throw this.fail('unterminated string (it ends with a backslash)');
    if (c === '\n') this.line++;
    this.pos++;
    return c;
  }

  private escape(): string {
    const c = this.peek();
    if (c === '') throw this.fail('unterminated string (it ends with a backslash)');
    this.pos++;
    if (c === '\n') return (this.line++, '');
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return simple;
    if (/[0-7]/.test(c)) {
      const more = /[0-7]{0,2}/y;
      more.lastIndex = this.pos;
      const digits = c + (more.exec(this.text)?.[0] ?? '');
      this.pos += digits.length - 1;
      return String.fromCharCode(parseInt(digits, 8));
    }
    const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = this.text.slice(this.pos, this.pos + hexLength);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength ? parseInt(hex, 16) : NaN;
      if (!(code <= 0x10ffff)) throw this.fail(`invalid \\${c} escape: expected ${hexLength} hex digits of a code point, got ${JSON.stringify(hex)}`);
      this.pos += hexLength;
      return String.fromCodePoint(code);
    }
    if (c === 'N') throw this.fail('\\N{...} escapes are not supported: write the character itself');
    return `\\${c}`; // Python keeps an unknown escape as written
  }
}

/** The `name = value` entries of a Toto config file; a malformed line throws OptionsError with path:line. */
export function parsePythonConfig(text: string, path: string): ConfigEntry[] {
  return new PythonConfigParser(text, path).entries();
}
