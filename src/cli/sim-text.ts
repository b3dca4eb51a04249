// Text a sweep prints: numbers with a unit are shown rounded (`592.67ms`), never as the raw
// float a computation left (`592.6700000000001ms`), whoever wrote the message.

/** Decimals kept in a time shown in a message. */
const DECIMALS = 2;

/** `592.6700000000001ms` -> `592.67ms`, `1400.0000000002ms` -> `1400ms`; other text is left as is. */
export function roundTimes(text: string): string {
  return text.replace(/(\d+\.\d{3,})(?=\s?(ms|s|us|µs|ns)\b)/g, (digits) => String(Number(Number(digits).toFixed(DECIMALS))));
}

