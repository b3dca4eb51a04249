// `toto sim merge a.json b.json ...`: adds up the --json summaries of the N shards of one sweep
// into the summary the whole sweep would have printed on one machine (with every failure's
// replay command), prints it, and writes it with --json. Exit 1 when any shard had a failure.

import { UsageError } from './load-scenarios.js';
import { parseFailuresShown } from './sim-args.js';
import { checkShards, readSweepJson, sweepJson, type SweepJson } from './sim-summary-json.js';
import { SweepSummary } from './sim-summary.js';
import { checkWritable, writeJsonFile } from './sim-output.js';

export interface MergeOptions {
  json?: string;
  failures?: string;
}

/** The merged summary of `parts` (checked to be every shard of one sweep). Wall time is the shards' sum. */
export function mergeShards(parts: readonly { file: string; json: SweepJson }[]): SweepJson {
  const shards = checkShards(parts);
  const first = (shards[0] as { json: SweepJson }).json;
  const summary = new SweepSummary(first.sweep.scenarios);
  let wallMs = 0;
  for (const { json } of shards) {
    summary.absorb(json);
    wallMs += json.wallMs;
  }
  return { ...sweepJson(first.sweep, undefined, summary.totals(wallMs)), mergedShards: shards.length };
}

export function mergeCommand(files: string[], options: MergeOptions): number {
  const usage = (message: string): UsageError => new UsageError(message, 'sim merge');
  let shown = Infinity;
  try {
    if (options.failures !== undefined) shown = parseFailuresShown(options.failures);
    if (options.json !== undefined) checkWritable('--json', options.json);
  } catch (error) {
    throw usage((error as Error).message);
  }
  let merged: SweepJson;
  try {
    merged = mergeShards(files.map((file) => ({ file, json: readSweepJson(file) })));
  } catch (error) {
    throw usage((error as Error).message);
  }
  const s = merged.sweep;
  process.stdout.write(`toto sim merge: ${merged.mergedShards} shards of ${s.scenarios.map((x) => `${x.file} (${x.name})`).join(', ')}, seeds ${s.seeds.first}..${s.seeds.first + s.seeds.count - 1}${s.mode === 'scenario' ? '' : `, ${s.mode}`}\n`);
  process.stdout.write(`${SweepSummary.from(merged).format(merged.wallMs, { failuresShown: shown })}\n`);
  process.stdout.write('(wall time: the sum over the shards)\n');
  if (options.json !== undefined) {
    writeJsonFile('--json', options.json, merged);
    process.stdout.write(`summary written to ${options.json}\n`);
  }
  return merged.failed > 0 ? 1 : 0;
}
