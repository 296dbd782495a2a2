import { Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { TokenGrant } from './session-grants.service';

export interface AuthCookieNames {
  access: string;
  refresh: string;
  device: string;
  /** The login challenge between password and second factor. */
  mfa: string;
}

/** Over plain HTTP (development) the refresh and device cookies are sent only to /auth routes. */
const AUTH_COOKIE_PATH = '/auth';
/** The device cookie outlives sessions: it only says "this browser signed in to this account before". */
const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Secure cookies are all `__Host-` (Secure, Path=/, no Domain): a browser refuses such a cookie from a
 * sibling subdomain or a plain-HTTP page, so none can be planted beside Aegis's (`__Secure-` would still
 * admit `Domain=`). Over plain HTTP in development the prefixes would be refused by the browser, so the names
 * are plain; there a planted duplicate is refused instead ({@link AuthCookies.duplicated}).
 * Only the configured names are read: a plain-named cookie planted next to a prefixed one is ignored.
 */
export function authCookieNames(secure: boolean): AuthCookieNames {
  return secure
    ? {
        access: '__Host-aegis_token',
        refresh: '__Host-aegis_refresh',
        device: '__Host-aegis_device',
        mfa: '__Host-aegis_mfa',
      }
    : { access: 'aegis_token', refresh: 'aegis_refresh', device: 'aegis_device', mfa: 'aegis_mfa' };
}

/** The response header of routes that set or clear the session cookies, for the OpenAPI document. */
export const SESSION_COOKIE_HEADERS = {
  'Set-Cookie': {
    description:
      'The access cookie (`aegis_token`, Path=/) and the refresh cookie (`aegis_refresh`, Path=/auth), both ' +
      'HttpOnly and SameSite=Strict (`__Host-` names with Secure cookies); cleared on logout.',
    schema: { type: 'string' },
  },
};

/** The SPA's credentials: HttpOnly, SameSite=Strict cookies, Secure per SECURE_COOKIES / AEGIS_ENV. */
@Injectable()
export class AuthCookies {
  readonly names: AuthCookieNames;
  private readonly base: CookieSerializeOptions;
  private readonly scopedPath: string;

  constructor(
    config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
  ) {
    this.names = authCookieNames(config.secureCookies);
    this.base = { httpOnly: true, secure: config.secureCookies, sameSite: 'strict' };
    this.scopedPath = config.secureCookies ? '/' : AUTH_COOKIE_PATH;
  }

  /** Sets the cookies once the unit of work has committed, so a rolled-back login never hands out cookies. */
  issue(reply: FastifyReply, grant: TokenGrant): void {
    this.unitOfWork.onCommit(() => {
      void reply.setCookie(this.names.access, grant.accessToken, {
        ...this.base,
        path: '/',
        maxAge: grant.expiresIn,
      });
      if (grant.refreshToken !== undefined) {
        void reply.setCookie(this.names.refresh, grant.refreshToken, {
          ...this.base,
          path: this.scopedPath,
          maxAge: grant.refreshExpiresIn,
        });
      }
      if (grant.deviceToken !== undefined) {
        void reply.setCookie(this.names.device, grant.deviceToken, {
          ...this.base,
          path: this.scopedPath,
          maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
        });
      }
    });
  }

  /**
   * The login challenge's token, set at once: the answer that carries it is an error (401 MFA_REQUIRED), whose
   * unit of work rolls back, and the challenge itself was stored in a transaction of its own.
   */
  issueMfaChallenge(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
    void reply.setCookie(this.names.mfa, token, {
      ...this.base,
      path: this.scopedPath,
      maxAge: maxAgeSeconds,
    });
  }

  /** Clears the challenge cookie once the challenge is answered. */
  clearMfaChallenge(reply: FastifyReply): void {
    this.unitOfWork.onCommit(() => {
      void reply.clearCookie(this.names.mfa, { ...this.base, path: this.scopedPath });
    });
  }

  /** Ends the session cookies (the device cookie stays: it is not a credential). */
  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.names.access, { ...this.base, path: '/' });
    void reply.clearCookie(this.names.refresh, { ...this.base, path: this.scopedPath });
  }

  /**
   * Clears every Aegis cookie this request carried, wherever it was planted: for each prefix of the request
   * path (the only paths whose cookies the browser sent) and, for unprefixed names, for each parent domain of
   * the host (a sibling subdomain can set `Domain=` its parent). Used when a name arrived twice.
   */
  clearEverywhere(request: FastifyRequest, reply: FastifyReply): void {
    const names = this.allNames;
    for (const path of pathPrefixes(request.url)) {
      for (const name of names) {
        void reply.clearCookie(name, { ...this.base, path });
        if (name.startsWith('__Host-')) continue;
        for (const domain of parentDomains(request.hostname)) {
          void reply.clearCookie(name, { ...this.base, path, domain });
        }
      }
    }
  }

  /**
   * Aegis cookie names that appear more than once in the Cookie header. A browser sends two cookies of one
   * name when another site planted its own (longer paths first): picking either would let a sibling site
   * choose the session, so such a request is refused.
   */
  duplicated(request: FastifyRequest): string[] {
    const header = request.headers.cookie;
    if (header === undefined) return [];
    const counts = new Map<string, number>();
    for (const pair of header.split(';')) {
      const name = pair.split('=', 1)[0].trim();
      if (this.allNames.includes(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return [...counts].filter(([, count]) => count > 1).map(([name]) => name);
  }

  private get allNames(): string[] {
    return [this.names.access, this.names.refresh, this.names.device, this.names.mfa];
  }

  accessToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.names.access] || undefined;
  }

  refreshToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.names.refresh] || undefined;
  }

  mfaToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.names.mfa] || undefined;
  }

  deviceToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.names.device] || undefined;
  }

  static bearerToken(request: FastifyRequest): string | undefined {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match?.[1];
  }
}

/** `/auth/refresh` → `/`, `/auth`, `/auth/`, `/auth/refresh`. */
function pathPrefixes(url: string): string[] {
  const path = url.split('?', 1)[0];
  const prefixes = new Set(['/']);
  let at = path.indexOf('/', 1);
  while (at !== -1) {
    prefixes.add(path.slice(0, at));
    prefixes.add(path.slice(0, at + 1));
    at = path.indexOf('/', at + 1);
  }
  prefixes.add(path);
  return [...prefixes];
}

/** `app.aegis.test` → `aegis.test` (never a bare top-level label, an IP address or localhost). */
function parentDomains(hostname: string): string[] {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':')) return [];
  const labels = hostname.split('.');
  const domains: string[] = [];
  for (let index = 1; index < labels.length - 1; index++)
    domains.push(labels.slice(index).join('.'));
  return domains;
}
