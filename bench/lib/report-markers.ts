// Writes a suite's generated block into BENCHMARKS.md between `<!-- bench:<suite>:start -->` and
// `<!-- bench:<suite>:end -->`. The hand-written analysis around it is never touched: on the first
// write the markers go right under the suite's section heading (`## <suite>: ...`), afterwards only
// the text between them is replaced.

export function startMarker(suite: string): string {
  return `<!-- bench:${suite}:start -->`;
}

export function endMarker(suite: string): string {
  return `<!-- bench:${suite}:end -->`;
}

/** The index of the line `## <suite>` or `## <suite>: ...`, or -1. */
function sectionHeading(lines: string[], suite: string): number {
  return lines.findIndex((line) => line.startsWith(`## ${suite}`) && /^(:|\s|$)/.test(line.slice(3 + suite.length)));
}

/** `doc` with the suite's block set to `block`; everything outside the markers stays byte for byte. */
export function replaceBlock(doc: string, suite: string, block: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(suite)) throw new RangeError(`bench report: suite: expected a lower-case name like task-queue, got ${JSON.stringify(suite)}`);
  const start = startMarker(suite);
  const end = endMarker(suite);
  const body = block.replace(/\n+$/, '');
  const startAt = doc.indexOf(start);
  const endAt = doc.indexOf(end);
  if (startAt >= 0 || endAt >= 0) {
    if (startAt < 0 || endAt < 0 || endAt < startAt || doc.indexOf(start, startAt + 1) >= 0 || doc.indexOf(end, endAt + 1) >= 0) {
      throw new Error(`bench report: BENCHMARKS.md has a broken pair of ${suite} markers (expected one ${start} before one ${end}); fix them by hand`);
    }
    return `${doc.slice(0, startAt + start.length)}\n${body}\n${doc.slice(endAt)}`;
  }
  const fresh = `${start}\n${body}\n${end}`;
  const lines = doc.split('\n');
  const heading = sectionHeading(lines, suite);
  if (heading < 0) {
    // No section yet: a new one at the end, so the block has a home a person can write around.
    return `${doc.replace(/\n*$/, '')}\n\n## ${suite}\n\n${fresh}\n`;
  }
  lines.splice(heading + 1, 0, '', fresh);
  return lines.join('\n');
}
