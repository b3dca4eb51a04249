// Durations in config files and on the command line, as DESIGN.md and Toto have them: a bare
// number is Toto's seconds (`worker_timeout = 10`), or the unit is explicit ("250ms", "1.5s",
// "2m", "1h", "1h30m"). The API holds milliseconds, so a parsed duration is a number of ms.

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The largest duration accepted: beyond it milliseconds stop being exact integers. */
export const DURATION_MS_MAX = Number.MAX_SAFE_INTEGER;

/** What a duration looks like, for "expected ..." messages and --help. */
export const DURATION_EXPECTED = 'a duration: seconds (10, 0.5) or with a unit (250ms, 1.5s, 2m, 1h)';

const PART = /\s*((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*/iy;

/** Milliseconds, or undefined when `text` is not a duration >= 0. */
export function parseDurationMs(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  let totalMs = 0;
  let parts = 0;
  let bareNumber = false;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (!match) return undefined;
    const unit = (match[2] as string).toLowerCase();
    const msPerUnit = unit === '' ? 1000 : MS_PER_UNIT[unit];
    if (msPerUnit === undefined) return undefined;
    bareNumber ||= unit === '';
    totalMs += Number(match[1]) * msPerUnit;
    parts++;
  }
  // "1h 30" would have to guess what 30 is: several parts each name their unit.
  if (parts > 1 && bareNumber) return undefined;
  return Number.isFinite(totalMs) && totalMs <= DURATION_MS_MAX ? totalMs : undefined;
}

/** The shortest exact text for `ms` in the largest whole unit: 3600000 -> "1h", 1500 -> "1500ms". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const per = MS_PER_UNIT[unit] as number;
    if (Number.isInteger(ms / per) && (ms / per) * per === ms) return `${ms / per}${unit}`;
  }
  return `${ms}ms`;
}
