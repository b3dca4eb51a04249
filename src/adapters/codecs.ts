// Picks the codecs a service uses from configuration names (or custom implementations).
// Defaults: JSON (never pickle: decoding must not run code) and no compression. Toto
// zlib-compressed events by default; a deployment talking to Toto peers passes
// compression: 'zlib' for its event channel.

import { jsonSerialization, noCompression, type Compression, type Serialization } from '../core/codec.js';
import { checkFunction, checkOneOf, checkOptions, checkString } from '../core/validate.js';
import { msgpackSerialization } from './codec-msgpack.js';
import { zlibCompression } from './codec-zlib.js';

const serializations = { json: jsonSerialization, msgpack: msgpackSerialization } as const;
const compressions = { none: noCompression, zlib: zlibCompression } as const;

export type SerializationName = keyof typeof serializations;
export type CompressionName = keyof typeof compressions;

export interface CodecsOptions {
  /** A name or a custom implementation; default 'json'. */
  serialization?: SerializationName | Serialization;
  /** A name or a custom implementation; default 'none'. */
  compression?: CompressionName | Compression;
}

export interface Codecs {
  serialization: Serialization;
  compression: Compression;
}

export function createCodecs(options: CodecsOptions = {}): Codecs {
  checkOptions('codecs options', options, ['serialization', 'compression']);
  return {
    serialization: pickSerialization(options.serialization ?? 'json'),
    compression: pickCompression(options.compression ?? 'none'),
  };
}

function pickSerialization(value: unknown): Serialization {
  if (isObject(value)) {
    checkString('serialization.name', value.name);
    checkString('serialization.mime', value.mime);
    checkFunction('serialization.dumps', value.dumps);
    checkFunction('serialization.loads', value.loads);
    return value as unknown as Serialization;
  }
  checkOneOf('serialization', value, Object.keys(serializations) as SerializationName[]);
  return serializations[value];
}

function pickCompression(value: unknown): Compression {
  if (isObject(value)) {
    checkString('compression.name', value.name);
    checkFunction('compression.compress', value.compress);
    checkFunction('compression.decompress', value.decompress);
    return value as unknown as Compression;
  }
  checkOneOf('compression', value, Object.keys(compressions) as CompressionName[]);
  return compressions[value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
