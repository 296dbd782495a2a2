import type { Response } from 'supertest';

export interface SetCookie {
  value: string;
  attributes: Record<string, string | true>;
}

/** The Set-Cookie headers of a response, by cookie name, with lower-cased attribute names. */
export function setCookiesOf(response: Response): Record<string, SetCookie> {
  const header = response.headers['set-cookie'] as string[] | string | undefined;
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const cookies: Record<string, SetCookie> = {};
  for (const line of lines) {
    const [pair, ...attributeParts] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const part of attributeParts) {
      const [key, ...rest] = part.split('=');
      attributes[key.toLowerCase()] = rest.length > 0 ? rest.join('=') : true;
    }
    cookies[pair.slice(0, eq)] = { value: pair.slice(eq + 1), attributes };
  }
  return cookies;
}

/** A Cookie request header from name/value pairs. */
export function cookieHeader(cookies: Record<string, string | undefined>): string {
  return Object.entries(cookies)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}
