// Frames as text: the example services speak UTF-8 frames.

const decoder = new TextDecoder();

export function frameText(frame: Uint8Array | undefined): string {
  return frame === undefined ? '' : decoder.decode(frame);
}
