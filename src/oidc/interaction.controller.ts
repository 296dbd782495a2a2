import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/public.decorator';
import { ClientMeta, type RequestMeta } from '../common/http/request-meta';
import { Transactional } from '../database/transaction-mode.decorator';
import { SignInStepGuard, type RequestWithSignIn } from './guards/sign-in-step.guard';
import { SignInThrottlerGuard } from './guards/sign-in-throttler.guard';
import { PAGE_CSP } from './pages/page-layout';
import { SignInService, type InteractionView } from './sign-in.service';

/**
 * The provider's interaction pages (HTML, not part of the JSON API). Public: the provider's signed interaction
 * cookie says which sign-in request this is. Both routes may finish a sign-in, hence transactional. The POST
 * (password or code) is rate-limited per client IP like /auth/login, then prepared by SignInStepGuard before
 * the unit of work opens.
 */
@ApiExcludeController()
@Controller('oidc/interaction')
@Public()
export class InteractionController {
  constructor(private readonly signIn: SignInService) {}

  @Get(':uid')
  @Transactional()
  async show(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientMeta() meta: RequestMeta,
  ): Promise<string | undefined> {
    return render(reply, await this.signIn.show(request, reply, meta));
  }

  @Post(':uid')
  @Transactional()
  @UseGuards(SignInThrottlerGuard, SignInStepGuard)
  async submit(
    @Req() request: RequestWithSignIn,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ClientMeta() meta: RequestMeta,
  ): Promise<string | undefined> {
    const state = request.signIn ?? { details: null, attempt: { step: 'expired' as const } };
    return render(reply, await this.signIn.submit(request, reply, state, meta));
  }
}

function render(reply: FastifyReply, view: InteractionView): string | undefined {
  if ('redirect' in view) {
    void reply.code(303).header('location', view.redirect);
    return undefined;
  }
  if (view.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(Math.max(1, Math.ceil(view.retryAfterSeconds))));
  void reply
    .code(view.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP);
  return view.html;
}
