// Proves formatFaultPlan prints stable, readable TypeScript that evaluates back to the very same plan.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { faultPlanArbitrary } from '../../../src/sim/fault-arbitrary.js';
import { formatFault, formatFaultPlan } from '../../../src/sim/fault-plan-format.js';
import type { FaultPlan } from '../../../src/sim/fault-plan.js';

const fcOptions = { seed: Number(process.env.FC_SEED ?? 42), numRuns: Number(process.env.FC_NUM_RUNS ?? 100) };

/** Evaluates the printed declaration as JavaScript: drops the type annotation, keeps the literal. */
function evaluate(source: string): unknown {
  const literal = source.replace(/^const \w+: FaultPlan = /, '').replace(/;$/, '');
  return new Function(`return (${literal});`)();
}

describe('formatFaultPlan', () => {
  it('prints one fault a line, fields in a fixed order, single-quoted strings', () => {
    const plan: FaultPlan = [
      { sideB: ['server'], kind: 'partition', durationMs: 300, atMs: 1200, sideA: ['client'] } as FaultPlan[number],
      { kind: 'crash', atMs: 2000, host: 'server', restartAfterMs: 500 },
      { kind: 'drop', atMs: 0, durationMs: 10, rate: 0.25, to: ['server'] },
    ];
    expect(formatFaultPlan(plan)).toBe(
      [
        'const faults: FaultPlan = [',
        "  { kind: 'partition', atMs: 1200, durationMs: 300, sideA: ['client'], sideB: ['server'] },",
        "  { kind: 'crash', atMs: 2000, host: 'server', restartAfterMs: 500 },",
        "  { kind: 'drop', atMs: 0, durationMs: 10, rate: 0.25, to: ['server'] },",
        '];',
      ].join('\n'),
    );
  });

  it('with healAtMs, says when a crash without restartAfterMs restarts (and still evaluates to the plan)', () => {
    const plan: FaultPlan = [
      { kind: 'crash', atMs: 4, host: 'server' },
      { kind: 'crash', atMs: 9, host: 'client', restartAfterMs: 20 },
    ];
    const text = formatFaultPlan(plan, { healAtMs: 2000 });
    expect(text).toBe(
      [
        'const faults: FaultPlan = [',
        "  { kind: 'crash', atMs: 4, host: 'server' }, // restarts when the faults heal, at 2000ms",
        "  { kind: 'crash', atMs: 9, host: 'client', restartAfterMs: 20 },",
        '];',
      ].join('\n'),
    );
    expect(evaluate(text)).toEqual(plan);
    expect(formatFaultPlan(plan)).not.toContain('//');
  });

  it('prints an empty plan on one line, and honours name and declaration options', () => {
    expect(formatFaultPlan([])).toBe('const faults: FaultPlan = [];');
    expect(formatFaultPlan([], { name: 'minimal' })).toBe('const minimal: FaultPlan = [];');
    expect(formatFaultPlan([{ kind: 'clockJump', atMs: 1, host: 'a', deltaMs: -5 }], { declaration: false })).toBe(
      "[\n  { kind: 'clockJump', atMs: 1, host: 'a', deltaMs: -5 },\n]",
    );
  });

  it('escapes quotes and control characters in host names, and omits undefined fields', () => {
    const fault = { kind: 'crash', atMs: 0, host: "o'neil\n\"x\"", restartAfterMs: undefined } as unknown as FaultPlan[number];
    expect(formatFault(fault)).toBe("{ kind: 'crash', atMs: 0, host: 'o\\'neil\\n\"x\"' }");
    expect(evaluate(formatFaultPlan([fault]))).toEqual([{ kind: 'crash', atMs: 0, host: "o'neil\n\"x\"" }]);
  });

  it('evaluates back to the same plan for any generated plan', () => {
    const arbitrary = faultPlanArbitrary({ hosts: ['a', 'b', 'c'], durationMs: 5000, faultsMax: 10 });
    fc.assert(
      fc.property(arbitrary, (plan) => {
        const source = formatFaultPlan(plan);
        expect(evaluate(source)).toStrictEqual(plan);
        expect(formatFaultPlan(evaluate(source) as FaultPlan)).toBe(source);
      }),
      fcOptions,
    );
  });

  it('is valid TypeScript: it type-checks against FaultPlan and imports as a module giving the plan', async () => {
    const plan: FaultPlan = [
      { kind: 'hold', atMs: 3, durationMs: 4, from: 'a', to: 'b' },
      { kind: 'latency', atMs: 5, durationMs: 6, minMs: 1, maxMs: 9, from: ['a'] },
      { kind: 'partition', atMs: 7, durationMs: 8, sideA: ['a'], sideB: ['b'], oneWay: true },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'toto-format-'));
    try {
      const write = (name: string, source: string): string => {
        const file = join(dir, name);
        writeFileSync(file, `import type { FaultPlan } from '${join(process.cwd(), 'src/sim/fault-plan.js')}';\nexport ${source}\n`);
        return file;
      };
      const good = write('plan.ts', formatFaultPlan(plan));
      const bad = write('bad.ts', formatFaultPlan(plan).replace("kind: 'hold'", "kind: 'hodl'"));
      const program = ts.createProgram([good, bad], {
        strict: true,
        noEmit: true,
        types: [],
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        skipLibCheck: true,
      });
      const diagnostics = (file: string): string[] =>
        ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics(good)).toEqual([]);
      expect(diagnostics(bad).join('\n')).toContain('hodl');
      const module = (await import(pathToFileURL(good).href)) as { faults: FaultPlan };
      expect(module.faults).toStrictEqual(plan);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
