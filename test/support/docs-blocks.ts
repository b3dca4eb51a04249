// The TypeScript code blocks of the README and docs/*.md, so a test can type-check and run each
// one as a user would paste it. A block's info string says what may be done with it:
//   ```ts            type-checked, then run (it must exit 0 within its deadline)
//   ```ts no-run     type-checked only (it would start something a test cannot: a daemon, a fixed port)
//   ```ts fragment   neither (a piece of a larger program, shown for its shape)
// and `file=NAME.ts` saves the block under that name, so a later block of the same page can import
// it (`import { scenario } from './double.scenario.js'`), as a reader's own files would.
// Blocks in other languages (sh, yaml, text, json...) are not code to check.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type BlockMode = 'run' | 'no-run' | 'fragment';

export interface DocBlock {
  /** The markdown file, relative to the repository root (README.md, docs/x.md). */
  file: string;
  /** Line of the block's first code line in that file (1-based). */
  line: number;
  mode: BlockMode;
  /** The file name the page gives the block (file=NAME.ts), if any. */
  name?: string;
  code: string;
}

const TS_LANGUAGES = new Set(['ts', 'typescript']);
const MODES = new Set<BlockMode>(['no-run', 'fragment']);

/** The markdown files whose blocks are checked: README.md and docs/*.md (not the generated docs/api). */
export function docFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** Every ```ts block of one markdown text, with its mode; an unknown flag is an error naming the line. */
export function extractBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)\s*(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const [, indent = '', fence = '```', language = '', rest = ''] = open;
    const end = lines.findIndex((text, j) => j > i && text.trimStart().startsWith(fence) && text.trim() === text.trim().replace(/[^`]/g, ''));
    if (end === -1) throw new Error(`${file}:${i + 1}: a code block opened here is never closed`);
    if (TS_LANGUAGES.has(language)) {
      const flags = rest.split(/\s+/).filter((flag) => flag !== '');
      let name: string | undefined;
      for (const flag of flags) {
        const named = /^file=([\w.-]+\.ts)$/.exec(flag);
        if (named !== null) name = named[1];
        else if (!MODES.has(flag as BlockMode)) throw new Error(`${file}:${i + 1}: unknown code block flag ${JSON.stringify(flag)} (expected no-run, fragment or file=NAME.ts)`);
      }
      const mode: BlockMode = flags.includes('fragment') ? 'fragment' : flags.includes('no-run') ? 'no-run' : 'run';
      const code = lines
        .slice(i + 1, end)
        .map((text) => (text.startsWith(indent) ? text.slice(indent.length) : text))
        .join('\n');
      blocks.push({ file, line: i + 2, mode, ...(name !== undefined ? { name } : {}), code });
    }
    i = end;
  }
  return blocks;
}

/** Every block of every doc file. */
export function allDocBlocks(root: string): DocBlock[] {
  return docFiles(root).flatMap((file) => extractBlocks(readFileSync(path.join(root, file), 'utf8'), file));
}

/**
 * Where a block is written, relative to the blocks folder: a folder per markdown file, and the
 * name the page gives the block or its line (README.md:42 -> README-md/L42.ts).
 */
export function blockFileName(block: DocBlock): string {
  return `${block.file.replace(/[^\w]+/g, '-')}/${block.name ?? `L${block.line}.ts`}`;
}

/**
 * The block as a module: `export {}` at the end makes a block without imports a module too (so two
 * blocks never share a global scope) without moving its lines, so tsc's line numbers map back to
 * the markdown by adding block.line - 1.
 */
export function blockSource(block: DocBlock): string {
  return `${block.code}\nexport {};\n`;
}

/**
 * The tsconfig of the folder the blocks are written to: the project's settings, and the package's
 * four entry points mapped to their sources. tsc and tsx (which reads `paths` from the tsconfig of
 * its working directory) then resolve `toto-ts`, `toto-ts/sim`, `toto-ts/zmq` and `toto-ts/http` as a
 * user's import would, to one copy of the framework (src/, never a stale dist/).
 */
export function blocksTsconfig(rootFromBlocksDir: string): string {
  const at = (file: string): string[] => [path.posix.join(rootFromBlocksDir, file)];
  const config = {
    extends: path.posix.join(rootFromBlocksDir, 'tsconfig.json'),
    compilerOptions: {
      noEmit: true,
      paths: {
        'toto-ts': at('src/index.ts'),
        'toto-ts/sim': at('src/sim/index.ts'),
        'toto-ts/zmq': at('src/zmq.ts'),
        'toto-ts/http': at('src/http.ts'),
      },
    },
    include: ['**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export interface Diagnostic {
  /** Where in the markdown: README.md:57:12. */
  where: string;
  message: string;
}

/**
 * tsc's diagnostics (`file(line,col): error TSnnnn: ...` lines) that fall in a block, mapped to
 * the markdown line. Errors in other files (the framework's own sources) are not the docs' to
 * report: the project's typecheck covers them.
 */
export function blockDiagnostics(tscOutput: string, blocks: readonly DocBlock[]): Diagnostic[] {
  const byName = new Map(blocks.map((block) => [blockFileName(block), block]));
  const diagnostics: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  for (const text of tscOutput.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(text);
    if (match !== null) {
      const block = byName.get((match[1] as string).split(path.sep).join('/'));
      current = block === undefined ? undefined : { where: `${block.file}:${block.line + Number(match[2]) - 1}:${match[3]}`, message: match[4] as string };
      if (current !== undefined) diagnostics.push(current);
    } else if (current !== undefined && text.startsWith(' ')) {
      current.message += `\n${text}`;
    }
  }
  return diagnostics;
}
