import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';

/**
 * The login challenge between the password and the code steps of the hosted sign-in: its token (only its hash is
 * stored) in an HttpOnly, SameSite=Strict cookie, never in the page. The value names the interaction it was
 * issued for, so a challenge only answers the sign-in whose password step started it. `__Host-` when cookies
 * are secure (Path=/, no Domain: no sibling site can plant one).
 */
@Injectable()
export class SignInChallengeCookie {
  private readonly name: string;
  private readonly secure: boolean;

  constructor(config: AppConfig) {
    this.secure = config.secureCookies;
    this.name = this.secure ? '__Host-aegis_oidc_mfa' : 'aegis_oidc_mfa';
  }

  /** Set at once: the challenge was stored in a transaction of its own. */
  issue(reply: FastifyReply, interactionUid: string, token: string, maxAgeSeconds: number): void {
    void reply.setCookie(this.name, `${interactionUid}.${token}`, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'strict',
      path: '/',
      maxAge: maxAgeSeconds,
    });
  }

  /** The challenge token for this interaction, if the browser holds one. */
  read(request: FastifyRequest, interactionUid: string): string | undefined {
    const value = request.cookies?.[this.name];
    if (!value) return undefined;
    const dot = value.indexOf('.');
    return dot > 0 && value.slice(0, dot) === interactionUid ? value.slice(dot + 1) : undefined;
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(this.name, {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'strict',
      path: '/',
    });
  }
}
