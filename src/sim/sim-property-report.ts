// How a failed simProperty reads: the minimal case, a regression test to paste (with its
// imports, so it compiles as it stands) and the command that replays it. The scenario's module
// is imported to check that it really exports this scenario: one built by a factory (a test's
// own variant) is not what `toto sim <its file>` would load, so no such command is printed.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatFaultPlan } from './fault-plan-format.js';
import { replayCommand, type ScenarioResult } from './run-scenario.js';
import { formatMs } from './scenario-report.js';
import { commandPath, scenarioFile, type Scenario } from './scenario.js';

/** What a simProperty check cost: fast-check's runs and shrinks, the rounding runs, wall time. */
export interface SimPropertyStats {
  /** Runs fast-check made before it stopped (all of them when the property held). */
  runs: number;
  /** Shrink steps that found a smaller failing case. */
  shrinks: number;
  /** Runs spent rounding the shrunk plan's numbers (see roundFaultPlan). */
  roundingRuns: number;
  wallMs: number;
}

/** Where a scenario can be imported from: the module and the export that is this very scenario. */
export interface ScenarioSource {
  file: string;
  /** 'default', or the name of the export. */
  exportName: string;
}

/** The module (options.file, else the scenario's) and its export that is `scenario`; undefined when none is. */
export async function findScenarioSource(scenario: Scenario, file: string | undefined): Promise<ScenarioSource | undefined> {
  const module = file ?? scenarioFile(scenario);
  if (module === undefined) return undefined;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path.resolve(module)).href)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (exports.default === scenario) return { file: module, exportName: 'default' };
  const name = Object.keys(exports).find((key) => exports[key] === scenario);
  return name === undefined ? undefined : { file: module, exportName: name };
}

/** An import specifier for `file` from the working directory: `./scenarios/x.scenario.js`. */
function importPath(file: string): string {
  const relative = path.relative(process.cwd(), file).split(path.sep).join('/');
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? relative : `./${relative}`;
  return shown.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs');
}

function scenarioImport(source: ScenarioSource | undefined, scenario: Scenario): string {
  if (source === undefined) {
    const where = scenarioFile(scenario);
    return `// const scenario = ...: build it as your test did${where ? ` (defineScenario was called in ${commandPath(where)}, which does not export it)` : ''}`;
  }
  const binding = source.exportName === 'default' ? 'scenario' : source.exportName === 'scenario' ? '{ scenario }' : `{ ${source.exportName} as scenario }`;
  return `import ${binding} from '${importPath(source.file)}'; // path from the working directory`;
}

/** The counterexample as a test file: imports, the plan, the run and the expectation. */
export function regressionTest(scenario: Scenario, result: ScenarioResult, source: ScenarioSource | undefined): string {
  const plan = formatFaultPlan(result.faultPlan, { indent: '    ', healAtMs: scenario.durationMs }).replace(/\n\]/, '\n  ]');
  return [
    "import { expect, it } from 'vitest';",
    "import { runScenario, type FaultPlan } from 'toto-ts/sim';",
    scenarioImport(source, scenario),
    '',
    `it(${quote(`${scenario.name}: seed ${result.seed} with the shrunk fault plan`)}, async () => {`,
    `  ${plan}`,
    `  const result = await runScenario(scenario, { seed: ${result.seed}, faults });`,
    '  expect(result.error?.message).toBeUndefined();',
    '});',
  ].join('\n');
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function replayLine(scenario: Scenario, result: ScenarioResult, source: ScenarioSource | undefined): string {
  if (source === undefined) return 'replay: run the regression test above (the scenario is not exported by a module, so `toto sim` cannot load it)';
  if (source.exportName !== 'default' && source.exportName !== 'scenario') {
    return `replay: run the regression test above (\`toto sim\` loads a module's default or \`scenario\` export; this one is \`${source.exportName}\`)`;
  }
  return `replay: ${replayCommand(scenario, { seed: result.seed, faults: result.faultPlan, file: source.file })}`;
}

function statsLine(stats: SimPropertyStats): string {
  const rounding = stats.roundingRuns > 0 ? `, ${stats.roundingRuns} rounding run${stats.roundingRuns === 1 ? '' : 's'}` : '';
  return `${stats.runs} run${stats.runs === 1 ? '' : 's'}, ${stats.shrinks} shrink${stats.shrinks === 1 ? '' : 's'}${rounding} in ${formatMs(stats.wallMs)}`;
}

/**
 * The report of a minimal failing case. With `source` undefined the scenario is taken as
 * exported where it was defined (the synchronous formatCounterexample cannot import it).
 */
export function formatCounterexampleReport(
  scenario: Scenario,
  result: ScenarioResult,
  where: { fcSeed: number; fcPath: string | undefined; stats?: SimPropertyStats; source?: ScenarioSource | undefined },
): string {
  const fc = `fast-check seed ${where.fcSeed}${where.fcPath ? `, path ${JSON.stringify(where.fcPath)}` : ''}`;
  const source = 'source' in where ? where.source : defaultSource(scenario);
  return [
    `simProperty failed: scenario ${JSON.stringify(scenario.name)} (${fc}${where.stats ? `; ${statsLine(where.stats)}` : ''})`,
    `minimal failing case: seed ${result.seed}, ${result.faultPlan.length} fault(s), failed in the ${result.error?.phase ?? '?'} phase:`,
    `  ${(result.error?.message ?? 'failed').split('\n').join('\n  ')}`,
    '',
    'regression test:',
    '',
    regressionTest(scenario, result, source),
    '',
    replayLine(scenario, result, source),
  ].join('\n');
}

function defaultSource(scenario: Scenario): ScenarioSource | undefined {
  const file = scenarioFile(scenario);
  return file === undefined ? undefined : { file, exportName: 'default' };
}
