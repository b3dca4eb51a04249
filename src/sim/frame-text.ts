// Frames as text: most services in a scenario speak UTF-8 frames, and every one of them
// otherwise repeats a TextEncoder and a TextDecoder. A missing frame reads as '' so a short
// message (a peer that sent fewer frames) never throws in a receive loop.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A frame as text (UTF-8); '' for a missing frame. */
export function text(frame: Uint8Array | undefined): string {
  return frame === undefined ? '' : decoder.decode(frame);
}

/** Text as a frame (UTF-8): `socket.send([identity, textFrame('pong')])`. */
export function textFrame(value: string): Uint8Array {
  if (typeof value !== 'string') throw new TypeError(`textFrame: expected a string, got ${value === null ? 'null' : typeof value}`);
  return encoder.encode(value);
}
