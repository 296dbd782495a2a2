import { isIP } from 'node:net';
import { z } from 'zod';
import { bool, integer, isProduction, list, oneOf, raw } from './env-fields';

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
    RATE_LIMIT_IPV6_PREFIX: integer(64, 32, 128),
    ALLOW_INSECURE_PRODUCTION: bool(false),
  })
  .superRefine((env, ctx) => {
    // Production over plain HTTP leaks every cookie and token on the wire: refused unless said out loud (a TLS
    // terminator that is not a trusted proxy, a lab).
    if (!isProduction(env.AEGIS_ENV) || env.ALLOW_INSECURE_PRODUCTION) return;
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.SECURE_COOKIES === 'false')
      problem(
        'SECURE_COOKIES',
        'must not be false when AEGIS_ENV=production (or set ALLOW_INSECURE_PRODUCTION=true)',
      );
    for (const origin of env.CORS_ORIGINS.filter((entry) => entry.startsWith('http://')))
      problem(
        'CORS_ORIGINS',
        `entry "${origin}" is plain http:// when AEGIS_ENV=production (or set ALLOW_INSECURE_PRODUCTION=true)`,
      );
  })
  .transform((env) => ({
    secureCookies:
      env.SECURE_COOKIES === 'auto' ? isProduction(env.AEGIS_ENV) : env.SECURE_COOKIES === 'true',
    trustedProxies: env.TRUSTED_PROXIES,
    corsOrigins: env.CORS_ORIGINS,
    /** Serve the demo page and the browser client at /demo/ (SERVE_DEMO=true). */
    serveDemo: env.SERVE_DEMO,
    /** IPv6 clients are rate-limited and flood-counted by network: this many leading bits. */
    rateLimitIpv6PrefixBits: env.RATE_LIMIT_IPV6_PREFIX,
  }));
