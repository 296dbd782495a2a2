const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `30s`, `15m`, `12h` or `7d` into milliseconds.
 * A bare number is read as seconds. Returns `undefined` for anything else,
 * so the caller can report which variable was wrong.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_MS;
  const value = Number(match[1]) * UNIT_MS[unit];
  return Number.isSafeInteger(value) ? value : undefined;
}
