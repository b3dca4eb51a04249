// Proves src/core uses no clock, chance, timers, process, Buffer or Node/world imports, src/sim and src/adapters never import each other, and that both the tidy scanner and the lint rules really catch violations.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { formatFinding, listTsFiles, scanSource } from './tidy-scan.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function scanDir(dir: string): string[] {
  return listTsFiles(root, dir).flatMap((file) => scanSource(file, readFileSync(`${root}${file}`, 'utf8')).map(formatFinding));
}

describe('tidy', () => {
  it('src/core is pure', () => {
    expect(listTsFiles(root, 'src/core').length).toBeGreaterThan(0);
    expect(scanDir('src/core')).toEqual([]);
  });

  it('src/sim and src/adapters never import each other', () => {
    expect([...scanDir('src/sim'), ...scanDir('src/adapters')]).toEqual([]);
  });
});

describe('tidy scanner', () => {
  it('reports each banned token with file:line and the replacement', () => {
    const source = [
      "import { readFileSync } from 'node:fs';", // 1
      "import zlib from 'zlib';", // 2
      "import { Socket } from 'zeromq';", // 3
      "import { LoopSim } from '../sim/loop-sim.js';", // 4
      "export { x } from '../adapters/loop-node.js';", // 5
      'const now = Date.now();', // 6
      'const then = new Date();', // 7
      'const r = Math.random();', // 8
      'setTimeout(() => {}, 5); clearTimeout(h);', // 9
      'globalThis.setInterval(f, 1);', // 10
      'const env = process.env.X;', // 11
      'queueMicrotask(f); setImmediate(f);', // 12
      "const fs = require('fs');", // 13
      'const b = Buffer.from([1]);', // 14
      'const t = performance.now();', // 15
    ].join('\n');
    expect(scanSource('src/core/impure.ts', source).map(formatFinding)).toEqual([
      "src/core/impure.ts:1: import 'node:fs' — use a port (Node I/O belongs in src/adapters)",
      "src/core/impure.ts:2: import 'zlib' — use a port (Node I/O belongs in src/adapters)",
      "src/core/impure.ts:3: import 'zeromq' — use a transport port (implemented in src/adapters)",
      "src/core/impure.ts:4: import '../sim/loop-sim.js' — use the ports in src/core/ports.ts (a world is passed in, never imported)",
      "src/core/impure.ts:5: import '../adapters/loop-node.js' — use the ports in src/core/ports.ts (a world is passed in, never imported)",
      'src/core/impure.ts:6: Date — use loop.now() from the injected LoopPort',
      'src/core/impure.ts:7: Date — use loop.now() from the injected LoopPort',
      'src/core/impure.ts:8: Math.random — use the injected RandomPort',
      'src/core/impure.ts:9: setTimeout — use loop.callLater(delayMs, fn)',
      'src/core/impure.ts:9: clearTimeout — use loop.cancel(handle)',
      'src/core/impure.ts:10: setInterval — use PeriodicCallback or loop.callLater',
      'src/core/impure.ts:11: process — use an option passed to the constructor',
      'src/core/impure.ts:12: setImmediate — use loop.addCallback(fn)',
      'src/core/impure.ts:12: queueMicrotask — use loop.addCallback(fn)',
      "src/core/impure.ts:13: import 'fs' — use a port (Node I/O belongs in src/adapters)",
      'src/core/impure.ts:13: require( — use an ESM import of a pure module',
      'src/core/impure.ts:14: Buffer — use Uint8Array',
      'src/core/impure.ts:15: performance — use loop.now() from the injected LoopPort',
    ]);
  });

  it('ignores comments, strings, properties of other objects and pure imports', () => {
    const source = [
      '// Date.now() would break determinism',
      ' * setTimeout is banned here',
      '/* Math.random */',
      "throw new Error('do not call setTimeout or Date.now()');",
      'loop.setTimeout(1); options.process; const updatedAt = 1;',
      'interface X { process?: number; Buffered: boolean }',
      "import { Random } from './random.js';",
      "import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';",
      'const x = 1; // uses no Date.now()',
    ].join('\n');
    expect(scanSource('src/core/pure.ts', source)).toEqual([]);
  });

  it('applies only the world-import rule outside src/core', () => {
    const source = "import { x } from '../adapters/loop-node.js';\nimport { y } from '../core/ports.js';\nsetTimeout(f, 1);";
    expect(scanSource('src/sim/net.ts', source).map(formatFinding)).toEqual([
      "src/sim/net.ts:1: import '../adapters/loop-node.js' — use src/core ports (src/sim never imports src/adapters)",
    ]);
    expect(scanSource('src/adapters/zmq/socket.ts', "import { k } from '../../sim/sim-kernel.js';").map(formatFinding)).toEqual([
      "src/adapters/zmq/socket.ts:1: import '../../sim/sim-kernel.js' — use src/core ports (src/adapters never imports src/sim)",
    ]);
  });
});

describe('lint rules are live', () => {
  const eslint = new ESLint({ cwd: root });
  const ruleIds = async (code: string, filePath: string) =>
    (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.ruleId);

  it('flags a timer global and a node: import in src/core', async () => {
    expect(await ruleIds('export function f(g: () => void) {\n  setTimeout(g, 1);\n}\n', 'src/core/x.ts')).toContain('no-restricted-globals');
    expect(await ruleIds("import fs from 'node:fs';\nexport const f = fs;\n", 'src/core/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds('export const r = Math.random();\n', 'src/core/x.ts')).toContain('no-restricted-properties');
  });

  it('flags imports between src/sim and src/adapters, and allows node: in src/adapters', async () => {
    expect(await ruleIds("import { x } from '../adapters/y.js';\nexport const z = x;\n", 'src/sim/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import { x } from '../sim/y.js';\nexport const z = x;\n", 'src/adapters/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds("import fs from 'node:fs';\nexport const f = fs;\n", 'src/adapters/x.ts')).toEqual([]);
  });
});
