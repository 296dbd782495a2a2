import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../duration';

type Raw = string | undefined;

/** A value that breaks a rule: `rule` reads after the variable's name ("must be …"), `fallback` keeps the rest checkable. */
interface Invalid<T> {
  invalid: true;
  rule: string;
  fallback: T;
}

const invalid = <T>(rule: string, fallback: T): Invalid<T> => ({ invalid: true, rule, fallback });

const isInvalid = <T>(result: T | Invalid<T>): result is Invalid<T> =>
  typeof result === 'object' && result !== null && (result as Invalid<T>).invalid === true;

/** Unset and blank are the same: an empty line in .env means "use the default". */
export const trimmed = (value: Raw): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * One environment variable. A broken rule becomes an issue that does not stop parsing, and the field takes its
 * fallback: every other variable, and every cross-field rule (superRefine), is still checked, so one message
 * names everything that is wrong. The variable's name comes from the issue's path (see formatIssue).
 */
function variable<T>(read: (text: string | undefined) => T | Invalid<T>) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T => {
      const result = read(trimmed(value));
      if (!isInvalid(result)) return result;
      ctx.addIssue({ code: 'custom', message: result.rule, input: value, continue: true });
      return result.fallback;
    });
}

/** The problem line of an issue: the variable's name (the last path segment), then the rule it broke. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.at(-1);
  return name === undefined ? issue.message : `${String(name)} ${issue.message}`;
}

/** The trimmed text, or `fallback` when unset. */
export const text = (fallback: string) => variable((value) => value ?? fallback);

/** The trimmed text, or undefined when unset (validated by the section when it must be). */
export const optionalText = () => variable((value) => value);

/** Exactly what was given (a password may start or end with a space); undefined when unset or empty. */
export const untrimmed = () =>
  z
    .string()
    .optional()
    .transform((value) => value || undefined);

/** A folder, resolved against the working directory. */
export const folder = (fallback: string) => variable((value) => resolve(value ?? fallback));

export const integer = (fallback: number, min: number, max: number) =>
  variable((value) => {
    if (value === undefined) return fallback;
    const number = Number(value);
    return Number.isInteger(number) && number >= min && number <= max
      ? number
      : invalid(`must be an integer between ${min} and ${max} (got "${value}")`, fallback);
  });

/** An integer in range, or undefined when unset. */
export const optionalInteger = (min: number, max: number) =>
  variable<number | undefined>((value) => {
    if (value === undefined) return undefined;
    const number = Number(value);
    return Number.isInteger(number) && number >= min && number <= max
      ? number
      : invalid(`must be an integer between ${min} and ${max} (got "${value}")`, undefined);
  });

/** A duration such as `30s`, `15m` or `12h`, in milliseconds, at least `minMs`. */
export const duration = (fallback: string, minMs = 1_000) =>
  variable((value) => {
    const ms = parseDuration(value ?? fallback);
    return ms !== undefined && ms >= minMs
      ? ms
      : invalid(
          `must be a duration like 30s, 15m or 12h, at least ${minMs / 1000}s (got "${value ?? fallback}")`,
          parseDuration(fallback)!,
        );
  });

/** One of `allowed`, case-insensitive. */
export const oneOf = <const T extends string>(allowed: readonly T[], fallback: T) =>
  variable((value) => {
    const choice = (value ?? fallback).toLowerCase() as T;
    return allowed.includes(choice)
      ? choice
      : invalid(`must be one of ${allowed.join(', ')} (got "${value}")`, fallback);
  });

export const bool = (fallback: boolean) =>
  variable((value) => {
    const word = value?.toLowerCase();
    if (word === undefined) return fallback;
    if (['true', '1', 'yes'].includes(word)) return true;
    if (['false', '0', 'no'].includes(word)) return false;
    return invalid(`must be true or false (got "${value}")`, fallback);
  });

/**
 * A comma-separated list; every entry must pass `accepts`, else one issue per bad entry. `what` completes
 * `entry "x" is not …`.
 */
export const list = (accepts: (entry: string) => boolean, what: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const entries = (trimmed(value) ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      for (const entry of entries) {
        if (!accepts(entry))
          ctx.addIssue({
            code: 'custom',
            message: `entry "${entry}" is not ${what}`,
            input: value,
            continue: true,
          });
      }
      return entries;
    });

/**
 * A secret of at least `minBytes`, or undefined when unset. Problem lines give its length, never its value.
 */
export const secret = (minBytes: number) =>
  variable<string | undefined>((value) =>
    value === undefined || Buffer.byteLength(value) >= minBytes
      ? value
      : invalid(`must be at least ${minBytes} bytes (got ${Buffer.byteLength(value)})`, value),
  );

/**
 * A URL whose scheme must match. Problem lines show the scheme only: the rest may carry a password.
 * `rule` completes "must be …".
 */
export const url = (scheme: RegExp, rule: string) =>
  variable<string | undefined>((value) => {
    if (value === undefined || scheme.test(value)) return value;
    const given = /^([a-z][a-z0-9+.-]*:)/i.exec(value)?.[1];
    return invalid(
      `must be ${rule} (got ${given ? `a "${given}" URL` : 'no URL scheme'})`,
      undefined,
    );
  });

/**
 * Whether AEGIS_ENV says production, read the way the server section validates it (trimmed, any case). Sections
 * whose rules depend on it read the raw variable; an invalid value is reported once, by the server section.
 */
export const isProduction = (aegisEnv: Raw): boolean =>
  trimmed(aegisEnv)?.toLowerCase() === 'production';

/** The raw text of a variable another section validates, for a cross-field rule. */
export const raw = () => z.string().optional();
