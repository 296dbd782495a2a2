import { Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { TokenGrant } from './auth.service';

export const ACCESS_COOKIE = 'aegis_token';
export const REFRESH_COOKIE = 'aegis_refresh';
/** The refresh cookie is sent only to /auth routes: the rest of the API never sees it. */
const REFRESH_COOKIE_PATH = '/auth';

/** The SPA's credentials: HttpOnly, SameSite=Strict cookies, Secure per SECURE_COOKIES / AEGIS_ENV. */
@Injectable()
export class AuthCookies {
  private readonly base: CookieSerializeOptions;

  constructor(
    config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
  ) {
    this.base = { httpOnly: true, secure: config.secureCookies, sameSite: 'strict' };
  }

  /** Sets the cookies once the unit of work has committed, so a rolled-back login never hands out cookies. */
  issue(reply: FastifyReply, grant: TokenGrant): void {
    this.unitOfWork.onCommit(() => {
      void reply.setCookie(ACCESS_COOKIE, grant.accessToken, {
        ...this.base,
        path: '/',
        maxAge: grant.expiresIn,
      });
      if (grant.refreshToken !== undefined) {
        void reply.setCookie(REFRESH_COOKIE, grant.refreshToken, {
          ...this.base,
          path: REFRESH_COOKIE_PATH,
          maxAge: grant.refreshExpiresIn,
        });
      }
    });
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(ACCESS_COOKIE, { ...this.base, path: '/' });
    void reply.clearCookie(REFRESH_COOKIE, { ...this.base, path: REFRESH_COOKIE_PATH });
  }

  static accessToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[ACCESS_COOKIE] || undefined;
  }

  static refreshToken(request: FastifyRequest): string | undefined {
    return request.cookies?.[REFRESH_COOKIE] || undefined;
  }

  static bearerToken(request: FastifyRequest): string | undefined {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match?.[1];
  }
}
