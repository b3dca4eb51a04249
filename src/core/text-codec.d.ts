// The pure core type-checks with "types": [], so the WHATWG text codecs (present in every JS
// runtime, no I/O) are declared here with just the members codec.ts uses.

interface TextEncoder {
  encode(input?: string): Uint8Array;
}

interface TextDecoder {
  decode(input?: Uint8Array): string;
}

// `var`, as lib.dom declares them, so this merges with @types/node's globals where both are loaded.
/* eslint-disable no-var */
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};
/* eslint-enable no-var */
