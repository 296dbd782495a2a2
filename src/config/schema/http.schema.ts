import { isIP } from 'node:net';
import { z } from 'zod';
import { bool, isProduction, list, oneOf, raw } from './env-fields';

function isIpOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return Number.isInteger(bits) && bits >= 0 && bits <= (isIP(address) === 4 ? 32 : 128);
}

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    // Matched exactly: a "*" would never match anything, so it is refused rather than silently useless.
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.origin === entry &&
      !url.hostname.includes('*')
    );
  } catch {
    return false;
  }
}

/** What the HTTP layer trusts and serves: proxies, cross-origin callers, cookies, the demo page. */
export const httpSchema = z
  .object({
    AEGIS_ENV: raw(),
    SECURE_COOKIES: oneOf(['auto', 'true', 'false'], 'auto'),
    TRUSTED_PROXIES: list(isIpOrCidr, 'an IP address or CIDR'),
    CORS_ORIGINS: list(isOrigin, 'an origin like https://app.example.com'),
    SERVE_DEMO: bool(false),
  })
  .transform((env) => ({
    secureCookies:
      env.SECURE_COOKIES === 'auto' ? isProduction(env.AEGIS_ENV) : env.SECURE_COOKIES === 'true',
    trustedProxies: env.TRUSTED_PROXIES,
    corsOrigins: env.CORS_ORIGINS,
    /** Serve the demo page and the browser client at /demo/ (SERVE_DEMO=true). */
    serveDemo: env.SERVE_DEMO,
  }));
