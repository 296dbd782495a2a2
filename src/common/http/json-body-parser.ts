import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ValidationError } from '../errors/domain-error';

/** No request body of Aegis nests deeper than a few levels; 32 leaves room and bounds the parser's recursion. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), stopping once past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

/**
 * JSON bodies through Fastify's own safe parser (prototype poisoning refused), after a linear scan that
 * refuses nesting deeper than {@link MAX_JSON_DEPTH}: 5,000 nested arrays would otherwise reach validation
 * and end as a 500 with a stack trace in the log. Refused as 400 `JSON_TOO_DEEP`, logged as nothing worse
 * than a client error.
 */
export function registerJsonBodyParser(app: NestFastifyApplication): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', {}, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(
        new ValidationError(
          `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
          undefined,
          'JSON_TOO_DEEP',
        ),
        undefined,
      );
      return;
    }
    void parse(request as Parameters<typeof parse>[0], text, done);
  });
}
