import { Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { TokenGrant } from './session-grants.service';

export interface AuthCookieNames {
  access: string;
  refresh: string;
}

/** The refresh cookie is sent only to /auth routes: the rest of the API never sees it. */
const REFRESH_COOKIE_PATH = '/auth';

/**
 * Secure cookies carry the prefixes browsers enforce: `__Host-` (Secure, Path=/, no Domain: no subdomain
 * or plain-HTTP page can plant or overwrite it) and `__Secure-` for the refresh cookie, whose Path is /auth.
 * Over plain HTTP in development the prefixes would be refused by the browser, so the names are plain.
 * Only the configured names are read: a plain-named cookie planted next to a prefixed one is ignored.
 */
export function authCookieNames(secure: boolean): AuthCookieNames {
  return secure
    ? { access: '__Host-aegis_token', refresh: '__Secure-aegis_refresh' }
    : { access: 'aegis_token', refresh: 'aegis_refresh' };
}

/** The SPA's credentials: HttpOnly, SameSite=Strict cookies, Secure per SECURE_COOKIES / AEGIS_ENV. */
@Injectable()
export class AuthCookies {
  readonly names: AuthCookieNames;
  private readonly base: CookieSerializeOptions;

  constructor(
    config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
  ) {
    this.names = authCookieNames(config.secureCookies);
    this.base = { httpOnly: true, secure: config.secureCookies, sameSite: 'strict' };
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
          path: REFRESH_COOKIE_PATH,
          maxAge: grant.refreshExpiresIn,
        });
      }
    });
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.names.access, { ...this.base, path: '/' });
    void reply.clearCookie(this.names.refresh, { ...this.base, path: REFRESH_COOKIE_PATH });
  }

  accessToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.names.access] || undefined;
  }

  refreshToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[this.names.refresh] || undefined;
  }

  static bearerToken(request: FastifyRequest): string | undefined {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match?.[1];
  }
}
