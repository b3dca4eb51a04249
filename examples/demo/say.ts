// The demo's output: section titles flush left, what happened indented under them.

export function say(line: string): void {
  const indent = /^\d+\. /.test(line) ? '\n' : '   ';
  process.stdout.write(`${indent}${line}\n`);
}
