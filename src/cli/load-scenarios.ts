// Finds and loads scenario modules for `toto sim`: a file (whatever its name), or in a directory
// every file directly in it named *.scenario.ts (.mts, .js, .mjs): helper modules beside them are
// never imported, so a folder's other code does not run. Problems read as what to do about them.

import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandPath, scenarioOf, type Scenario } from '../sim/scenario.js';

/** Bad input on the command line: printed after the command's name, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command it is about, as the message's prefix: `toto <command>: <message>`. */
    readonly command = 'sim',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface LoadedScenario {
  /** Absolute path. */
  file: string;
  scenario: Scenario;
}

const loaded = new Map<string, Promise<LoadedScenario>>();

/** Imports a scenario module once; rejects with a UsageError if it exports no scenario. */
export function loadScenario(file: string): Promise<LoadedScenario> {
  const absolute = path.resolve(file);
  let promise = loaded.get(absolute);
  if (promise === undefined) {
    promise = importScenario(absolute);
    loaded.set(absolute, promise);
  }
  return promise;
}

async function importScenario(file: string): Promise<LoadedScenario> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${commandPath(file)} failed to load: ${message}`);
  }
  const scenario = scenarioOf(module);
  if (scenario === undefined) {
    throw new UsageError(`${commandPath(file)} exports no scenario: export default defineScenario({...})`);
  }
  return { file, scenario };
}

/** What a path that is neither a file nor a directory is, in words. */
function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A directory's entry that is a regular file (through symlinks); a FIFO named x.ts is skipped, never opened. */
function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The naming rule for scenario files in a directory: `<name>.scenario.ts` (or .mts, .js, .mjs). */
export const SCENARIO_FILE_PATTERN = /\.scenario\.(ts|mts|js|mjs)$/;

function isScenarioCandidate(name: string): boolean {
  return SCENARIO_FILE_PATTERN.test(name);
}

/**
 * The scenarios `target` names: the file itself (which must export one), or each module directly
 * inside the directory that exports one (helpers in it, or in subdirectories, are skipped).
 */
export async function findScenarios(target: string): Promise<LoadedScenario[]> {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    throw new UsageError(`${target}: no such file or directory (expected a scenario file or a directory of them)`);
  }
  // Only a regular file or a directory: /dev/zero would be read forever and a FIFO would block until a writer came.
  if (!stats.isDirectory() && !stats.isFile()) throw new UsageError(`${target}: ${fileKind(stats)}, not a scenario file or a directory of them`);
  if (!stats.isDirectory()) return [await loadScenario(target)];
  const files = readdirSync(target)
    .filter(isScenarioCandidate)
    .sort()
    .map((name) => path.join(target, name))
    .filter((file) => isRegularFile(file));
  const found: LoadedScenario[] = [];
  for (const file of files) {
    // Named as a scenario, so one that fails to load or exports none is an error.
    found.push(await loadScenario(file));
  }
  if (found.length === 0) {
    throw new UsageError(`${target}: no scenario files in it (a scenario file is named <name>.scenario.ts and ends in: export default defineScenario({...}); give another file by its path)`);
  }
  return found;
}
