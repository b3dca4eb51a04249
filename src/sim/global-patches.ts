// Replaces properties of process-wide objects (globals, builtin modules' export objects) and
// puts every one back, in reverse order. After patching the CommonJS export objects of
// builtins, syncBuiltinESMExports() updates the ESM live bindings, so code that did
// `import { setTimeout } from 'node:timers'` reads the replacement at its next call.
// The replacement values can be built once and recorded (PatchRecorder), then applied for each
// run with apply(): building them (closures, wrappers, a fake Date) cost more than applying them.

import { syncBuiltinESMExports } from 'node:module';

interface Saved {
  target: object;
  key: PropertyKey;
  /** The own property as it was; undefined when the value came from the prototype chain (or nowhere). */
  descriptor: PropertyDescriptor | undefined;
}

/** Where patches are described: a GlobalPatches applies them, a PatchRecorder keeps them to apply later. */
export interface PatchSink {
  set(target: object, key: PropertyKey, value: unknown): void;
  getter(target: object, key: PropertyKey, get: () => unknown): void;
  setBuiltin(exports: object, key: string, value: unknown): void;
}

/** One recorded patch. */
export interface PatchOp {
  how: 'set' | 'getter' | 'builtin' | 'assign';
  target: object;
  key: PropertyKey;
  value: unknown;
}

/** Records patches to apply later, as many times as needed (GlobalPatches.apply). */
export class PatchRecorder implements PatchSink {
  readonly ops: PatchOp[] = [];

  set(target: object, key: PropertyKey, value: unknown): void {
    this.ops.push({ how: 'set', target, key, value });
  }

  getter(target: object, key: PropertyKey, get: () => unknown): void {
    this.ops.push({ how: 'getter', target, key, value: get });
  }

  setBuiltin(exports: object, key: string, value: unknown): void {
    this.ops.push({ how: 'builtin', target: exports, key, value });
  }

  /** Like GlobalPatches.assign. */
  assign(target: object, key: PropertyKey, value: unknown): void {
    this.ops.push({ how: 'assign', target, key, value });
  }
}

export class GlobalPatches implements PatchSink {
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

  /** Makes `target[key]` read `value` keeping the property's attributes (as plain assignment does: globalThis.Date stays non-enumerable). */
  assign(target: object, key: PropertyKey, value: unknown): void {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    this.saved.push({ target, key, descriptor });
    if (descriptor !== undefined && 'value' in descriptor) Object.defineProperty(target, key, { ...descriptor, value });
    else Object.defineProperty(target, key, { configurable: true, enumerable: true, writable: true, value });
  }

  /** Applies recorded patches, in their order. */
  apply(ops: readonly PatchOp[]): void {
    for (const op of ops) {
      if (op.how === 'set') this.set(op.target, op.key, op.value);
      else if (op.how === 'getter') this.getter(op.target, op.key, op.value as () => unknown);
      else if (op.how === 'builtin') this.setBuiltin(op.target, op.key as string, op.value);
      else this.assign(op.target, op.key, op.value);
    }
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
