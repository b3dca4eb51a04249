// The tidy scanner behind test/unit/tidy.test.ts: a line-based backstop to the lint rules,
// so an impurity in src/core (or an import between the two worlds) fails with file:line and
// what to use instead, even where lint is disabled or misconfigured.

import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';

export interface Finding {
  /** Repository-relative path, with forward slashes. */
  file: string;
  line: number;
  token: string;
  replacement: string;
}

interface TokenRule {
  token: string;
  pattern: RegExp;
  replacement: string;
}

/** A global used bare or through globalThis; a property of something else (`loop.setTimeout`) is fine. */
function globalUse(name: string, suffix = '(?![\\w$])'): RegExp {
  return new RegExp(`(?:(?<![\\w$.])|(?<=globalThis\\s*\\.\\s*))${name}${suffix}`);
}

const tokenRules: TokenRule[] = [
  { token: 'Date', pattern: globalUse('Date', '\\s*[.(]'), replacement: 'loop.now() from the injected LoopPort' },
  { token: 'Date', pattern: /\bnew\s+Date\b/, replacement: 'loop.now() from the injected LoopPort' },
  { token: 'Math.random', pattern: /\bMath\s*\.\s*random\b/, replacement: 'the injected RandomPort' },
  { token: 'setTimeout', pattern: globalUse('setTimeout'), replacement: 'loop.callLater(delayMs, fn)' },
  { token: 'setInterval', pattern: globalUse('setInterval'), replacement: 'PeriodicCallback or loop.callLater' },
  { token: 'setImmediate', pattern: globalUse('setImmediate'), replacement: 'loop.addCallback(fn)' },
  { token: 'clearTimeout', pattern: globalUse('clearTimeout'), replacement: 'loop.cancel(handle)' },
  { token: 'clearInterval', pattern: globalUse('clearInterval'), replacement: 'PeriodicCallback.stop()' },
  { token: 'clearImmediate', pattern: globalUse('clearImmediate'), replacement: 'loop.cancel(handle)' },
  { token: 'performance', pattern: globalUse('performance'), replacement: 'loop.now() from the injected LoopPort' },
  { token: 'process', pattern: globalUse('process', '(?![\\w$])(?!\\s*\\??:)'), replacement: 'an option passed to the constructor' },
  { token: 'queueMicrotask', pattern: globalUse('queueMicrotask'), replacement: 'loop.addCallback(fn)' },
  { token: 'require(', pattern: globalUse('require', '\\s*\\('), replacement: 'an ESM import of a pure module' },
  { token: 'Buffer', pattern: globalUse('Buffer'), replacement: 'Uint8Array' },
];

const nodeBuiltins = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** Module specifiers on one line: `from '...'`, `import '...'`, `import('...')`, `require('...')`. */
const specifierPattern = /(?:\bfrom|\bimport|\bimport\s*\(|\brequire\s*\()\s*(['"])([^'"]+)\1/g;

/** Where a specifier written in `file` points: a repo-relative path for relative ones, else the bare name. */
function resolveSpecifier(file: string, specifier: string): string {
  return specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), specifier)) : specifier;
}

const isUnder = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** What `file` (in src/core, src/sim or src/adapters) may not import, and what to use instead. */
function importBan(file: string, specifier: string): string | undefined {
  const target = resolveSpecifier(file, specifier);
  if (isUnder(file, 'src/core')) {
    const bare = specifier.split('/')[0] ?? specifier;
    if (specifier.startsWith('node:') || nodeBuiltins.has(bare)) return 'a port (Node I/O belongs in src/adapters)';
    if (bare === 'zeromq' || bare === 'undici') return 'a transport port (implemented in src/adapters)';
    if (isUnder(target, 'src/sim') || isUnder(target, 'src/adapters')) {
      return 'the ports in src/core/ports.ts (a world is passed in, never imported)';
    }
  }
  if (isUnder(file, 'src/sim') && isUnder(target, 'src/adapters')) return 'src/core ports (src/sim never imports src/adapters)';
  if (isUnder(file, 'src/adapters') && isUnder(target, 'src/sim')) return 'src/core ports (src/adapters never imports src/sim)';
  return undefined;
}

const isCommentLine = (trimmed: string) => trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*');

/** Blanks the contents of '...' and "..." literals and drops a trailing // comment. */
function codeOnly(line: string): string {
  return line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''").replace(/\/\/.*$/, '');
}

/**
 * Scans one source file. `file` is repository-relative (e.g. 'src/core/loop.ts'): it decides
 * which rules apply (banned globals only in src/core) and how relative imports resolve.
 */
export function scanSource(file: string, source: string): Finding[] {
  const findings: Finding[] = [];
  const inCore = isUnder(file, 'src/core');
  source.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (isCommentLine(text.trim())) return;
    for (const match of text.matchAll(specifierPattern)) {
      const specifier = match[2] as string;
      const replacement = importBan(file, specifier);
      if (replacement) findings.push({ file, line, token: `import '${specifier}'`, replacement });
    }
    if (!inCore) return;
    const code = codeOnly(text);
    const seen = new Set<string>();
    for (const rule of tokenRules) {
      if (seen.has(rule.token) || !rule.pattern.test(code)) continue;
      seen.add(rule.token);
      findings.push({ file, line, token: rule.token, replacement: rule.replacement });
    }
  });
  return findings;
}

export function formatFinding(finding: Finding): string {
  return `${finding.file}:${finding.line}: ${finding.token} — use ${finding.replacement}`;
}

/** Every .ts file under `dir` (repo-relative), recursively, sorted. */
export function listTsFiles(root: string, dir: string): string[] {
  const entries = readdirSync(posix.join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => posix.relative(root, posix.join(entry.parentPath, entry.name)))
    .sort();
}
