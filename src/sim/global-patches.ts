// Replaces properties of process-wide objects (globals, builtin modules' export objects) and
// puts every one back, in reverse order. After patching the CommonJS export objects of
// builtins, syncBuiltinESMExports() updates the ESM live bindings, so code that did
// `import { setTimeout } from 'node:timers'` reads the replacement at its next call.

import { syncBuiltinESMExports } from 'node:module';

interface Saved {
  target: object;
  key: PropertyKey;
  /** The own property as it was; undefined when the value came from the prototype chain (or nowhere). */
  descriptor: PropertyDescriptor | undefined;
}

export class GlobalPatches {
  private readonly saved: Saved[] = [];
  private builtins = false;

  /** Makes `target[key]` read `value` (an own, configurable, writable property) until restore(). */
  set(target: object, key: PropertyKey, value: unknown): void {
    this.saved.push({ target, key, descriptor: Object.getOwnPropertyDescriptor(target, key) });
    Object.defineProperty(target, key, { configurable: true, enumerable: true, writable: true, value });
  }

  /** Makes `target[key]` a getter until restore() (performance.timeOrigin). */
  getter(target: object, key: PropertyKey, get: () => unknown): void {
    this.saved.push({ target, key, descriptor: Object.getOwnPropertyDescriptor(target, key) });
    Object.defineProperty(target, key, { configurable: true, enumerable: true, get });
  }

  /** Like set(), on a builtin module's CommonJS export object: ESM bindings follow after sync(). */
  setBuiltin(exports: object, key: string, value: unknown): void {
    this.builtins = true;
    this.set(exports, key, value);
  }

  /** Pushes the builtin export objects' current properties to their ESM namespaces. */
  sync(): void {
    if (this.builtins) syncBuiltinESMExports();
  }

  /** Restores every patched property, newest first, and re-syncs the ESM bindings. */
  restore(): void {
    for (let i = this.saved.length - 1; i >= 0; i--) {
      const { target, key, descriptor } = this.saved[i] as Saved;
      if (descriptor) Object.defineProperty(target, key, descriptor);
      else delete (target as Record<PropertyKey, unknown>)[key];
    }
    this.saved.length = 0;
    this.sync();
    this.builtins = false;
  }
}
