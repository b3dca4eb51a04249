// Proves the zeromq addon loads from the prebuilt binary shipped in the package (no install script, no cmake build) and is libzmq 4.3.x.
import { existsSync, readFileSync } from 'node:fs';
import { platform, arch } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/run-process.js';

describe('zeromq addon', () => {
  it('reports libzmq 4.3.x', () => {
    expect(zmq.version).toMatch(/^4\.3\.\d+$/);
  });

  it('needs no install script: package.json denies it and no source build happened', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    expect(pkg.allowScripts.zeromq).toBe(false);
    // cmake-ts stages a source build here; a prebuilt-only install never creates it.
    expect(existsSync(join(repoRoot, 'node_modules/zeromq/staging'))).toBe(false);
  });

  it.runIf(platform() === 'linux')('is mapped from the shipped prebuilt for this platform and arch', () => {
    // Touch the addon so it is certainly loaded, then find the file the process mapped.
    expect(new zmq.Context().ioThreads).toBe(1);
    const mapped = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((line) => line.split(/\s+/).slice(5).join(' '))
      .filter((path) => path.endsWith('addon.node'));
    expect(mapped.length).toBeGreaterThan(0);
    const prebuilt = join(repoRoot, 'node_modules/zeromq/build', platform(), arch(), 'node') + '/';
    expect(mapped[0]!.startsWith(prebuilt)).toBe(true);
  });
});
