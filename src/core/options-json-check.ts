// Where JSON text first goes wrong. JSON.parse says what is wrong but, on Node 20, often not
// where; a config file error must name its line, so this walks the grammar (iteratively, so a
// deeply nested file cannot exhaust the stack) and returns the offset of the first bad character.

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The offset just past the string starting at `start`, or -(offset of the error) - 1. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -i - 1;
    if (c === 0x5c) {
      ESCAPE.lastIndex = i;
      if (!ESCAPE.test(text)) return -i - 1;
      i = ESCAPE.lastIndex;
    } else {
      i++;
    }
  }
  return -i - 1;
}

/** The offset of the first character that is not valid JSON, or -1 when `text` is valid JSON. */
export function jsonErrorOffset(text: string): number {
  const stack: string[] = [];
  let state: 'value' | 'after' | 'key' = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
    const c = text[i];
    if (state === 'key') {
      if (c !== '"') return i;
      i = skipString(text, i);
      if (i < 0) return -i - 1;
      while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
      if (text[i] !== ':') return i;
      i++;
      state = 'value';
    } else if (state === 'value') {
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? '}' : ']');
        i++;
        while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
        if (text[i] === stack.at(-1)) {
          stack.pop();
          i++;
          state = 'after';
        } else {
          state = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (c === '"') {
        i = skipString(text, i);
        if (i < 0) return -i - 1;
      } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
        i += 4;
      } else if (text.startsWith('false', i)) {
        i += 5;
      } else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return i;
        i = NUMBER.lastIndex;
      }
      state = 'after';
    } else {
      const close = stack.at(-1);
      if (close === undefined) return i === text.length ? -1 : i;
      if (c === ',') {
        state = close === '}' ? 'key' : 'value';
      } else if (c !== close) {
        return i;
      } else {
        stack.pop();
      }
      i++;
    }
  }
}
