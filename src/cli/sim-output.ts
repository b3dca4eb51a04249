// Files `toto sim` writes (--json, --trace): checked before a run starts, so a sweep of an hour
// is not lost to a typo in a path at its end.

import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Throws an Error naming the option when `file` cannot be written (missing folder, a directory, no permission). */
export function checkWritable(option: string, file: string): void {
  const fail = (why: string): never => {
    throw new Error(`${option}: cannot write ${file}: ${why}`);
  };
  let stats;
  try {
    stats = statSync(file);
  } catch {
    stats = undefined;
  }
  if (stats !== undefined) {
    if (!stats.isFile()) fail('it exists and is not a regular file');
    try {
      accessSync(file, constants.W_OK);
    } catch {
      fail('no permission to write it');
    }
    return;
  }
  const dir = path.dirname(path.resolve(file));
  try {
    if (!statSync(dir).isDirectory()) fail(`${dir} is not a directory`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(option)) throw error;
    fail(`no folder ${path.dirname(file)}`);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    fail(`no permission to write in ${path.dirname(file)}`);
  }
}

export function writeJsonFile(option: string, file: string, value: unknown): void {
  try {
    writeFileSync(file, `${JSON.stringify(value, null, 1)}\n`);
  } catch (error) {
    throw new Error(`${option}: cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
