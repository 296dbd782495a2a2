import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottlerGuard } from '../auth/guards/login-throttler.guard';
import { Public } from '../common/access/public.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { Transactional } from '../database/transaction-mode.decorator';
import type { RequestWithSignIn } from './sign-in-attempt';
import { SignInAttemptReader } from './sign-in-attempt-reader';
import { SignInThrottlerGuard } from './guards/sign-in-throttler.guard';
import { HostedPageErrorFilter } from './hosted-page-error.filter';
import { requestOriginOf } from '../common/http/request-origin';
import { pageHeaders } from './pages/page-layout';
import { SignInService, type InteractionView } from './sign-in.service';

/**
 * The provider's interaction pages (HTML, not part of the JSON API). Public: the provider's signed interaction
 * cookie says which sign-in request this is. Both routes may finish a sign-in, hence transactional. The POST
 * (password, code or passkey) is rate-limited per client IP like /auth/login (a counter of its own), then
 * read by SignInAttemptReader before the unit of work opens. A refusal on a page (a global guard's included) is a
 * page too (HostedPageErrorFilter). The passkey button's options are JSON (an API problem on refusal), rate-limited per client IP on a counter of their own like /auth/mfa/webauthn/options.
 */
@ApiExcludeController()
@Controller('oidc/interaction')
@Public()
export class InteractionController {
  constructor(private readonly signIn: SignInService) {}

  @Get(':uid')
  @Transactional()
  @UseFilters(HostedPageErrorFilter)
  async show(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientMeta() meta: RequestMeta,
  ): Promise<string | undefined> {
    return render(request, reply, await this.signIn.show(request, reply, meta));
  }

  @Post(':uid/passkey-options')
  @Transactional()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  passkeyOptions(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('uid') uid: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.signIn.passkeyOptions(request, reply, uid);
  }

  @Post(':uid')
  @Transactional()
  @UseFilters(HostedPageErrorFilter)
  @UseGuards(SignInThrottlerGuard, SignInAttemptReader)
  async submit(
    @Req() request: RequestWithSignIn,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientMeta() meta: RequestMeta,
  ): Promise<string | undefined> {
    const state = request.signIn ?? { details: null, attempt: { step: 'expired' as const } };
    return render(request, reply, await this.signIn.submit(request, reply, state, meta));
  }
}

/**
 * A page with scripts may run those of its own origin under /oidc/assets/: the origin the browser used (a
 * forged Host header only loosens the forger's own page).
 */
function render(
  request: FastifyRequest,
  reply: FastifyReply,
  view: InteractionView,
): string | undefined {
  if ('redirect' in view) {
    void reply.code(303).header('location', view.redirect);
    return undefined;
  }
  if (view.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(view.retryAfterSeconds))));
  void reply.code(view.status).headers(pageHeaders(view.scripts && requestOriginOf(request)));
  return view.html;
}
