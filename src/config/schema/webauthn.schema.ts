import { z } from 'zod';
import { list, optionalText, raw, trimmed } from './env-fields';

/** A DNS name as WebAuthn takes it for an RP ID: lower-case labels, no scheme, port or trailing dot. */
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry;
  } catch {
    return false;
  }
}

/** Whether a page at `origin` may use credentials scoped to `rpId` (the host is the RP ID or under it). */
export function originFitsRpId(origin: string, rpId: string): boolean {
  const host = new URL(origin).hostname;
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * Passkeys (WebAuthn): the relying party's ID and the page origins whose ceremonies are accepted. By default
 * both come from PUBLIC_URL (its host, its origin); outside production without PUBLIC_URL, from the request.
 */
export const webauthnSchema = z
  .object({
    PUBLIC_URL: raw(),
    WEBAUTHN_RP_ID: optionalText(),
    WEBAUTHN_ORIGINS: list(isOrigin, 'an origin like https://app.example.com'),
  })
  .superRefine((env, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    const rpId = env.WEBAUTHN_RP_ID;
    if (rpId === undefined) {
      if (env.WEBAUTHN_ORIGINS.length > 0 && trimmed(env.PUBLIC_URL) === undefined)
        problem('WEBAUTHN_ORIGINS', 'needs WEBAUTHN_RP_ID or PUBLIC_URL (the RP ID they share)');
      return;
    }
    if (!DOMAIN.test(rpId)) {
      problem('WEBAUTHN_RP_ID', `must be a domain name like example.com (got "${rpId}")`);
      return;
    }
    const publicUrl = trimmed(env.PUBLIC_URL);
    const origins = [...(publicUrl && isOrigin(publicUrl) ? [publicUrl] : [])];
    for (const origin of [...origins, ...env.WEBAUTHN_ORIGINS.filter(isOrigin)]) {
      if (!originFitsRpId(origin, rpId))
        problem('WEBAUTHN_RP_ID', `must be the host of ${origin} or a parent domain of it`);
    }
  })
  .transform((env) => {
    const publicUrl = trimmed(env.PUBLIC_URL);
    const publicHost = publicUrl ? safeHostname(publicUrl) : undefined;
    return {
      webauthn: {
        /** The RP ID credentials are scoped to; undefined: the host of each request (development only). */
        rpId: env.WEBAUTHN_RP_ID ?? publicHost,
        /** Page origins accepted besides PUBLIC_URL (an SPA on a sibling host sharing the RP ID). */
        extraOrigins: env.WEBAUTHN_ORIGINS,
      },
    };
  });

function safeHostname(value: string): string | undefined {
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
}
