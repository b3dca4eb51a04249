// A vitest setup file of the coverage run: a test process told to stop (SIGTERM, how vitest
// ends its forks) exits through process.exit, so Node writes its NODE_V8_COVERAGE file;
// killed by the signal's default action it would write nothing.

const FLAG = Symbol.for('toto-ts.coverage.flush-on-sigterm');
const registry = globalThis as { [FLAG]?: true };

if (!registry[FLAG]) {
  registry[FLAG] = true;
  process.on('SIGTERM', () => process.exit(143));
}
